// Package vec holds the float32 kernels of the CPU backend that Go cannot
// write fast: Go does not vectorise loops, and on memory-bound arithmetic
// 256-bit AVX loads and stores are about 2.5 times as fast as Go's scalar
// loop. On amd64 with AVX they are assembly (vec_amd64.s, which cannot
// live in package cpu because that package uses cgo under the openblas
// tag); elsewhere, or with the purego build tag, Enabled is false and
// package cpu runs its Go loops.
package vec

// Op names an arithmetic operation, in the order of backend.BinaryOp's
// Add, Sub, Mul and Div.
type Op uint8

// The operations.
const (
	Add Op = iota
	Sub
	Mul
	Div
)

// VV sets dst[i] = x[i] op y[i]; x and y are at least as long as dst. It
// panics unless Enabled.
func VV(op Op, dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	switch op {
	case Add:
		addVV(dst, x, y)
	case Sub:
		subVV(dst, x, y)
	case Mul:
		mulVV(dst, x, y)
	case Div:
		divVV(dst, x, y)
	}
}

// VS sets dst[i] = x[i] op y; x is at least as long as dst. It panics
// unless Enabled.
func VS(op Op, dst, x []float32, y float32) {
	x = x[:len(dst)]
	switch op {
	case Add:
		addVS(dst, x, y)
	case Sub:
		subVS(dst, x, y)
	case Mul:
		mulVS(dst, x, y)
	case Div:
		divVS(dst, x, y)
	}
}
