package kernel

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// fakeEngine runs a tiny command language so the kernel can be tested without Go
// evaluation: "print TEXT", "result TEXT", "fail", "input", "block".
type fakeEngine struct {
	executed []ExecuteRequest
}

func (e *fakeEngine) Execute(ctx context.Context, req ExecuteRequest, out Output) ExecuteReply {
	e.executed = append(e.executed, req)
	cmd, arg, _ := strings.Cut(req.Code, " ")
	switch cmd {
	case "print":
		out.Stream("stdout", arg)
	case "result":
		return ExecuteReply{Result: &Bundle{Data: map[string]any{"text/plain": arg}}}
	case "fail":
		return ExecuteReply{Err: &ExecError{Name: "Boom", Value: "it failed", Traceback: []string{"Boom: it failed"}}}
	case "input":
		line, err := out.Input("name? ", false)
		if err != nil {
			return ExecuteReply{Err: &ExecError{Name: "StdinError", Value: err.Error()}}
		}
		out.Stream("stdout", "hello "+line)
	case "block":
		<-ctx.Done()
		return ExecuteReply{Err: &ExecError{Name: "Interrupted", Value: ctx.Err().Error()}}
	}
	return ExecuteReply{}
}

func (e *fakeEngine) Evaluate(ctx context.Context, expr string) (Bundle, *ExecError) {
	if expr == "bad" {
		return Bundle{}, &ExecError{Name: "Bad", Value: "bad expression"}
	}
	return Bundle{Data: map[string]any{"text/plain": "value of " + expr}}, nil
}

func (e *fakeEngine) Complete(code string, cursor int) Completion {
	return Completion{Matches: []string{code + "x"}, CursorStart: 0, CursorEnd: cursor}
}

func (e *fakeEngine) Inspect(code string, cursor, detail int) Inspection {
	return Inspection{Found: true, Data: map[string]any{"text/plain": "about " + code}}
}

func (e *fakeEngine) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "    "
	}
	return "complete", ""
}

func (e *fakeEngine) Shutdown(restart bool) {}

// client is a frontend speaking to a kernel under test over real ZeroMQ sockets.
type client struct {
	t                     testing.TB
	signer                *signer
	shell, control, stdin zmq4.Socket
	iopub                 zmq4.Socket
	iopubMsgs             chan *Message
	done                  chan error
	kernel                *Kernel
}

func freePorts(t testing.TB, n int) []int {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

func startKernel(t testing.TB, engine Engine) *client {
	t.Helper()
	p := freePorts(t, 5)
	return startKernelOn(t, engine, ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], ControlPort: p[1],
		StdinPort: p[2], IOPubPort: p[3], HBPort: p[4], Key: "test-key", SignatureScheme: "hmac-sha256"})
}

func startKernelOn(t testing.TB, engine Engine, conn ConnectionInfo) *client {
	t.Helper()
	k, err := New(Config{Conn: conn, Engine: engine, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, signer: k.signer, iopubMsgs: make(chan *Message, 1000), done: make(chan error, 1), kernel: k}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { c.done <- k.Run(ctx) }()
	id := zmq4.WithID(zmq4.SocketIdentity("test-client"))
	c.shell = zmq4.NewDealer(ctx, id)
	c.control = zmq4.NewDealer(ctx, id)
	c.stdin = zmq4.NewDealer(ctx, id)
	c.iopub = zmq4.NewSub(ctx)
	dial := func(s zmq4.Socket, port int) {
		var err error
		for range 100 { // the kernel binds in its own goroutine
			if err = s.Dial(conn.endpoint(port)); err == nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal(err)
	}
	dial(c.shell, conn.ShellPort)
	dial(c.control, conn.ControlPort)
	dial(c.stdin, conn.StdinPort)
	dial(c.iopub, conn.IOPubPort)
	c.iopub.SetOption(zmq4.OptionSubscribe, "")
	go func() {
		for {
			zm, err := c.iopub.Recv()
			if err != nil {
				return
			}
			if m, err := decode(zm.Frames, c.signer, nil); err == nil {
				c.iopubMsgs <- m
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub} {
			s.Close()
		}
	})
	// Subscriptions propagate asynchronously: wait until iopub delivers.
	deadline := time.Now().Add(5 * time.Second)
	for {
		m := c.send(c.shell, "kernel_info_request", map[string]any{})
		c.recv(c.shell)
		select {
		case got := <-c.iopubMsgs:
			// Any message, even a late one for an earlier request, means the
			// subscription is live; what is left of this request is drained.
			if parentID(got) != m.Header.MsgID || !strings.Contains(string(got.Content), `"idle"`) {
				c.drainIOPub(m)
			}
			return c
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("iopub never delivered a message")
		}
	}
}

func parentID(m *Message) string {
	var h Header
	json.Unmarshal(m.Parent, &h)
	return h.MsgID
}

// send signs and sends a request; it returns the message sent.
func (c *client) send(s zmq4.Socket, msgType string, content any) *Message {
	c.t.Helper()
	header, _ := json.Marshal(newHeader(msgType, "client"))
	body, _ := json.Marshal(content)
	m := &Message{RawHeader: header, Content: body}
	json.Unmarshal(header, &m.Header)
	if err := s.SendMulti(zmq4.NewMsgFrom(encode(m, c.signer)...)); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (c *client) recv(s zmq4.Socket) *Message {
	c.t.Helper()
	got := make(chan *Message, 1)
	go func() {
		zm, err := s.Recv()
		if err != nil {
			got <- nil
			return
		}
		m, _ := decode(zm.Frames, c.signer, nil)
		got <- m
	}()
	select {
	case m := <-got:
		if m == nil {
			c.t.Fatal("receive failed")
		}
		return m
	case <-time.After(5 * time.Second):
		c.t.Fatal("no reply within 5 s")
	}
	return nil
}

// drainIOPub returns the iopub messages of request m up to and including its idle status.
func (c *client) drainIOPub(m *Message) []*Message {
	c.t.Helper()
	var msgs []*Message
	for {
		select {
		case got := <-c.iopubMsgs:
			if parentID(got) != m.Header.MsgID {
				continue
			}
			msgs = append(msgs, got)
			if got.Header.MsgType == "status" && strings.Contains(string(got.Content), `"idle"`) {
				return msgs
			}
		case <-time.After(5 * time.Second):
			c.t.Fatalf("no idle status for %s; got %d messages", m.Header.MsgType, len(msgs))
		}
	}
}

func content(t *testing.T, m *Message) map[string]any {
	var c map[string]any
	if err := json.Unmarshal(m.Content, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func types(msgs []*Message) string {
	var s []string
	for _, m := range msgs {
		t := m.Header.MsgType
		if t == "status" {
			var c map[string]string
			json.Unmarshal(m.Content, &c)
			t = c["execution_state"]
		}
		s = append(s, t)
	}
	return strings.Join(s, " ")
}

func (c *client) execute(code string, extra map[string]any) (*Message, []*Message) {
	c.t.Helper()
	req := map[string]any{"code": code, "silent": false, "store_history": true, "allow_stdin": false, "stop_on_error": true}
	for k, v := range extra {
		req[k] = v
	}
	m := c.send(c.shell, "execute_request", req)
	reply := c.recv(c.shell)
	return reply, c.drainIOPub(m)
}

func TestRequestsAreFramedAndAnsweredOnTheirSocket(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	cases := []struct {
		socket  zmq4.Socket
		msgType string
		content map[string]any
		reply   string
	}{
		{c.shell, "kernel_info_request", nil, "kernel_info_reply"},
		{c.control, "kernel_info_request", nil, "kernel_info_reply"},
		{c.shell, "complete_request", map[string]any{"code": "fmt.P", "cursor_pos": 5}, "complete_reply"},
		{c.shell, "inspect_request", map[string]any{"code": "x", "cursor_pos": 1, "detail_level": 0}, "inspect_reply"},
		{c.shell, "is_complete_request", map[string]any{"code": "func f() {"}, "is_complete_reply"},
		{c.shell, "history_request", map[string]any{"hist_access_type": "tail", "n": 5}, "history_reply"},
		{c.shell, "comm_info_request", nil, "comm_info_reply"},
		{c.shell, "frobnicate_request", nil, "frobnicate_reply"},
		{c.control, "interrupt_request", nil, "interrupt_reply"},
	}
	for _, tc := range cases {
		m := c.send(tc.socket, tc.msgType, tc.content)
		reply := c.recv(tc.socket)
		if reply.Header.MsgType != tc.reply || parentID(reply) != m.Header.MsgID {
			t.Errorf("%s: got %s (parent %s)", tc.msgType, reply.Header.MsgType, parentID(reply))
		}
		if got := types(c.drainIOPub(m)); got != "busy idle" {
			t.Errorf("%s: iopub %q, want busy idle", tc.msgType, got)
		}
	}
}

func TestReplyContents(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	ask := func(msgType string, body map[string]any) map[string]any {
		m := c.send(c.shell, msgType, body)
		r := content(t, c.recv(c.shell))
		c.drainIOPub(m)
		return r
	}
	info := ask("kernel_info_request", nil)
	lang := info["language_info"].(map[string]any)
	if info["protocol_version"] != "5.3" || info["implementation"] != "gonote" || lang["name"] != "go" ||
		lang["mimetype"] != "text/x-go" || lang["file_extension"] != ".go" {
		t.Errorf("kernel_info_reply: %v", info)
	}
	if r := ask("is_complete_request", map[string]any{"code": "func f() {"}); r["status"] != "incomplete" || r["indent"] != "    " {
		t.Errorf("is_complete_reply: %v", r)
	}
	if r := ask("complete_request", map[string]any{"code": "fmt.P", "cursor_pos": 5}); r["cursor_end"] != 5.0 || r["matches"].([]any)[0] != "fmt.Px" {
		t.Errorf("complete_reply: %v", r)
	}
	if r := ask("frobnicate_request", nil); r["status"] != "error" || !strings.Contains(r["evalue"].(string), "frobnicate_request") {
		t.Errorf("reply to an unknown request: %v", r)
	}
	if r := ask("is_complete_request", map[string]any{"code": 42}); r["status"] != "error" {
		t.Errorf("reply to a malformed request: %v", r)
	}
}

func TestExecutionCountAndSilent(t *testing.T) {
	e := &fakeEngine{}
	c := startKernel(t, e)
	steps := []struct {
		code      string
		extra     map[string]any
		wantCount float64
		wantIOPub string
	}{
		{"print hi", nil, 1, "busy execute_input stream idle"},
		{"result 42", nil, 2, "busy execute_input execute_result idle"},
		{"print hidden", map[string]any{"silent": true}, 2, "busy idle"},
		{"print not stored", map[string]any{"store_history": false}, 2, "busy execute_input stream idle"},
		{"fail", map[string]any{"stop_on_error": false}, 3, "busy execute_input error idle"},
		{"print x", nil, 4, "busy execute_input stream idle"},
	}
	for _, s := range steps {
		reply, iopub := c.execute(s.code, s.extra)
		r := content(t, reply)
		if r["execution_count"] != s.wantCount {
			t.Errorf("%q: execution_count %v, want %v", s.code, r["execution_count"], s.wantCount)
		}
		if got := types(iopub); got != s.wantIOPub {
			t.Errorf("%q: iopub %q, want %q", s.code, got, s.wantIOPub)
		}
	}
	_, iopub := c.execute("result 7", nil)
	if r := content(t, iopub[2]); r["execution_count"] != 5.0 || r["data"].(map[string]any)["text/plain"] != "7" {
		t.Errorf("execute_result: %v", r)
	}
	m := c.send(c.shell, "history_request", map[string]any{"hist_access_type": "range", "session": 0, "start": 1, "output": true})
	h := content(t, c.recv(c.shell))["history"].([]any)
	c.drainIOPub(m)
	if len(h) != 5 || h[1].([]any)[2].([]any)[1] != "42" {
		t.Errorf("history range of this session: %v", h)
	}
}

func TestStopOnErrorAbortsQueuedCells(t *testing.T) {
	e := &fakeEngine{}
	c := startKernel(t, e)
	req := func(code string) *Message {
		return c.send(c.shell, "execute_request", map[string]any{"code": code, "silent": false, "stop_on_error": true})
	}
	first, second, third := req("fail"), req("print 2"), req("print 3")
	for i, m := range []*Message{first, second, third} {
		r := c.recv(c.shell)
		if parentID(r) != m.Header.MsgID {
			t.Fatalf("reply %d is for another request", i)
		}
		want := []string{"error", "aborted", "aborted"}[i]
		if got := content(t, r)["status"]; got != want {
			t.Errorf("reply %d: status %v, want %s", i, got, want)
		}
		c.drainIOPub(m)
	}
	if len(e.executed) != 2 { // the kernel_info warm-up is not a cell; "fail" is
		t.Logf("executed: %v", e.executed)
	}
	if got := e.executed[len(e.executed)-1].Code; got != "fail" {
		t.Errorf("a queued cell ran after the failure: %q", got)
	}
	if reply, _ := c.execute("print after", nil); content(t, reply)["status"] != "ok" {
		t.Error("the kernel kept aborting after the queue was flushed")
	}
}

func TestInterruptEndsTheCell(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	m := c.send(c.shell, "execute_request", map[string]any{"code": "block"})
	time.Sleep(50 * time.Millisecond)
	c.send(c.control, "interrupt_request", nil)
	if r := c.recv(c.control); r.Header.MsgType != "interrupt_reply" {
		t.Fatalf("got %s on control", r.Header.MsgType)
	}
	r := content(t, c.recv(c.shell))
	if r["status"] != "error" || r["ename"] != "Interrupted" {
		t.Errorf("interrupted cell replied %v", r)
	}
	c.drainIOPub(m)
	if reply, _ := c.execute("print still here", nil); content(t, reply)["status"] != "ok" {
		t.Error("the kernel does not run cells after an interrupt")
	}
}

func TestStdinRoundTrip(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	m := c.send(c.shell, "execute_request", map[string]any{"code": "input", "allow_stdin": true})
	ask := c.recv(c.stdin)
	if ask.Header.MsgType != "input_request" || content(t, ask)["prompt"] != "name? " || parentID(ask) != m.Header.MsgID {
		t.Fatalf("input_request: %s %v", ask.Header.MsgType, content(t, ask))
	}
	c.send(c.stdin, "input_reply", map[string]any{"value": "gopher"})
	if r := content(t, c.recv(c.shell)); r["status"] != "ok" {
		t.Fatalf("reply %v", r)
	}
	iopub := c.drainIOPub(m)
	if got := content(t, iopub[2])["text"]; got != "hello gopher" {
		t.Errorf("stream %q", got)
	}
	reply, _ := c.execute("input", map[string]any{"allow_stdin": false})
	if r := content(t, reply); r["status"] != "error" || !strings.Contains(r["evalue"].(string), "allow_stdin") {
		t.Errorf("input without stdin: %v", r)
	}
}

func TestUserExpressions(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	reply, _ := c.execute("print x", map[string]any{"user_expressions": map[string]string{"a": "x*2", "b": "bad"}})
	ue := content(t, reply)["user_expressions"].(map[string]any)
	a, b := ue["a"].(map[string]any), ue["b"].(map[string]any)
	if a["status"] != "ok" || a["data"].(map[string]any)["text/plain"] != "value of x*2" {
		t.Errorf("a: %v", a)
	}
	if b["status"] != "error" || b["ename"] != "Bad" {
		t.Errorf("b: %v", b)
	}
}

func TestForgedMessagesAreIgnored(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	header, _ := json.Marshal(newHeader("kernel_info_request", "client"))
	valid := encode(&Message{RawHeader: header}, c.signer)
	c.shell.SendMulti(zmq4.NewMsgFrom(valid...))
	c.recv(c.shell)

	header, _ = json.Marshal(newHeader("execute_request", "attacker"))
	forged := [][]byte{delimiter, []byte("00112233"), header, []byte("{}"), []byte("{}"), []byte(`{"code":"print pwned"}`)}
	unsigned := [][]byte{delimiter, nil, header, []byte("{}"), []byte("{}"), []byte(`{"code":"print pwned"}`)}
	for _, frames := range [][][]byte{forged, unsigned, {[]byte("garbage")}, valid[:4], valid} {
		c.shell.SendMulti(zmq4.NewMsgFrom(frames...))
	}
	// The next reply must answer this request: nothing was sent for the forgeries.
	ok := c.send(c.shell, "is_complete_request", map[string]any{"code": "x"})
	if r := c.recv(c.shell); parentID(r) != ok.Header.MsgID {
		t.Errorf("got a reply to a forged message: %s", r.Header.MsgType)
	}
}

func TestShutdown(t *testing.T) {
	for _, sock := range []string{"control", "shell"} {
		c := startKernel(t, &fakeEngine{})
		s := c.control
		if sock == "shell" {
			s = c.shell
		}
		c.send(s, "shutdown_request", map[string]any{"restart": true})
		r := c.recv(s)
		if r.Header.MsgType != "shutdown_reply" || content(t, r)["restart"] != true {
			t.Errorf("%s: %s %v", sock, r.Header.MsgType, content(t, r))
		}
		select {
		case err := <-c.done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: Run did not return after shutdown", sock)
		}
	}
}

func TestCommOpenToUnknownTargetIsClosed(t *testing.T) {
	c := startKernel(t, &fakeEngine{})
	m := c.send(c.shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "nope", "data": map[string]any{}})
	iopub := c.drainIOPub(m)
	if types(iopub) != "busy comm_close idle" || content(t, iopub[1])["comm_id"] != "c1" {
		t.Errorf("iopub after comm_open: %s", types(iopub))
	}
}

func TestIPCTransport(t *testing.T) {
	// Jupyter's ipc endpoints are files named "<ip>-<port>".
	base := t.TempDir() + "/kernel"
	c := startKernelOn(t, &fakeEngine{}, ConnectionInfo{Transport: "ipc", IP: base, ShellPort: 1, ControlPort: 2,
		StdinPort: 3, IOPubPort: 4, HBPort: 5, Key: "k", SignatureScheme: "hmac-sha256"})
	reply, _ := c.execute("result 42", nil)
	if content(t, reply)["status"] != "ok" {
		t.Fatalf("execute over ipc: %v", content(t, reply))
	}
	if _, err := os.Stat(base + "-1"); err != nil {
		t.Errorf("no shell socket file: %v", err)
	}
}
