package interp

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	yaegi "github.com/traefik/yaegi/interp"

	"gonote/kernel"
)

// fakeOut records what a cell sends, in order, and answers input requests
// from inputs (or with inputErr).
type fakeOut struct {
	mu       sync.Mutex
	events   []string // "stdout:text", "stderr:text", "input"
	inputs   []string
	inputErr error
}

func (o *fakeOut) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, name+":"+text)
}

func (o *fakeOut) Display(kernel.Bundle, string, bool) {}
func (o *fakeOut) ClearOutput(bool)                    {}

func (o *fakeOut) Input(prompt string, password bool) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, "input")
	if o.inputErr != nil {
		return "", o.inputErr
	}
	if len(o.inputs) == 0 {
		return "", errors.New("no more input")
	}
	s := o.inputs[0]
	o.inputs = o.inputs[1:]
	return s, nil
}

// text returns everything sent to stream name.
func (o *fakeOut) text(name string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	for _, ev := range o.events {
		if t, ok := strings.CutPrefix(ev, name+":"); ok {
			b.WriteString(t)
		}
	}
	return b.String()
}

func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Shutdown(false) })
	return e
}

func execute(e *Engine, code string, out kernel.Output) kernel.ExecuteReply {
	if out == nil {
		out = &fakeOut{}
	}
	return e.Execute(context.Background(), kernel.ExecuteRequest{Code: code, Count: 1}, out)
}

func resultText(r kernel.ExecuteReply) string {
	if r.Result == nil {
		return ""
	}
	return r.Result.Data["text/plain"].(string)
}

// TestExecute runs cells in order in one session: later cells use the state
// of earlier ones.
func TestExecute(t *testing.T) {
	e := newEngine(t)
	runCells(t, e, []cellCase{
		{code: "1 + 2", result: "3"},
		{code: "x := 40", result: ""},
		{code: "x + 2", result: "42"},
		{code: `"hi"`, result: `"hi"`},
		{code: "import \"fmt\"\nfmt.Println(\"a\", x)", stdout: "a 40\n"},
		{code: "func h() {}\nh()"},
		{code: "func sq(n int) int { return n * n }\nsq(x)", result: "1600"},
		{code: "import \"strings\"\nstrings.ToUpper(\"go\")", result: `"GO"`},
		{code: "import (\n\t\"fmt\"\n\t\"strings\"\n)\nfmt.Print(strings.Repeat(\"ab\", 2))", stdout: "abab"},
		{code: "type P struct{ X int }\nP{3}", result: "{3}"},
		{code: "var v = 5\nv", result: "5"},
		{code: "for i := 0; i < 3; i++ {\n\tx++\n}"},
		{code: "x", result: "43"},
		{code: "func() int { return 7 }()", result: "7"},
		{code: "import \"errors\"\nerrors.New(\"bad\")", result: "bad"},
		{code: "// only a comment\n"},
		{code: ""},
	})
}

// cellCase is a cell and what it must show: its result and its stdout.
type cellCase struct{ code, result, stdout string }

// runCells runs cells in order in e and checks each one's result and stdout.
func runCells(t *testing.T, e *Engine, cells []cellCase) {
	t.Helper()
	for _, c := range cells {
		out := &fakeOut{}
		r := execute(e, c.code, out)
		if r.Err != nil {
			t.Fatalf("%q: error %v %q", c.code, r.Err, r.Err.Traceback)
		}
		if got := resultText(r); got != c.result {
			t.Errorf("%q: result %q, want %q", c.code, got, c.result)
		}
		if got := out.text("stdout"); got != c.stdout {
			t.Errorf("%q: stdout %q, want %q", c.code, got, c.stdout)
		}
	}
}

// TestErrors checks names, values and the cell lines of tracebacks.
func TestErrors(t *testing.T) {
	e := newEngine(t)
	if r := execute(e, "func boom(n int) int {\n\treturn 10 / n\n}\nimport \"strings\"", nil); r.Err != nil {
		t.Fatal(r.Err)
	}
	tests := []struct {
		code, name, value string
		lines             []string // expected in the traceback, in order
	}{
		{"a := 1\nb := undefinedThing + a\n_ = a + b", "CompileError", "undefined: undefinedThing", []string{"cell line 2: b := undefinedThing + a"}},
		{"c := strings.ToUpper(missing)", "CompileError", "undefined: missing", []string{"cell line 1: c := strings.ToUpper(missing)"}},
		{"type Local int\nvar p Missing\nvar q Local", "CompileError", "undefined: Missing", []string{"cell line 2: var p Missing"}},
		{"var r = missingFunc(1)", "CompileError", "undefined: missingFunc", []string{"cell line 1: var r = missingFunc(1)"}},
		{"type Node struct{ Next *Node }\nvar head *Node\n_ = head.Next", "panic", "runtime error: invalid memory address or nil pointer dereference", []string{"cell line 3: _ = head.Next"}},
		{"var empty []int\n_ = empty[3]", "panic", "runtime error: index out of range", []string{"cell line 2: _ = empty[3]"}},
		{"x := 1 +\n", "CompileError", "", []string{"cell line 1: x := 1 +"}},
		{"y := 2\nfunc f( {\n}", "CompileError", "", []string{"cell line 2: func f( {"}},
		{"s := []int{1}\n\nv := s[5]\n_ = v", "panic", "", []string{"cell line 3: v := s[5]"}},
		{"import \"fmt\"\npanic(fmt.Errorf(\"bad %d\", 3))", "panic", "bad 3", []string{"cell line 2: panic("}},
		{"import \"fmt\"\ndefer fmt.Println(1)", "CompileError", "defer at the top level", []string{"cell line 2: defer fmt.Println(1)"}},
		{"\nboom(0)", "panic", "", []string{"cell line 2: boom(0)", "in boom, cell [1] line 1: func boom(n int) int {"}},
	}
	for _, tt := range tests {
		r := execute(e, tt.code, nil)
		if r.Err == nil {
			t.Errorf("%q: no error", tt.code)
			continue
		}
		tb := strings.Join(r.Err.Traceback, "\n")
		if r.Err.Name != tt.name || !strings.Contains(r.Err.Value, tt.value) {
			t.Errorf("%q: got %s: %s, want %s: %s", tt.code, r.Err.Name, r.Err.Value, tt.name, tt.value)
		}
		if !strings.HasPrefix(tb, r.Err.Name+": "+r.Err.Value) {
			t.Errorf("%q: traceback does not start with the error:\n%s", tt.code, tb)
		}
		rest := tb
		for _, l := range tt.lines {
			i := strings.Index(rest, l)
			if i < 0 {
				t.Errorf("%q: traceback lacks %q (in order):\n%s", tt.code, l, tb)
				break
			}
			rest = rest[i+len(l):]
		}
	}
	// The session survives errors.
	if r := execute(e, "boom(5)", nil); resultText(r) != "2" {
		t.Errorf("after errors: %v %q", r.Err, resultText(r))
	}
}

// TestInterrupt cancels cells stuck in an interpreted loop, a sleep and a
// channel operation; the session keeps its state.
func TestInterrupt(t *testing.T) {
	for _, code := range []string{"for {\n}", "k := 0\nfor {\n\tk++\n}", "time.Sleep(time.Hour)", "select {}"} {
		e := newEngine(t)
		execute(e, "x := 5\nimport \"time\"", nil)
		r, d := interrupt(e, code, 100*time.Millisecond)
		if d > time.Second {
			t.Errorf("%q: interrupt took %v", code, d)
		}
		if r.Err == nil || r.Err.Name != "Interrupted" {
			t.Errorf("%q: got %+v, want Interrupted", code, r.Err)
		}
		if raceEnabled {
			continue
		}
		if r := execute(e, "x", nil); resultText(r) != "5" {
			t.Errorf("after interrupting %q: x = %q, err %v", code, resultText(r), r.Err)
		}
	}
}

// TestInterruptBlocked interrupts a cell blocked in compiled code: Execute
// returns at once, and the next cell, after waiting stuckWait for the call,
// runs in a rebuilt session with the variables of the old one, where the
// interrupted cell's code goes on when the call returns.
func TestInterruptBlocked(t *testing.T) {
	release := make(chan struct{})
	e, err := New(Options{Symbols: []yaegi.Exports{{
		"gonotetest/gonotetest": {"Block": reflect.ValueOf(func() { <-release })},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Shutdown(false)
	execute(e, "x := 5\nimport \"gonotetest\"\nfunc double(v int) int { return 2 * v }", nil)
	r, d := interrupt(e, "for i := 0; i < 1; i++ {\n\tgonotetest.Block()\n\tx = 99\n}", 100*time.Millisecond)
	if d > time.Second || r.Err == nil || r.Err.Name != "Interrupted" {
		t.Fatalf("interrupt: %v after %v", r.Err, d)
	}
	if raceEnabled {
		close(release)
		return
	}
	out := &fakeOut{}
	start := time.Now()
	r = execute(e, "double(x)", out)
	if resultText(r) != "10" || !strings.Contains(out.text("stderr"), "still blocked in a call that cannot be interrupted") {
		t.Fatalf("cell after a blocked interrupted cell: %v %q, stderr %q", r.Err, resultText(r), out.text("stderr"))
	}
	if waited := time.Since(start); waited < stuckWait {
		t.Errorf("the cell ran after %v, before the blocked call had stuckWait to return", waited)
	}
	close(release)
	time.Sleep(10 * time.Millisecond)
	if r := execute(e, "x", nil); resultText(r) != "5" {
		t.Errorf("after release: x = %q, err %v; want 5", resultText(r), r.Err)
	}
}

// interrupt runs code and cancels it after delay.
func interrupt(e *Engine, code string, delay time.Duration) (kernel.ExecuteReply, time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(delay, cancel)
	start := time.Now()
	r := e.Execute(ctx, kernel.ExecuteRequest{Code: code}, &fakeOut{})
	return r, time.Since(start)
}

func TestStdin(t *testing.T) {
	e := newEngine(t)
	out := &fakeOut{inputs: []string{"21", "hello world"}}
	r := execute(e, "import \"fmt\"\nvar n int\nfmt.Print(\"n? \")\nfmt.Scan(&n)\nn * 2", out)
	if r.Err != nil || resultText(r) != "42" {
		t.Fatalf("fmt.Scan: %v %q", r.Err, resultText(r))
	}
	if got := strings.Join(out.events, "|"); got != "stdout:n? |input" {
		t.Errorf("events %q: the prompt must come before the input request", got)
	}
	r = execute(e, "import (\n\t\"bufio\"\n\t\"os\"\n)\nsc := bufio.NewScanner(os.Stdin)\nsc.Scan()\nsc.Text()", out)
	if r.Err != nil || resultText(r) != `"hello world"` {
		t.Fatalf("bufio.Scanner: %v %q", r.Err, resultText(r))
	}

	r = execute(e, "var s string\n\nfmt.Scanln(&s)", &fakeOut{inputErr: kernel.ErrStdinNotAllowed})
	if r.Err == nil || r.Err.Name != "StdinNotAllowed" || !strings.Contains(r.Err.Value, "stdin is not available") {
		t.Fatalf("stdin not allowed: got %+v", r.Err)
	}
	if tb := strings.Join(r.Err.Traceback, "\n"); !strings.Contains(tb, "cell line 3: fmt.Scanln(&s)") {
		t.Errorf("traceback lacks the cell line:\n%s", tb)
	}
}

func TestEvaluate(t *testing.T) {
	e := newEngine(t)
	execute(e, "x := 20", nil)
	b, xerr := e.Evaluate(context.Background(), "x * 2")
	if xerr != nil || b.Data["text/plain"] != "40" {
		t.Errorf("Evaluate(x * 2) = %v, %v", b.Data, xerr)
	}
	for _, expr := range []string{"x +", "y := 1", "nope"} {
		if _, xerr := e.Evaluate(context.Background(), expr); xerr == nil {
			t.Errorf("Evaluate(%q): no error", expr)
		}
	}
}

func TestShutdown(t *testing.T) {
	e := newEngine(t)
	done := make(chan kernel.ExecuteReply)
	go func() { done <- execute(e, "for {\n}", nil) }()
	time.Sleep(50 * time.Millisecond)
	e.Shutdown(false)
	e.Shutdown(true)
	if r := <-done; r.Err == nil {
		t.Error("Shutdown did not stop the running cell")
	}
	if r := execute(e, "1", nil); r.Err == nil {
		t.Error("Execute after Shutdown succeeded")
	}
}

// TestWrappedStatementTraceback: a panic in a loop or an if at the top level,
// which runs in a function literal (needsFunc), shows the cell line once, as
// for any statement: the literal's call is no frame of the user's.
func TestWrappedStatementTraceback(t *testing.T) {
	e := newEngine(t)
	for _, c := range []struct {
		code string
		want []string
	}{
		{"xs := []int{1}\nfor i := 0; i < 3; i++ {\n\t_ = xs[i]\n}", []string{"panic: runtime error: index out of range", "cell line 2: for i := 0; i < 3; i++ {"}},
		{"func fail() { panic(\"no\") }\nfor i := 0; i < 3; i++ {\n\tfail()\n}", []string{"panic: no", "cell line 2: for i := 0; i < 3; i++ {", "in fail, cell [1] line 1: func fail() { panic(\"no\") }"}},
	} {
		r := execute(e, c.code, nil)
		if r.Err == nil {
			t.Errorf("%q: no error", c.code)
			continue
		}
		if !slices.Equal(r.Err.Traceback, c.want) {
			t.Errorf("%q: traceback\n%q\nwant\n%q", c.code, r.Err.Traceback, c.want)
		}
	}
}
