"""Notebooks run in Debian's Chromium through the Jupyter notebook server with the
gonote kernel:

* a notebook with a table, a plot, an image and a progress bar: the page must show
  the table cells, images of non-zero size, a finished progress bar and no error;
* the curriculum's 06-image-classification: the page must show each sample image,
  its probability chart and the prediction text, and no error.

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_browser.py -v

Needs chromium and jupyter-notebook (make deps) and tests/browser/node_modules
(make test runs npm ci there). The screenshots are left in build/browser/.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import nbformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER = os.path.join(HERE, "browser")
SCREENSHOT_DIR = os.path.join(os.path.dirname(HERE), "build", "browser")
NOTEBOOKS = os.path.join(os.path.dirname(HERE), "notebooks")
CLASSIFIER = "06-image-classification.ipynb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BrowserTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gonote-browser-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        shutil.copy(os.path.join(BROWSER, "rich.ipynb"), self.dir)
        # The curriculum notebook runs on a copy without its committed outputs (the
        # server autosaves), next to a copy of the data it reads.
        nb = nbformat.read(os.path.join(NOTEBOOKS, CLASSIFIER), as_version=4)
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs, c.execution_count = [], None
        nbformat.write(nb, os.path.join(self.dir, CLASSIFIER))
        shutil.copytree(os.path.join(NOTEBOOKS, "data"), os.path.join(self.dir, "data"))
        self.port = free_port()
        self.server = subprocess.Popen(
            ["/usr/bin/jupyter", "notebook", "--no-browser", "--ip", "127.0.0.1", f"--port={self.port}",
             "--NotebookApp.token=", "--NotebookApp.password=", "--allow-root", f"--notebook-dir={self.dir}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.addCleanup(self.stop_server)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api", timeout=1)
                return
            except OSError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    self.fail(f"notebook server did not start: {self.server.stderr.read()[-2000:]}")
                time.sleep(0.2)

    def stop_server(self):
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server.stderr.close()

    def test_rich_outputs_render(self):
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        screenshot = os.path.join(SCREENSHOT_DIR, "rich.png")
        run = subprocess.run(
            ["node", os.path.join(BROWSER, "check.mjs"), f"http://127.0.0.1:{self.port}", "rich.ipynb", screenshot],
            capture_output=True, text=True, timeout=150,
        )
        self.assertEqual(run.returncode, 0, f"browser check failed:\n{run.stderr[-3000:]}")
        page = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertEqual(page["errors"], [], "error output on the page")
        self.assertEqual(page["pageErrors"], [], "JavaScript errors on the page")
        self.assertGreaterEqual(page["tableCells"], 6, "the table's cells are not on the page")
        self.assertGreaterEqual(len(page["images"]), 2, "the plot and the image are not on the page")
        for img in page["images"]:
            self.assertGreater(img["naturalWidth"], 0, f"an image did not decode: {img}")
            self.assertGreater(img["width"] * img["height"], 0, f"an image has no size on the page: {img}")
        self.assertEqual(page["progressBars"], [1], "the progress bar did not finish")
        self.assertGreater(os.path.getsize(screenshot), 10000, "empty screenshot")

    def test_image_classification_renders(self):
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        screenshot = os.path.join(SCREENSHOT_DIR, CLASSIFIER.replace(".ipynb", ".png"))
        run = subprocess.run(
            ["node", os.path.join(BROWSER, "notebook.mjs"), f"http://127.0.0.1:{self.port}", CLASSIFIER, screenshot],
            capture_output=True, text=True, timeout=200,
        )
        self.assertEqual(run.returncode, 0, f"browser run failed:\n{run.stderr[-3000:]}")
        page = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertEqual(page["pageErrors"], [], "JavaScript errors on the page")
        for cell in page["cells"]:
            self.assertEqual(cell["errors"], [], f"error output under:\n{cell['source']}")
            for img in cell["images"]:
                self.assertGreater(img["naturalWidth"], 0, f"an image did not decode: {img}")
                self.assertGreater(img["width"] * img["height"], 0, f"an image has no size on the page: {img}")
        # The cell that runs the pipeline over every sample PNG: per sample, the image as
        # it was read (96×96 pixels) and the probability chart (a figure at twice its CSS size).
        loop = next(c for c in page["cells"] if "filepath.Glob" in c["source"])
        samples = sorted(n[:-4] for n in os.listdir(os.path.join(NOTEBOOKS, "data")) if n.endswith(".png"))
        photos = [i for i in loop["images"] if (i["naturalWidth"], i["naturalHeight"]) == (96, 96)]
        charts = [i for i in loop["images"] if i["naturalWidth"] >= 400]
        self.assertEqual(len(photos), len(samples), f"sample images on the page: {loop['images']}")
        self.assertEqual(len(charts), len(samples), f"probability charts on the page: {loop['images']}")
        for name in samples:
            self.assertRegex(loop["text"], rf"{name}\.png: predicted {name} \(\d", "prediction text")
        step = next(c for c in page["cells"] if "probs = logits.Softmax(1)" in c["source"])
        self.assertRegex(step["text"], r"prediction: triangle \(\d")
        self.assertGreater(os.path.getsize(screenshot), 10000, "empty screenshot")


if __name__ == "__main__":
    unittest.main()
