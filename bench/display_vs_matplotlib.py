#!/usr/bin/env python3
"""Rendering speed of gonote's display package against matplotlib (Agg), same machine,
same run, same data and output size: a 1,000-point line plot and a 100x100 heatmap with
a colour bar, each to a PNG of 1152x768 pixels (6x4 in at 192 dpi).

    /usr/bin/python3 bench/display_vs_matplotlib.py

gonote's side is `go test -bench` of display/bench_test.go; matplotlib's is timed here.
"""

import io
import os
import re
import statistics
import subprocess
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def per_op(fn, repeat=15):
    """Median seconds of fn over repeat runs, after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def mpl_line():
    ys = np.sin(np.arange(1000) / 50)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ys)
    fig.savefig(io.BytesIO(), format="png", dpi=192)
    plt.close(fig)


def mpl_heatmap():
    r, c = np.meshgrid(np.arange(100), np.arange(100), indexing="ij")
    m = np.sin(r / 10) * np.cos(c / 10)
    fig, ax = plt.subplots(figsize=(6, 4))
    im = ax.imshow(m, cmap="coolwarm", aspect="auto", interpolation="nearest")
    fig.colorbar(im)
    fig.savefig(io.BytesIO(), format="png", dpi=192)
    plt.close(fig)


def go_benchmarks():
    """ns/op of the display benchmarks, by name."""
    out = subprocess.run(
        ["go", "test", "-run", "XXX", "-bench", "PNG", "-count", "1", "./display"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return {m[1]: float(m[2]) / 1e9 for m in re.finditer(r"^Benchmark(\w+?)-\d+\s+\d+\s+([\d.]+) ns/op", out, re.M)}


def main():
    go = go_benchmarks()
    rows = [
        ("1,000-point line plot to PNG", go["LinePlot1000PNG"], per_op(mpl_line)),
        ("100x100 heatmap + colour bar to PNG", go["Heatmap100PNG"], per_op(mpl_heatmap)),
    ]
    print(f"matplotlib {matplotlib.__version__} (Agg), Python {sys.version.split()[0]}\n")
    print("| output | gonote (ms) | matplotlib (ms) | gonote/matplotlib |")
    print("|---|---:|---:|---:|")
    for name, g, m in rows:
        print(f"| {name} | {g * 1e3:.1f} | {m * 1e3:.1f} | {g / m:.2f} |")


if __name__ == "__main__":
    main()
