package tensor

import "fmt"

// Kind classifies an [Error] like the Python exception PyTorch raises for
// the same mistake.
type Kind string

// The kinds of tensor errors.
const (
	RuntimeError Kind = "RuntimeError" // shapes, devices, dtypes, memory
	IndexError   Kind = "IndexError"   // an index or dimension out of range
	TypeError    Kind = "TypeError"    // an argument of the wrong Go type
	ValueError   Kind = "ValueError"   // an argument with an invalid value
)

// Error is the value package tensor panics with when an operation is used
// wrongly: a shape, dtype or device mismatch, an index out of range, an
// allocation larger than the available memory. Msg uses PyTorch's wording,
// so a learner can search for it. Use [Catch] to turn such panics into
// errors.
type Error struct {
	Kind Kind   // the Python exception PyTorch raises
	Op   string // the operation that failed, as in "matmul"
	Msg  string // PyTorch's message
}

// Error returns "tensor: " followed by the kind and the message.
func (e *Error) Error() string { return "tensor: " + string(e.Kind) + ": " + e.Msg }

// fail panics with an *Error of kind k.
func fail(k Kind, op, format string, args ...any) {
	panic(&Error{Kind: k, Op: op, Msg: fmt.Sprintf(format, args...)})
}

// Catch calls fn and returns the *Error it panicked with, or nil when fn
// returned normally. Panics with other values are not recovered.
func Catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	fn()
	return nil
}
