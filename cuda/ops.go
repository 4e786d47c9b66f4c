//go:build cuda

package cuda

import (
	"runtime"
	"unsafe"

	"gorgonia.org/cu"

	"gonote/cuda/internal/geom"
	"gonote/cuda/internal/ops"
	"gonote/tensor/backend"
)

// Backend implements backend.Backend on CUDA devices. Its zero value is
// ready to use; package cuda registers one as device type "cuda". The
// primitives are package ops's, run on the device's worker.
type Backend struct{ ops.Primitives }

var (
	_ backend.Backend        = Backend{}
	_ backend.EmptyAllocator = Backend{}
	_ ops.Device             = (*device)(nil)
	_ ops.Buf                = (*Buffer)(nil)
)

func init() { backend.Register("cuda", Backend{}) }

// Matmul sets dst[i] = a[i] × b[i]: cuBLAS for floats when it loads, else
// gonote's tiled kernel.
func (Backend) Matmul(dst, a, b backend.View) {
	batch, m, k, n := a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]
	dt := dst.Buf.DType()
	if batch == 0 || m == 0 || n == 0 || k == 0 || (dt != backend.Float32 && dt != backend.Float64) {
		ops.Matmul(dst, a, b)
		return
	}
	d := buf(dst).d
	var h *cublasHandle
	d.do(func() { h = d.blasHandle() })
	if h == nil {
		ops.Matmul(dst, a, b)
		return
	}
	g, ok := geom.GemmArgs(dst, a, b)
	if !ok {
		// Copy the operand(s) BLAS cannot read to contiguous buffers.
		if _, okA := geom.GemmArgs(dst, a, contiguousView(b)); !okA {
			a = ops.Contiguous(a)
			defer d.Release(buf(a))
		}
		if _, okB := geom.GemmArgs(dst, contiguousView(a), b); !okB {
			b = ops.Contiguous(b)
			defer d.Release(buf(b))
		}
		g, _ = geom.GemmArgs(dst, a, b)
	}
	es := uint64(dt.Size())
	pa, pb, pc := buf(a).Addr()+uint64(g.OffA)*es, buf(b).Addr()+uint64(g.OffB)*es, buf(dst).Addr()+uint64(g.OffC)*es
	d.do(func() {
		check(h.gemm(dt == backend.Float64, g.TransB, g.TransA, g.M, g.N, g.K,
			pb, g.LdB, g.StrideB, pa, g.LdA, g.StrideA, pc, g.LdC, g.StrideC, g.Batch))
	})
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(dst)
}

// contiguousView is v's geometry as if it were contiguous (for asking
// GemmArgs about the other operand only).
func contiguousView(v backend.View) backend.View {
	return backend.View{Buf: v.Buf, Shape: v.Shape, Strides: backend.ContiguousStrides(v.Shape)}
}

// The ops.Device side of a device: its worker runs the queue.

// Do runs f with the device's queue on its worker.
func (d *device) Do(f func(q ops.Queue)) { d.do(func() { f(queue{d}) }) }

// Scratch returns an uninitialised temporary buffer.
func (d *device) Scratch(dt backend.DType, n int) ops.Buf { return newBuffer(d, dt, n) }

// Release frees a buffer from Scratch.
func (d *device) Release(b ops.Buf) { b.(*Buffer).Free() }

// SMs returns the number of multiprocessors.
func (d *device) SMs() int { return d.sms }

// MaxBlocks returns the grid size beyond which grid-stride loops gain
// nothing.
func (d *device) MaxBlocks() int { return max(d.sms, 1) * 32 }

// queue is a device's stream, used on its worker.
type queue struct{ d *device }

func (q queue) Launch(name string, gx, gy, gz, threads int, params unsafe.Pointer) {
	q.d.launch(name, gx, gy, gz, threads, params)
}

func (q queue) Memset(addr uint64, b byte, n int64) {
	check(cu.MemsetD8Async(cu.DevicePtr(addr), b, n, q.d.stream))
}

func (q queue) Copy(dst, src uint64, n int64) {
	check(cu.MemcpyDtoDAsync(cu.DevicePtr(dst), cu.DevicePtr(src), n, q.d.stream))
}

func (q queue) Read(dst unsafe.Pointer, src uint64, n int64) {
	check(cu.MemcpyDtoHAsync(dst, cu.DevicePtr(src), n, q.d.stream))
	q.d.sync()
}
