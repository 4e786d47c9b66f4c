"""gonote under real Jupyter frontends, run as subprocesses.

The subprocesses inherit the private Jupyter environment harness.py sets up, so
they find the "gonote" kernelspec installed for this test run. Each has a timeout:
a hang fails the test.

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_frontends.py -v
"""

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import nbformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SMOKE_NOTEBOOK = os.path.join(harness.REPO_DIR, "tests", "smoke.ipynb")
FRONTEND_TIMEOUT = 120  # seconds for a whole frontend run


def run(argv, timeout=FRONTEND_TIMEOUT, **kwargs):
    """Run a command; return the CompletedProcess (text output), failing on timeout."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"`{' '.join(argv)}` did not finish in {timeout} s\n{e.stdout}\n{e.stderr}") from e


class KernelspecTest(unittest.TestCase):
    """`gonote install` writes a kernelspec Jupyter tools find and can launch."""

    def test_kernelspec_list_finds_gonote(self):
        """`jupyter kernelspec list` (a subprocess) sees the private gonote spec: argv, language,
        message-mode interrupts."""
        proc = run([harness.JUPYTER, "kernelspec", "list", "--json"])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        specs = json.loads(proc.stdout)["kernelspecs"]
        self.assertIn(harness.KERNEL_NAME, specs)
        found = specs[harness.KERNEL_NAME]
        self.assertEqual(os.path.realpath(found["resource_dir"]), os.path.realpath(os.path.join(harness.KERNELS_DIR, "gonote")))
        spec = found["spec"]
        self.assertEqual(spec["argv"], [harness.GONOTE_BIN, "kernel", "{connection_file}"])
        self.assertEqual(spec["language"], "go")
        self.assertEqual(spec["interrupt_mode"], "message")

    def test_install_user_honours_jupyter_data_dir(self):
        """`gonote install --user` writes $JUPYTER_DATA_DIR/kernels/gonote/kernel.json."""
        data_dir = tempfile.mkdtemp(prefix="gonote-user-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        env = dict(os.environ, JUPYTER_DATA_DIR=data_dir)
        proc = run([harness.GONOTE_BIN, "install", "--user"], env=env, timeout=harness.TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(data_dir, "kernels", "gonote", "kernel.json")) as f:
            spec = json.load(f)
        self.assertEqual(spec["argv"][1:], ["kernel", "{connection_file}"])


class NbconvertTest(unittest.TestCase):
    """`jupyter nbconvert --to notebook --execute` runs tests/smoke.ipynb cell by cell."""

    def test_execute_smoke_notebook(self):
        out_dir = tempfile.mkdtemp(prefix="gonote-nbconvert-")
        self.addCleanup(shutil.rmtree, out_dir, True)
        proc = run([
            harness.JUPYTER, "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.timeout=60", "--output-dir", out_dir, SMOKE_NOTEBOOK,
        ])
        self.assertEqual(proc.returncode, 0, f"nbconvert failed:\n{proc.stderr[-3000:]}")
        nb = nbformat.read(os.path.join(out_dir, "smoke.ipynb"), as_version=4)
        cells = {c["id"]: c for c in nb.cells}

        def outputs(cell_id, output_type):
            return [o for o in cells[cell_id]["outputs"] if o["output_type"] == output_type]

        with self.subTest(cell="print"):
            text = "".join(o["text"] for o in outputs("print", "stream") if o["name"] == "stdout")
            self.assertEqual(text, "hello from gonote\n")
        with self.subTest(cell="expression"):
            results = outputs("expression", "execute_result")
            self.assertEqual(len(results), 1, cells["expression"]["outputs"])
            self.assertEqual(results[0]["data"]["text/plain"], "42")
        with self.subTest(cell="display"):
            shown = outputs("display", "display_data")
            self.assertEqual(len(shown), 1, cells["display"]["outputs"])
            self.assertIn("<b>gonote</b>", shown[0]["data"]["text/html"])
        with self.subTest(check="no errors, counts set"):
            code_cells = [c for c in nb.cells if c["cell_type"] == "code"]
            self.assertFalse([o for c in code_cells for o in c["outputs"] if o["output_type"] == "error"])
            self.assertEqual([c["execution_count"] for c in code_cells], [1, 2, 3])


class ConsoleTest(unittest.TestCase):
    """`jupyter console --kernel gonote --simple-prompt` runs a cell typed on its stdin.

    The cell is written once the first prompt shows (and a moment later, so the
    console's iopub subscription is surely connected); end of input then makes the
    console shut the kernel down and exit.
    """

    def test_console_runs_a_cell(self):
        proc = subprocess.Popen(
            [harness.JUPYTER, "console", "--kernel", harness.KERNEL_NAME, "--simple-prompt", "--no-confirm-exit"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        output = OutputReader(proc.stdout)
        self.addCleanup(self.reap, proc, output)
        self.assertTrue(output.wait_for("In [1]:", harness.STARTUP_TIMEOUT), f"no prompt:\n{output.text()}")
        time.sleep(0.5)
        prompt_end = len(output.text())
        proc.stdin.write("fmt.Println(6*7)\n")
        proc.stdin.flush()
        self.assertTrue(output.wait_for("42", harness.TIMEOUT, since=prompt_end), f"no 42 from the cell:\n{output.text()}")
        proc.stdin.close()
        try:
            rc = proc.wait(timeout=harness.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"console did not exit at end of input:\n{output.text()}")
        transcript = output.text()
        self.assertEqual(rc, 0, transcript)
        self.assertIn("42", transcript[prompt_end:], transcript)

    @staticmethod
    def reap(proc, output):
        """Kill the console if it is still running, and the kernel it started (which runs in
        its own session and would outlive a killed console), then close the pipes."""
        if proc.poll() is None:
            kernels = child_pids(proc.pid)
            proc.kill()
            proc.wait()
            for pid in kernels:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        output.join()
        proc.stdout.close()
        if not proc.stdin.closed:
            proc.stdin.close()


def child_pids(pid):
    """The ids of pid's child processes (Linux /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # pid (comm) state ppid ...; comm may hold spaces, so split after ")".
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            children.append(int(entry))
    return children


class OutputReader:
    """Collects a pipe's text on a thread so the test can wait for a marker with a timeout."""

    def __init__(self, pipe):
        self._chunks = []
        self._lock = threading.Lock()
        self._arrived = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(pipe,), daemon=True)
        self._thread.start()

    def join(self, timeout=5):
        """Wait for the pipe's end (the process has exited)."""
        self._thread.join(timeout)

    def _pump(self, pipe):
        for chunk in iter(lambda: pipe.read(1), ""):
            with self._lock:
                self._chunks.append(chunk)
            self._arrived.put(None)

    def text(self):
        with self._lock:
            return "".join(self._chunks)

    def wait_for(self, marker, timeout, since=0):
        """True once marker appears in the output after offset since, False after timeout seconds."""
        deadline = time.monotonic() + timeout
        while marker not in self.text()[since:]:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._arrived.get(timeout=left)
            except queue.Empty:
                pass
        return True


if __name__ == "__main__":
    unittest.main()
