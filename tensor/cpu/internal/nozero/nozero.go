// Package nozero allocates slices of numbers without zeroing them, for
// buffers whose every element is written before it is read: zeroing a
// fresh multi-megabyte result costs about as much as the operation that
// fills it. Go has no API for such allocations; this package calls
// runtime.mallocgc, which the runtime keeps reachable by linkname with a
// fixed signature because widely used packages depend on it (see its
// comment in runtime/malloc.go). The standard library allocates the same
// way for strings.Builder (internal/bytealg.MakeNoZero).
//
// Slices of 1 to 16 KiB are carved from shared 64 KiB chunks instead.
// Go's size classes put only one to four of them in a span (two of 4 KiB,
// the result of a 1,000-element float32 op), so every other such result
// took the allocator's slow path through the heap's lock and span set-up:
// a quarter of a small op's time. A chunk lives while any slice carved
// from it does, as the runtime's own tiny allocator packs small objects,
// so memory kept alive is bounded by the chunk size per live slice.
package nozero

import (
	"math/bits"
	"sync"
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
	if lo > carveMin && lo <= carveMax {
		return carve(uintptr(lo))
	}
	return mallocgc(uintptr(lo), nil, false)
}

const (
	chunkBytes = 64 << 10
	// Sizes carved from chunks: above carveMin, Go's size classes hold
	// fewer than eight objects a span; carveMax keeps at least four slices
	// in a chunk.
	carveMin   = 1 << 10
	carveMax   = chunkBytes / 4
	carveAlign = 64 // a cache line, for the vector kernels
)

// slab is the chunk being carved.
var slab struct {
	sync.Mutex
	chunk unsafe.Pointer
	used  uintptr
}

// carve returns size bytes from the current chunk, or from a new one when
// they do not fit.
func carve(size uintptr) unsafe.Pointer {
	size = (size + carveAlign - 1) &^ (carveAlign - 1)
	slab.Lock()
	defer slab.Unlock()
	if slab.chunk == nil || slab.used+size > chunkBytes {
		slab.chunk = mallocgc(chunkBytes, nil, false)
		slab.used = 0
	}
	p := unsafe.Add(slab.chunk, slab.used)
	slab.used += size
	return p
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
