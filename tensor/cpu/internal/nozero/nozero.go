// Package nozero allocates slices of numbers without zeroing them, for
// buffers whose every element is written before it is read: zeroing a
// fresh multi-megabyte result costs about as much as the operation that
// fills it. Go has no API for such allocations; this package calls
// runtime.mallocgc, which the runtime keeps reachable by linkname with a
// fixed signature because widely used packages depend on it (see its
// comment in runtime/malloc.go). The standard library allocates the same
// way for strings.Builder (internal/bytealg.MakeNoZero).
package nozero

import (
	"math/bits"
	"unsafe"
)

//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, typ unsafe.Pointer, needzero bool) unsafe.Pointer

// alloc returns n·size bytes without pointers, not zeroed. It panics when
// the size overflows.
func alloc(n, size int) unsafe.Pointer {
	hi, lo := bits.Mul(uint(n), uint(size))
	if n < 0 || hi != 0 || lo > 1<<62 {
		panic("nozero: allocation too large")
	}
	if lo == 0 {
		return unsafe.Pointer(&zerobase)
	}
	return mallocgc(uintptr(lo), nil, false)
}

var zerobase [8]byte

// Float32s returns n float32s with unspecified values.
func Float32s(n int) []float32 { return unsafe.Slice((*float32)(alloc(n, 4)), n) }

// Float64s returns n float64s with unspecified values.
func Float64s(n int) []float64 { return unsafe.Slice((*float64)(alloc(n, 8)), n) }

// Int64s returns n int64s with unspecified values.
func Int64s(n int) []int64 { return unsafe.Slice((*int64)(alloc(n, 8)), n) }

// Int32s returns n int32s with unspecified values.
func Int32s(n int) []int32 { return unsafe.Slice((*int32)(alloc(n, 4)), n) }

// Uint8s returns n uint8s with unspecified values.
func Uint8s(n int) []uint8 { return unsafe.Slice((*uint8)(alloc(n, 1)), n) }
