#!/bin/sh
# gpu-check.sh: the GPU run of issue 7, for a machine with an NVIDIA GPU,
# python3 with torch, and no Go toolchain. Run it from the repository root
# with build/cuda.test built beforehand (make test-cuda-build) and carried;
# logs go to $OUT (default build/gpu-check):
#   nvidia-smi.txt  the GPU and driver
#   test.log        the GPU tests (go test -v), against the CPU backend
#   bench-go.txt    the Go benchmarks
#   bench.md        the same operations in PyTorch, with ratios
# The first use of each kernel module JIT-compiles its PTX (about half a
# minute in all); the driver caches the result. The three steps are capped
# at 300 + 150 + 120 s, within one 600 s device call.
set -u
OUT=${OUT:-build/gpu-check}
BIN=${BIN:-build/cuda.test}
mkdir -p "$OUT"
nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1
# pip's cuBLAS is not on the loader's path; the backend also globs for it.
if [ -z "${GONOTE_CUBLAS:-}" ]; then
	GONOTE_CUBLAS=$(python3 -c 'import glob, os, nvidia; print((sorted(g for d in nvidia.__path__ for g in glob.glob(os.path.join(d, "cu*", "lib", "libcublas.so.*")))+[""])[-1])' 2>/dev/null)
	export GONOTE_CUBLAS
fi
echo "GONOTE_CUBLAS=$GONOTE_CUBLAS" | tee "$OUT/env.txt"
start=$(date +%s)
timeout 300 "$BIN" -test.v -test.timeout 290s >"$OUT/test.log" 2>&1
echo "tests: exit $? in $(( $(date +%s) - start )) s" | tee -a "$OUT/env.txt"
grep -E '^(--- FAIL|FAIL|ok|PASS)' "$OUT/test.log" | head -40
start=$(date +%s)
timeout 150 "$BIN" -test.run '^$' -test.bench . -test.benchtime 1s -test.benchmem >"$OUT/bench-go.txt" 2>&1
echo "benchmarks: exit $? in $(( $(date +%s) - start )) s" | tee -a "$OUT/env.txt"
timeout 120 python3 bench/cuda_vs_torch.py --go "$OUT/bench-go.txt" >"$OUT/bench.md" 2>"$OUT/bench-torch.err"
echo "torch peer: exit $?" | tee -a "$OUT/env.txt"
cat "$OUT/bench.md"
