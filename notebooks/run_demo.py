#!/usr/bin/env python3
"""Executes every curriculum notebook with the gonote kernel, writes the executed
notebook and its HTML (with inline plots) to OUT_DIR, and prints a summary.
`make demo` runs it; it exits non-zero when a notebook has an error output.

    /usr/bin/python3 notebooks/run_demo.py build/notebooks
"""

import glob
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

HERE = os.path.dirname(os.path.abspath(__file__))


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rows, failed = [], []
    for path in sorted(glob.glob(os.path.join(HERE, "*.ipynb"))):
        name = os.path.basename(path)
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, kernel_name="gonote", timeout=300, allow_errors=True,
                       resources={"metadata": {"path": HERE}}).execute()
        seconds = time.perf_counter() - t0
        code = [c for c in nb.cells if c.cell_type == "code"]
        outputs = [o for c in code for o in c.outputs]
        errors = [o for o in outputs if o.output_type == "error"]
        if errors:
            failed.append(f"{name}: {errors[0].ename}: {errors[0].evalue}")
        nbformat.write(nb, os.path.join(out_dir, name))
        body, _ = HTMLExporter().from_notebook_node(nb)
        with open(os.path.join(out_dir, name.replace(".ipynb", ".html")), "w") as f:
            f.write(body)
        rows.append((name, len(code), len(outputs), len(errors), seconds))

    print(f"\n{'notebook':40} {'cells':>5} {'outputs':>7} {'errors':>6} {'time':>7}")
    for name, cells, outs, errs, secs in rows:
        print(f"{name:40} {cells:5} {outs:7} {errs:6} {secs:6.1f}s")
    print(f"\nHTML in {out_dir}/")
    for f in failed:
        print("error:", f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/notebooks"))
