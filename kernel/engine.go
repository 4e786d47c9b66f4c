package kernel

import (
	"context"
	"errors"
)

// ErrStdinNotAllowed is returned by Output.Input when the frontend did not allow stdin
// for the running request (allow_stdin false, as nbconvert and jupyter run send).
var ErrStdinNotAllowed = errors.New("stdin is not available: this frontend does not support input requests (allow_stdin is false)")

// Bundle is a MIME bundle: Data maps a MIME type ("text/plain", "image/png", ...) to its
// representation, Metadata maps a MIME type to its metadata. Both are sent as JSON.
type Bundle struct {
	Data     map[string]any
	Metadata map[string]any
}

// Output receives what a running cell produces. The kernel implements it for each
// execute_request and publishes every call on iopub with the request as parent.
// Methods may be called from any goroutine.
type Output interface {
	// Stream sends text to the frontend's "stdout" or "stderr" stream.
	Stream(name, text string)
	// Display shows a bundle. A non-empty displayID lets a later call with update
	// set replace it in place (update_display_data).
	Display(b Bundle, displayID string, update bool)
	// ClearOutput clears the cell's output, at once or (wait) when new output arrives.
	ClearOutput(wait bool)
	// Input asks the frontend for one line of input. It fails with ErrStdinNotAllowed
	// when the request did not allow stdin, and with the context's error on interrupt.
	Input(prompt string, password bool) (string, error)
}

// ExecuteRequest is what the Engine needs to know about an execute_request.
type ExecuteRequest struct {
	Code         string
	Silent       bool // output is not shown; the count does not advance
	StoreHistory bool
	AllowStdin   bool
	Count        int // the execution_count this cell is shown with
}

// ExecuteReply is the outcome of one cell.
type ExecuteReply struct {
	// Result is the value of the cell's final expression (execute_result), if any.
	Result *Bundle
	// Err is set when the cell failed; the kernel publishes it and replies with status error.
	Err *ExecError
	// Payload holds reply payloads such as {"source": "page", ...} for %help.
	Payload []map[string]any
}

// ExecError is a failed cell: the exception name, its value, and a traceback of
// lines (ANSI colours allowed) as Jupyter shows them.
type ExecError struct {
	Name      string
	Value     string
	Traceback []string
}

func (e *ExecError) Error() string { return e.Name + ": " + e.Value }

// Completion is a complete_reply's content.
type Completion struct {
	Matches     []string
	CursorStart int
	CursorEnd   int
	Metadata    map[string]any
}

// Inspection is an inspect_reply's content; Found false means nothing to show.
type Inspection struct {
	Found bool
	Data  map[string]any
}

// Engine evaluates cells in one language session. The kernel drives it; it knows
// nothing about the messaging protocol.
type Engine interface {
	// Execute runs one cell. Output produced while it runs goes to out. Cancelling ctx
	// (interrupt_request, SIGINT) ends the cell; the session's state stays.
	Execute(ctx context.Context, req ExecuteRequest, out Output) ExecuteReply
	// Evaluate computes one user_expression after a cell, returning its bundle.
	Evaluate(ctx context.Context, expr string) (Bundle, *ExecError)
	// Complete lists completions at cursor (a rune offset into code).
	Complete(code string, cursor int) Completion
	// Inspect describes the name at cursor; detail 0 or 1 as in inspect_request.
	Inspect(code string, cursor, detail int) Inspection
	// IsComplete says whether code is "complete", "incomplete" (with the indent
	// for the next line), "invalid" or "unknown".
	IsComplete(code string) (status, indent string)
	// Shutdown ends the session; restart says whether a new one follows.
	Shutdown(restart bool)
}
