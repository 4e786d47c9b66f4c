"""The curriculum notebooks (notebooks/*.ipynb) run top to bottom on this machine
without an error output, and their key cells show what the text around them says.

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_notebooks.py -v
"""

import glob
import hashlib
import os
import re
import sys
import unittest

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

NOTEBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks")
DATA = os.path.join(NOTEBOOKS, "data")


def data_files():
    """notebooks/data's files and their contents, to check that running the notebooks leaves them alone."""
    files = {}
    for name in sorted(os.listdir(DATA)):
        with open(os.path.join(DATA, name), "rb") as f:
            files[name] = hashlib.sha256(f.read()).hexdigest()
    return files


def text(cell):
    """All the text a cell shows: streams and text/plain of results and displays."""
    parts = []
    for o in cell.outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type in ("execute_result", "display_data"):
            parts.append(o.data.get("text/plain", ""))
    return "".join(parts)


class NotebooksTest(unittest.TestCase):
    executed = {}

    @classmethod
    def setUpClass(cls):
        cls.data_before = data_files()
        for path in sorted(glob.glob(os.path.join(NOTEBOOKS, "*.ipynb"))):
            nb = nbformat.read(path, as_version=4)
            # allow_errors: a failing cell is reported by the test, with its text.
            NotebookClient(nb, kernel_name=harness.KERNEL_NAME, timeout=120, allow_errors=True,
                           resources={"metadata": {"path": NOTEBOOKS}}).execute()
            cls.executed[os.path.basename(path)] = nb
        cls.data_after = data_files()

    def cell(self, notebook, cell_id):
        for c in self.executed[notebook].cells:
            if c.get("id") == cell_id:
                return c
        self.fail(f"{notebook} has no cell {cell_id}")

    def test_no_error_outputs(self):
        self.assertGreaterEqual(len(self.executed), 8, "the curriculum notebooks are missing")
        for name, nb in self.executed.items():
            for c in nb.cells:
                for o in c.get("outputs", []):
                    with self.subTest(notebook=name, cell=c.get("id")):
                        self.assertNotEqual(o.output_type, "error", f"{o.get('ename')}: {o.get('evalue')}")
                        self.assertFalse(o.output_type == "stream" and o.name == "stderr", o.get("text"))

    def test_tensors_show_as_tables(self):
        result = [o for o in self.cell("01-tensors.ipynb", "01-02").outputs if o.output_type == "execute_result"][0]
        self.assertIn("tensor([[1., 2., 3.],", result.data["text/plain"])
        self.assertIn("<table>", result.data.get("text/html", ""))

    def test_view_error_is_pytorchs(self):
        self.assertIn("view size is not compatible with input tensor's size and stride", text(self.cell("01-tensors.ipynb", "01-17")))

    def test_views_share_memory(self):
        self.assertIn("tensor([100,   1,   2,", text(self.cell("01-tensors.ipynb", "01-15")))

    def test_broadcast_error_is_pytorchs(self):
        self.assertIn("The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1",
                      text(self.cell("02-broadcasting-and-indexing.ipynb", "02-06")))

    def test_zero_copy_sees_the_change(self):
        out = text(self.cell("04-zero-copy.ipynb", "04-01"))
        self.assertIn("shared: tensor([[100.,", out)
        self.assertIn("copied: tensor([1., 2.,", out)

    def test_figures_are_images(self):
        for cell_id in ("08-01", "08-02", "08-03", "08-04", "08-05"):
            outputs = self.cell("08-visualise-and-export.ipynb", cell_id).outputs
            self.assertTrue(any("image/png" in o.get("data", {}) for o in outputs), cell_id)

    def test_devices_notebook_runs_without_a_gpu(self):
        self.assertRegex(text(self.cell("03-devices.ipynb", "03-01")), r"using (cpu|cuda)")
        self.assertRegex(text(self.cell("03-devices.ipynb", "03-08")), r"per loop \(mean ± std\. dev\. of 3 runs, 10 loops each\)")

    def test_autograd_gradients_and_fit(self):
        self.assertIn("tensor([1., 2., 3.])", text(self.cell("05-autograd.ipynb", "05-04")))
        graph = self.cell("05-autograd.ipynb", "05-03").outputs[0]
        self.assertIn("image/svg+xml", graph.data)
        fit = re.search(r"w = ([\d.]+), b = ([\d.]+)", text(self.cell("05-autograd.ipynb", "05-09")))
        self.assertIsNotNone(fit, "the regression did not report its fit")
        self.assertAlmostEqual(float(fit.group(1)), 3, delta=0.1)
        self.assertAlmostEqual(float(fit.group(2)), 2, delta=0.2)

    def test_classifier_predicts_each_sample(self):
        """06 runs the model over every PNG in notebooks/data and names each one's class."""
        out = text(self.cell("06-image-classification.ipynb", "06-13"))
        predicted = dict(re.findall(r"(\w+)\.png: predicted (\w+) \([\d.]+%\)", out))
        samples = sorted(n[:-4] for n in os.listdir(DATA) if n.endswith(".png"))
        self.assertEqual(len(samples), 3, "one sample PNG per class")
        self.assertEqual(sorted(predicted), samples, out)
        for name, cls in predicted.items():
            self.assertEqual(cls, name, f"{name}.png classified as {cls}")
        images = [o for o in self.cell("06-image-classification.ipynb", "06-13").outputs if "image/png" in o.get("data", {})]
        self.assertEqual(len(images), 2 * len(samples), "an image and a probability chart per sample")
        self.assertRegex(text(self.cell("06-image-classification.ipynb", "06-11")), r"prediction: triangle \(\d")

    def test_pipeline_shapes(self):
        out = text(self.cell("06-image-classification.ipynb", "06-07"))
        for line in ("from the image: [96 96 3] uint8", "resized:        [28 28 3] uint8", "CHW:            [3 28 28]",
                     "batch:          [1 1 28 28]"):
            self.assertIn(line, out)

    def test_training_loss_goes_down_and_accuracy(self):
        cell = self.cell("07-training.ipynb", "07-11")
        epochs = [(float(train), float(held), float(acc)) for train, held, acc in re.findall(
            r"epoch \d+: train loss ([\d.]+), held-out loss ([\d.]+), held-out accuracy ([\d.]+)%", text(cell))]
        self.assertGreaterEqual(len(epochs), 2, text(cell))
        train = [e[0] for e in epochs]
        self.assertEqual(train, sorted(train, reverse=True), f"the training loss does not go down: {train}")
        self.assertLess(train[-1], train[0] / 4, train)
        self.assertLess(epochs[-1][1], epochs[0][1], "the held-out loss does not go down")
        self.assertGreaterEqual(epochs[-1][2], 95, "held-out accuracy after training")
        final = re.search(r"held-out accuracy: ([\d.]+)%", text(self.cell("07-training.ipynb", "07-13")))
        self.assertIsNotNone(final)
        self.assertGreaterEqual(float(final.group(1)), 95)
        # The live curve and the finished progress bar, as display outputs updated in place.
        self.assertTrue(any("image/png" in o.get("data", {}) for o in cell.outputs), "no loss curve")
        self.assertTrue(any("100%" in o.get("data", {}).get("text/plain", "") for o in cell.outputs), "progress bar not at 100%")

    def test_weights_saved_and_loaded(self):
        out = text(self.cell("07-training.ipynb", "07-15"))
        self.assertRegex(out, r"saved 8 tensors in \d+ bytes")
        self.assertIn("same predictions after loading: true", out)

    def test_notebooks_leave_data_alone(self):
        self.assertEqual(self.data_after, self.data_before, "running the notebooks changed notebooks/data")

    def test_npy_round_trip(self):
        self.assertIn("same values: true", text(self.cell("08-visualise-and-export.ipynb", "08-09")))


if __name__ == "__main__":
    unittest.main()
