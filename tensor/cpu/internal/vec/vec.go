// Package vec holds the float32 kernels of the CPU backend that Go cannot
// write fast: Go does not vectorise loops, and on memory-bound arithmetic
// 256-bit AVX loads and stores are about 2.5 times as fast as Go's scalar
// loop. On amd64 with AVX they are assembly (vec_amd64.s, which cannot
// live in package cpu because that package uses cgo under the openblas
// tag); elsewhere, or with the purego build tag, Enabled is false and
// package cpu runs its Go loops.
package vec

import "unsafe"

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

// StreamMin is the length from which VV and VS write dst with
// non-temporal stores, bypassing the cache: a result that large (package
// cpu calls with parts of at least an eighth of a result) would not stay
// in cache anyway, and streaming it saves reading each destination line
// in before writing it (measured 1.6 times as fast on 4 MiB results whose
// memory was not in cache, and no slower on ones that were).
const StreamMin = 1 << 17

// VV sets dst[i] = x[i] op y[i]; x and y are at least as long as dst. It
// panics unless Enabled.
func VV(op Op, dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	if len(dst) >= StreamMin {
		h, m := streamPart(dst)
		vv(op, false, dst[:h], x[:h], y[:h])
		vv(op, true, dst[h:m], x[h:m], y[h:m])
		dst, x, y = dst[m:], x[m:], y[m:]
	}
	vv(op, false, dst, x, y)
}

// VS sets dst[i] = x[i] op y; x is at least as long as dst. It panics
// unless Enabled.
func VS(op Op, dst, x []float32, y float32) {
	x = x[:len(dst)]
	if len(dst) >= StreamMin {
		h, m := streamPart(dst)
		vs(op, false, dst[:h], x[:h], y)
		vs(op, true, dst[h:m], x[h:m], y)
		dst, x = dst[m:], x[m:]
	}
	vs(op, false, dst, x, y)
}

// AccF64 adds x[i], converted to float64, to dst[i]; x is at least as long
// as dst. It panics unless Enabled.
func AccF64(dst []float64, x []float32) {
	accF64(dst, x[:len(dst)])
}

// SumF32 returns the sum of x, whose length must be a multiple of 32, in
// float32 blocks of 1,024 values added up in float64. It panics unless
// Enabled.
func SumF32(x []float32) float64 {
	if len(x)%32 != 0 {
		panic("vec: SumF32 of a length that is not a multiple of 32")
	}
	return sumF32(x)
}

// streamPart returns the bounds [h, m) of the part of dst that the
// streaming kernels write: 32-byte aligned, a multiple of 32 elements.
func streamPart(dst []float32) (h, m int) {
	h = int(-uintptr(unsafe.Pointer(unsafe.SliceData(dst))) & 31 / 4)
	return h, h + (len(dst)-h)&^31
}

func vv(op Op, stream bool, dst, x, y []float32) {
	switch {
	case op == Add && stream:
		addVVNT(dst, x, y)
	case op == Add:
		addVV(dst, x, y)
	case op == Sub && stream:
		subVVNT(dst, x, y)
	case op == Sub:
		subVV(dst, x, y)
	case op == Mul && stream:
		mulVVNT(dst, x, y)
	case op == Mul:
		mulVV(dst, x, y)
	case op == Div && stream:
		divVVNT(dst, x, y)
	case op == Div:
		divVV(dst, x, y)
	}
}

func vs(op Op, stream bool, dst, x []float32, y float32) {
	switch {
	case op == Add && stream:
		addVSNT(dst, x, y)
	case op == Add:
		addVS(dst, x, y)
	case op == Sub && stream:
		subVSNT(dst, x, y)
	case op == Sub:
		subVS(dst, x, y)
	case op == Mul && stream:
		mulVSNT(dst, x, y)
	case op == Mul:
		mulVS(dst, x, y)
	case op == Div && stream:
		divVSNT(dst, x, y)
	case op == Div:
		divVS(dst, x, y)
	}
}
