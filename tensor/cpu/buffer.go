// Package cpu is the CPU backend of package tensor. It is always built and
// registers itself as device type "cpu" with package tensor/backend.
//
// Buffers are ordinary Go slices ([]float32, []float64, []int64, []int32,
// []uint8, []bool), so a contiguous CPU tensor can share memory with Go
// code ([Wrap], [Buffer.Data]). Kernels walk strided views row by row after
// merging contiguous dimensions, take tight loops for unit strides, and
// split loops over more than a few ten thousand elements across
// GOMAXPROCS goroutines. Matrix products go through gonum's BLAS
// (blas32/blas64), so the implementation installed with blas32.Use and
// blas64.Use is used: gonum's pure-Go one by default, OpenBLAS through
// gonum's netlib binding (cgo) when built with the openblas tag, which
// needs libopenblas-dev (see openblas.go and [BLAS]).
//
// This package is hand-written rather than built on gonum's floats because
// it needs strided, broadcasting, multi-dtype loops, which no field library
// provides for Go.
package cpu

import (
	"fmt"
	"runtime"

	"gonote/tensor/backend"
)

// Buffer is a CPU buffer: a Go slice of its dtype.
type Buffer struct {
	data  any
	dt    backend.DType
	n     int
	entry *poolEntry // data's entry in the pool (pool.go), or nil
}

var _ backend.Buffer = (*Buffer)(nil)
var _ backend.Backend = CPU{}
var _ backend.EmptyAllocator = CPU{}

// Device returns the CPU device.
func (b *Buffer) Device() backend.Device { return backend.CPU }

// DType returns the element type.
func (b *Buffer) DType() backend.DType { return b.dt }

// Len returns the number of elements.
func (b *Buffer) Len() int { return b.n }

// Data returns the backing slice ([]float32, ... []bool); writes to it are
// seen by every tensor on this buffer. The slice stays valid for as long
// as the caller keeps it, also after the buffer is gone.
func (b *Buffer) Data() any {
	b.release()
	return b.data
}

// Wrap returns a buffer that shares the slice s, which must be a
// []float32, []float64, []int64, []int32, []uint8 or []bool. It reports
// false for other types.
func Wrap(s any) (*Buffer, bool) {
	// The Buffer keeps s itself, not a re-boxed copy: one allocation less.
	switch d := s.(type) {
	case []float32:
		return &Buffer{data: s, dt: backend.Float32, n: len(d)}, true
	case []float64:
		return &Buffer{data: s, dt: backend.Float64, n: len(d)}, true
	case []int64:
		return &Buffer{data: s, dt: backend.Int64, n: len(d)}, true
	case []int32:
		return &Buffer{data: s, dt: backend.Int32, n: len(d)}, true
	case []uint8:
		return &Buffer{data: s, dt: backend.Uint8, n: len(d)}, true
	case []bool:
		return &Buffer{data: s, dt: backend.Bool, n: len(d)}, true
	}
	return nil, false
}

// MakeSlice returns a new zeroed slice of n elements of dt.
func MakeSlice(dt backend.DType, n int) any {
	switch dt {
	case backend.Float32:
		return make([]float32, n)
	case backend.Float64:
		return make([]float64, n)
	case backend.Int64:
		return make([]int64, n)
	case backend.Int32:
		return make([]int32, n)
	case backend.Uint8:
		return make([]uint8, n)
	case backend.Bool:
		return make([]bool, n)
	}
	panic(fmt.Sprintf("cpu: unknown dtype %v", dt))
}

// CPU implements backend.Backend on the host. Its zero value is ready to use.
type CPU struct{}

func init() { backend.Register("cpu", CPU{}) }

// Alloc returns a zeroed buffer.
func (CPU) Alloc(_ int, dt backend.DType, n int) backend.Buffer { return allocBuffer(dt, n, true) }

// AllocEmpty returns a buffer whose elements the caller will all write.
func (CPU) AllocEmpty(_ int, dt backend.DType, n int) backend.Buffer {
	return allocBuffer(dt, n, false)
}

// Upload returns a buffer holding a copy of host.
func (CPU) Upload(_ int, host any) backend.Buffer {
	var c any
	switch d := host.(type) {
	case []float32:
		c = append([]float32(nil), d...)
	case []float64:
		c = append([]float64(nil), d...)
	case []int64:
		c = append([]int64(nil), d...)
	case []int32:
		c = append([]int32(nil), d...)
	case []uint8:
		c = append([]uint8(nil), d...)
	case []bool:
		c = append([]bool(nil), d...)
	default:
		panic(fmt.Sprintf("cpu: Upload of %T", host))
	}
	b, _ := Wrap(c)
	return b
}

// Download copies src into the host slice dst.
func (CPU) Download(dst any, src backend.Buffer) {
	defer runtime.KeepAlive(src)
	s := src.(*Buffer).data
	switch d := dst.(type) {
	case []float32:
		copy(d, s.([]float32))
	case []float64:
		copy(d, s.([]float64))
	case []int64:
		copy(d, s.([]int64))
	case []int32:
		copy(d, s.([]int32))
	case []uint8:
		copy(d, s.([]uint8))
	case []bool:
		copy(d, s.([]bool))
	default:
		panic(fmt.Sprintf("cpu: Download into %T", dst))
	}
}

// DeviceCount returns 1.
func (CPU) DeviceCount() int { return 1 }

func data(v backend.View) any { return v.Buf.(*Buffer).data }
