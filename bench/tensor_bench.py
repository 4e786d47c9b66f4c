#!/usr/bin/python3
"""gonote tensor against PyTorch 1.13 (CPU) on the same machine, same run.

    /usr/bin/python3 bench/tensor_bench.py [-rounds 5] [-benchtime 1s] [-run REGEXP]

gonote is built with the tags `make` uses (openblas when libopenblas-dev is
installed); BUILD_TAGS="" in the environment forces the pure-Go build.

Builds the test binary of package tensor once, then runs rounds: in each,
the selected Benchmark* functions of tensor/bench_test.go run in one
process (as in a kernel, later benchmarks find the heap earlier ones
grew), then the same operations are timed in PyTorch (mean time per call
over the same benchtime, as `go test -bench` reports, inputs made outside
the timer), and the round's ratio PyTorch/gonote
is taken per benchmark (above 1 means gonote is faster). The medians over
the rounds are printed, with the load average before and after, since a
shared machine's load moves both sides' times. Float32 throughout. Needs
Debian's python3-torch.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def torch_ms(fn, seconds):
    """Mean milliseconds per call over at least seconds (and 3 calls) after
    one warm-up call: the statistic `go test -bench` reports, so that both
    sides' occasional slow calls count alike."""
    fn()
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and n >= 3:
            return 1e3 * elapsed / n


def torch_cases():
    """Returns {benchmark name: function} for PyTorch."""
    torch.manual_seed(0)
    cases = {}
    for n in (256, 512, 1024, 2048):
        x, y = torch.randn(n, n), torch.randn(n, n)
        cases["Matmul%d" % n] = lambda x=x, y=y: x @ y
    for n, label in ((1 << 20, "1M"), (1 << 24, "16M"), (1000, "1000")):
        x, y = torch.randn(n), torch.randn(n)
        cases["Add" + label] = lambda x=x, y=y: x + y
        if n > 1000:
            cases["Mul" + label] = lambda x=x, y=y: x * y
    x = torch.randn(1 << 20)
    cases["AddScalar1M"] = lambda: x + 1.5
    v = torch.randn(1 << 24)
    cases["Sum16M"] = lambda: v.sum()
    cases["Exp16M"] = lambda: v.exp()
    m = torch.randn(4096, 4096)
    cases["SumDim1_4096"] = lambda: m.sum(1)
    cases["SumDim0_4096"] = lambda: m.sum(0)
    cases["Softmax4096"] = lambda: m.softmax(1)
    cases["TransposeCopy4096"] = lambda: m.t().contiguous()
    cases["Randn16M"] = lambda: torch.randn(1 << 24)
    return cases


def build_tags():
    """The Go build tags `make` uses: BUILD_TAGS from the environment when
    set, else openblas when libopenblas-dev is installed (as in the Makefile)."""
    if "BUILD_TAGS" in os.environ:
        return os.environ["BUILD_TAGS"]
    st = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "libopenblas-dev"],
                        capture_output=True, text=True).stdout
    return "openblas" if "install ok installed" in st else ""


def go_ms(binary, names, benchtime):
    """Runs the benchmarks names in one process; returns {name: ms per op}."""
    out = subprocess.run(
        [binary, "-test.run", "^$", "-test.bench", "^Benchmark(%s)$" % "|".join(names), "-test.benchtime", benchtime],
        cwd=os.path.join(ROOT, "tensor"), capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op", line)
        if m:
            res[m.group(1)] = float(m.group(3)) / 1e6
    return res


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-rounds", type=int, default=5)
    ap.add_argument("-benchtime", default="1s", help="seconds per benchmark, such as 1s or 0.5s")
    ap.add_argument("-run", default=".", help="regexp of the benchmarks to run")
    args = ap.parse_args()
    if not re.fullmatch(r"\d+(\.\d*)?s", args.benchtime):
        ap.error("-benchtime takes seconds, such as 1s")
    seconds = float(args.benchtime[:-1])
    tags = build_tags()
    binary = os.path.join(tempfile.mkdtemp(), "tensor.test")
    subprocess.run(["go", "test", "-c", "-tags", tags, "-o", binary, "./tensor"], cwd=ROOT, check=True)
    cases = {k: v for k, v in torch_cases().items() if re.search(args.run, k)}
    print("gonote build tags %r; torch %s, %d threads; GOMAXPROCS %s; %d rounds; load before %s" % (
        tags, torch.__version__, torch.get_num_threads(), os.environ.get("GOMAXPROCS", os.cpu_count()),
        args.rounds, load()))
    print("%-20s %12s %12s %8s %14s" % ("benchmark", "gonote ms", "torch ms", "ratio", "ratio range"))
    g, t = {k: [] for k in cases}, {k: [] for k in cases}
    for _ in range(args.rounds):
        res = go_ms(binary, list(cases), args.benchtime)
        for name, fn in cases.items():
            g[name].append(res[name])
            t[name].append(torch_ms(fn, seconds))
    for name in cases:
        r = [b / a for a, b in zip(g[name], t[name])]
        print("%-20s %12.4f %12.4f %8.2f %6.2f-%-6.2f" % (
            name, statistics.median(g[name]), statistics.median(t[name]), statistics.median(r), min(r), max(r)))
    print("load after %s" % load())


if __name__ == "__main__":
    main()
