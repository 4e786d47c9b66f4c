"""Rich output through a real Jupyter client: display_data, update_display_data with
the same display_id, clear_output, and figures as PNGs.

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_display.py -v
"""

import base64
import os
import struct
import sys
import unittest

from jupyter_kernel_test.msgspec_v5 import validate_message

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import describe, execute, of_type  # noqa: E402


def png_size(b64):
    """Width and height from a base64 PNG's IHDR chunk."""
    raw = base64.b64decode(b64)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", raw[16:24])


class DisplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = harness.start_kernel()

    @classmethod
    def tearDownClass(cls):
        harness.stop_kernel(cls.km, cls.kc)

    def setUp(self):
        harness.flush(self.kc)

    def run_ok(self, code):
        reply, msgs = execute(self.kc, code)
        self.assertEqual(reply["content"]["status"], "ok", describe(reply, msgs))
        for m in msgs:
            validate_message(m, m["msg_type"], reply["parent_header"]["msg_id"])
        return msgs

    def test_update_display_replaces_by_id(self):
        """display.New shows an output with a display_id; Update sends update_display_data
        with the same id, which frontends use to redraw it in place."""
        msgs = self.run_ok('h := display.New(display.HTML("<i>one</i>"))\nh.Update(display.HTML("<i>two</i>"))')
        shown, updated = of_type(msgs, "display_data"), of_type(msgs, "update_display_data")
        self.assertEqual(len(shown), 1, describe({"content": {}}, msgs))
        self.assertEqual(len(updated), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertTrue(display_id)
        self.assertEqual(updated[0]["content"]["transient"]["display_id"], display_id)
        self.assertEqual(updated[0]["content"]["data"]["text/html"], "<i>two</i>")
        # A later cell can update the same output.
        msgs = self.run_ok('h.Update(display.Markdown("**three**"))')
        updated = of_type(msgs, "update_display_data")
        self.assertEqual(updated[0]["content"]["transient"]["display_id"], display_id)

    def test_clear_output(self):
        """display.Clear(wait) sends clear_output with the wait flag, after the text printed
        before it."""
        msgs = self.run_ok('fmt.Println("old")\ndisplay.Clear(true)\nfmt.Println("new")')
        kinds = [m["msg_type"] for m in msgs if m["msg_type"] in ("stream", "clear_output")]
        self.assertEqual(kinds, ["stream", "clear_output", "stream"])
        self.assertIs(of_type(msgs, "clear_output")[0]["content"]["wait"], True)

    def test_figure_as_result_is_a_sharp_png(self):
        """A figure as the cell's value is an execute_result PNG at twice its page size,
        with the page size as metadata."""
        msgs = self.run_ok("display.Plot([]float64{1, 4, 9}).SetTitle(\"squares\")")
        result = of_type(msgs, "execute_result")[0]["content"]
        width, height = png_size(result["data"]["image/png"])
        meta = result["metadata"]["image/png"]
        self.assertEqual((width, height), (2 * meta["width"], 2 * meta["height"]))
        self.assertIn("squares", result["data"]["text/plain"])

    def test_progress_bar_updates_one_output(self):
        """A progress bar is one display updated in place, ending at 100%."""
        msgs = self.run_ok("bar := display.Progress(3)\nfor i := 0; i < 3; i++ { bar.Add(1) }\nbar.Close()")
        ids = {m["content"]["transient"]["display_id"] for m in msgs if m["msg_type"].endswith("display_data")}
        self.assertEqual(len(ids), 1)
        last = [m for m in msgs if m["msg_type"].endswith("display_data")][-1]["content"]["data"]
        self.assertIn("100%", last["text/plain"])
        self.assertIn("<progress", last["text/html"])

    def test_tensor_result_is_a_table_and_a_repr(self):
        """A tensor as the cell's value shows PyTorch's repr as text/plain and a table as
        text/html, with a caption giving shape, dtype and device."""
        msgs = self.run_ok("tensor.New([][]float32{{1, 2}, {3, 4.5}})")
        data = of_type(msgs, "execute_result")[0]["content"]["data"]
        self.assertEqual(data["text/plain"], "tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])")
        self.assertIn("<td>4.5000</td>", data["text/html"])
        self.assertIn("shape (2, 2) · float32 · cpu", data["text/html"])

    def test_tensor_error_reads_like_pytorch(self):
        """A tensor error in a cell is a RuntimeError with PyTorch's wording."""
        reply, msgs = execute(self.kc, "tensor.Zeros(3).Add(tensor.Zeros(4))")
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "RuntimeError")
        self.assertEqual(content["evalue"],
                         "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0")

    def test_bad_plot_input_is_an_error_not_a_crash(self):
        """Wrong input to a plot fails the cell with the reason; the kernel stays."""
        reply, msgs = execute(self.kc, 'display.Plot("abc")')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("want a slice of numbers", reply["content"]["evalue"])
        self.run_ok("1")


if __name__ == "__main__":
    unittest.main()
