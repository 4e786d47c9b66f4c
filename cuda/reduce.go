//go:build cuda

package cuda

import (
	"runtime"
	"slices"
	"unsafe"

	"gorgonia.org/cu"

	"gonote/cuda/internal/geom"
	"gonote/cuda/kernels"
	"gonote/tensor/backend"
)

// Reduce reduces src over axes into dst.
func (Backend) Reduce(op backend.ReduceOp, dst, src backend.View, axes []int) {
	d := buf(dst).d
	plan, ok := geom.Reduce(op, dst, src, axes, d.sms)
	if !ok {
		reducePermuted(op, dst, src, axes)
		return
	}
	if plan.First.Outputs == 0 {
		return
	}
	name := kernels.Reduce(src.Buf.DType())
	first := plan.First
	first.Src, first.Dst = buf(src).ptr(), buf(dst).ptr()
	var second geom.Red
	var scratch *Buffer
	if plan.Second != nil {
		scratch = newBuffer(d, src.Buf.DType(), int(plan.Scratch))
		second = *plan.Second
		first.Dst, second.Src, second.Dst = scratch.ptr(), scratch.ptr(), buf(dst).ptr()
	}
	d.do(func() {
		d.launch(name, plan.Grid[0], plan.Grid[1], 1, geom.Threads, unsafe.Pointer(&first))
		if scratch != nil {
			d.launch(name, plan.Grid2[0], plan.Grid2[1], 1, geom.Threads, unsafe.Pointer(&second))
		}
	})
	if scratch != nil {
		scratch.Free() // later work on the stream may reuse it, in order
	}
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// reducePermuted handles reductions whose dimensions do not coalesce to
// geom.MaxRank: it copies src with the kept dimensions first into a
// contiguous [kept, reduced] matrix, reduces its rows and copies the
// result into dst.
func reducePermuted(op backend.ReduceOp, dst, src backend.View, axes []int) {
	var perm []int
	kept, red := 1, 1
	for i, n := range src.Shape {
		if !slices.Contains(axes, i) {
			perm = append(perm, i)
			kept *= n
		}
	}
	for _, a := range axes {
		perm = append(perm, a)
		red *= src.Shape[a]
	}
	pv := backend.View{Buf: src.Buf, Offset: src.Offset}
	for _, p := range perm {
		pv.Shape = append(pv.Shape, src.Shape[p])
		pv.Strides = append(pv.Strides, src.Strides[p])
	}
	m := contiguous(pv)
	defer buf(m).Free()
	mat := backend.View{Buf: m.Buf, Shape: []int{kept, red}, Strides: []int{red, 1}}
	out := newBuffer(buf(dst).d, dst.Buf.DType(), kept)
	defer out.Free()
	Backend{}.Reduce(op, backend.View{Buf: out, Shape: []int{kept, 1}, Strides: []int{1, 1}}, mat, []int{1})
	// out holds dst's elements in row-major order of its kept dimensions.
	Backend{}.Copy(dst, backend.View{Buf: out, Shape: dst.Shape, Strides: contiguousStrides(dst.Shape)})
}

// ArgReduce writes the extreme values of src along axis and their first
// indices.
func (Backend) ArgReduce(op backend.ReduceOp, values, indices, src backend.View, axis int) {
	d := buf(src).d
	parts := geom.Lines(src.Shape, axis, geom.Op(values), geom.Op(indices), geom.Op(src))
	ptrs := [geom.MaxOps]uint64{buf(values).ptr(), buf(indices).ptr(), buf(src).ptr()}
	name := kernels.ArgReduce(src.Buf.DType())
	d.do(func() {
		for i := range parts {
			g := &parts[i].G
			g.Ptr, g.Op = ptrs, int64(op)
			// One warp per line.
			d.launch(name, geom.Blocks(g.N*32, geom.Threads, d.maxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
	runtime.KeepAlive(values)
	runtime.KeepAlive(indices)
	runtime.KeepAlive(src)
}

// Scan writes running sums or products of src along axis to dst.
func (Backend) Scan(op backend.ScanOp, dst, src backend.View, axis int) {
	d := buf(src).d
	parts := geom.Lines(src.Shape, axis, geom.Op(dst), geom.Op(src))
	ptrs := [geom.MaxOps]uint64{buf(dst).ptr(), buf(src).ptr()}
	name := kernels.Scan(src.Buf.DType())
	d.do(func() {
		for i := range parts {
			g := &parts[i].G
			g.Ptr, g.Op = ptrs, int64(op)
			d.launch(name, geom.Blocks(g.N, geom.Threads, d.maxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// Sort sorts src along axis into values and the source positions into
// indices, stably, NaN last (first when descending).
func (Backend) Sort(values, indices, src backend.View, axis int, descending bool) {
	d := buf(src).d
	parts := geom.Lines(src.Shape, axis, geom.Op(values), geom.Op(indices), geom.Op(src))
	if len(parts) == 0 {
		return
	}
	dt := src.Buf.DType()
	n := src.Shape[axis]
	P := geom.NextPow2(n)
	lines := 0
	for _, p := range parts {
		lines += int(p.G.N)
	}
	keys := newBuffer(d, dt, lines*P)
	pos := newBuffer(d, backend.Int64, lines*P)
	defer keys.Free()
	defer pos.Free()
	ptrs := [geom.MaxOps]uint64{buf(values).ptr(), buf(indices).ptr(), buf(src).ptr()}
	kp, pp := keys.ptr(), pos.ptr()
	stages := geom.SortStages(P)
	load, step, store := kernels.Sort(dt)
	desc := int64(0)
	if descending {
		desc = 1
	}
	d.do(func() {
		for i := range parts {
			g := &parts[i].G
			base := uint64(parts[i].First) * uint64(P)
			g.Ptr, g.Op = ptrs, desc
			g.Aux = [2]uint64{kp + base*uint64(dt.Size()), pp + base*8}
			g.X[4] = int64(P)
			blocks := geom.Blocks(g.N*int64(P), geom.Threads, d.maxBlocks())
			d.launch(load, blocks, 1, 1, geom.Threads, unsafe.Pointer(g))
			for _, st := range stages {
				g.X[5], g.X[6] = st[0], st[1]
				d.launch(step, blocks, 1, 1, geom.Threads, unsafe.Pointer(g))
			}
			d.launch(store, blocks, 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
	runtime.KeepAlive(values)
	runtime.KeepAlive(indices)
	runtime.KeepAlive(src)
}

// readInt64 downloads the Int64 element at offset off of b.
func readInt64(b *Buffer, off int64) int64 {
	var v int64
	p := b.ptr() + uint64(off)*8
	b.d.do(func() {
		check(cu.MemcpyDtoHAsync(unsafe.Pointer(&v), cu.DevicePtr(p), 8, b.d.stream))
		b.d.sync()
	})
	return v
}
