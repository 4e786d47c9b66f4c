"""README.md's cheat sheet (concept | NumPy | PyTorch | gonote) stays true: every
piece of code in its gonote column runs in the kernel without an error, and the
table names the calls the curriculum notebooks teach.

Each row runs in one kernel after PRELUDE, which defines the names the entries use
(x, t, u, w, loss, model, ...), in a temporary working directory; each code span of
the row is its own cell, in order, so `bar := display.Progress(n)` then `bar.Add(1)`
works as in a notebook.

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_readme.py -v
"""

import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

README = os.path.join(harness.REPO_DIR, "README.md")

# The names the cheat sheet's entries use. Run again before every row, so that
# each row starts from the same state (a fresh loss graph, untouched tensors).
PRELUDE = r'''
import F "gonote/tensor/nn/functional"
import "image"
import "image/png"

tensor.ManualSeed(0)
s := "<b>gonote</b>"
n := 10
a := []float32{1, 2, 3, 4, 5, 6}
m := [][]float64{{1, 2}, {3, 4}}
x := tensor.New([]float32{0, 1, 2, 3})
y := tensor.New([]int64{0, 2, 1, 2})
v := tensor.Randn(1000)
t := tensor.New([][]float32{{1, 2, 3}, {4, 5, 6}})
u := tensor.New([]float32{10, 20, 30})
device := "cpu"
if tensor.CudaAvailable() {
	device = "cuda"
}

w := tensor.Ones(3).RequiresGrad_()
model := nn.NewSequential(nn.NewLinear(2, 8), nn.ReLU{}, nn.NewLinear(8, 3))
logits := model.Forward(tensor.Randn(4, 2)).Mul(w)
loss := F.CrossEntropy(logits, y)
opt := optim.NewSGD(nn.Parameters(model), optim.SGDOptions{LR: 0.1})
var z *tensor.Tensor

images, labels := data.MakeShapes(8, 28, 0.1, 0)
ds := data.NewTensorDataset(images, labels)
img := image.Image(image.NewGray(image.Rect(0, 0, 96, 64)))
hwc := tensor.FromImage(img)
chw := hwc.Permute(2, 0, 1).To(tensor.Float32).Div(255)
pngFile, _ := os.Create("a.png")
png.Encode(pngFile, img)
pngFile.Close()
'''

# Calls the notebooks teach that the table must show (06 and 07 especially).
TAUGHT = [
    "tensor.New(", "tensor.FromSlice(", ".Float32s()", ".Reshape(", ".View(", ".Permute(2, 0, 1)", ".I(",
    ".Unsqueeze(0)", ".Matmul(", ".Sum(", ".Argmax(", ".Softmax(", ".To(device)", ".CPU()", "tensor.CudaAvailable()",
    "png.Decode(", "tensor.FromImage(", ".ResizeHWC(", ".Resize(", ".Div(255)", ".Item()", "tensor.NoGrad(",
    ".Backward()", ".Grad()", "data.MakeShapes(", "data.NewTensorDataset(", "data.DataLoader{", "nn.NewConv2d(",
    "nn.MaxPool2d{", "nn.NewSequential(", "F.CrossEntropy(", "optim.NewAdam(", "opt.Step()", "nn.Eval(", "nn.Save(",
    "nn.Load(", "display.Progress(", "display.LiveLoss(", "display.Bar(", "display.Image(", "display.Heatmap(",
]


def split_row(line):
    """The cells of a Markdown table row; a | inside a code span does not split."""
    cells, cur, code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append(cur.strip())
            cur = ""
        else:
            cur += ch
    cells.append(cur.strip())
    return cells


def cheat_sheet():
    """(concept, [gonote code spans]) for each row of the cheat sheet table."""
    with open(README) as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("## Cheat sheet"))
    table = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    header = split_row(table[0])
    if header != ["concept", "NumPy", "PyTorch", "gonote"]:
        raise AssertionError(f"cheat sheet header is {header}")
    rows = []
    for line in table[2:]:
        cells = split_row(line)
        if len(cells) != 4:
            raise AssertionError(f"cheat sheet row without 4 cells: {line}")
        rows.append((cells[0], re.findall(r"`([^`]+)`", cells[3])))
    return rows


def failure(reply, msgs):
    """What went wrong in one cell, or None."""
    errors = harness.of_type(msgs, "error")
    stderr = harness.stream_text(msgs, "stderr")
    if reply["content"]["status"] != "ok" or errors or stderr:
        return harness.describe(reply, msgs)
    return None


class CheatSheetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = cheat_sheet()
        cls.dir = tempfile.mkdtemp(prefix="gonote-readme-")
        cls.km, cls.kc = harness.start_kernel()

    @classmethod
    def tearDownClass(cls):
        harness.stop_kernel(cls.km, cls.kc)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_cell(self, code):
        reply, msgs = harness.execute(self.kc, code, timeout=60)
        return failure(reply, msgs)

    def test_every_gonote_entry_runs(self):
        self.assertGreaterEqual(len(self.rows), 40, "the cheat sheet lost rows")
        self.assertIsNone(self.run_cell(f"%cd {self.dir}"))
        for concept, spans in self.rows:
            with self.subTest(concept=concept):
                self.assertTrue(spans, "no gonote code in this row")
                problem = self.run_cell(PRELUDE)
                self.assertIsNone(problem, f"the test's prelude failed before this row: {problem}")
                for code in spans:
                    problem = self.run_cell(code)
                    self.assertIsNone(problem, f"`{code}`: {problem}")

    def test_table_names_what_the_notebooks_teach(self):
        code = "\n".join(c for _, spans in self.rows for c in spans)
        missing = [call for call in TAUGHT if call not in code]
        self.assertEqual(missing, [], "calls the notebooks teach are missing from the cheat sheet")


if __name__ == "__main__":
    unittest.main()
