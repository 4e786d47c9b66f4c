// Package kernel speaks the Jupyter messaging protocol (version 5.3) over ZeroMQ.
//
// It owns the five sockets of a connection file, signs and verifies messages, frames
// every request with busy/idle on iopub, keeps the execution count and the history,
// and drives an Engine that evaluates cells. It knows nothing about Go evaluation.
package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// Config is what a Kernel needs to run.
type Config struct {
	Conn    ConnectionInfo
	Engine  Engine
	History *History    // nil keeps history in memory
	Log     *log.Logger // warnings and dropped messages; nil discards them
	Debug   bool        // log every message received
	Version string      // gonote's version, for kernel_info
	// Listeners are TCP listeners already bound to ports of Conn (see package
	// prebind); the kernel serves those ports on them instead of binding.
	Listeners map[int]net.Listener
}

// Kernel is one running Jupyter kernel.
type Kernel struct {
	cfg     Config
	engine  Engine
	log     *log.Logger
	signer  *signer
	guard   *replayGuard
	session string
	history *History

	shell, control, stdin, iopub, hb *socket

	queue        chan *Message // shell requests, run one at a time in arrival order
	setAside     []*Message    // taken from queue to be served first; shell goroutine only
	inputReplies chan *Message
	inputMu      sync.Mutex // one input_request outstanding at a time

	execCount int // touched only by the shell goroutine

	mu         sync.Mutex
	cancelCell context.CancelFunc // interrupts the running cell; nil when idle

	ctx      context.Context
	stop     context.CancelFunc
	shutdown sync.Once
}

// socket is a ZeroMQ socket whose sends are serialised.
type socket struct {
	name string
	zmq4.Socket
	mu sync.Mutex
}

func (s *socket) send(frames [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.SendMulti(zmq4.NewMsgFrom(frames...))
}

// New prepares a kernel; Run binds its sockets and serves until shutdown.
func New(cfg Config) (*Kernel, error) {
	s, err := newSigner(cfg.Conn.SignatureScheme, cfg.Conn.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Engine == nil {
		return nil, errors.New("kernel: no engine")
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	if cfg.History == nil {
		cfg.History, _ = OpenHistory("")
	}
	return &Kernel{
		cfg:          cfg,
		engine:       cfg.Engine,
		log:          cfg.Log,
		signer:       s,
		guard:        newReplayGuard(),
		session:      newID(),
		history:      cfg.History,
		queue:        make(chan *Message, 1024),
		inputReplies: make(chan *Message, 16),
	}, nil
}

// Run binds the sockets and serves requests until a shutdown_request arrives or ctx
// ends. It returns an error only when the sockets cannot be bound.
func (k *Kernel) Run(ctx context.Context) error {
	k.ctx, k.stop = context.WithCancel(ctx)
	defer k.stop()
	c := k.cfg.Conn
	bind := func(name string, z zmq4.Socket, port int) (*socket, error) {
		ep := c.endpoint(port)
		if l := k.cfg.Listeners[port]; l != nil && c.Transport == "tcp" {
			ep = prebound.endpoint(l)
		}
		if err := z.Listen(ep); err != nil {
			return nil, fmt.Errorf("%s socket on %s: %w", name, c.endpoint(port), err)
		}
		return &socket{name: name, Socket: z}, nil
	}
	var err error
	sockets := []struct {
		dst  **socket
		name string
		new  func(context.Context, ...zmq4.Option) zmq4.Socket
		port int
	}{
		{&k.hb, "hb", zmq4.NewRep, c.HBPort},
		{&k.iopub, "iopub", zmq4.NewPub, c.IOPubPort},
		{&k.control, "control", zmq4.NewRouter, c.ControlPort},
		{&k.stdin, "stdin", zmq4.NewRouter, c.StdinPort},
		{&k.shell, "shell", zmq4.NewRouter, c.ShellPort},
	}
	for _, s := range sockets {
		// zmq4 logs connection failures; they belong in the kernel log, not in a cell.
		z := s.new(k.ctx, zmq4.WithLogger(k.log))
		if *s.dst, err = bind(s.name, z, s.port); err != nil {
			k.closeSockets()
			return err
		}
	}
	defer k.closeSockets()

	k.publish("status", nil, map[string]any{"execution_state": "starting"})
	go k.heartbeat()
	go k.receive(k.stdin, k.onInputReply)
	go k.receive(k.control, func(m *Message) { k.serve(k.control, m) })
	go k.receive(k.shell, func(m *Message) { k.queue <- m })
	go k.runShell()
	<-k.ctx.Done()
	return nil
}

func (k *Kernel) closeSockets() {
	for _, s := range []*socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// Interrupt ends the running cell, if any, as interrupt_request and SIGINT do.
func (k *Kernel) Interrupt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cancelCell != nil {
		k.cancelCell()
	}
}

// heartbeat echoes every ping on the hb socket.
func (k *Kernel) heartbeat() {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return
			}
			continue
		}
		k.hb.send(msg.Frames)
	}
}

// receive decodes messages from s and hands them to handle. Messages that fail
// decoding or verification are dropped with one log line; a reply cannot be
// addressed to a message whose signature is not trusted.
func (k *Kernel) receive(s *socket, handle func(*Message)) {
	for {
		zm, err := s.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return
			}
			k.log.Printf("%s: receive: %v", s.name, err)
			time.Sleep(10 * time.Millisecond) // don't spin on a persistent error
			continue
		}
		m, err := decode(zm.Frames, k.signer, k.guard)
		if err != nil {
			k.log.Printf("%s: dropped message: %v", s.name, err)
			continue
		}
		if k.cfg.Debug {
			k.log.Printf("%s: received %s %s", s.name, m.Header.MsgType, m.Header.MsgID)
		}
		handle(m)
	}
}

// runShell serves shell requests one at a time, in arrival order: first those
// set aside by takeQueuedExecutes, then the queue.
func (k *Kernel) runShell() {
	for {
		var m *Message
		if len(k.setAside) > 0 {
			m, k.setAside = k.setAside[0], k.setAside[1:]
		} else {
			select {
			case <-k.ctx.Done():
				return
			case m = <-k.queue:
			}
		}
		for _, a := range k.serve(k.shell, m) {
			k.abort(a)
		}
	}
}

// takeQueuedExecutes removes the execute_requests already queued behind a cell
// that failed with stop_on_error; they will be answered "aborted", as ipykernel
// does. It runs before the failed cell's reply, so a request sent after the client
// saw that reply is never caught. Other requests are set aside, in order, to be
// served next.
func (k *Kernel) takeQueuedExecutes() []*Message {
	time.Sleep(time.Millisecond) // let requests sent right behind the failed one arrive
	var aborted []*Message
	for len(k.queue) > 0 {
		m := <-k.queue
		if m.Header.MsgType == "execute_request" {
			aborted = append(aborted, m)
		} else {
			k.setAside = append(k.setAside, m)
		}
	}
	return aborted
}

func (k *Kernel) abort(m *Message) {
	k.publishStatus("busy", m)
	k.reply(k.shell, m, "execute_reply", map[string]any{"status": "aborted", "execution_count": k.execCount})
	k.publishStatus("idle", m)
}

// serve handles one request framed by busy/idle on iopub. It returns the queued
// execute_requests to abort when a cell failed with stop_on_error.
func (k *Kernel) serve(s *socket, m *Message) (aborted []*Message) {
	k.publishStatus("busy", m)
	defer k.publishStatus("idle", m)
	defer func() {
		// A bug in a handler must cost one request, never the kernel.
		if r := recover(); r != nil {
			k.log.Printf("%s: %s: internal error: %v", s.name, m.Header.MsgType, r)
			k.replyError(s, m, "InternalError", fmt.Sprint(r))
		}
	}()
	switch t := m.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(s, m, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		if s != k.shell {
			k.replyError(s, m, "WrongSocket", "execute_request is served on the shell socket")
			return nil
		}
		return k.execute(m)
	case "complete_request":
		k.complete(s, m)
	case "inspect_request":
		k.inspect(s, m)
	case "is_complete_request":
		k.isComplete(s, m)
	case "history_request":
		k.historyRequest(s, m)
	case "comm_info_request":
		k.reply(s, m, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "comm_open":
		// No comm targets are registered yet: close the comm, as ipykernel does for an unknown target.
		var c struct {
			CommID string `json:"comm_id"`
		}
		json.Unmarshal(m.Content, &c)
		k.publish("comm_close", m, map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	case "comm_msg", "comm_close":
		// Messages to comms that do not exist need no answer.
	case "interrupt_request":
		k.Interrupt()
		k.reply(s, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "shutdown_request":
		k.shutdownRequest(s, m)
	default:
		k.log.Printf("%s: unknown message type %q", s.name, t)
		if strings.HasSuffix(t, "_request") {
			k.replyError(s, m, "UnknownMessageType", fmt.Sprintf("gonote does not handle %s messages", t))
		}
	}
	return nil
}

func (k *Kernel) kernelInfo() map[string]any {
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       protocolVersion,
		"implementation":         "gonote",
		"implementation_version": k.cfg.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            goVersion,
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner": fmt.Sprintf("gonote %s: Go %s cells on yaegi, with tensors and plots.\nType %%help for help.", k.cfg.Version, goVersion),
		"help_links": []map[string]string{
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
			{"text": "gonote", "url": "https://github.com/gonote/gonote#readme"},
		},
		"debugger": false,
	}
}

// executeRequest is the content of an execute_request. Pointers tell "absent"
// from false where the protocol's default is true.
type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      *bool             `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

func orDefault(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func (k *Kernel) execute(m *Message) (aborted []*Message) {
	var req executeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.replyError(k.shell, m, "BadRequest", "execute_request content: "+err.Error())
		return nil
	}
	storeHistory := orDefault(req.StoreHistory, !req.Silent) && !req.Silent
	if storeHistory {
		k.execCount++
	}
	count := k.execCount
	if !req.Silent {
		k.publish("execute_input", m, map[string]any{"code": req.Code, "execution_count": count})
	}

	ctx, cancel := context.WithCancel(k.ctx)
	k.mu.Lock()
	k.cancelCell = cancel
	k.mu.Unlock()
	out := &cellOutput{k: k, parent: m, ctx: ctx, silent: req.Silent, allowStdin: orDefault(req.AllowStdin, true)}
	res := k.engine.Execute(ctx, ExecuteRequest{
		Code: req.Code, Silent: req.Silent, StoreHistory: storeHistory,
		AllowStdin: out.allowStdin, Count: count,
	}, out)
	k.mu.Lock()
	k.cancelCell = nil
	k.mu.Unlock()
	cancel()

	var resultText string
	if res.Result != nil {
		resultText, _ = res.Result.Data["text/plain"].(string)
		if !req.Silent {
			k.publish("execute_result", m, map[string]any{
				"execution_count": count, "data": res.Result.Data, "metadata": orEmptyMap(res.Result.Metadata),
			})
		}
	}
	if storeHistory {
		if err := k.history.Add(count, req.Code, resultText); err != nil {
			k.log.Printf("history: %v", err)
		}
	}
	if e := res.Err; e != nil {
		if !req.Silent {
			k.publish("error", m, errorContent(e))
		}
		if orDefault(req.StopOnError, true) {
			aborted = k.takeQueuedExecutes()
		}
		reply := errorContent(e)
		reply["status"] = "error"
		reply["execution_count"] = count
		k.reply(k.shell, m, "execute_reply", reply)
		return aborted
	}
	payload := res.Payload
	if payload == nil {
		payload = []map[string]any{}
	}
	k.reply(k.shell, m, "execute_reply", map[string]any{
		"status":           "ok",
		"execution_count":  count,
		"payload":          payload,
		"user_expressions": k.userExpressions(req.UserExpressions),
	})
	return nil
}

// userExpressions evaluates the expressions a frontend asked for after a cell.
func (k *Kernel) userExpressions(exprs map[string]string) map[string]any {
	results := make(map[string]any, len(exprs))
	for name, expr := range exprs {
		b, err := k.engine.Evaluate(k.ctx, expr)
		if err != nil {
			r := errorContent(err)
			r["status"] = "error"
			results[name] = r
			continue
		}
		results[name] = map[string]any{"status": "ok", "data": b.Data, "metadata": orEmptyMap(b.Metadata)}
	}
	return results
}

func errorContent(e *ExecError) map[string]any {
	tb := e.Traceback
	if tb == nil {
		tb = []string{}
	}
	return map[string]any{"ename": e.Name, "evalue": e.Value, "traceback": tb}
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func (k *Kernel) complete(s *socket, m *Message) {
	var req struct {
		Code      string `json:"code"`
		CursorPos int    `json:"cursor_pos"`
	}
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.replyError(s, m, "BadRequest", "complete_request content: "+err.Error())
		return
	}
	c := k.engine.Complete(req.Code, req.CursorPos)
	matches := c.Matches
	if matches == nil {
		matches = []string{}
	}
	k.reply(s, m, "complete_reply", map[string]any{
		"status": "ok", "matches": matches, "cursor_start": c.CursorStart, "cursor_end": c.CursorEnd,
		"metadata": orEmptyMap(c.Metadata),
	})
}

func (k *Kernel) inspect(s *socket, m *Message) {
	var req struct {
		Code        string `json:"code"`
		CursorPos   int    `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.replyError(s, m, "BadRequest", "inspect_request content: "+err.Error())
		return
	}
	in := k.engine.Inspect(req.Code, req.CursorPos, req.DetailLevel)
	k.reply(s, m, "inspect_reply", map[string]any{
		"status": "ok", "found": in.Found, "data": orEmptyMap(in.Data), "metadata": map[string]any{},
	})
}

func (k *Kernel) isComplete(s *socket, m *Message) {
	var req struct {
		Code string `json:"code"`
	}
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.replyError(s, m, "BadRequest", "is_complete_request content: "+err.Error())
		return
	}
	status, indent := k.engine.IsComplete(req.Code)
	reply := map[string]any{"status": status}
	if status == "incomplete" {
		reply["indent"] = indent
	}
	k.reply(s, m, "is_complete_reply", reply)
}

func (k *Kernel) historyRequest(s *socket, m *Message) {
	var q HistoryQuery
	if err := json.Unmarshal(m.Content, &q); err != nil {
		k.replyError(s, m, "BadRequest", "history_request content: "+err.Error())
		return
	}
	h, err := k.history.Query(q)
	if err != nil {
		k.replyError(s, m, "BadRequest", err.Error())
		return
	}
	k.reply(s, m, "history_reply", map[string]any{"status": "ok", "history": h})
}

func (k *Kernel) shutdownRequest(s *socket, m *Message) {
	var req struct {
		Restart bool `json:"restart"`
	}
	json.Unmarshal(m.Content, &req) // a malformed body still means "shut down"
	k.Interrupt()
	k.engine.Shutdown(req.Restart)
	k.reply(s, m, "shutdown_reply", map[string]any{"status": "ok", "restart": req.Restart})
	k.shutdown.Do(func() {
		go func() {
			// Like ZMQ_LINGER: give the reply and the final idle time to leave.
			time.Sleep(100 * time.Millisecond)
			k.stop()
		}()
	})
}

// reply sends a reply to request m on the socket it came in on.
func (k *Kernel) reply(s *socket, m *Message, msgType string, content any) {
	k.sendMessage(s, m.Identities, msgType, m, content)
}

// replyError answers a request that cannot be served. Only *_request messages
// have replies.
func (k *Kernel) replyError(s *socket, m *Message, ename, evalue string) {
	t, ok := strings.CutSuffix(m.Header.MsgType, "_request")
	if !ok {
		return
	}
	k.reply(s, m, t+"_reply", map[string]any{
		"status": "error", "ename": ename, "evalue": evalue, "traceback": []string{ename + ": " + evalue},
	})
}

// publish sends a message on iopub with parent as its parent (nil for none).
func (k *Kernel) publish(msgType string, parent *Message, content any) {
	topic := []byte("kernel." + k.session + "." + msgType)
	k.sendMessage(k.iopub, [][]byte{topic}, msgType, parent, content)
}

func (k *Kernel) publishStatus(state string, parent *Message) {
	k.publish("status", parent, map[string]any{"execution_state": state})
}

func (k *Kernel) sendMessage(s *socket, identities [][]byte, msgType string, parent *Message, content any) {
	body, err := json.Marshal(content)
	if err != nil {
		// Content the engine produced that JSON cannot carry (NaN in a bundle, say).
		k.log.Printf("%s: %s: %v", s.name, msgType, err)
		body, _ = json.Marshal(map[string]any{"status": "error", "ename": "EncodingError", "evalue": err.Error(), "traceback": []string{}})
	}
	header, _ := json.Marshal(newHeader(msgType, k.session))
	msg := &Message{Identities: identities, RawHeader: header, Metadata: []byte("{}"), Content: body}
	if parent != nil {
		msg.Parent = parent.RawHeader
	}
	if err := s.send(encode(msg, k.signer)); err != nil && k.ctx.Err() == nil {
		k.log.Printf("%s: send %s: %v", s.name, msgType, err)
	}
}

// onInputReply passes input_reply messages to the cell waiting for them.
func (k *Kernel) onInputReply(m *Message) {
	if m.Header.MsgType != "input_reply" {
		k.log.Printf("stdin: unexpected %s", m.Header.MsgType)
		return
	}
	select {
	case k.inputReplies <- m:
	default:
		k.log.Printf("stdin: input_reply nobody asked for")
	}
}

// cellOutput is the Output of one execute_request: everything goes to iopub with
// the request as parent.
type cellOutput struct {
	k          *Kernel
	parent     *Message
	ctx        context.Context
	silent     bool
	allowStdin bool
}

func (o *cellOutput) Stream(name, text string) {
	if o.silent || text == "" {
		return
	}
	o.k.publish("stream", o.parent, map[string]any{"name": name, "text": text})
}

func (o *cellOutput) Display(b Bundle, displayID string, update bool) {
	if o.silent {
		return
	}
	msgType := "display_data"
	if update {
		msgType = "update_display_data"
	}
	transient := map[string]any{}
	if displayID != "" {
		transient["display_id"] = displayID
	}
	o.k.publish(msgType, o.parent, map[string]any{
		"data": b.Data, "metadata": orEmptyMap(b.Metadata), "transient": transient,
	})
}

func (o *cellOutput) ClearOutput(wait bool) {
	if o.silent {
		return
	}
	o.k.publish("clear_output", o.parent, map[string]any{"wait": wait})
}

func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	k := o.k
	k.inputMu.Lock()
	defer k.inputMu.Unlock()
	for len(k.inputReplies) > 0 { // replies to requests nobody waits for any more
		<-k.inputReplies
	}
	header, _ := json.Marshal(newHeader("input_request", k.session))
	content, _ := json.Marshal(map[string]any{"prompt": prompt, "password": password})
	req := &Message{Identities: o.parent.Identities, RawHeader: header, Parent: o.parent.RawHeader, Metadata: []byte("{}"), Content: content}
	if err := k.stdin.send(encode(req, k.signer)); err != nil {
		return "", fmt.Errorf("input_request: %w", err)
	}
	select {
	case <-o.ctx.Done():
		return "", o.ctx.Err()
	case r := <-k.inputReplies:
		var reply struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(r.Content, &reply); err != nil {
			return "", fmt.Errorf("input_reply: %w", err)
		}
		return reply.Value, nil
	}
}
