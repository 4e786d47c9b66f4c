package interp

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	yaegi "github.com/traefik/yaegi/interp"
)

// rtName is the name under which cells see the engine's runtime helpers;
// the rewrites of rewrite.go call them. It is imported once per session and
// hidden from completion.
const rtName = "gonote_rt"

// prelude is interpreted at the start of a session: the Go 1.21 builtins
// min and max, which yaegi lacks, as generic functions that rewritten cells
// call (see rewrite.go).
const prelude = `
var gonote_ticks int

type gonote_ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func gonote_min[T gonote_ordered](x T, ys ...T) T {
	for _, y := range ys {
		if y < x || x != x {
			x = y
		}
	}
	return x
}

func gonote_max[T gonote_ordered](x T, ys ...T) T {
	for _, y := range ys {
		if y > x || x != x {
			x = y
		}
	}
	return x
}
`

// site is where a goroutine or callback was started: its cell and line.
type site struct {
	count int
	line  int
	text  string
}

func (s site) String() string {
	if s.count > 0 {
		return fmt.Sprintf("cell [%d] line %d: %s", s.count, s.line, s.text)
	}
	return fmt.Sprintf("cell line %d: %s", s.line, s.text)
}

// sites registers the places rewritten cells start goroutines from, so that
// a panic there can name them.
type sites struct {
	mu   sync.Mutex
	list []site
}

func (s *sites) add(x site) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, x)
	return len(s.list) - 1
}

func (s *sites) get(id int) (site, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 0 || id >= len(s.list) {
		return site{}, false
	}
	return s.list[id], true
}

// runtimeSymbols are the helpers rewritten cells call, bound as the package
// "gonote/rt".
func (e *Engine) runtimeSymbols() yaegi.Exports {
	return yaegi.Exports{"gonote/rt/rt": {
		"GoPanic":    reflect.ValueOf(e.goPanic),
		"Clear":      reflect.ValueOf(clearValue),
		"Tick":       reflect.ValueOf(e.tick),
		"Stop":       reflect.ValueOf(&e.stopFlag),
		"Intr":       reflect.ValueOf(e.intrChan),
		"Woken":      reflect.ValueOf(e.woken),
		"Recv":       reflect.ValueOf(e.recv),
		"SendBuffer": reflect.ValueOf(e.sendBuffer),
		"Send":       reflect.ValueOf(e.send),
	}, "sync/sync": {
		"WaitGroup": reflect.ValueOf((*waitGroup)(nil)),
		"Mutex":     reflect.ValueOf((*mutex)(nil)),
		"RWMutex":   reflect.ValueOf((*rwMutex)(nil)),
	}, "time/time": {
		"AfterFunc": reflect.ValueOf(e.afterFunc),
		"Sleep":     reflect.ValueOf(e.sleep),
	}}
}

// goPanic reports the panic a goroutine of a cell recovered (see
// rewriter.goStmt).
func (e *Engine) goPanic(id int, r any) {
	e.report(id, "goroutine started at", r)
}

// afterFunc is time.AfterFunc for cells: a panic in f is reported, not fatal.
func (e *Engine) afterFunc(d time.Duration, f func()) *time.Timer {
	return time.AfterFunc(d, func() {
		defer e.recoverAsync(-1, "time.AfterFunc callback")
		f()
	})
}

// recoverAsync reports a panic of a callback that runs outside the cell's
// own evaluation.
func (e *Engine) recoverAsync(id int, what string) {
	if r := recover(); r != nil {
		e.report(id, what, r)
	}
}

// report sends a recovered panic to the running cell's stderr, or to the
// next cell's when none runs.
func (e *Engine) report(id int, what string, r any) {
	if rv, ok := r.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		r = rv.Interface()
	}
	msg := fmt.Sprintf("panic: %v", r)
	if err, ok := r.(error); ok {
		msg = "panic: " + err.Error()
	}
	where := what
	if s, ok := e.sites.get(id); ok {
		where += " " + s.String()
	}
	// yaegi wrote the interpreted frames the panic went through, if it
	// was not recovered in interpreted code. Those of functions declared
	// by cells name the function; the others (function literals) would
	// only give the line of their first statement.
	var tb strings.Builder
	frames := e.panics.take()
	for i := len(frames) - 1; i >= 0; i-- {
		if cellFileRE.MatchString(frames[i].file) {
			tb.WriteString(e.frameText(&cell{}, frames[i]) + "\n")
		}
	}
	e.log.Printf("recovered %s in %s\n%s", msg, where, debug.Stack())
	e.reportAsync(fmt.Sprintf("%s\n%s[in a %s]\n", msg, tb.String(), where))
}

// reportAsync sends text to the running cell's stderr or keeps it for the
// next cell.
func (e *Engine) reportAsync(text string) {
	e.asyncMu.Lock()
	defer e.asyncMu.Unlock()
	if e.running.Load() {
		if out := e.output(); out != nil {
			e.flush()
			out.Stream("stderr", text)
			return
		}
	}
	e.pending = append(e.pending, text)
}

// takePending returns the reports kept for the next cell.
func (e *Engine) takePending() string {
	e.asyncMu.Lock()
	defer e.asyncMu.Unlock()
	s := strings.Join(e.pending, "")
	e.pending = nil
	return s
}

// clearValue is the clear builtin (Go 1.21), which yaegi lacks: it deletes
// every entry of a map or zeroes the elements of a slice.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or a slice", x))
	}
}
