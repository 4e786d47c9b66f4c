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

// Backend implements backend.Backend on CUDA devices. Its zero value is
// ready to use; package cuda registers one as device type "cuda".
type Backend struct{}

var (
	_ backend.Backend        = Backend{}
	_ backend.EmptyAllocator = Backend{}
)

func init() { backend.Register("cuda", Backend{}) }

// elementwise launches kernel name over shape for the views (their
// buffers on one device), with op and, when set, prep filling the rest of
// each part's parameters.
func elementwise(name string, shape []int, op int64, prep func(g *geom.EW, first int64), views ...backend.View) {
	d := buf(views[0]).d
	ops := make([]geom.Operand, len(views))
	var ptrs [geom.MaxOps]uint64
	for k, v := range views {
		ops[k] = geom.Op(v)
		ptrs[k] = buf(v).ptr()
	}
	parts := geom.Elementwise(shape, ops...)
	if len(parts) == 0 {
		return
	}
	// The raw addresses are all the kernels see: keep the buffers (and
	// their cleanups) from running before the launches are queued.
	defer runtime.KeepAlive(views)
	d.do(func() {
		for i := range parts {
			g := &parts[i].G
			g.Ptr = ptrs
			g.Op = op
			if prep != nil {
				prep(g, parts[i].First)
			}
			d.launch(name, geom.Blocks(g.N, geom.Threads, d.maxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
}

// Unary sets dst = op(src).
func (Backend) Unary(op backend.UnaryOp, dst, src backend.View) {
	elementwise(kernels.Unary(dst.Buf.DType()), dst.Shape, int64(op), nil, dst, src)
}

// Binary sets dst = op(a, b).
func (Backend) Binary(op backend.BinaryOp, dst, a, b backend.View) {
	elementwise(kernels.Binary(op, a.Buf.DType()), dst.Shape, int64(op), nil, dst, a, b)
}

// Where sets dst = cond ? a : b.
func (Backend) Where(dst, cond, a, b backend.View) {
	elementwise(kernels.Where(dst.Buf.DType()), dst.Shape, 0, nil, dst, cond, a, b)
}

// Copy sets dst = src, converting the dtype as tensor/cpu does.
func (Backend) Copy(dst, src backend.View) {
	dt, st := dst.Buf.DType(), src.Buf.DType()
	if dt == st && dense(dst) && dense(src) {
		n := int64(dst.Numel()) * int64(dt.Size())
		if n == 0 {
			return
		}
		d := buf(dst).d
		to := buf(dst).ptr() + uint64(dst.Offset*dt.Size())
		from := buf(src).ptr() + uint64(src.Offset*st.Size())
		d.do(func() { check(cu.MemcpyDtoDAsync(cu.DevicePtr(to), cu.DevicePtr(from), n, d.stream)) })
		runtime.KeepAlive(dst)
		runtime.KeepAlive(src)
		return
	}
	elementwise(kernels.Cast(dt, st), dst.Shape, 0, nil, dst, src)
}

// dense reports whether v's elements are contiguous in row-major order.
func dense(v backend.View) bool {
	s := 1
	for i := len(v.Shape) - 1; i >= 0; i-- {
		if v.Shape[i] != 1 && v.Strides[i] != s {
			return false
		}
		s *= v.Shape[i]
	}
	return true
}

// contiguous returns a new contiguous buffer's view holding a copy of v.
func contiguous(v backend.View) backend.View {
	b := newBuffer(buf(v).d, v.Buf.DType(), v.Numel())
	c := backend.View{Buf: b, Shape: v.Shape, Strides: contiguousStrides(v.Shape)}
	Backend{}.Copy(c, v)
	return c
}

func contiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= max(shape[i], 1)
	}
	return st
}

// Random fills the contiguous view dst from dist.
func (Backend) Random(dst backend.View, dist backend.Distribution, a, b float64, seed uint64) {
	n := int64(dst.Numel())
	if n == 0 {
		return
	}
	d := buf(dst).d
	g := geom.EW{N: n, Rank: 1, Op: int64(dist), A: a, B: b}
	g.Shape[0] = n
	g.Off[0] = int64(dst.Offset)
	g.Ptr[0] = buf(dst).ptr()
	g.X[0] = int64(seed)
	d.do(func() {
		d.launch(kernels.Random(dst.Buf.DType()), geom.Blocks(n, geom.Threads, d.maxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(&g))
	})
	runtime.KeepAlive(dst)
}
