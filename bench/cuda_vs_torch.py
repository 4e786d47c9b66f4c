#!/usr/bin/env python3
"""GPU benchmark of gonote's CUDA backend against PyTorch on the same GPU.

Runs the Go benchmarks of package cuda (from a test binary built with
`make test-cuda-build`, build/cuda.test) or reads their output (--go FILE),
times the same operations in PyTorch the same way (a warm-up, a timed loop,
one synchronize at the end), and prints a Markdown table with the ratio
PyTorch time / gonote time (1.0 or more: gonote is as fast) against the
goals of issue 7. Needs python3 with torch and a CUDA GPU.

usage: cuda_vs_torch.py [--go FILE | --bin build/cuda.test] [--benchtime 1s]
"""
import argparse
import re
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

# Go benchmark name -> (description, goal ratio)
CASES = {
    "Matmul4096": ("matmul float32 4096x4096", 0.9),
    "Add2p26": ("add of 2^26 float32", 0.8),
    "Sum8192": ("sum over 8192x8192", 0.8),
    "Softmax8192": ("softmax over 8192x8192 (dim 1)", 0.8),
    "MLPStep": ("MLP training step 784-1024-1024-10, batch 512", None),
    "CopyH2DPageable": ("host->device 256 MB pageable", 0.9),
    "CopyD2HPageable": ("device->host 256 MB pageable", 0.9),
    "CopyH2DPinned": ("host->device 256 MB pinned", 0.9),
    "CopyD2HPinned": ("device->host 256 MB pinned", 0.9),
    "AddLaunch1000": ("1,000-element add (per-op overhead)", 0.5),  # <= 2x PyTorch's time
}


def timed(f, min_time=1.0):
    """Seconds per call of f, timed like Go's benchmarks."""
    f()
    torch.cuda.synchronize()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            f()
        torch.cuda.synchronize()
        dt = time.perf_counter() - t0
        if dt >= min_time or n >= 1 << 24:
            return dt / n
        n = max(n * 2, int(n * min_time / max(dt, 1e-9) * 1.2))


def torch_cases():
    dev = "cuda"
    torch.manual_seed(1)
    out = {}
    x, y = torch.randn(4096, 4096, device=dev), torch.randn(4096, 4096, device=dev)
    torch.backends.cuda.matmul.allow_tf32 = False  # gonote computes in full float32
    out["Matmul4096"] = lambda: x @ y
    a, b = torch.randn(1 << 26, device=dev), torch.randn(1 << 26, device=dev)
    out["Add2p26"] = lambda: a + b
    s = torch.randn(8192, 8192, device=dev)
    out["Sum8192"] = lambda: s.sum()
    out["Softmax8192"] = lambda: s.softmax(1)

    xb, yb = torch.randn(512, 784, device=dev), torch.randint(0, 10, (512,), device=dev)
    ps = []
    for o, i in [(1024, 784), (1024, 1024), (10, 1024)]:
        ps += [(torch.randn(o, i, device=dev) * 0.03).requires_grad_(), torch.zeros(o, device=dev, requires_grad=True)]

    def step():
        h = F.linear(xb, ps[0], ps[1]).relu()
        h = F.linear(h, ps[2], ps[3]).relu()
        loss = F.cross_entropy(F.linear(h, ps[4], ps[5]), yb)
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p.sub_(p.grad * 0.01)
                p.grad.zero_()
    out["MLPStep"] = step

    n = (256 << 20) // 4
    pageable, pinned = torch.empty(n), torch.empty(n, pin_memory=True)
    g = torch.empty(n, device=dev)
    out["CopyH2DPageable"] = lambda: pageable.to(dev)
    out["CopyD2HPageable"] = lambda: pageable.copy_(g)
    out["CopyH2DPinned"] = lambda: pinned.to(dev, non_blocking=True)
    out["CopyD2HPinned"] = lambda: pinned.copy_(g)
    t1, t2 = torch.randn(1000, device=dev), torch.randn(1000, device=dev)
    out["AddLaunch1000"] = lambda: t1 + t2
    return out


def go_results(text):
    res = {}
    for m in re.finditer(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op", text, re.M):
        res[m.group(1)] = float(m.group(2)) * 1e-9
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", help="output of the Go benchmarks (else run --bin)")
    ap.add_argument("--bin", default="build/cuda.test")
    ap.add_argument("--benchtime", default="1s")
    args = ap.parse_args()
    if args.go:
        text = open(args.go).read()
    else:
        text = subprocess.run([args.bin, "-test.run", "^$", "-test.bench", ".", "-test.benchtime", args.benchtime],
                              capture_output=True, text=True, check=False).stdout
    gores = go_results(text)
    tc = torch_cases()
    print(f"GPU: {torch.cuda.get_device_name(0)}, torch {torch.__version__}\n")
    print("| operation | gonote | PyTorch | PyTorch/gonote | goal |")
    print("|---|---:|---:|---:|---:|")
    for name, (desc, goal) in CASES.items():
        t = timed(tc[name])
        g = gores.get(name)
        if g is None:
            print(f"| {desc} | (missing) | {t*1e6:.1f} µs | | |")
            continue
        ratio = t / g
        mark = "" if goal is None else ("ok" if ratio >= goal else "below")
        gtxt = "" if goal is None else f"≥ {goal}"
        print(f"| {desc} | {g*1e6:.1f} µs | {t*1e6:.1f} µs | {ratio:.2f} | {gtxt} {mark} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
