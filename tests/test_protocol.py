"""Protocol behaviour of gonote that jupyter_kernel_test does not cover.

Each test class says what it guards. Kernels are started through the private
kernelspec that harness.py installs; every wait is bounded (harness.TIMEOUT).

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_protocol.py -v
"""

import os
import signal
import subprocess
import sys
import time
import unittest
import uuid
from queue import Empty

import zmq
from jupyter_client.session import Session
from jupyter_kernel_test.msgspec_v5 import validate_message

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TIMEOUT, collect_iopub, describe, execute, of_type, result_text, stream_text, wait_reply  # noqa: E402

# How soon a running cell must end after an interrupt (the brief's bound; generous for a
# kernel that checks a cancelled context).
INTERRUPT_DEADLINE = 1.0
# How long to listen for a reply that must not come.
SILENCE = 1.0


class KernelTestCase(unittest.TestCase):
    """Base class: self.km and self.kc are a running kernel and its blocking client."""

    def run_ok(self, code, **kwargs):
        """Run a cell that must succeed; return its iopub messages."""
        reply, msgs = execute(self.kc, code, **kwargs)
        self.assertEqual(reply["content"]["status"], "ok", f"cell {code!r}: {describe(reply, msgs)}")
        return msgs


class SharedKernel(KernelTestCase):
    """One kernel for the whole class; channels are flushed before each test."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = harness.start_kernel()

    @classmethod
    def tearDownClass(cls):
        harness.stop_kernel(cls.km, cls.kc)

    def setUp(self):
        harness.flush(self.kc)


class FreshKernel(KernelTestCase):
    """A new kernel for every test (for tests that interrupt, restart or stop it)."""

    def setUp(self):
        self.km, self.kc = harness.start_kernel()
        self.addCleanup(harness.stop_kernel, self.km, self.kc)


class InterruptTest(FreshKernel):
    """An interrupt (interrupt_request or SIGINT) ends a running cell and keeps the session."""

    def start_busy_loop(self):
        """Define x, start `for {}`, and check the loop is really running; return its msg_id."""
        self.run_ok("x := 41")
        msg_id = self.kc.execute("for {}")
        # The cell has started once execute_input for it is published.
        deadline = time.monotonic() + TIMEOUT
        while True:
            self.assertLess(time.monotonic(), deadline, "no execute_input for `for {}`")
            try:
                msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            except Empty:
                continue
            if harness.parent_id(msg) == msg_id and msg["msg_type"] == "execute_input":
                break
        with self.assertRaises(Empty, msg="`for {}` replied before it was interrupted"):
            self.kc.get_shell_msg(timeout=0.3)
        return msg_id

    def assert_interrupted(self, msg_id, interrupted_at):
        """The loop's reply is an error that came within INTERRUPT_DEADLINE; state survives."""
        reply = wait_reply(self.kc, msg_id, timeout=TIMEOUT)
        elapsed = time.monotonic() - interrupted_at
        msgs = collect_iopub(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "error", describe(reply, msgs))
        self.assertLess(elapsed, INTERRUPT_DEADLINE, f"execute_reply came {elapsed:.2f} s after the interrupt")
        self.assertEqual(len(of_type(msgs, "error")), 1, "expected one error message on iopub")
        msgs = self.run_ok("x + 1")
        self.assertEqual(result_text(msgs), "42", "session state lost across the interrupt")

    def test_interrupt_request_ends_busy_loop(self):
        """km.interrupt_kernel() (interrupt_mode message: interrupt_request on control)."""
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "message")
        msg_id = self.start_busy_loop()
        t0 = time.monotonic()
        self.km.interrupt_kernel()
        self.assert_interrupted(msg_id, t0)

    def test_sigint_ends_busy_loop(self):
        """SIGINT to the kernel process ends the running cell; the process lives on."""
        msg_id = self.start_busy_loop()
        t0 = time.monotonic()
        os.kill(harness.kernel_pid(self.km), signal.SIGINT)
        self.assert_interrupted(msg_id, t0)
        self.assertTrue(self.km.is_alive(), "kernel died on SIGINT")

    def test_interrupt_reply_and_idle_interrupt(self):
        """interrupt_request on control gets interrupt_reply on control; an interrupt while
        idle does not cancel the next cell."""
        msg = self.kc.session.msg("interrupt_request", {})
        self.kc.control_channel.send(msg)
        reply = wait_reply(self.kc, msg["header"]["msg_id"], channel="control")
        validate_message(reply, "interrupt_reply", msg["header"]["msg_id"])
        self.assertEqual(reply["content"]["status"], "ok")
        msgs = self.run_ok('time.Sleep(100 * time.Millisecond); fmt.Println("still here")')
        self.assertEqual(stream_text(msgs), "still here\n")


class ShutdownRestartTest(FreshKernel):
    """shutdown_request (control and shell) and KernelManager.restart_kernel."""

    def assert_exits(self, what):
        """The kernel process exits by itself, with status 0."""
        process = self.km.provisioner.process
        try:
            rc = process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"kernel still running {TIMEOUT} s after {what}")
        self.assertEqual(rc, 0, f"kernel exit status after {what}")

    def test_restart_kernel(self):
        """After km.restart_kernel() a new process answers kernel_info and runs cells, with a
        fresh session."""
        self.run_ok("before := 1")
        old_pid = harness.kernel_pid(self.km)
        self.km.restart_kernel()
        self.assertNotEqual(harness.kernel_pid(self.km), old_pid, "restart kept the old process")
        self.kc.wait_for_ready(timeout=harness.STARTUP_TIMEOUT)
        harness.flush(self.kc)
        msg_id = self.kc.kernel_info()
        reply = wait_reply(self.kc, msg_id)
        self.assertEqual(reply["content"]["language_info"]["name"], "go")
        msgs = self.run_ok("6*7")
        self.assertEqual(result_text(msgs), "42")
        reply, msgs = execute(self.kc, "before")
        self.assertEqual(reply["content"]["status"], "error", "variable survived a restart: " + describe(reply, msgs))

    def shutdown_on(self, channel, restart):
        msg = self.kc.session.msg("shutdown_request", {"restart": restart})
        getattr(self.kc, f"{channel}_channel").send(msg)
        reply = wait_reply(self.kc, msg["header"]["msg_id"], channel=channel)
        validate_message(reply, "shutdown_reply", msg["header"]["msg_id"])
        self.assertEqual(reply["content"].get("status"), "ok")
        self.assertIs(reply["content"]["restart"], restart, "restart flag not echoed")

    def test_shutdown_on_control(self):
        """shutdown_request(restart=False) on control: shutdown_reply on control, then exit."""
        self.shutdown_on("control", False)
        self.assert_exits("shutdown_request on control")

    def test_shutdown_on_control_restart_flag(self):
        """shutdown_request(restart=True) on control echoes restart=True, then exits."""
        self.shutdown_on("control", True)
        self.assert_exits("shutdown_request(restart=True) on control")

    def test_shutdown_on_shell(self):
        """shutdown_request on shell (deprecated but allowed) is answered on shell, then exit."""
        self.shutdown_on("shell", False)
        self.assert_exits("shutdown_request on shell")


class OrphanTest(unittest.TestCase):
    """A kernel whose frontend was killed exits by itself (JPY_PARENT_PID), as ipykernel
    does, instead of running on forever with parent pid 1."""

    FRONTEND = (
        "import sys; sys.path.insert(0, sys.argv[1]); import harness\n"
        "km, kc = harness.start_kernel()\n"
        "print(harness.kernel_pid(km), flush=True)\n"
        "import time; time.sleep(60)\n"
    )

    def test_kernel_exits_when_frontend_is_killed(self):
        here = os.path.dirname(os.path.abspath(__file__))
        frontend = subprocess.Popen([sys.executable, "-c", self.FRONTEND, here], stdout=subprocess.PIPE, text=True)
        self.addCleanup(frontend.kill)
        pid = int(frontend.stdout.readline())
        self.addCleanup(lambda: os.path.exists(f"/proc/{pid}") and os.kill(pid, signal.SIGKILL))
        frontend.kill()
        frontend.wait()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().split(") ")[-1].startswith("Z"):
                        return  # exited; a zombie until init reaps it
            except FileNotFoundError:
                return
            time.sleep(0.1)
        self.fail(f"kernel {pid} still running {TIMEOUT} s after its frontend was killed")


class StdinTest(SharedKernel):
    """fmt.Scanln reads os.Stdin through input_request/input_reply on the stdin channel."""

    CELL = 'var name string; fmt.Scanln(&name); fmt.Println("hello", name)'

    def wait_input_request(self, msg_id):
        """The input_request for msg_id; fails at once if the cell ends without asking."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_stdin_msg(timeout=0.1)
            except Empty:
                pass
            else:
                if harness.parent_id(msg) == msg_id:
                    self.assertEqual(msg["msg_type"], "input_request")
                    return msg
            try:
                reply = self.kc.get_shell_msg(timeout=0.01)
            except Empty:
                continue
            if harness.parent_id(reply) == msg_id:
                self.fail("cell ended without an input_request: " + describe(reply, collect_iopub(self.kc, msg_id)))
        self.fail(f"no input_request within {TIMEOUT} s")

    def test_input_round_trip(self):
        """With allow_stdin=True the kernel asks for input and the cell sees the reply."""
        msg_id = self.kc.execute(self.CELL, allow_stdin=True)
        request = self.wait_input_request(msg_id)
        self.assertFalse(request["content"].get("password", False))
        self.kc.input("gopher")
        reply = wait_reply(self.kc, msg_id)
        msgs = collect_iopub(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "ok", describe(reply, msgs))
        self.assertIn("hello gopher", stream_text(msgs))

    def test_input_not_allowed(self):
        """With allow_stdin=False reading stdin fails the cell with an error naming stdin."""
        reply, msgs = execute(self.kc, self.CELL, allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error", describe(reply, msgs))
        self.assertIn("stdin", reply["content"]["evalue"].lower())
        with self.assertRaises(Empty, msg="input_request sent although allow_stdin was False"):
            self.kc.get_stdin_msg(timeout=0.2)


class StopOnErrorTest(SharedKernel):
    """A failing cell aborts the execute_requests queued behind it, unless stop_on_error=False."""

    # The sleep makes sure the next requests are queued before the first one fails.
    FAILING = 'time.Sleep(300 * time.Millisecond); panic("first")'

    def send_three(self, var, stop_on_error):
        ids = [
            self.kc.execute(self.FAILING, stop_on_error=stop_on_error),
            self.kc.execute(f"{var} := 1"),
            self.kc.execute(var),
        ]
        results = harness.collect_all(self.kc, ids)
        return [results[i][0]["content"]["status"] for i in ids]

    def test_queued_cells_are_aborted(self):
        """error, aborted, aborted; the aborted cells did not run; the next cell runs."""
        self.assertEqual(self.send_three("yAborted", True), ["error", "aborted", "aborted"])
        reply, msgs = execute(self.kc, "yAborted")
        self.assertEqual(reply["content"]["status"], "error", "an aborted cell ran: " + describe(reply, msgs))
        self.run_ok("1")

    def test_stop_on_error_false_runs_later_cells(self):
        """With stop_on_error=False the queued cells run: error, ok, ok."""
        self.assertEqual(self.send_three("yKept", False), ["error", "ok", "ok"])
        self.assertEqual(result_text(self.run_ok("yKept")), "1")


class ExecutionCountTest(SharedKernel):
    """execution_count advances for stored cells only; silent cells publish nothing."""

    def count_of(self, code, **kwargs):
        reply, msgs = execute(self.kc, code, **kwargs)
        self.assertEqual(reply["content"]["status"], "ok", describe(reply, msgs))
        return reply["content"]["execution_count"], msgs

    def test_counts(self):
        """+1 per normal cell, +0 for silent=True and for store_history=False; execute_input
        and execute_result carry the cell's count."""
        n, msgs = self.count_of("1")
        self.assertEqual([m["content"]["execution_count"] for m in of_type(msgs, "execute_input")], [n])
        self.assertEqual([m["content"]["execution_count"] for m in of_type(msgs, "execute_result")], [n])
        self.assertEqual(self.count_of("2")[0], n + 1)
        self.count_of("3", silent=True)
        self.count_of("4", store_history=False)
        self.assertEqual(self.count_of("5")[0], n + 2, "silent or store_history=False advanced the count")

    def test_silent_publishes_nothing(self):
        """silent=True: no execute_input, stream or execute_result on iopub, only busy/idle."""
        for code in ('fmt.Println("quiet")', "6*7"):
            with self.subTest(code=code):
                _, msgs = self.count_of(code, silent=True)
                self.assertEqual([m["msg_type"] for m in msgs], ["status", "status"])


class UserExpressionsTest(SharedKernel):
    """user_expressions are evaluated after the cell and reported in execute_reply."""

    def test_user_expression(self):
        """z*2 after `z := 21` is {"status": "ok", "data": {"text/plain": "42"}}."""
        reply, msgs = execute(self.kc, "z := 21", user_expressions={"a": "z*2"})
        self.assertEqual(reply["content"]["status"], "ok", describe(reply, msgs))
        a = reply["content"]["user_expressions"]["a"]
        self.assertEqual(a["status"], "ok", a)
        self.assertEqual(a["data"]["text/plain"], "42")

    def test_bad_user_expression(self):
        """A failing expression is status error inside user_expressions; the cell stays ok and
        the other expressions are still evaluated."""
        exprs = {"bad": "noSuchName + 1", "good": "w + 1"}
        reply, msgs = execute(self.kc, "w := 1", user_expressions=exprs)
        self.assertEqual(reply["content"]["status"], "ok", describe(reply, msgs))
        got = reply["content"]["user_expressions"]
        self.assertEqual(got["bad"]["status"], "error", got["bad"])
        self.assertIn("ename", got["bad"])
        self.assertEqual(got["good"]["status"], "ok", got["good"])
        self.assertEqual(got["good"]["data"]["text/plain"], "2")


class FramingTest(SharedKernel):
    """Every shell request is framed by status busy ... idle on iopub, parented to it."""

    REQUESTS = {
        "kernel_info": lambda kc: kc.kernel_info(),
        "execute": lambda kc: kc.execute("1"),
        "complete": lambda kc: kc.complete("fmt.Pri"),
        "inspect": lambda kc: kc.inspect("fmt.Println"),
        "is_complete": lambda kc: kc.is_complete("x := 1"),
        "history": lambda kc: kc.history(hist_access_type="tail", n=1),
        "comm_info": lambda kc: kc.comm_info(),
    }

    def test_busy_idle_framing(self):
        for name, send in self.REQUESTS.items():
            with self.subTest(request=name):
                msg_id = send(self.kc)
                reply = wait_reply(self.kc, msg_id)
                self.assertEqual(reply["msg_type"], f"{name}_reply")
                msgs = collect_iopub(self.kc, msg_id)
                states = [m["content"]["execution_state"] for m in of_type(msgs, "status")]
                self.assertEqual(states, ["busy", "idle"])
                self.assertEqual(msgs[0]["msg_type"], "status", "first iopub message is not busy")


class CommTest(SharedKernel):
    """The kernel has no comm targets: comm_info is empty and unknown comms are closed."""

    def test_comm_info_empty(self):
        msg_id = self.kc.comm_info()
        reply = wait_reply(self.kc, msg_id)
        validate_message(reply, "comm_info_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["comms"], {})

    def test_comm_open_unknown_target_is_closed(self):
        """comm_open with an unknown target_name is answered by comm_close for that comm_id."""
        comm_id = uuid.uuid4().hex
        msg = self.kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "no.such.target", "data": {}})
        self.kc.shell_channel.send(msg)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                got = self.kc.get_iopub_msg(timeout=0.5)
            except Empty:
                continue
            if got["msg_type"] == "comm_close" and got["content"].get("comm_id") == comm_id:
                return
        self.fail(f"no comm_close for {comm_id} within {TIMEOUT} s")


class ForgedMessageTest(SharedKernel):
    """Shell messages with a bad, missing or replayed HMAC, or garbage frames, get no reply,
    no iopub traffic, and do not disturb the kernel."""

    def setUp(self):
        super().setUp()
        info = self.km.get_connection_info()
        self.session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
        self.context = zmq.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.linger = 0
        self.socket.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
        self.addCleanup(self.context.term)
        self.addCleanup(self.socket.close)

    def valid_frames(self):
        """A correctly signed kernel_info_request: (msg_id, frames)."""
        msg = self.session.msg("kernel_info_request", {})
        return msg["header"]["msg_id"], self.session.serialize(msg)

    def raw_reply(self, timeout):
        """The next message on the raw socket, deserialized, or None after timeout seconds."""
        if not self.socket.poll(int(timeout * 1000)):
            return None
        frames = self.socket.recv_multipart()
        _, frames = self.session.feed_identities(frames)
        return self.session.deserialize(frames)

    def assert_raw_round_trip(self):
        """A valid message on the raw socket is answered (so silence below means something)."""
        msg_id, frames = self.valid_frames()
        self.socket.send_multipart(frames)
        reply = self.raw_reply(TIMEOUT)
        self.assertIsNotNone(reply, "no reply to a valid kernel_info_request on a raw socket")
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        collect_iopub(self.kc, msg_id)
        return msg_id, frames

    def assert_ignored(self, frames, what, watched_ids=()):
        self.socket.send_multipart(frames)
        reply = self.raw_reply(SILENCE)
        if reply is not None:
            self.fail(f"kernel replied to {what} with {reply['msg_type']}")
        for msg in self.drain_iopub():
            self.assertNotIn(harness.parent_id(msg), watched_ids, f"iopub traffic for {what}: {msg['msg_type']}")

    def drain_iopub(self):
        msgs = []
        while True:
            try:
                msgs.append(self.kc.get_iopub_msg(timeout=0.2))
            except Empty:
                return msgs

    def test_forged_messages_are_ignored(self):
        valid_id, valid = self.assert_raw_round_trip()

        msg_id, frames = self.valid_frames()
        bad_sig = bytes(reversed(frames[1]))  # same length, wrong digest
        with self.subTest(case="wrong signature"):
            self.assert_ignored([frames[0], bad_sig, *frames[2:]], "a wrong signature", [msg_id])

        msg_id, frames = self.valid_frames()
        with self.subTest(case="no signature"):
            self.assert_ignored([frames[0], b"", *frames[2:]], "an empty signature", [msg_id])

        with self.subTest(case="replay"):
            self.assert_ignored(valid, "a replayed message", [valid_id])

        signed_junk = [b"not json", b"{}", b"{}", b"[1,2"]
        garbage = {
            "one frame": [b"garbage"],
            "delimiter only": [b"<IDS|MSG>"],
            "too few frames": [b"<IDS|MSG>", b"0" * 64, b"{}"],
            "signed non-JSON": [b"<IDS|MSG>", self.session.sign(signed_junk), *signed_junk],
            "random bytes": [os.urandom(64) for _ in range(6)],
        }
        for case, frames in garbage.items():
            with self.subTest(case=case):
                self.assert_ignored(frames, f"garbage ({case})")

        with self.subTest(case="still answering"):
            self.assert_raw_round_trip()
            reply = wait_reply(self.kc, self.kc.kernel_info())
            self.assertEqual(reply["msg_type"], "kernel_info_reply")


class HeartbeatTest(SharedKernel):
    """The hb channel echoes what it receives."""

    def test_heartbeat_echo(self):
        info = self.km.get_connection_info()
        context = zmq.Context()
        sock = context.socket(zmq.REQ)
        sock.linger = 0
        try:
            sock.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
            for payload in (b"ping", uuid.uuid4().bytes):
                sock.send(payload)
                self.assertTrue(sock.poll(TIMEOUT * 1000), "no heartbeat echo")
                self.assertEqual(sock.recv(), payload)
        finally:
            sock.close()
            context.term()
        self.assertTrue(self.km.is_alive())


class OutputStreamingTest(SharedKernel):
    """stdout is published while a cell runs, batched, complete and in order."""

    def test_output_arrives_while_cell_runs(self):
        """Five lines 200 ms apart arrive spread over time, not all at the end."""
        code = "for i := 0; i < 5; i++ { fmt.Println(i); time.Sleep(200 * time.Millisecond) }"
        msg_id = self.kc.execute(code)
        timed = collect_iopub(self.kc, msg_id, timed=True)
        reply = wait_reply(self.kc, msg_id)
        msgs = [m for _, m in timed]
        self.assertEqual(reply["content"]["status"], "ok", describe(reply, msgs))
        self.assertEqual(stream_text(msgs), "0\n1\n2\n3\n4\n")
        stream_times = [t for t, m in timed if m["msg_type"] == "stream"]
        idle_time = timed[-1][0]
        self.assertGreaterEqual(len(stream_times), 3, "output was not streamed while the cell ran")
        self.assertGreater(idle_time - stream_times[0], 0.4, "the first line arrived only when the cell ended")

    def test_many_lines_in_order_and_batched(self):
        """10,000 printed lines all arrive, in order, in far fewer than 10,000 messages."""
        msgs = self.run_ok("for i := 0; i < 10000; i++ { fmt.Println(i) }")
        expected = "".join(f"{i}\n" for i in range(10000))
        text = stream_text(msgs)
        self.assertEqual(len(text), len(expected), "lines lost or duplicated")
        self.assertEqual(text, expected, "lines out of order")
        self.assertLess(len(of_type(msgs, "stream")), 1000, "stream output not batched")


class UnknownMessageTest(SharedKernel):
    """An unknown shell msg_type is framed busy/idle, answered (if at all) by an error reply,
    and the kernel keeps working."""

    def test_unknown_request(self):
        msg = self.kc.session.msg("foo_request", {})
        self.kc.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        msgs = collect_iopub(self.kc, msg_id)
        states = [m["content"]["execution_state"] for m in of_type(msgs, "status")]
        self.assertEqual(states, ["busy", "idle"])
        try:
            reply = wait_reply(self.kc, msg_id, timeout=SILENCE)
        except AssertionError:
            reply = None  # no reply is allowed (ipykernel sends none)
        if reply is not None:
            self.assertEqual(reply["msg_type"], "foo_reply")
            self.assertEqual(reply["content"]["status"], "error")
        reply = wait_reply(self.kc, self.kc.kernel_info())
        self.assertEqual(reply["msg_type"], "kernel_info_reply")



class CellSafetyTest(FreshKernel):
    """No cell can kill or wedge the kernel (issue 3): interrupts end sleeps and channel
    waits, goroutine panics and os.Exit are reported, and the session goes on."""

    def interrupt_running(self, code):
        msg_id = self.kc.execute(code)
        time.sleep(0.3)
        self.km.interrupt_kernel()
        t0 = time.monotonic()
        reply = wait_reply(self.kc, msg_id)
        elapsed = time.monotonic() - t0
        collect_iopub(self.kc, msg_id)
        return reply, elapsed

    def test_interrupt_ends_sleep_and_channel_wait(self):
        """Each wait ends on interrupt, and a goroutine of an earlier cell keeps running."""
        self.run_ok("var ticks atomic.Int64\ngo func() { for { ticks.Add(1); time.Sleep(time.Millisecond) } }()")
        for code in ("time.Sleep(time.Hour)", "<-make(chan int)", "v := <-make(chan string)\n_ = v",
                     "make(chan int) <- 1", "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()",
                     "var mu sync.Mutex\nmu.Lock()\nmu.Lock()",
                     "for range make(chan int) {}", "select {}", "fmt.Println(<-make(chan int))",
                     "fmt.Println(time.Now().IsZero(), <-make(chan int))"):
            with self.subTest(code=code):
                reply, elapsed = self.interrupt_running(code)
                self.assertEqual(reply["content"]["status"], "error")
                self.assertEqual(reply["content"]["ename"], "Interrupted")
                self.assertLess(elapsed, INTERRUPT_DEADLINE, f"{code} ended {elapsed:.2f} s after the interrupt")
                msgs = self.run_ok("a := ticks.Load()\ntime.Sleep(30 * time.Millisecond)\nfmt.Println(ticks.Load() > a)")
                self.assertEqual(stream_text(msgs), "true\n", "the earlier cell's goroutine stopped")

    def test_blocked_compiled_call_does_not_hold_up_later_cells(self):
        """A cell interrupted inside a compiled call that never returns leaves the next cells a
        rebuilt session with the same variables."""
        self.run_ok('import "net"\nln, _ := net.Listen("tcp", "127.0.0.1:0")\nn := 7')
        reply, _ = self.interrupt_running("conn, err := ln.Accept()\n_, _ = conn, err")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        t0 = time.monotonic()
        msgs = self.run_ok("n * 6")
        # Half a second for the call to return, then the rebuild; never the call's own time.
        self.assertLess(time.monotonic() - t0, 5.0)
        self.assertEqual(result_text(msgs), "42")
        self.assertIn("still blocked in a call that cannot be interrupted", stream_text(msgs, "stderr"))
        self.assertEqual(result_text(self.run_ok("ln.Addr().Network()")), '"tcp"')

    def test_goroutine_panic_is_reported_not_fatal(self):
        msgs = self.run_ok('go func() { panic("x") }()\ntime.Sleep(200 * time.Millisecond)')
        err = stream_text(msgs, "stderr")
        self.assertIn("panic: x", err)
        self.assertIn("in a goroutine started at cell", err)
        self.assertTrue(self.km.is_alive())
        self.assertEqual(result_text(self.run_ok("1 + 1")), "2")

    def test_os_exit_ends_the_cell_only(self):
        reply, msgs = execute(self.kc, "os.Exit(3)")
        self.assertEqual(reply["content"]["status"], "error", describe(reply, msgs))
        self.assertTrue(self.km.is_alive())
        self.assertEqual(result_text(self.run_ok("2 * 21")), "42")


class RedefinitionTest(FreshKernel):
    """Changing a type rebuilds the session (issue 3): a model in a variable keeps its weights,
    functions of earlier cells see the new type, and nothing runs twice."""

    def test_type_change_keeps_the_model(self):
        self.run_ok("type MLP struct{ W *tensor.Tensor }\n"
                    "func (m *MLP) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Matmul(m.W) }")
        self.run_ok("type Config struct{ LR float64 }\nfunc lr(c Config) float64 { return c.LR }")
        msgs = self.run_ok('m := &MLP{W: tensor.Randn(3, 2)}\nw0 := m.W.Sum().Item()\nfmt.Println("trained")')
        self.assertEqual(stream_text(msgs), "trained\n")
        msgs = self.run_ok("type Config struct{ LR, Momentum float64 }\nlr(Config{LR: 0.5})")
        self.assertEqual(result_text(msgs), "0.5")
        self.assertEqual(stream_text(msgs), "", "a statement of an earlier cell ran again")
        self.assertEqual(stream_text(msgs, "stderr"), "")
        self.assertEqual(result_text(self.run_ok("m.W.Sum().Item() == w0")), "true")
        msgs = self.run_ok("type MLP struct{ W, B *tensor.Tensor }")
        self.assertIn("these variables are now zero, as their values were of the old types: m", stream_text(msgs, "stderr"))
        self.assertEqual(result_text(self.run_ok("m == nil")), "true")


class CompletionInspectionTest(SharedKernel):
    """complete_request and inspect_request through jupyter_client."""

    def test_complete_package_member(self):
        reply = wait_reply(self.kc, self.kc.complete("strings.To", 10))
        self.assertIn("strings.ToUpper", reply["content"]["matches"])
        self.assertEqual(reply["content"]["cursor_start"], 0)
        self.assertEqual(reply["content"]["cursor_end"], 10)

    def test_inspect_shows_doc(self):
        reply = wait_reply(self.kc, self.kc.inspect("strings.ToUpper", 10))
        self.assertTrue(reply["content"]["found"])
        self.assertIn("ToUpper returns", reply["content"]["data"]["text/plain"])

if __name__ == "__main__":
    unittest.main()
