package ops

import "gonote/tensor/backend"

// Primitives gives a backend the primitives of this package as methods:
// the CUDA backend and the emulator embed it and add memory (and, for the
// CUDA one, a cuBLAS Matmul).
type Primitives struct{}

// Unary sets dst = op(src).
func (Primitives) Unary(op backend.UnaryOp, dst, src backend.View) { Unary(op, dst, src) }

// Binary sets dst = op(a, b).
func (Primitives) Binary(op backend.BinaryOp, dst, a, b backend.View) { Binary(op, dst, a, b) }

// Where sets dst = cond ? a : b.
func (Primitives) Where(dst, cond, a, b backend.View) { Where(dst, cond, a, b) }

// Copy sets dst = src, converting the dtype as tensor/cpu does.
func (Primitives) Copy(dst, src backend.View) { Copy(dst, src) }

// Reduce reduces src over axes into dst.
func (Primitives) Reduce(op backend.ReduceOp, dst, src backend.View, axes []int) {
	Reduce(op, dst, src, axes)
}

// ArgReduce writes the extreme values of src along axis and their first
// indices.
func (Primitives) ArgReduce(op backend.ReduceOp, values, indices, src backend.View, axis int) {
	ArgReduce(op, values, indices, src, axis)
}

// Scan writes running sums or products of src along axis to dst.
func (Primitives) Scan(op backend.ScanOp, dst, src backend.View, axis int) { Scan(op, dst, src, axis) }

// Sort sorts src along axis into values and the source positions into
// indices, stably, NaN last (first when descending).
func (Primitives) Sort(values, indices, src backend.View, axis int, descending bool) {
	Sort(values, indices, src, axis, descending)
}

// Gather sets dst[p] = src[p with axis replaced by index[p]].
func (Primitives) Gather(dst, src, index backend.View, axis int) (int64, bool) {
	return Gather(dst, src, index, axis)
}

// Scatter writes (or adds) src into dst at the positions index gives; with
// repeated indices and no accumulation the last position wins.
func (Primitives) Scatter(dst, src, index backend.View, axis int, accumulate bool) (int64, bool) {
	return Scatter(dst, src, index, axis, accumulate)
}

// Random fills the contiguous view dst from dist.
func (Primitives) Random(dst backend.View, dist backend.Distribution, a, b float64, seed uint64) {
	Random(dst, dist, a, b, seed)
}

// Matmul sets dst[i] = a[i] × b[i] with the package's tiled kernel (the
// CUDA backend's own Matmul tries cuBLAS first).
func (Primitives) Matmul(dst, a, b backend.View) { Matmul(dst, a, b) }
