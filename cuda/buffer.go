//go:build cuda

package cuda

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"gorgonia.org/cu"

	"gonote/cuda/internal/alloc"
	"gonote/cuda/internal/ops"
	"gonote/tensor/backend"
)

// Buffer is device memory holding Len elements of one dtype; bools are
// one byte each, 0 or 1, like Go's.
type Buffer struct {
	d       *device
	dt      backend.DType
	n       int
	mu      sync.Mutex
	blk     *alloc.Block // nil for an empty buffer
	freed   bool
	cleanup runtime.Cleanup
}

var _ backend.Buffer = (*Buffer)(nil)

// freedCount counts blocks returned by cleanups, for reclaim.
var freedCount atomic.Int64

// Device returns the buffer's device.
func (b *Buffer) Device() backend.Device { return backend.Device{Type: "cuda", Index: b.d.index} }

// DType returns the element type.
func (b *Buffer) DType() backend.DType { return b.dt }

// Len returns the number of elements.
func (b *Buffer) Len() int { return b.n }

// Free returns the buffer's memory to the caching allocator now instead of
// when the garbage collector finds the buffer unreachable. Every tensor on
// the buffer becomes unusable: operations on it panic with a RuntimeError.
// Free is idempotent.
func (b *Buffer) Free() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.freed {
		return
	}
	b.freed = true
	if b.blk != nil {
		b.cleanup.Stop()
		b.d.alloc.Free(b.blk)
		b.blk = nil
	}
}

// Addr returns the device address of element 0 (0 for an empty buffer).
// It panics with a RuntimeError for a freed buffer.
func (b *Buffer) Addr() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.freed {
		fail("this tensor's CUDA memory was released by Free(); it cannot be used any more")
	}
	if b.blk == nil {
		return 0
	}
	return uint64(b.blk.Ptr)
}

func (b *Buffer) bytes() int64 { return int64(b.n) * int64(b.dt.Size()) }

// newBuffer allocates n elements of dt on d, uninitialised.
func newBuffer(d *device, dt backend.DType, n int) *Buffer {
	b := &Buffer{d: d, dt: dt, n: n}
	if n == 0 {
		return b
	}
	blk, err := d.alloc.Alloc(int64(n) * int64(dt.Size()))
	if err != nil {
		fail("%v", err)
	}
	b.blk = blk
	a := d.alloc
	b.cleanup = runtime.AddCleanup(b, func(blk *alloc.Block) {
		a.Free(blk)
		freedCount.Add(1)
	}, blk)
	return b
}

// Exec returns the buffer's device, which runs package ops's primitives.
func (b *Buffer) Exec() ops.Device { return b.d }

func buf(v backend.View) *Buffer { return v.Buf.(*Buffer) }

// Alloc returns a zeroed buffer of n elements on device index.
func (Backend) Alloc(index int, dt backend.DType, n int) backend.Buffer {
	d := dev(index)
	b := newBuffer(d, dt, n)
	if n > 0 {
		p := b.Addr()
		d.do(func() { check(cu.MemsetD8Async(cu.DevicePtr(p), 0, b.bytes(), d.stream)) })
	}
	return b
}

// AllocEmpty returns a buffer of n elements with unspecified contents
// (backend.EmptyAllocator), for results that are written in full.
func (Backend) AllocEmpty(index int, dt backend.DType, n int) backend.Buffer {
	return newBuffer(dev(index), dt, n)
}

// hostBytes returns the address and byte length of a host slice.
func hostBytes(host any) (unsafe.Pointer, int64, backend.DType) {
	switch s := host.(type) {
	case []float32:
		return unsafe.Pointer(unsafe.SliceData(s)), int64(len(s)) * 4, backend.Float32
	case []float64:
		return unsafe.Pointer(unsafe.SliceData(s)), int64(len(s)) * 8, backend.Float64
	case []int64:
		return unsafe.Pointer(unsafe.SliceData(s)), int64(len(s)) * 8, backend.Int64
	case []int32:
		return unsafe.Pointer(unsafe.SliceData(s)), int64(len(s)) * 4, backend.Int32
	case []uint8:
		return unsafe.Pointer(unsafe.SliceData(s)), int64(len(s)), backend.Uint8
	case []bool:
		return unsafe.Pointer(unsafe.SliceData(s)), int64(len(s)), backend.Bool
	}
	panic("cuda: host slice of type " + typeName(host))
}

// Upload returns a new buffer on device index holding a copy of host,
// queued after the work before it. From ordinary Go memory the driver
// stages the data before the call returns, so host may be reused at once;
// from pinned memory ([Pinned]) the GPU reads it later, so it must not be
// written before Synchronize (PyTorch's non_blocking=True).
func (Backend) Upload(index int, host any) backend.Buffer {
	p, n, dt := hostBytes(host)
	d := dev(index)
	b := newBuffer(d, dt, int(n)/dt.Size())
	if n == 0 {
		return b
	}
	dst := b.Addr()
	d.do(func() { check(cu.MemcpyHtoDAsync(cu.DevicePtr(dst), p, n, d.stream)) })
	runtime.KeepAlive(host)
	return b
}

// Download copies all of src into dst, a host slice of its dtype and length,
// after the work queued before it.
func (Backend) Download(dst any, src backend.Buffer) {
	p, n, _ := hostBytes(dst)
	b := src.(*Buffer)
	if n == 0 {
		return
	}
	s := b.Addr()
	b.d.do(func() {
		check(cu.MemcpyDtoHAsync(p, cu.DevicePtr(s), n, b.d.stream))
		b.d.sync()
	})
	runtime.KeepAlive(dst)
}

// DeviceCount returns the number of CUDA devices.
func (Backend) DeviceCount() int { return numDevices() }

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflectTypeName(v)
}
