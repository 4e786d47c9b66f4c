//go:build cuda

package cuda

import (
	"runtime"
	"unsafe"

	"gorgonia.org/cu"

	"gonote/cuda/internal/geom"
	"gonote/cuda/kernels"
	"gonote/tensor/backend"
)

// checkIndex returns the first index of index outside [0, limit), in
// row-major order, with ok false; it waits for the device.
func checkIndex(index backend.View, limit int) (int64, bool) {
	b := buf(index)
	d := b.d
	flag := newBuffer(d, backend.Int64, 1)
	defer flag.Free()
	fp := flag.ptr()
	d.do(func() { check(cu.MemsetD8Async(cu.DevicePtr(fp), 0xff, 8, d.stream)) })
	elementwise(kernels.CheckIndex, index.Shape, 0, func(g *geom.EW, first int64) {
		g.X[0], g.X[2] = int64(limit), first
		g.Aux[0] = fp
	}, index)
	bad := uint64(readInt64(flag, 0))
	if bad == ^uint64(0) {
		return 0, true
	}
	off := geom.OffsetAt(index.Shape, index.Strides, index.Offset, int64(bad))
	return readInt64(b, off), false
}

// Gather sets dst[p] = src[p with axis replaced by index[p]].
func (Backend) Gather(dst, src, index backend.View, axis int) (int64, bool) {
	if dst.Numel() == 0 {
		return 0, true
	}
	if bad, ok := checkIndex(index, src.Shape[axis]); !ok {
		return bad, false
	}
	sv := backend.View{Buf: src.Buf, Offset: src.Offset, Shape: dst.Shape, Strides: append([]int(nil), src.Strides...)}
	sv.Strides[axis] = 0
	elementwise(kernels.Gather(dst.Buf.DType()), dst.Shape, 0, func(g *geom.EW, _ int64) {
		g.X[1] = int64(src.Strides[axis])
	}, dst, index, sv)
	return 0, true
}

// Scatter writes (or adds) src into dst at the positions index gives; with
// repeated indices and no accumulation the last position wins.
func (Backend) Scatter(dst, src, index backend.View, axis int, accumulate bool) (int64, bool) {
	if index.Numel() == 0 {
		return 0, true
	}
	if bad, ok := checkIndex(index, dst.Shape[axis]); !ok {
		return bad, false
	}
	dv := backend.View{Buf: dst.Buf, Offset: dst.Offset, Shape: index.Shape, Strides: append([]int(nil), dst.Strides...)}
	dv.Strides[axis] = 0
	ax := int64(dst.Strides[axis])
	dt := dst.Buf.DType()
	if accumulate {
		elementwise(kernels.Scatter(dt, true), index.Shape, 0, func(g *geom.EW, _ int64) { g.X[1] = ax }, dv, index, src)
		return 0, true
	}
	d := buf(dst).d
	win := newBuffer(d, backend.Int64, dst.Buf.Len())
	defer win.Free()
	wp := win.ptr()
	d.do(func() { check(cu.MemsetD8Async(cu.DevicePtr(wp), 0xff, win.bytes(), d.stream)) })
	prep := func(g *geom.EW, first int64) {
		g.X[1], g.X[2] = ax, first
		g.Aux[0] = wp
	}
	elementwise(kernels.ScatterWin, index.Shape, 0, prep, dv, index)
	elementwise(kernels.Scatter(dt, false), index.Shape, 0, prep, dv, index, src)
	return 0, true
}

// Matmul sets dst[i] = a[i] × b[i]: cuBLAS for floats when it loads, else
// gonote's tiled kernel.
func (Backend) Matmul(dst, a, b backend.View) {
	batch, m, k, n := a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	d := buf(dst).d
	dt := dst.Buf.DType()
	if k == 0 {
		p := buf(dst).ptr() + uint64(dst.Offset*dt.Size())
		d.do(func() { check(cu.MemsetD8Async(cu.DevicePtr(p), 0, int64(batch*m*n*dt.Size()), d.stream)) })
		return
	}
	if dt == backend.Float32 || dt == backend.Float64 {
		var h *cublasHandle
		d.do(func() { h = d.blasHandle() })
		if h != nil {
			g, ok := geom.GemmArgs(dst, a, b)
			if !ok {
				ca, cb := a, b
				if _, okA := geom.GemmArgs(dst, a, contiguousView(b)); !okA {
					ca = contiguous(a)
					defer buf(ca).Free()
				}
				if _, okB := geom.GemmArgs(dst, contiguousView(a), b); !okB {
					cb = contiguous(b)
					defer buf(cb).Free()
				}
				g, _ = geom.GemmArgs(dst, ca, cb)
				a, b = ca, cb
			}
			es := uint64(dt.Size())
			pa, pb, pc := buf(a).ptr()+uint64(g.OffA)*es, buf(b).ptr()+uint64(g.OffB)*es, buf(dst).ptr()+uint64(g.OffC)*es
			d.do(func() {
				check(h.gemm(dt == backend.Float64, g.TransB, g.TransA, g.M, g.N, g.K,
					pb, g.LdB, g.StrideB, pa, g.LdA, g.StrideA, pc, g.LdC, g.StrideC, g.Batch))
			})
			runtime.KeepAlive(a)
			runtime.KeepAlive(b)
			runtime.KeepAlive(dst)
			return
		}
	}
	p, grid := geom.Matmul(dst, a, b)
	p.A, p.B, p.D = buf(a).ptr(), buf(b).ptr(), buf(dst).ptr()
	d.do(func() { d.launch(kernels.Matmul(dt), grid[0], grid[1], grid[2], geom.Threads, unsafe.Pointer(&p)) })
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(dst)
}

// contiguousView is v's geometry as if it were contiguous (for asking
// GemmArgs about the other operand only).
func contiguousView(v backend.View) backend.View {
	return backend.View{Buf: v.Buf, Shape: v.Shape, Strides: contiguousStrides(v.Shape)}
}
