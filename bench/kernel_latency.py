#!/usr/bin/python3
"""Kernel latency: gonote against ipykernel, measured by the same jupyter_client code in one run.

Three measurements per kernel:

* start-up: from KernelManager.start_kernel() to the first kernel_info_reply, median of
  --starts fresh kernels;
* trivial cell: round trip of `1` (send execute_request -> execute_reply and status idle),
  p50/p90/p99 over --cells runs after --warmup runs;
* 10,000 lines: a cell printing --lines lines, send -> idle, median of --line-runs runs
  after one warm-up; every line must arrive, in order.

It prints a markdown table with both kernels side by side and the ratio gonote/ipykernel
(below 1 means gonote is faster); --json PATH also writes the numbers.

Both kernelspecs live in the private Jupyter dir that tests/harness.py sets up
(gonote from $GONOTE_BIN, ipykernel from Debian's /usr/bin/python3).

    make build && /usr/bin/python3 bench/kernel_latency.py [--json out.json]
"""

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from queue import Empty

REPO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_harness():
    """Import tests/harness.py by path (it installs the private gonote kernelspec)."""
    spec = importlib.util.spec_from_file_location("harness", os.path.join(REPO_DIR, "tests", "harness.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Keep ipykernel's debugger from warning on stderr about frozen modules.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
harness = load_harness()
from jupyter_client.manager import KernelManager  # noqa: E402  (after the harness set the env)

KERNELS = {
    # label: (kernel name, trivial cell, cell printing n lines)
    "gonote": ("gonote", "1", "for i := 0; i < {n}; i++ {{ fmt.Println(i) }}"),
    "ipykernel": ("python3", "1", "for i in range({n}): print(i)"),
}


def time_startup(kernel_name):
    """Seconds from start_kernel() to the first kernel_info_reply of a fresh kernel."""
    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        deadline = t0 + harness.STARTUP_TIMEOUT
        sent = set()
        while time.perf_counter() < deadline:
            # Queued by ZeroMQ until the kernel binds; re-sent each second in case one is lost.
            sent.add(kc.kernel_info())
            try:
                reply = kc.get_shell_msg(timeout=1)
            except Empty:
                continue
            if reply["parent_header"].get("msg_id") in sent:
                return time.perf_counter() - t0
        raise RuntimeError(f"{kernel_name}: no kernel_info_reply in {harness.STARTUP_TIMEOUT} s")
    finally:
        harness.stop_kernel(km, kc)


def run_cell(kc, code):
    """Seconds from sending code to having both its execute_reply and its idle status,
    and the cell's stdout text."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    reply = harness.wait_reply(kc, msg_id)
    msgs = harness.collect_iopub(kc, msg_id)
    elapsed = time.perf_counter() - t0
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell {code!r} failed: {harness.describe(reply, msgs)}")
    return elapsed, harness.stream_text(msgs)


def percentile(samples, p):
    """The p-th percentile (nearest rank) of samples."""
    ordered = sorted(samples)
    rank = max(1, round(p / 100 * len(ordered)))
    return ordered[rank - 1]


def measure(label, args):
    """All measurements for one kernel, in milliseconds."""
    kernel_name, trivial, printer = KERNELS[label]
    print(f"measuring {label} ({kernel_name}) ...", file=sys.stderr)
    startups = [time_startup(kernel_name) for _ in range(args.starts)]

    km, kc = harness.start_kernel(kernel_name)
    try:
        for _ in range(args.warmup):
            run_cell(kc, trivial)
        trips = [run_cell(kc, trivial)[0] for _ in range(args.cells)]

        code = printer.format(n=args.lines)
        expected = "".join(f"{i}\n" for i in range(args.lines))
        printing = []
        for i in range(args.line_runs + 1):
            elapsed, text = run_cell(kc, code)
            if text != expected:
                raise RuntimeError(f"{label}: {args.lines}-line cell delivered {text.count(chr(10))} lines, "
                                   f"or out of order")
            if i > 0:  # the first run is a warm-up
                printing.append(elapsed)
    finally:
        harness.stop_kernel(km, kc)

    ms = lambda s: round(s * 1000, 3)  # noqa: E731
    return {
        "startup_median_ms": ms(statistics.median(startups)),
        "cell_p50_ms": ms(percentile(trips, 50)),
        "cell_p90_ms": ms(percentile(trips, 90)),
        "cell_p99_ms": ms(percentile(trips, 99)),
        "lines_median_ms": ms(statistics.median(printing)),
    }


def table(results, args):
    """Markdown table: one row per metric, both kernels and the ratio gonote/ipykernel."""
    rows = [
        ("startup_median_ms", f"start-up to kernel_info_reply (median of {args.starts})"),
        ("cell_p50_ms", f"trivial cell round trip p50 ({args.cells} runs)"),
        ("cell_p90_ms", "trivial cell round trip p90"),
        ("cell_p99_ms", "trivial cell round trip p99"),
        ("lines_median_ms", f"cell printing {args.lines:,} lines, to idle (median of {args.line_runs})"),
    ]
    lines = [
        "| metric | gonote (ms) | ipykernel (ms) | gonote/ipykernel |",
        "|---|---:|---:|---:|",
    ]
    for key, title in rows:
        g, p = results["gonote"][key], results["ipykernel"][key]
        lines.append(f"| {title} | {g:.2f} | {p:.2f} | {g / p:.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=5, help="fresh starts for the start-up median")
    parser.add_argument("--warmup", type=int, default=20, help="trivial cells before timing")
    parser.add_argument("--cells", type=int, default=200, help="timed trivial cells")
    parser.add_argument("--lines", type=int, default=10000, help="lines the printing cell prints")
    parser.add_argument("--line-runs", type=int, default=3, help="timed runs of the printing cell")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args()

    harness.install_ipykernel()
    results = {label: measure(label, args) for label in KERNELS}
    print(f"Kernel latency on {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs), "
          f"Python {platform.python_version()}\n")
    print(table(results, args))
    if args.json:
        results["ratio_gonote_over_ipykernel"] = {
            k: round(results["gonote"][k] / results["ipykernel"][k], 4) for k in results["gonote"]
        }
        results["settings"] = vars(args)
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
