# gonote: `make demo` runs the main job, `make test` the tests.
GO      ?= go
PYTHON  := /usr/bin/python3
BIN     := bin/gonote
# The tests install their own kernelspec in a private Jupyter data dir (tests/harness.py).
export GONOTE_BIN := $(CURDIR)/$(BIN)

# Debian packages the tests and the demo need (Python comes from apt only; gcc and g++
# for cgo: the kernel's early port binding, OpenBLAS and the CUDA kernels' CPU emulator).
DEB_PACKAGES := jupyter-client python3-jupyter-client python3-jupyter-kernel-test \
	python3-ipykernel python3-nbclient python3-nbformat jupyter-nbconvert jupyter-console \
	jupyter-notebook chromium python3-torch python3-numpy python3-pil libopenblas-dev \
	gcc g++

# Matmul goes through OpenBLAS (opened with dlopen at the first product) when libopenblas-dev is
# installed, else through gonum's pure-Go BLAS; `make BUILD_TAGS=` forces the latter.
# Recursive, so it is evaluated after `deps` has run.
BUILD_TAGS ?= $(shell dpkg-query -W -f='$${Status}' libopenblas-dev 2>/dev/null | grep -q 'install ok installed' && echo openblas)

.PHONY: build install uninstall test test-go test-protocol demo notebook deps bench-deps bench clean build-cuda test-cuda-build

build:
	$(GO) build -tags '$(BUILD_TAGS)' -o $(BIN) .

install: build
	$(BIN) install --user

uninstall:
	$(BIN) uninstall --user

# ensure-debs installs the Debian packages of $(1) that are missing, saying which.
define ensure-debs
@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call ensure-debs,$(DEB_PACKAGES))

# The benchmarks' peers: matplotlib for plots (NumPy comes with it).
BENCH_PACKAGES := python3-matplotlib python3-numpy

bench-deps: deps
	$(call ensure-debs,$(BENCH_PACKAGES))

test: deps build test-go test-protocol test-cuda-build

test-go:
	$(GO) vet -tags '$(BUILD_TAGS)' ./...
	$(GO) test -tags '$(BUILD_TAGS)' ./...

# TESTS picks what to run, e.g. make test-protocol TESTS=test_protocol.InterruptTest
TESTS ?= discover -s . -p 'test_*.py'
test-protocol: build tests/browser/node_modules
	cd tests && $(PYTHON) -m unittest $(TESTS) -v

# playwright-core drives Debian's Chromium in tests/test_browser.py (npm, locked).
tests/browser/node_modules: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

demo: deps install
	$(PYTHON) notebooks/run_demo.py build/notebooks

# Opens the curriculum in the classic notebook server on localhost.
notebook: deps install
	/usr/bin/jupyter notebook --ip 127.0.0.1 --notebook-dir notebooks

bench: bench-deps build
	$(PYTHON) bench/kernel_latency.py $(BENCH_ARGS)
	$(PYTHON) bench/display_vs_matplotlib.py
	$(PYTHON) bench/interp_vs_python.py
	BUILD_TAGS='$(BUILD_TAGS)' $(PYTHON) bench/tensor_bench.py
	$(PYTHON) bench/kernel_tensor.py
	$(PYTHON) bench/autograd_vs_torch.py

# The CUDA build (-tags cuda, package cuda): Debian's CUDA 11.8 headers,
# stub libcuda.so, nvcc and ptxas, unpacked into CUDA_SDK by cuda/sdk.sh
# (about 90 MB, enabling Debian's non-free component if needed) instead of
# installing nvidia-cuda-toolkit. The binary needs an NVIDIA GPU and driver
# to start (gorgonia.org/cu exits without one); use bin/gonote elsewhere.
CUDA_SDK ?= $(CURDIR)/build/cuda-sdk
CUDA_ENV := CGO_CFLAGS=-I$(CUDA_SDK)/include CGO_LDFLAGS=-L$(CUDA_SDK)/lib/stubs NVCC=$(CUDA_SDK)/bin/nvcc

build-cuda:
	cuda/sdk.sh $(CUDA_SDK)
	$(CUDA_ENV) $(GO) build -tags 'cuda $(BUILD_TAGS)' -o bin/gonote-cuda .

# Compiles the CUDA backend, its GPU tests (build/cuda.test, what
# cuda/gpu-check.sh runs on a GPU machine, so without OpenBLAS: it needs
# only libcuda.so.1 and libc) and the CUDA binary, and checks
# that ptxas assembles the PTX for sm_80 and sm_90; without the CUDA headers
# it says it is skipped.
test-cuda-build:
	@if [ ! -f $(CUDA_SDK)/include/cuda.h ]; then \
		echo "test-cuda-build: skipped (no CUDA headers in $(CUDA_SDK); make build-cuda fetches them)"; \
	else set -e; \
		echo "$(CUDA_ENV) go vet -tags cuda ./cuda/... && go test -c -tags cuda ./cuda/ && go build -tags cuda ."; \
		$(CUDA_ENV) $(GO) vet -tags cuda ./cuda/...; \
		$(CUDA_ENV) $(GO) test -c -tags cuda -o build/cuda.test ./cuda/; \
		$(CUDA_ENV) $(GO) build -tags 'cuda $(BUILD_TAGS)' -o build/gonote-cuda .; \
		for a in sm_80 sm_90; do for f in cuda/kernels/*.ptx; do \
			$(CUDA_SDK)/bin/ptxas -arch=$$a $$f -o /dev/null || exit 1; done; done; \
		echo "test-cuda-build: ok (ptxas accepts the PTX for sm_80 and sm_90)"; \
	fi

clean:
	rm -rf bin build
