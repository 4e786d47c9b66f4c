package interp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	yaegi "github.com/traefik/yaegi/interp"

	"gonote/kernel"
)

// captureReport is what the child process of TestCapture observed.
type captureReport struct {
	Cells []cellReport
	Late  []string // events of the last cell's Output after it ended
}

type cellReport struct {
	Events []string // "stdout:text", "stderr:text", "input", in order
	Err    string
}

const childEnv = "GONOTE_INTERP_CAPTURE_CHILD"

// TestCapture runs TestCaptureChild in a child process, as capturing fds 1
// and 2 would swallow the test's own output, and checks what it saw.
func TestCapture(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCaptureChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+report)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r captureReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	// The log file is the original stderr; cell output never reaches it.
	if !strings.Contains(stderr.String(), "log line\n") || strings.Contains(stderr.String(), "one") {
		t.Errorf("child's real stderr: %q", stderr.String())
	}
	if strings.Contains(stdout.String(), "one") {
		t.Errorf("cell output reached the real stdout: %q", stdout.String())
	}
	if len(r.Cells) != 4 {
		t.Fatalf("report has %d cells: %+v", len(r.Cells), r)
	}

	mixed := r.Cells[0]
	if got, want := streamText(mixed.Events, "stdout"), "one\ntwo\nthree\nfour\nfive\n"; got != want || mixed.Err != "" {
		t.Errorf("cell 1 stdout %q, err %q; want %q", got, mixed.Err, want)
	}
	if got, want := streamText(mixed.Events, "stderr"), "err1\nerr2\n"; got != want {
		t.Errorf("cell 1 stderr %q, want %q", got, want)
	}

	many := r.Cells[1]
	var want strings.Builder
	for i := range 10000 {
		fmt.Fprintln(&want, i)
	}
	if got := streamText(many.Events, "stdout"); got != want.String() {
		t.Errorf("10000 lines: got %d bytes, want %d", len(got), want.Len())
	}
	if n := len(many.Events); n > 200 {
		t.Errorf("10000 lines came in %d messages; want them coalesced", n)
	}
	t.Logf("10000 lines in %d stream messages", len(many.Events))

	if got := strings.Join(r.Cells[2].Events, "|"); got != "stdout:name? |input|stdout:hi ada\n" {
		t.Errorf("stdin cell events %q: the prompt must precede the input request", got)
	}
	if got := streamText(r.Late, "stdout"); got != "late\n" {
		t.Errorf("late output %q, want it in the last cell's Output", got)
	}
}

// TestCaptureChild is the child of TestCapture; it only runs there.
func TestCaptureChild(t *testing.T) {
	report := os.Getenv(childEnv)
	if report == "" {
		t.Skip("run by TestCapture")
	}
	logf, err := CaptureStdio()
	if err != nil {
		t.Fatal(err)
	}
	// Errors go to the log: the test's own output is captured now.
	fail := func(format string, args ...any) {
		fmt.Fprintf(logf, format+"\n", args...)
		os.Exit(1)
	}
	fmt.Fprintln(logf, "log line")
	e, err := New(Options{Symbols: []yaegi.Exports{{
		"gonotetest/gonotetest": {
			// Compiled code writing straight to fd 1.
			"RawWrite": reflect.ValueOf(func(s string) { syscall.Write(1, []byte(s)) }),
		},
	}}})
	if err != nil {
		fail("New: %v", err)
	}
	cells := []struct {
		code   string
		inputs []string
	}{
		{code: `import (
	"fmt"
	"os"
	"os/exec"
	"gonotetest"
)
fmt.Println("one")
os.Stdout.WriteString("two\n")
fmt.Fprintln(os.Stderr, "err1")
gonotetest.RawWrite("three\n")
cmd := exec.Command("sh", "-c", "echo four; echo err2 >&2")
cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
cmd.Run()
os.Stdout.WriteString("five\n")`},
		{code: "for i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}"},
		{code: "var name string\nfmt.Print(\"name? \")\nfmt.Scanln(&name)\nfmt.Println(\"hi\", name)", inputs: []string{"ada"}},
		{code: "import \"time\"\ngo func() {\n\ttime.Sleep(50 * time.Millisecond)\n\tfmt.Println(\"late\")\n}()"},
	}
	var r captureReport
	var out *fakeOut
	for _, c := range cells {
		out = &fakeOut{inputs: c.inputs}
		reply := e.Execute(context.Background(), kernel.ExecuteRequest{Code: c.code}, out)
		cr := cellReport{Events: out.snapshot()}
		if reply.Err != nil {
			cr.Err = strings.Join(reply.Err.Traceback, "\n")
		}
		r.Cells = append(r.Cells, cr)
	}
	n := len(out.snapshot())
	time.Sleep(300 * time.Millisecond)
	r.Late = out.snapshot()[n:]
	b, _ := json.Marshal(r)
	if err := os.WriteFile(report, b, 0o644); err != nil {
		fail("%v", err)
	}
}

func (o *fakeOut) snapshot() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.events...)
}

func streamText(events []string, name string) string {
	var b strings.Builder
	for _, ev := range events {
		if t, ok := strings.CutPrefix(ev, name+":"); ok {
			b.WriteString(t)
		}
	}
	return b.String()
}

// TestMarkerScanner feeds markers and multi-byte runes split at every
// position and checks that text comes out whole and markers never do.
func TestMarkerScanner(t *testing.T) {
	input := "héllo\x00" + string(marker(7)) + "wörld " + markerPrefix + "zz" + string(marker(8)) + "€"
	wantText := "héllo\x00wörld " + markerPrefix + "zz€"
	for split := 0; split <= len(input); split++ {
		for _, step := range []int{1, 2, 3, 5, 1000} {
			var sc markerScanner
			var text bytes.Buffer
			var ids []uint64
			emit := func(b []byte) {
				text.Write(b)
				if !utf8.Valid(b) {
					t.Fatalf("torn rune in %q", b)
				}
			}
			mark := func(id uint64) { ids = append(ids, id) }
			pieces := []string{input[:split]}
			for rest := input[split:]; rest != ""; {
				n := min(step, len(rest))
				pieces, rest = append(pieces, rest[:n]), rest[n:]
			}
			for _, p := range pieces {
				sc.feed([]byte(p), emit, mark)
			}
			text.Write(sc.carry)
			if text.String() != wantText || !reflect.DeepEqual(ids, []uint64{7, 8}) {
				t.Fatalf("split %d step %d: text %q ids %v", split, step, text.String(), ids)
			}
		}
	}
}
