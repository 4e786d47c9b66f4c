#!/usr/bin/python3
"""Tensor ops run from a cell: gonote against PyTorch in ipykernel.

    /usr/bin/python3 bench/kernel_tensor.py [-rounds 2] [-pause 0]

tensor_bench.py times gonote's ops in a Go test process. A cell runs them in
the kernel, whose heap (the interpreter's tables, then the session's values)
makes every garbage collection dearer, and gonote learns that a large
result is dead only at a collection. This script measures what a learner
sees: a cell that adds two 1M-element float32 tensors 3,000 times, and
one that adds two 1,000-element tensors 100,000 times (the per-op
overhead), timed inside the cells, in a fresh gonote kernel, in Debian's
ipykernel with PyTorch 1.13, and in a gonote kernel that has first run
the training notebook (notebooks/07-training.ipynb). Each round starts fresh kernels;
the medians over the rounds are printed with the ratio PyTorch/gonote
(above 1 means gonote is faster). Needs python3-ipykernel, python3-torch
and bin/gonote (`make build`).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))

import harness  # noqa: E402
import nbformat  # noqa: E402

# ipykernel's debugger otherwise warns on stderr at each start.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

# Element counts, and adds per timed loop.
SIZES = ((1 << 20, 3000), (1000, 100000))

GO = """import ("fmt"; "time")
xa, ya := tensor.Randn({n}), tensor.Randn({n})
for i := 0; i < {warm}; i++ {{ xa.Add(ya) }}
t0 := time.Now()
for i := 0; i < {reps}; i++ {{ xa.Add(ya) }}
fmt.Println(float64(time.Since(t0).Nanoseconds()) / {reps} / 1e3)
"""

PY = """import time, torch
xa, ya = torch.randn({n}), torch.randn({n})
for i in range({warm}): xa + ya
t0 = time.perf_counter()
for i in range({reps}): xa + ya
print((time.perf_counter() - t0) / {reps} * 1e6)
"""


def cells(template):
    return [template.format(n=n, reps=reps, warm=reps // 15) for n, reps in SIZES]


TRAINING = os.path.join(harness.REPO_DIR, "notebooks", "07-training.ipynb")


def per_op_us(kernel, codes, notebook=None, pause=0.0):
    """Runs notebook's code cells (if any), then each of codes, pause
    seconds apart; returns what each printed."""
    km, kc = harness.start_kernel(kernel)
    try:
        if notebook:
            for cell in nbformat.read(notebook, 4).cells:
                if cell.cell_type == "code":
                    kc.execute_interactive(cell.source, timeout=600, output_hook=lambda m: None)
        times = []
        for i, code in enumerate(codes):
            if i > 0:
                time.sleep(pause)
            out = []

            def hook(msg):
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    raise RuntimeError(f"{kernel}: {msg['content']['evalue']}")

            kc.execute_interactive(code, timeout=600, output_hook=hook)
            times.append(float("".join(out)))
        return times
    finally:
        harness.stop_kernel(km, kc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-rounds", type=int, default=2)
    ap.add_argument("-pause", type=float, default=0.0,
                    help="seconds between the two cells, as a learner reading the first output would leave")
    args = ap.parse_args()
    harness.install_ipykernel()
    times = {"torch": [], "fresh": [], "trained": []}
    load = os.getloadavg()
    for _ in range(args.rounds):
        times["fresh"].append(per_op_us(harness.KERNEL_NAME, cells(GO), pause=args.pause))
        times["torch"].append(per_op_us("python3", cells(PY), pause=args.pause))
        times["trained"].append(per_op_us(harness.KERNEL_NAME, cells(GO), TRAINING, args.pause))
    print(f"{args.rounds} rounds, {args.pause:g} s between the cells; "
          f"load before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    for i, (n, _) in enumerate(SIZES):
        torch_us = statistics.median(t[i] for t in times["torch"])
        print(f"{f'add of {n:,} elements in a cell':34} {'µs per op':>10} {'ratio':>7}   rounds")
        print(f"{'PyTorch 1.13 in ipykernel':34} {torch_us:10.1f} {'':>7}   {[round(t[i], 1) for t in times['torch']]}")
        for key, label in (("fresh", "gonote, fresh kernel"), ("trained", "gonote, after 07-training")):
            us = statistics.median(t[i] for t in times[key])
            rounded = [round(t[i], 1) for t in times[key]]
            print(f"{label:34} {us:10.1f} {torch_us / us:7.2f}   {rounded}")

if __name__ == "__main__":
    main()
