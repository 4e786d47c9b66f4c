// Package ops implements tensor/backend's primitives on gonote's CUDA
// kernels against two small interfaces, [Device] and [Queue], instead of
// the CUDA driver. Package cuda gives them a GPU (through its worker
// thread); package cuda/internal/emu gives them an emulator that runs the
// same kernel sources on the CPU, so this glue (planning, scratch buffers,
// launch sequences) and the kernels are tested without a GPU.
package ops

import (
	"runtime"
	"slices"
	"unsafe"

	"gonote/cuda/internal/geom"
	"gonote/cuda/kernels"
	"gonote/tensor/backend"
)

// Buf is a device buffer as ops sees it.
type Buf interface {
	backend.Buffer
	// Addr returns the device address of element 0 (0 for an empty
	// buffer); it panics for a released buffer.
	Addr() uint64
	// Exec returns the device that runs operations on the buffer.
	Exec() Device
}

// Device runs kernels.
type Device interface {
	// Do runs f with the device's queue, which is valid only during f (on
	// the GPU, f runs on the device's worker thread).
	Do(f func(q Queue))
	// Scratch returns an uninitialised buffer of n elements of dt for
	// temporary use; ops releases it when it has queued its last use.
	Scratch(dt backend.DType, n int) Buf
	// Release returns a buffer from Scratch.
	Release(b Buf)
	// SMs returns the number of multiprocessors.
	SMs() int
	// MaxBlocks returns the largest useful grid of a grid-stride kernel.
	MaxBlocks() int
}

// Queue is a device's in-order work queue.
type Queue interface {
	// Launch queues kernel name with (gx, gy, gz) blocks of threads and
	// params, a pointer to a geom struct, as its parameter.
	Launch(name string, gx, gy, gz, threads int, params unsafe.Pointer)
	// Memset queues setting n bytes at addr to b.
	Memset(addr uint64, b byte, n int64)
	// Copy queues copying n bytes from src to dst on the device.
	Copy(dst, src uint64, n int64)
	// Read copies n bytes at src to host memory at dst after the queued
	// work, and waits for it.
	Read(dst unsafe.Pointer, src uint64, n int64)
}

func buf(v backend.View) Buf { return v.Buf.(Buf) }

// elementwise launches kernel name over shape for the views (their
// buffers on one device), with op and, when set, prep filling the rest of
// each part's parameters.
func elementwise(name string, shape []int, op int64, prep func(g *geom.EW, first int64), views ...backend.View) {
	d := buf(views[0]).Exec()
	ops := make([]geom.Operand, len(views))
	var ptrs [geom.MaxOps]uint64
	for k, v := range views {
		ops[k] = geom.Op(v)
		ptrs[k] = buf(v).Addr()
	}
	parts := geom.Elementwise(shape, ops...)
	if len(parts) == 0 {
		return
	}
	// The raw addresses are all the kernels see: keep the buffers (and
	// their cleanups) from running before the launches are queued.
	defer runtime.KeepAlive(views)
	d.Do(func(q Queue) {
		for i := range parts {
			g := &parts[i].G
			g.Ptr = ptrs
			g.Op = op
			if prep != nil {
				prep(g, parts[i].First)
			}
			q.Launch(name, geom.Blocks(g.N, geom.Threads, d.MaxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
}

// Unary sets dst = op(src).
func Unary(op backend.UnaryOp, dst, src backend.View) {
	elementwise(kernels.Unary(dst.Buf.DType()), dst.Shape, int64(op), nil, dst, src)
}

// Binary sets dst = op(a, b).
func Binary(op backend.BinaryOp, dst, a, b backend.View) {
	elementwise(kernels.Binary(op, a.Buf.DType()), dst.Shape, int64(op), nil, dst, a, b)
}

// Where sets dst = cond ? a : b.
func Where(dst, cond, a, b backend.View) {
	elementwise(kernels.Where(dst.Buf.DType()), dst.Shape, 0, nil, dst, cond, a, b)
}

// Copy sets dst = src, converting the dtype as tensor/cpu does; dense
// copies of one dtype are device memcpys.
func Copy(dst, src backend.View) {
	dt, st := dst.Buf.DType(), src.Buf.DType()
	if dt == st && dense(dst) && dense(src) {
		n := int64(dst.Numel()) * int64(dt.Size())
		if n == 0 {
			return
		}
		to := buf(dst).Addr() + uint64(dst.Offset*dt.Size())
		from := buf(src).Addr() + uint64(src.Offset*st.Size())
		buf(dst).Exec().Do(func(q Queue) { q.Copy(to, from, n) })
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

// Contiguous returns a scratch buffer's contiguous view holding a copy of
// v; release it with its device's Release.
func Contiguous(v backend.View) backend.View {
	d := buf(v).Exec()
	b := d.Scratch(v.Buf.DType(), v.Numel())
	c := backend.View{Buf: b, Shape: v.Shape, Strides: backend.ContiguousStrides(v.Shape)}
	Copy(c, v)
	return c
}

// Random fills the contiguous view dst from dist.
func Random(dst backend.View, dist backend.Distribution, a, b float64, seed uint64) {
	n := int64(dst.Numel())
	if n == 0 {
		return
	}
	d := buf(dst).Exec()
	g := geom.EW{N: n, Rank: 1, Op: int64(dist), A: a, B: b}
	g.Shape[0] = n
	g.Off[0] = int64(dst.Offset)
	g.Ptr[0] = buf(dst).Addr()
	g.X[0] = int64(seed)
	d.Do(func(q Queue) {
		q.Launch(kernels.Random(dst.Buf.DType()), geom.Blocks(n, geom.Threads, d.MaxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(&g))
	})
	runtime.KeepAlive(dst)
}

// Reduce reduces src over axes into dst.
func Reduce(op backend.ReduceOp, dst, src backend.View, axes []int) {
	d := buf(dst).Exec()
	plan, ok := geom.Reduce(op, dst, src, axes, d.SMs())
	if !ok {
		reducePermuted(op, dst, src, axes)
		return
	}
	if plan.First.Outputs == 0 {
		return
	}
	name := kernels.Reduce(src.Buf.DType())
	first := plan.First
	first.Src, first.Dst = buf(src).Addr(), buf(dst).Addr()
	var second geom.Red
	var scratch Buf
	if plan.Second != nil {
		scratch = d.Scratch(src.Buf.DType(), int(plan.Scratch))
		second = *plan.Second
		first.Dst, second.Src, second.Dst = scratch.Addr(), scratch.Addr(), buf(dst).Addr()
	}
	d.Do(func(q Queue) {
		q.Launch(name, plan.Grid[0], plan.Grid[1], 1, geom.Threads, unsafe.Pointer(&first))
		if scratch != nil {
			q.Launch(name, plan.Grid2[0], plan.Grid2[1], 1, geom.Threads, unsafe.Pointer(&second))
		}
	})
	if scratch != nil {
		d.Release(scratch) // later work on the queue may reuse it, in order
	}
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// reducePermuted handles reductions whose dimensions do not coalesce to
// geom.MaxRank: it copies src with the kept dimensions first into a
// contiguous [kept, reduced] matrix, reduces its rows and copies the
// result into dst.
func reducePermuted(op backend.ReduceOp, dst, src backend.View, axes []int) {
	d := buf(dst).Exec()
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
	m := Contiguous(pv)
	defer d.Release(buf(m))
	mat := backend.View{Buf: m.Buf, Shape: []int{kept, red}, Strides: []int{red, 1}}
	out := d.Scratch(dst.Buf.DType(), kept)
	defer d.Release(out)
	Reduce(op, backend.View{Buf: out, Shape: []int{kept, 1}, Strides: []int{1, 1}}, mat, []int{1})
	// out holds dst's elements in row-major order of its kept dimensions.
	Copy(dst, backend.View{Buf: out, Shape: dst.Shape, Strides: backend.ContiguousStrides(dst.Shape)})
}

// lines launches kernel name once per part of a lines plan.
func lines(name string, parts []geom.Part, ptrs [geom.MaxOps]uint64, op int64, d Device, threadsPerLine int64) {
	d.Do(func(q Queue) {
		for i := range parts {
			g := &parts[i].G
			g.Ptr, g.Op = ptrs, op
			q.Launch(name, geom.Blocks(g.N*threadsPerLine, geom.Threads, d.MaxBlocks()), 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
}

// ArgReduce writes the extreme values of src along axis and their first
// indices (one warp per line).
func ArgReduce(op backend.ReduceOp, values, indices, src backend.View, axis int) {
	parts := geom.Lines(src.Shape, axis, geom.Op(values), geom.Op(indices), geom.Op(src))
	ptrs := [geom.MaxOps]uint64{buf(values).Addr(), buf(indices).Addr(), buf(src).Addr()}
	lines(kernels.ArgReduce(src.Buf.DType()), parts, ptrs, int64(op), buf(src).Exec(), 32)
	runtime.KeepAlive(values)
	runtime.KeepAlive(indices)
	runtime.KeepAlive(src)
}

// Scan writes running sums or products of src along axis to dst (one
// thread per line, in order, like the CPU).
func Scan(op backend.ScanOp, dst, src backend.View, axis int) {
	parts := geom.Lines(src.Shape, axis, geom.Op(dst), geom.Op(src))
	ptrs := [geom.MaxOps]uint64{buf(dst).Addr(), buf(src).Addr()}
	lines(kernels.Scan(src.Buf.DType()), parts, ptrs, int64(op), buf(src).Exec(), 1)
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// Sort sorts src along axis into values and the source positions into
// indices, stably, NaN last (first when descending): each line is copied
// into a power-of-two scratch row and sorted by a bitonic network.
func Sort(values, indices, src backend.View, axis int, descending bool) {
	d := buf(src).Exec()
	parts := geom.Lines(src.Shape, axis, geom.Op(values), geom.Op(indices), geom.Op(src))
	if len(parts) == 0 {
		return
	}
	dt := src.Buf.DType()
	P := geom.NextPow2(src.Shape[axis])
	nlines := 0
	for _, p := range parts {
		nlines += int(p.G.N)
	}
	keys := d.Scratch(dt, nlines*P)
	pos := d.Scratch(backend.Int64, nlines*P)
	defer d.Release(keys)
	defer d.Release(pos)
	ptrs := [geom.MaxOps]uint64{buf(values).Addr(), buf(indices).Addr(), buf(src).Addr()}
	kp, pp := keys.Addr(), pos.Addr()
	stages := geom.SortStages(P)
	load, step, store := kernels.Sort(dt)
	desc := int64(0)
	if descending {
		desc = 1
	}
	d.Do(func(q Queue) {
		for i := range parts {
			g := &parts[i].G
			base := uint64(parts[i].First) * uint64(P)
			g.Ptr, g.Op = ptrs, desc
			g.Aux = [2]uint64{kp + base*uint64(dt.Size()), pp + base*8}
			g.X[4] = int64(P)
			blocks := geom.Blocks(g.N*int64(P), geom.Threads, d.MaxBlocks())
			q.Launch(load, blocks, 1, 1, geom.Threads, unsafe.Pointer(g))
			for _, st := range stages {
				g.X[5], g.X[6] = st[0], st[1]
				q.Launch(step, blocks, 1, 1, geom.Threads, unsafe.Pointer(g))
			}
			q.Launch(store, blocks, 1, 1, geom.Threads, unsafe.Pointer(g))
		}
	})
	runtime.KeepAlive(values)
	runtime.KeepAlive(indices)
	runtime.KeepAlive(src)
}

// readInt64 returns the Int64 element at offset off of b, after the queued
// work.
func readInt64(b Buf, off int64) int64 {
	var v int64
	p := b.Addr() + uint64(off)*8
	b.Exec().Do(func(q Queue) { q.Read(unsafe.Pointer(&v), p, 8) })
	return v
}

// checkIndex returns the first index of index outside [0, limit), in
// row-major order, with ok false; it waits for the device.
func checkIndex(index backend.View, limit int) (int64, bool) {
	b := buf(index)
	d := b.Exec()
	flag := d.Scratch(backend.Int64, 1)
	defer d.Release(flag)
	fp := flag.Addr()
	d.Do(func(q Queue) { q.Memset(fp, 0xff, 8) })
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

// Gather sets dst[p] = src[p with axis replaced by index[p]]; see
// backend.Indexer.
func Gather(dst, src, index backend.View, axis int) (int64, bool) {
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
// repeated indices and no accumulation the last position wins. See
// backend.Indexer.
func Scatter(dst, src, index backend.View, axis int, accumulate bool) (int64, bool) {
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
	d := buf(dst).Exec()
	win := d.Scratch(backend.Int64, dst.Buf.Len())
	defer d.Release(win)
	wp := win.Addr()
	d.Do(func(q Queue) { q.Memset(wp, 0xff, int64(win.Len())*8) })
	prep := func(g *geom.EW, first int64) {
		g.X[1], g.X[2] = ax, first
		g.Aux[0] = wp
	}
	elementwise(kernels.ScatterWin, index.Shape, 0, prep, dv, index)
	elementwise(kernels.Scatter(dt, false), index.Shape, 0, prep, dv, index, src)
	return 0, true
}

// Matmul sets dst[i] = a[i] × b[i] with gonote's tiled kernel (package
// cuda uses cuBLAS for floats when it can).
func Matmul(dst, a, b backend.View) {
	batch, m, k, n := a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	d := buf(dst).Exec()
	dt := dst.Buf.DType()
	if k == 0 {
		p := buf(dst).Addr() + uint64(dst.Offset*dt.Size())
		d.Do(func(q Queue) { q.Memset(p, 0, int64(batch*m*n*dt.Size())) })
		return
	}
	p, grid := geom.Matmul(dst, a, b)
	p.A, p.B, p.D = buf(a).Addr(), buf(b).Addr(), buf(dst).Addr()
	d.Do(func(q Queue) {
		q.Launch(kernels.Matmul(dt), grid[0], grid[1], grid[2], geom.Threads, unsafe.Pointer(&p))
	})
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(dst)
}
