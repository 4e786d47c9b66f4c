#!/usr/bin/python3
"""gonote autograd, nn and optim against PyTorch 1.13 (CPU), in one run.

Workloads (the same on both sides; gonote's are the Benchmark* functions in
tensor/nn/bench_test.go):

* MLP 784-256-10, batch 128: forward, cross-entropy, backward, SGD step;
* CNN (2 conv 3x3 + 2 max-pool + 2 linear), 28x28x1, batch 64: the same;
* a chain of 1,000 scalar ops (500 x (mul, add)) built and differentiated:
  the graph's overhead per op.

    /usr/bin/python3 bench/autograd_vs_torch.py [--threads N]

Both sides use the same number of threads (torch.set_num_threads and
GOMAXPROCS; default: all CPUs). Prints one row per workload with the ratio
gonote/PyTorch of throughput (higher is better for gonote) or of time per op
(lower is better for gonote).
"""

import argparse
import os
import re
import subprocess
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timeit(fn, min_time=2.0):
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    t_mlp = timeit(torch_step(mlp, torch.randn(128, 784), torch.randint(0, 10, (128,))))
    t_cnn = timeit(torch_step(cnn, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))))
    t_chain = timeit(torch_chain)

    env = dict(os.environ, GOMAXPROCS=str(args.threads))
    out = subprocess.run(["go", "test", "./tensor/nn/", "-run", "^$", "-bench", ".", "-benchtime", "2s"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    go = {m.group(1): float(m.group(2)) for m in re.finditer(r"Benchmark(\w+)-\d+\s+\d+\s+([\d.]+) ns/op", out)}
    g_mlp, g_cnn, g_chain = go["MLPStep"] / 1e9, go["CNNStep"] / 1e9, go["ScalarChainBackward"] / 1e9

    print(f"threads: {args.threads}; torch {torch.__version__}")
    print(f"{'workload':<34}{'PyTorch':>14}{'gonote':>14}{'ratio':>10}")
    rows = [
        ("MLP 784-256-10 b128 (examples/s)", 128 / t_mlp, 128 / g_mlp, "throughput"),
        ("CNN 28x28 b64 (examples/s)", 64 / t_cnn, 64 / g_cnn, "throughput"),
        ("1,000-op scalar chain (us/op)", t_chain / 1000 * 1e6, g_chain / 1000 * 1e6, "time"),
    ]
    for name, t, g, kind in rows:
        ratio = g / t
        note = "x PyTorch throughput" if kind == "throughput" else "x PyTorch time per op"
        print(f"{name:<34}{t:>14.1f}{g:>14.1f}{ratio:>10.2f}  {note}")


if __name__ == "__main__":
    main()
