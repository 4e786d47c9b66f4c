#!/usr/bin/python3
"""Interpreter cost: a loop in a gonote cell against the same loop compiled and in CPython.

Measured in one run on one machine:

* loop: `s += i` for i in [0, n), per iteration: gonote's interpreted Go (yaegi), compiled
  Go, CPython (this interpreter, /usr/bin/python3);
* bound call: `s += math.Sqrt(float64(i))`, the cost of calling a compiled (bound)
  function from a cell, per iteration, against compiled Go and CPython's math.sqrt;
* 1,000-line cell: the engine's share of the round trip of a cell of 1,000 statement
  lines (parse, rewrite, one evaluation per statement), against CPython compiling and
  running the same 1,000 lines.

The Go numbers come from the Benchmark* functions of interp/bench_loop_test.go (ns/iter);
the Python loops are the same code, timed with timeit (best of --repeat). It prints a
markdown table with the ratios gonote/compiled Go and gonote/CPython (above 1 means
gonote is slower); --json PATH also writes the numbers.

    /usr/bin/python3 bench/interp_vs_python.py [--benchtime 5x] [--json out.json]
"""

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import timeit

N = 1_000_000  # interp/bench_loop_test.go loopN


def sum_loop(n):
    s = 0
    for i in range(n):
        s += i
    return s


def sqrt_loop(n):
    s = 0.0
    for i in range(n):
        s += math.sqrt(float(i))
    return s


CELL_1000 = "x = 0\n" + "".join(f"x += {i}\n" for i in range(999))


def python_ns_per_iter(fn, repeat):
    best = min(timeit.repeat(lambda: fn(N), number=1, repeat=repeat))
    return best * 1e9 / N


def python_cell_ns(repeat):
    def run():
        exec(compile(CELL_1000, "<cell>", "exec"), {})
    return min(timeit.repeat(run, number=1, repeat=repeat)) * 1e9


def go_benchmarks(benchtime):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        ["go", "test", "-run", "^$", "-bench", "Loop|BoundCall|Cell1000Lines",
         "-benchtime", benchtime, "./interp"],
        cwd=root, check=True, capture_output=True, text=True).stdout
    res = {}
    for m in re.finditer(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) ns/iter", out, re.M):
        res[m.group(1)] = float(m.group(3))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--benchtime", default="5x", help="go test -benchtime (default 5x)")
    ap.add_argument("--repeat", type=int, default=5, help="timeit repeats for CPython (default 5)")
    ap.add_argument("--json", help="also write the numbers here")
    args = ap.parse_args()

    go = go_benchmarks(args.benchtime)
    py = {
        "Loop": python_ns_per_iter(sum_loop, args.repeat),
        "BoundCall": python_ns_per_iter(sqrt_loop, args.repeat),
        "Cell1000Lines": python_cell_ns(args.repeat),
    }
    rows = [
        ("loop, ns/iter", go["LoopInterpreted"], go["LoopCompiled"], py["Loop"]),
        ("bound call, ns/iter", go["BoundCallInterpreted"], go["BoundCallCompiled"], py["BoundCall"]),
        ("1,000-line cell, ms", go["Cell1000Lines"] / 1e6, None, py["Cell1000Lines"] / 1e6),
    ]
    print(f"interpreter cost on {platform.machine()}, Python {platform.python_version()}\n")
    print("| measure | gonote cell | compiled Go | CPython | gonote/Go | gonote/CPython |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, g, c, p in rows:
        cg = f"{c:.3g}" if c else "–"
        rg = f"{g / c:.0f}×" if c else "–"
        print(f"| {name} | {g:.3g} | {cg} | {p:.3g} | {rg} | {g / p:.2f}× |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"go": go, "python": py, "python_version": platform.python_version()}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
