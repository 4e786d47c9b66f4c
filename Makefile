# gonote: `make demo` runs the main job, `make test` the tests.
GO      ?= go
PYTHON  := /usr/bin/python3
BIN     := bin/gonote
# The tests install their own kernelspec in a private Jupyter data dir (tests/harness.py).
export GONOTE_BIN := $(CURDIR)/$(BIN)

# Debian packages the tests and the demo need (Python comes from apt only).
DEB_PACKAGES := jupyter-client python3-jupyter-client python3-jupyter-kernel-test \
	python3-ipykernel python3-nbclient python3-nbformat jupyter-nbconvert jupyter-console \
	jupyter-notebook chromium python3-torch python3-numpy python3-pil libopenblas-dev

# Matmul goes through OpenBLAS (gonum's netlib binding, cgo) when libopenblas-dev is
# installed, else through gonum's pure-Go BLAS; `make BUILD_TAGS=` forces the latter.
# Recursive, so it is evaluated after `deps` has run.
BUILD_TAGS ?= $(shell dpkg-query -W -f='$${Status}' libopenblas-dev 2>/dev/null | grep -q 'install ok installed' && echo openblas)

.PHONY: build install uninstall test test-go test-protocol demo notebook deps bench-deps bench clean

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

test: deps build test-go test-protocol

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
	$(PYTHON) bench/autograd_vs_torch.py

clean:
	rm -rf bin build
