#!/usr/bin/python3
"""gonote autograd, nn and optim against PyTorch 1.13 (CPU), in one run.

Workloads (the same on both sides; gonote's are the Benchmark* functions in
tensor/nn/bench_test.go):

* MLP 784-256-10, batch 128: forward, cross-entropy, backward, SGD step;
* CNN (2 conv 3x3 + 2 max-pool + 2 linear), 28x28x1, batch 64: the same;
* a chain of 1,000 scalar ops (500 x (mul, add)) built and differentiated:
  the graph's overhead per op.

    /usr/bin/python3 bench/autograd_vs_torch.py [--threads N] [--rounds R]

Both sides use the same number of threads (torch.set_num_threads and
GOMAXPROCS; default: all CPUs). gonote is built with the tags `make` uses
(openblas when libopenblas-dev is installed; BUILD_TAGS="" in the
environment forces the pure-Go BLAS). The test binary is built once; each
round times every workload in PyTorch and then in gonote, and the rows are
the medians over the rounds of each side and of the per-round ratio
gonote/PyTorch of throughput (higher is better for gonote) or of time per
op (lower is better for gonote), with the load average before and after.
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timeit(fn, min_time=1.0):
    fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_time:
        fn()
        n += 1
    return (time.perf_counter() - start) / n


def torch_step(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def torch_chain():
    x = torch.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(500):
        y = y * 1.001 + 0.001
    y.backward()


def build_tags():
    """The Go build tags `make` uses (see the Makefile's BUILD_TAGS)."""
    if "BUILD_TAGS" in os.environ:
        return os.environ["BUILD_TAGS"]
    st = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "libopenblas-dev"],
                        capture_output=True, text=True).stdout
    return "openblas" if "install ok installed" in st else ""


def go_seconds(binary, name, threads):
    env = dict(os.environ, GOMAXPROCS=str(threads))
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", "^Benchmark%s$" % name, "-test.benchtime", "1s"],
                         cwd=os.path.join(ROOT, "tensor", "nn"), env=env, capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"Benchmark\w+-?\d*\s+\d+\s+([\d.]+) ns/op", out)
    return float(m.group(1)) / 1e9


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tags = build_tags()
    binary = os.path.join(tempfile.mkdtemp(), "nn.test")
    subprocess.run(["go", "test", "-c", "-tags", tags, "-o", binary, "./tensor/nn"], cwd=ROOT, check=True)

    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    workloads = [
        # name, torch function, go benchmark, examples per step (None: time per op)
        ("MLP 784-256-10 b128 (examples/s)", torch_step(mlp, torch.randn(128, 784), torch.randint(0, 10, (128,))),
         "MLPStep", 128),
        ("CNN 28x28 b64 (examples/s)", torch_step(cnn, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))),
         "CNNStep", 64),
        ("1,000-op scalar chain (us/op)", torch_chain, "ScalarChainBackward", None),
    ]
    print(f"threads: {args.threads}; torch {torch.__version__}; gonote tags {tags!r}; "
          f"{args.rounds} rounds; load before {load()}")
    print(f"{'workload':<34}{'PyTorch':>12}{'gonote':>12}{'ratio':>8}{'range':>13}")
    for name, fn, bench, examples in workloads:
        t, g, r = [], [], []
        for _ in range(args.rounds):
            ts, gs = timeit(fn), go_seconds(binary, bench, args.threads)
            if examples:
                t.append(examples / ts)
                g.append(examples / gs)
            else:
                t.append(ts / 1000 * 1e6)
                g.append(gs / 1000 * 1e6)
            r.append(g[-1] / t[-1])
        note = "x PyTorch throughput" if examples else "x PyTorch time per op"
        print(f"{name:<34}{statistics.median(t):>12.1f}{statistics.median(g):>12.1f}"
              f"{statistics.median(r):>8.2f}{min(r):>7.2f}-{max(r):<5.2f}  {note}")
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
