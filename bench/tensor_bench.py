#!/usr/bin/python3
"""gonote tensor against PyTorch 1.13 (CPU) on the same machine, same run.

    /usr/bin/python3 bench/tensor_bench.py [-benchtime 20x]

gonote is built with the tags `make` uses (openblas when libopenblas-dev is
installed); BUILD_TAGS="" in the environment forces the pure-Go build.

Runs the Benchmark* functions of tensor/bench_test.go with `go test`, times
the same operations in PyTorch (median of repeated runs, inputs made
outside the timer), and prints one row per benchmark: milliseconds per op
for both and the ratio PyTorch/gonote (above 1 means gonote is faster).
Float32 throughout. Needs Debian's python3-torch.
"""
import os
import re
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def torch_ms(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return 1e3 * times[len(times) // 2]


def torch_cases():
    """Returns {benchmark name: (function, repetitions)} for PyTorch."""
    torch.manual_seed(0)
    cases = {}
    for n in (256, 512, 1024, 2048):
        x, y = torch.randn(n, n), torch.randn(n, n)
        cases["Matmul%d" % n] = (lambda x=x, y=y: x @ y, 5 if n == 2048 else 20)
    for n, label in ((1 << 20, "1M"), (1 << 24, "16M"), (1000, "1000")):
        x, y = torch.randn(n), torch.randn(n)
        cases["Add" + label] = (lambda x=x, y=y: x + y, 20 if n > 1000 else 2000)
        if n > 1000:
            cases["Mul" + label] = (lambda x=x, y=y: x * y, 20)
    x = torch.randn(1 << 20)
    cases["AddScalar1M"] = (lambda: x + 1.5, 20)
    v = torch.randn(1 << 24)
    cases["Sum16M"] = (lambda: v.sum(), 20)
    cases["Exp16M"] = (lambda: v.exp(), 20)
    m = torch.randn(4096, 4096)
    cases["SumDim1_4096"] = (lambda: m.sum(1), 20)
    cases["SumDim0_4096"] = (lambda: m.sum(0), 20)
    cases["Softmax4096"] = (lambda: m.softmax(1), 20)
    cases["TransposeCopy4096"] = (lambda: m.t().contiguous(), 20)
    cases["Randn16M"] = (lambda: torch.randn(1 << 24), 20)
    return cases


def build_tags():
    """The Go build tags `make` uses: BUILD_TAGS from the environment when
    set, else openblas when libopenblas-dev is installed (as in the Makefile)."""
    if "BUILD_TAGS" in os.environ:
        return os.environ["BUILD_TAGS"]
    st = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "libopenblas-dev"],
                        capture_output=True, text=True).stdout
    return "openblas" if "install ok installed" in st else ""


def go_ms(benchtime, tags):
    out = subprocess.run(
        ["go", "test", "-tags", tags, "./tensor", "-run", "^$", "-bench", ".", "-benchtime", benchtime],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op", line)
        if m:
            res[m.group(1)] = float(m.group(3)) / 1e6
    return res


def main():
    benchtime = "20x"
    if len(sys.argv) == 3 and sys.argv[1] == "-benchtime":
        benchtime = sys.argv[2]
    tags = build_tags()
    gonote = go_ms(benchtime, tags)
    print("gonote build tags %r; torch %s, %d threads" % (tags, torch.__version__, torch.get_num_threads()))
    print("%-20s %12s %12s %8s" % ("benchmark", "gonote ms", "torch ms", "ratio"))
    for name, (fn, reps) in torch_cases().items():
        if name not in gonote:
            continue
        t = torch_ms(fn, reps)
        print("%-20s %12.4f %12.4f %8.2f" % (name, gonote[name], t, t / gonote[name]))


if __name__ == "__main__":
    main()
