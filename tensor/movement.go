package tensor

import (
	"fmt"
	"gonote/tensor/backend"
	"slices"
	"strings"
)

// shapeString formats a shape as PyTorch does in messages: [2, 3].
func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// inferShape resolves one -1 in shape for n elements.
func inferShape(op string, shape []int, n int) []int {
	out := append([]int{}, shape...)
	infer := -1
	prod := 1
	for i, s := range out {
		switch {
		case s == -1:
			if infer >= 0 {
				fail(RuntimeError, op, "only one dimension can be inferred")
			}
			infer = i
		case s < 0:
			fail(RuntimeError, op, "invalid shape dimension %d", s)
		default:
			prod *= s
		}
	}
	if infer >= 0 {
		if prod == 0 && n == 0 {
			fail(RuntimeError, op, "cannot reshape tensor of 0 elements into shape %s because the unspecified dimension size -1 can be any value and is ambiguous", shapeString(shape))
		}
		if prod != 0 && n%prod == 0 {
			out[infer] = n / prod
			return out
		}
	} else if prod == n {
		return out
	}
	fail(RuntimeError, op, "shape '%s' is invalid for input of size %d", shapeString(shape), n)
	return nil
}

// viewStrides returns strides that show t's elements in the new shape
// without copying, or false when there are none (PyTorch's computeStride).
func viewStrides(oldShape, oldStride, newShape []int) ([]int, bool) {
	newStride := make([]int, len(newShape))
	if len(oldShape) == 0 {
		for i := range newStride {
			newStride[i] = 1
		}
		return newStride, true
	}
	if numel(oldShape) == 0 {
		if slices.Equal(oldShape, newShape) {
			return append([]int{}, oldStride...), true
		}
		return backend.ContiguousStrides(newShape), true
	}
	viewD := len(newShape) - 1
	chunkBase := oldStride[len(oldStride)-1]
	tensorNumel, viewNumel := 1, 1
	for d := len(oldShape) - 1; d >= 0; d-- {
		tensorNumel *= oldShape[d]
		if d == 0 || (oldShape[d-1] != 1 && oldStride[d-1] != tensorNumel*chunkBase) {
			for viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
				newStride[viewD] = viewNumel * chunkBase
				viewNumel *= newShape[viewD]
				viewD--
			}
			if viewNumel != tensorNumel {
				return nil, false
			}
			if d > 0 {
				chunkBase = oldStride[d-1]
				tensorNumel, viewNumel = 1, 1
			}
		}
	}
	return newStride, viewD == -1
}

// View returns a tensor with the same data in a new shape, without copying;
// one size may be -1. It panics with PyTorch's RuntimeError when the sizes
// do not match or when t's strides do not allow a view (use Reshape).
func (t *Tensor) View(shape ...int) *Tensor {
	shape = inferShape("view", shape, t.Numel())
	st, ok := viewStrides(t.shape, t.strides, shape)
	if !ok {
		fail(RuntimeError, "view", "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
	}
	return recordReshape("ViewBackward0", t, t.withView(shape, st, t.offset))
}

// Reshape returns a tensor with the same data in a new shape; one size may
// be -1. It returns a view when t's strides allow one and a copy otherwise.
// It panics with a RuntimeError when the sizes do not match.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = inferShape("reshape", shape, t.Numel())
	if st, ok := viewStrides(t.shape, t.strides, shape); ok {
		return recordReshape("ReshapeAliasBackward0", t, t.withView(shape, st, t.offset))
	}
	return named(t.Contiguous().View(shape...), "UnsafeViewBackward0")
}

// Flatten returns t with dimensions startDim to endDim (default 0 and -1)
// merged into one, as a view when possible. Flatten() of a 0-d tensor is
// 1-D.
func (t *Tensor) Flatten(dims ...int) *Tensor {
	start, end := 0, -1
	if len(dims) > 0 {
		start = dims[0]
	}
	if len(dims) > 1 {
		end = dims[1]
	}
	if t.Dim() == 0 {
		return t.Reshape(1)
	}
	start, end = t.wrapDim("flatten", start), t.wrapDim("flatten", end)
	if start > end {
		fail(RuntimeError, "flatten", "flatten() has invalid args: start_dim cannot come after end_dim")
	}
	shape := append([]int{}, t.shape[:start]...)
	shape = append(shape, numel(t.shape[start:end+1]))
	shape = append(shape, t.shape[end+1:]...)
	return t.Reshape(shape...)
}

// Squeeze returns a view of t without the given dimensions of size 1, or
// without all of them when no dims are given. Given dims of another size
// are kept, as in PyTorch.
func (t *Tensor) Squeeze(dims ...int) *Tensor {
	drop := make([]bool, t.Dim())
	if len(dims) == 0 {
		for i, s := range t.shape {
			drop[i] = s == 1
		}
	}
	for _, d := range dims {
		d = t.wrapDim("squeeze", d)
		if t.Dim() > 0 {
			drop[d] = t.shape[d] == 1
		}
	}
	var shape, strides []int
	for i := range t.shape {
		if !drop[i] {
			shape = append(shape, t.shape[i])
			strides = append(strides, t.strides[i])
		}
	}
	name := "SqueezeBackward0"
	if len(dims) > 0 {
		name = "SqueezeBackward1"
	}
	return recordReshape(name, t, t.withView(shape, strides, t.offset))
}

// Unsqueeze returns a view of t with a dimension of size 1 inserted at dim,
// which may be from -Dim()-1 to Dim().
func (t *Tensor) Unsqueeze(dim int) *Tensor {
	dim = wrapDim("unsqueeze", dim, t.Dim()+1)
	st := 1
	if dim < t.Dim() {
		st = t.strides[dim] * t.shape[dim]
	}
	shape := slices.Insert(slices.Clone(t.shape), dim, 1)
	strides := slices.Insert(slices.Clone(t.strides), dim, st)
	return recordReshape("UnsqueezeBackward0", t, t.withView(shape, strides, t.offset))
}

// Transpose returns a view of t with dimensions dim0 and dim1 swapped.
func (t *Tensor) Transpose(dim0, dim1 int) *Tensor {
	if t.Dim() == 0 {
		t.wrapDim("transpose", dim0)
		t.wrapDim("transpose", dim1)
		return recordReshape("TransposeBackward0", t, t.withView(nil, nil, t.offset))
	}
	dim0, dim1 = t.wrapDim("transpose", dim0), t.wrapDim("transpose", dim1)
	shape, strides := slices.Clone(t.shape), slices.Clone(t.strides)
	shape[dim0], shape[dim1] = shape[dim1], shape[dim0]
	strides[dim0], strides[dim1] = strides[dim1], strides[dim0]
	perm := make([]int, len(shape))
	for i := range perm {
		perm[i] = i
	}
	perm[dim0], perm[dim1] = dim1, dim0
	return recordPermute("TransposeBackward0", t, t.withView(shape, strides, t.offset), perm)
}

// T returns a view of t with its dimensions reversed: the transpose of a
// matrix, t itself for 0-d and 1-D tensors.
func (t *Tensor) T() *Tensor {
	n := t.Dim()
	dims := make([]int, n)
	for i := range dims {
		dims[i] = n - 1 - i
	}
	return t.Permute(dims...)
}

// Permute returns a view of t with its dimensions reordered: dimension i of
// the result is dimension dims[i] of t. It panics with a RuntimeError when
// dims is not a permutation of t's dimensions.
func (t *Tensor) Permute(dims ...int) *Tensor {
	if len(dims) != t.Dim() {
		fail(RuntimeError, "permute", "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = %d is not equal to len(dims) = %d", t.Dim(), len(dims))
	}
	seen := make([]bool, t.Dim())
	shape, strides := make([]int, len(dims)), make([]int, len(dims))
	wrapped := make([]int, len(dims))
	for i, d := range dims {
		d = t.wrapDim("permute", d)
		if seen[d] {
			fail(RuntimeError, "permute", "repeated dim in permute")
		}
		seen[d] = true
		wrapped[i] = d
		shape[i], strides[i] = t.shape[d], t.strides[d]
	}
	return recordPermute("PermuteBackward0", t, t.withView(shape, strides, t.offset), wrapped)
}

// Expand returns a view of t broadcast to the given sizes without copying:
// dimensions of size 1 get stride 0, new leading dimensions may be added,
// and -1 keeps a size. It panics with PyTorch's RuntimeError when a
// non-singleton size differs.
func (t *Tensor) Expand(sizes ...int) *Tensor {
	if len(sizes) < t.Dim() {
		fail(RuntimeError, "expand", "expand(%s{%s}, size=%s): the number of sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)",
			legacyTypeName(t.dtype), shapeString(t.shape), shapeString(sizes), len(sizes), t.Dim())
	}
	shape := make([]int, len(sizes))
	strides := make([]int, len(sizes))
	lead := len(sizes) - t.Dim()
	for i, s := range sizes {
		if i < lead {
			if s < 0 {
				fail(RuntimeError, "expand", "The expanded size of the tensor (%d) isn't allowed in a leading, non-existing dimension %d", s, i)
			}
			shape[i] = s
			continue
		}
		old := t.shape[i-lead]
		switch {
		case s == -1 || s == old:
			shape[i], strides[i] = old, t.strides[i-lead]
		case old == 1 && s >= 0:
			shape[i] = s
		default:
			fail(RuntimeError, "expand", "The expanded size of the tensor (%d) must match the existing size (%d) at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s",
				s, old, i, shapeString(sizes), shapeString(t.shape))
		}
	}
	return recordExpand(t, t.withView(shape, strides, t.offset))
}

// ExpandAs returns t expanded to other's shape.
func (t *Tensor) ExpandAs(other *Tensor) *Tensor { return t.Expand(other.shape...) }

// legacyTypeName is PyTorch's old tensor type name, as in torch.FloatTensor.
func legacyTypeName(d DType) string {
	return map[DType]string{Float32: "torch.FloatTensor", Float64: "torch.DoubleTensor", Int64: "torch.LongTensor",
		Int32: "torch.IntTensor", Uint8: "torch.ByteTensor", Bool: "torch.BoolTensor"}[d]
}

// broadcastShapes returns the shape a and b broadcast to, panicking with
// PyTorch's message when they do not broadcast.
func broadcastShapes(a, b []int) []int {
	if slices.Equal(a, b) {
		return a // callers never modify the result
	}
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		da, db := i-(n-len(a)), i-(n-len(b))
		sa, sb := 1, 1
		if da >= 0 {
			sa = a[da]
		}
		if db >= 0 {
			sb = b[db]
		}
		switch {
		case sa == sb || sb == 1:
			out[i] = sa
		case sa == 1:
			out[i] = sb
		default:
			fail(RuntimeError, "broadcast", "The size of tensor a (%d) must match the size of tensor b (%d) at non-singleton dimension %d", sa, sb, i)
		}
	}
	return out
}

// expandView returns t's backend view broadcast to shape (already checked).
func (t *Tensor) expandView(shape []int) backendView {
	if slices.Equal(shape, t.shape) {
		return t.view()
	}
	lead := len(shape) - t.Dim()
	strides := make([]int, len(shape))
	for i := lead; i < len(shape); i++ {
		if t.shape[i-lead] == shape[i] {
			strides[i] = t.strides[i-lead]
		}
	}
	return backendView{Buf: t.buf, Offset: t.offset, Shape: shape, Strides: strides}
}

// Contiguous returns t when it is contiguous and a contiguous copy otherwise.
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// Clone returns a contiguous copy of t with its own storage.
func (t *Tensor) Clone() *Tensor {
	out := uninit("clone", t.Device(), t.dtype, t.shape)
	out.be().Copy(out.view(), t.view())
	if !needsGrad(t) {
		return out
	}
	return record("CloneBackward0", out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g} })
}

// Cat concatenates tensors along dim. All must have the same shape except
// in dim (1-D empty tensors are skipped, as in PyTorch) and be on one
// device; the result has their promoted dtype. It panics with PyTorch's
// RuntimeError otherwise.
func Cat(tensors []*Tensor, dim int) *Tensor {
	if len(tensors) == 0 {
		fail(RuntimeError, "cat", "torch.cat(): expected a non-empty list of Tensors")
	}
	var parts []*Tensor
	dt := tensors[0].dtype
	for _, t := range tensors {
		dt = PromoteTypes(dt, t.dtype)
		if !(t.Dim() == 1 && t.Numel() == 0) {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return empty("cat", tensors[0].Device(), dt, []int{0})
	}
	ref := parts[0]
	if ref.Dim() == 0 {
		fail(RuntimeError, "cat", "zero-dimensional tensor (at position 0) cannot be concatenated")
	}
	dim = ref.wrapDim("cat", dim)
	total := 0
	for i, t := range parts {
		if t.Dim() != ref.Dim() {
			fail(RuntimeError, "cat", "Tensors must have same number of dimensions: got %d and %d", ref.Dim(), t.Dim())
		}
		checkSameDevice("cat", ref, t)
		for d := range t.shape {
			if d != dim && t.shape[d] != ref.shape[d] {
				fail(RuntimeError, "cat", "Sizes of tensors must match except in dimension %d. Expected size %d but got size %d for tensor number %d in the list.", dim, ref.shape[d], t.shape[d], i)
			}
		}
		total += t.shape[dim]
	}
	shape := slices.Clone(ref.shape)
	shape[dim] = total
	out := uninit("cat", ref.Device(), dt, shape)
	pos := 0
	for _, t := range parts {
		dst := out.Narrow(dim, pos, t.shape[dim])
		out.be().Copy(dst.view(), t.view())
		pos += t.shape[dim]
	}
	if !needsGrad(parts...) {
		return out
	}
	return record("CatBackward0", out, parts, func(g *Tensor) []*Tensor {
		gs := make([]*Tensor, len(parts))
		pos := 0
		for i, p := range parts {
			if wants(p) {
				gs[i] = g.Narrow(dim, pos, p.shape[dim]).toDType(p.dtype)
			}
			pos += p.shape[dim]
		}
		return gs
	})
}

// Stack joins tensors of equal shape along a new dimension dim.
func Stack(tensors []*Tensor, dim int) *Tensor {
	if len(tensors) == 0 {
		fail(RuntimeError, "stack", "stack expects a non-empty TensorList")
	}
	dim = wrapDim("stack", dim, tensors[0].Dim()+1)
	parts := make([]*Tensor, len(tensors))
	for i, t := range tensors {
		if !slices.Equal(t.shape, tensors[0].shape) {
			fail(RuntimeError, "stack", "stack expects each tensor to be equal size, but got %s at entry 0 and %s at entry %d", shapeString(tensors[0].shape), shapeString(t.shape), i)
		}
		parts[i] = t.Unsqueeze(dim)
	}
	return named(Cat(parts, dim), "StackBackward0")
}

// Split splits t along dim into views: into pieces of size n when size is
// an int (the last may be smaller), or into pieces of the given sizes when
// size is a []int, which must sum to t.Size(dim).
func (t *Tensor) Split(size any, dim int) []*Tensor {
	dim = t.wrapDim("split", dim)
	n := t.shape[dim]
	var sizes []int
	switch s := size.(type) {
	case int:
		if s <= 0 && !(s == 0 && n == 0) {
			fail(RuntimeError, "split", "split_size can only be 0 if dimension size is 0, but got dimension size of %d", n)
		}
		if s == 0 {
			return []*Tensor{recordReshape("SplitBackward0", t, t.withView(t.shape, t.strides, t.offset))}
		}
		for p := 0; p < n || (n == 0 && p == 0); p += s {
			sizes = append(sizes, min(s, n-p))
			if n == 0 {
				break
			}
		}
	case []int:
		sum := 0
		for _, v := range s {
			sum += v
		}
		if sum != n {
			fail(RuntimeError, "split", "split_with_sizes expects split_sizes to sum exactly to %d (input tensor's size at dimension %d), but got split_sizes=%s", n, dim, shapeString(s))
		}
		sizes = s
	default:
		fail(TypeError, "split", "split(): size must be an int or a []int, not %T", size)
	}
	out := make([]*Tensor, len(sizes))
	pos := 0
	for i, s := range sizes {
		out[i] = named(t.Narrow(dim, pos, s), "SplitBackward0")
		pos += s
	}
	return out
}

// Chunk splits t along dim into at most chunks views of equal size (the
// last may be smaller).
func (t *Tensor) Chunk(chunks, dim int) []*Tensor {
	if chunks <= 0 {
		fail(RuntimeError, "chunk", "chunk expects `chunks` to be greater than 0, got: %d", chunks)
	}
	dim = t.wrapDim("chunk", dim)
	n := t.shape[dim]
	size := (n + chunks - 1) / chunks
	if size == 0 {
		size = 1
		if n == 0 {
			return t.Split(0, dim)
		}
	}
	return t.Split(size, dim)
}

type backendView = backend.View
