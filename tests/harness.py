"""Shared machinery for gonote's cross-language tests (and bench/).

Importing this module, once per process:

* makes a private Jupyter tree in a temporary directory and points the Jupyter
  environment variables at it (JUPYTER_PATH, JUPYTER_DATA_DIR, JUPYTER_CONFIG_DIR,
  JUPYTER_RUNTIME_DIR, IPYTHONDIR, and gonote's GONOTE_HISTORY). They are set in
  os.environ, so jupyter_client's KernelSpecManager and subprocesses such as
  `/usr/bin/jupyter nbconvert` see the same kernels, and nothing the tests do
  touches the user's own Jupyter setup or gonote history;
* installs the kernelspec "gonote" there with
  `$GONOTE_BIN install --prefix DIR --name gonote` (GONOTE_BIN defaults to
  ../bin/gonote relative to this file; `make build` produces it);
* removes the tree when the process exits.

The helpers below start kernels with jupyter_client and collect the messages a
request produces. Every wait is bounded, so a broken kernel fails a test instead
of hanging it.
"""

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from queue import Empty

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TESTS_DIR)
KERNEL_NAME = "gonote"
PYTHON = "/usr/bin/python3"
JUPYTER = "/usr/bin/jupyter"

# Bounds, in seconds. They are generous: they only decide when a hang becomes a failure.
TIMEOUT = 30  # any single reply or iopub sequence
STARTUP_TIMEOUT = 60  # a fresh kernel answering kernel_info


def _gonote_bin():
    path = os.environ.get("GONOTE_BIN") or os.path.join(REPO_DIR, "bin", "gonote")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"gonote binary not found at {path}: run `make build` or set GONOTE_BIN")
    return path


GONOTE_BIN = _gonote_bin()
JUPYTER_DIR = tempfile.mkdtemp(prefix="gonote-tests-")
# `install --prefix JUPYTER_DIR` writes JUPYTER_DIR/share/jupyter/kernels/NAME.
PREFIX_DATA_DIR = os.path.join(JUPYTER_DIR, "share", "jupyter")
KERNELS_DIR = os.path.join(PREFIX_DATA_DIR, "kernels")


def _cleanup():
    shutil.rmtree(JUPYTER_DIR, ignore_errors=True)


atexit.register(_cleanup)


def _set_environment():
    """Point every Jupyter/IPython directory at the private tree."""
    dirs = {
        "JUPYTER_PATH": PREFIX_DATA_DIR,
        "JUPYTER_DATA_DIR": os.path.join(JUPYTER_DIR, "data"),
        "JUPYTER_CONFIG_DIR": os.path.join(JUPYTER_DIR, "config"),
        "JUPYTER_RUNTIME_DIR": os.path.join(JUPYTER_DIR, "runtime"),
        "IPYTHONDIR": os.path.join(JUPYTER_DIR, "ipython"),
    }
    for name, path in dirs.items():
        os.makedirs(path, exist_ok=True)
        os.environ[name] = path
    os.environ["GONOTE_BIN"] = GONOTE_BIN
    # gonote keeps cell history in ~/.local/share/gonote unless told otherwise.
    os.environ["GONOTE_HISTORY"] = os.path.join(JUPYTER_DIR, "gonote-history.jsonl")


def _run(argv, what):
    """Run a setup command; raise with its output when it fails."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"{what}: `{' '.join(argv)}` did not finish in {TIMEOUT} s") from e
    if proc.returncode != 0:
        raise RuntimeError(
            f"{what}: `{' '.join(argv)}` exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def _check_installed(name):
    """Fail unless KernelSpecManager resolves `name` to the private tree."""
    spec_dir = KernelSpecManager().find_kernel_specs().get(name)
    expected = os.path.join(KERNELS_DIR, name)
    if spec_dir is None or os.path.realpath(spec_dir) != os.path.realpath(expected):
        raise RuntimeError(f"kernelspec {name!r} resolves to {spec_dir!r}, expected {expected!r}")


def install_gonote(name=KERNEL_NAME):
    """Install gonote's kernelspec into the private tree with `gonote install --prefix`."""
    _run([GONOTE_BIN, "install", "--prefix", JUPYTER_DIR, "--name", name], "installing gonote")
    _check_installed(name)


def install_ipykernel(name="python3"):
    """Install Debian's ipykernel kernelspec (/usr/bin/python3) into the private tree."""
    _run(
        [PYTHON, "-m", "ipykernel", "install", "--prefix", JUPYTER_DIR, "--name", name],
        "installing ipykernel",
    )
    _check_installed(name)


_set_environment()
install_gonote()


# ---------------------------------------------------------------- kernels


def start_kernel(kernel_name=KERNEL_NAME, timeout=STARTUP_TIMEOUT):
    """Start a kernel and a blocking client; return (km, kc) once it answers kernel_info."""
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
    except BaseException:
        stop_kernel(km, kc)
        raise
    flush(kc)
    return km, kc


def stop_kernel(km, kc):
    """Close the client and shut the kernel down (killing it if it does not exit)."""
    try:
        kc.stop_channels()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=not km.is_alive())


def kernel_pid(km):
    """The kernel process id, as this jupyter_client (7.x, provisioners) exposes it."""
    return km.provisioner.pid


def flush(kc, channels=("shell", "iopub", "control", "stdin"), quiet=0.1):
    """Drop whatever is waiting on the client's channels."""
    for name in channels:
        get = getattr(kc, f"get_{name}_msg")
        while True:
            try:
                get(timeout=quiet)
            except Empty:
                break


# ---------------------------------------------------------------- messages


def parent_id(msg):
    return msg["parent_header"].get("msg_id")


def wait_reply(kc, msg_id, channel="shell", timeout=TIMEOUT):
    """The reply to msg_id on a channel; replies to other requests are dropped."""
    get = getattr(kc, f"get_{channel}_msg")
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {channel} reply to {msg_id} within {timeout} s")
        try:
            msg = get(timeout=left)
        except Empty:
            continue
        if parent_id(msg) == msg_id:
            return msg


def collect_iopub(kc, msg_id, timeout=TIMEOUT, timed=False):
    """Iopub messages whose parent is msg_id, up to and including status idle.

    Messages for other parents are dropped. With timed=True each item is
    (time.monotonic() at receipt, msg).
    """
    deadline = time.monotonic() + timeout
    got = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            types = [m["msg_type"] for m in (got if not timed else [m for _, m in got])]
            raise AssertionError(f"no idle status for {msg_id} within {timeout} s; got {types}")
        try:
            msg = kc.get_iopub_msg(timeout=left)
        except Empty:
            continue
        if parent_id(msg) != msg_id:
            continue
        got.append((time.monotonic(), msg) if timed else msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return got


def collect_all(kc, msg_ids, channel="shell", timeout=TIMEOUT):
    """For requests sent back to back: {msg_id: (reply, iopub messages up to idle)}.

    Replies and iopub messages are matched by parent whatever order they come in.
    """
    get_reply = getattr(kc, f"get_{channel}_msg")
    replies, iopub, idle = {}, {i: [] for i in msg_ids}, set()
    deadline = time.monotonic() + timeout
    while len(replies) < len(msg_ids) or len(idle) < len(msg_ids):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"within {timeout} s got replies to {len(replies)} and idle for {len(idle)} "
                f"of {len(msg_ids)} requests"
            )
        if len(replies) < len(msg_ids):
            try:
                msg = get_reply(timeout=0.05)
            except Empty:
                pass
            else:
                if parent_id(msg) in iopub:
                    replies[parent_id(msg)] = msg
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Empty:
            continue
        if parent_id(msg) in iopub:
            iopub[parent_id(msg)].append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle.add(parent_id(msg))
    return {i: (replies[i], iopub[i]) for i in msg_ids}


def execute(kc, code, timeout=TIMEOUT, **kwargs):
    """Run one cell; return (execute_reply, its iopub messages up to idle)."""
    msg_id = kc.execute(code, **kwargs)
    reply = wait_reply(kc, msg_id, timeout=timeout)
    return reply, collect_iopub(kc, msg_id, timeout=timeout)


def of_type(msgs, msg_type):
    """The messages of one msg_type, in order."""
    return [m for m in msgs if m["msg_type"] == msg_type]


def stream_text(msgs, name="stdout"):
    """The concatenated text of the stream messages for one stream name."""
    return "".join(m["content"]["text"] for m in of_type(msgs, "stream") if m["content"]["name"] == name)


def result_text(msgs):
    """text/plain of the (single) execute_result, or None when there is none."""
    results = of_type(msgs, "execute_result")
    if not results:
        return None
    return results[-1]["content"]["data"].get("text/plain")


def describe(reply, msgs=()):
    """A short account of a reply and its iopub messages, for assertion messages."""
    content = reply["content"]
    parts = [f"reply status={content.get('status')!r}"]
    if content.get("status") == "error":
        parts.append(f"{content.get('ename')}: {content.get('evalue')}")
    for m in msgs:
        if m["msg_type"] == "stream":
            parts.append(f"stream[{m['content']['name']}]={m['content']['text'][:200]!r}")
        elif m["msg_type"] == "error":
            parts.append(f"error {m['content']['ename']}: {m['content']['evalue']}")
        elif m["msg_type"] in ("execute_result", "display_data"):
            parts.append(f"{m['msg_type']}={m['content']['data']!r:.200}")
    return "; ".join(parts)
