// Package emu runs gonote's CUDA kernels on the CPU: it compiles their CUDA
// C sources as C++ against a small emulation of CUDA's device environment
// (emu.h: blocks of threads, __syncthreads, warp shuffles, atomics) and
// implements tensor/backend's Backend with package ops on top, as package
// cuda does on a GPU. Its tests run package conformance and tensor-level
// checks on it, so the kernels and the glue are exercised by `go test`
// without a GPU. It is slow (a thread per CUDA thread) and for tests only.
//
// What it cannot show: timing, memory coalescing, the driver's JIT of the
// PTX, cuBLAS, and races that only real concurrency exposes (blocks run
// one after another; within a block, threads do run concurrently).
package emu

/*
#cgo CXXFLAGS: -std=c++20 -O1 -Wno-unknown-pragmas -pthread
#cgo LDFLAGS: -pthread
#include <stdlib.h>
#include <string.h>
int emu_launch(const char* name, int gx, int gy, int gz, int threads, void* params);
int emu_has(const char* name);

// Device addresses are integers on the Go side.
static void emu_memset(unsigned long long a, int b, size_t n) { memset((void*)a, b, n); }
static void emu_copy(unsigned long long d, unsigned long long s, size_t n) { memmove((void*)d, (void*)s, n); }
static void emu_read(void* d, unsigned long long s, size_t n) { memmove(d, (void*)s, n); }
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"

	"gonote/cuda/internal/ops"
	"gonote/tensor/backend"
)

//go:generate go run ./gen

// Has reports whether the emulator registered kernel name.
func Has(name string) bool {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return C.emu_has(cs) != 0
}

// Buffer is emulated device memory: C memory, so that kernels may keep raw
// addresses.
type Buffer struct {
	p     unsafe.Pointer
	dt    backend.DType
	n     int
	freed bool
}

var _ ops.Buf = (*Buffer)(nil)

// Device returns cuda:0.
func (b *Buffer) Device() backend.Device { return backend.Device{Type: "cuda"} }

// DType returns the element type.
func (b *Buffer) DType() backend.DType { return b.dt }

// Len returns the number of elements.
func (b *Buffer) Len() int { return b.n }

// Addr returns the address of element 0; it panics after Free.
func (b *Buffer) Addr() uint64 {
	if b.freed {
		panic("emu: use of a freed buffer")
	}
	return uint64(uintptr(b.p))
}

// Exec returns the emulated device.
func (b *Buffer) Exec() ops.Device { return dev }

// Free releases the memory.
func (b *Buffer) Free() {
	if !b.freed && b.p != nil {
		C.free(b.p)
	}
	b.freed = true
}

func newBuffer(dt backend.DType, n int) *Buffer {
	// Never nil, so that kernels see distinct addresses.
	return &Buffer{p: C.calloc(C.size_t(max(n*dt.Size(), 8)), 1), dt: dt, n: n}
}

// device is the emulated GPU.
type device struct{ mu sync.Mutex }

var dev = &device{}

func (d *device) Do(f func(q ops.Queue)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(queue{})
}

func (d *device) Scratch(dt backend.DType, n int) ops.Buf { return newBuffer(dt, n) }
func (d *device) Release(b ops.Buf)                       { b.(*Buffer).Free() }

// Small numbers, so that grid-stride loops and split reductions run.
func (d *device) SMs() int       { return 2 }
func (d *device) MaxBlocks() int { return 3 }

type queue struct{}

func (queue) Launch(name string, gx, gy, gz, threads int, params unsafe.Pointer) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	if r := C.emu_launch(cs, C.int(gx), C.int(gy), C.int(gz), C.int(threads), params); r != 0 {
		panic(fmt.Sprintf("emu: launch of %s failed (%d)", name, int(r)))
	}
}

func (queue) Memset(addr uint64, b byte, n int64) {
	C.emu_memset(C.ulonglong(addr), C.int(b), C.size_t(n))
}

func (queue) Copy(dst, src uint64, n int64) {
	C.emu_copy(C.ulonglong(dst), C.ulonglong(src), C.size_t(n))
}

func (queue) Read(dst unsafe.Pointer, src uint64, n int64) {
	C.emu_read(dst, C.ulonglong(src), C.size_t(n))
}

// Backend implements backend.Backend on the emulator.
type Backend struct{ ops.Primitives }

var _ backend.Backend = Backend{}

func hostBytes(host any) (unsafe.Pointer, int, backend.DType) {
	switch s := host.(type) {
	case []float32:
		return unsafe.Pointer(unsafe.SliceData(s)), len(s), backend.Float32
	case []float64:
		return unsafe.Pointer(unsafe.SliceData(s)), len(s), backend.Float64
	case []int64:
		return unsafe.Pointer(unsafe.SliceData(s)), len(s), backend.Int64
	case []int32:
		return unsafe.Pointer(unsafe.SliceData(s)), len(s), backend.Int32
	case []uint8:
		return unsafe.Pointer(unsafe.SliceData(s)), len(s), backend.Uint8
	case []bool:
		return unsafe.Pointer(unsafe.SliceData(s)), len(s), backend.Bool
	}
	panic(fmt.Sprintf("emu: host slice %T", host))
}

// Alloc returns a zeroed buffer.
func (Backend) Alloc(_ int, dt backend.DType, n int) backend.Buffer { return newBuffer(dt, n) }

// Upload copies host into a new buffer.
func (Backend) Upload(_ int, host any) backend.Buffer {
	p, n, dt := hostBytes(host)
	b := newBuffer(dt, n)
	if n > 0 {
		C.memmove(b.p, p, C.size_t(n*dt.Size()))
	}
	return b
}

// Download copies src into the host slice dst.
func (Backend) Download(dst any, src backend.Buffer) {
	p, n, dt := hostBytes(dst)
	if n > 0 {
		C.memmove(p, src.(*Buffer).p, C.size_t(n*dt.Size()))
	}
}

// DeviceCount returns 1.
func (Backend) DeviceCount() int { return 1 }
