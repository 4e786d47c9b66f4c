package tensor

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"gonote/tensor/backend"
	"gonote/tensor/cpu"
)

// Select returns a view of t at the given index of dim, with dim removed.
// A negative index counts from the end. It panics with an IndexError when
// the index is out of range.
func (t *Tensor) Select(dim, index int) *Tensor {
	if t.Dim() == 0 {
		fail(IndexError, "select", "select() cannot be applied to a 0-dim tensor.")
	}
	dim = t.wrapDim("select", dim)
	n := t.shape[dim]
	if index < -n || index >= n {
		fail(IndexError, "select", "select(): index %d out of range for tensor of size %s at dimension %d", index, shapeString(t.shape), dim)
	}
	if index < 0 {
		index += n
	}
	shape := slices.Delete(slices.Clone(t.shape), dim, dim+1)
	strides := slices.Delete(slices.Clone(t.strides), dim, dim+1)
	return recordView("SelectBackward0", t, t.withView(shape, strides, t.offset+index*t.strides[dim]),
		func(z *Tensor) *Tensor { return z.Select(dim, index) })
}

// Index returns the view t[i0, i1, ...]: each index selects along the next
// dimension, as in x[1][2]. Negative indices count from the end.
func (t *Tensor) Index(indices ...int) *Tensor {
	if len(indices) > t.Dim() {
		fail(IndexError, "index", "too many indices for tensor of dimension %d", t.Dim())
	}
	r := t
	for _, i := range indices {
		if i < -r.shape[0] || i >= r.shape[0] {
			fail(IndexError, "index", "index %d is out of bounds for dimension %d with size %d", i, t.Dim()-r.Dim(), r.shape[0])
		}
		r = r.Select(0, i)
	}
	if len(indices) == 0 {
		r = recordReshape("AliasBackward0", t, t.withView(t.shape, t.strides, t.offset))
	}
	return r
}

// Slice returns the view t[..., start:end:step, ...] along dim, with
// Python's rules: negative start and end count from the end and both are
// clamped to the dimension. step must be positive, as in PyTorch; use [I]
// for NumPy's negative steps. It panics with a ValueError for step <= 0.
func (t *Tensor) Slice(dim, start, end, step int) *Tensor {
	if step <= 0 {
		fail(ValueError, "slice", "step must be greater than zero")
	}
	if t.Dim() == 0 {
		fail(IndexError, "slice", "slice() cannot be applied to a 0-dim tensor.")
	}
	dim = t.wrapDim("slice", dim)
	return t.slice(dim, &start, &end, step)
}

// slice applies Python's slice(start, end, step).indices(n) along dim; a
// nil bound is Python's None.
func (t *Tensor) slice(dim int, start, end *int, step int) *Tensor {
	n := t.shape[dim]
	lower, upper := 0, n
	if step < 0 {
		lower, upper = -1, n-1
	}
	clamp := func(p *int, def int) int {
		if p == nil {
			return def
		}
		v := *p
		if v < 0 {
			v += n
			if v < lower {
				v = lower
			}
		} else if v > upper {
			v = upper
		}
		return v
	}
	var s, e int
	if step > 0 {
		s, e = clamp(start, lower), clamp(end, upper)
	} else {
		s, e = clamp(start, upper), clamp(end, lower)
	}
	count := 0
	if step > 0 && e > s {
		count = (e - s + step - 1) / step
	} else if step < 0 && s > e {
		count = (s - e - step - 1) / -step
	}
	shape, strides := slices.Clone(t.shape), slices.Clone(t.strides)
	shape[dim] = count
	strides[dim] *= step
	off := t.offset
	if count > 0 {
		off += s * t.strides[dim]
	}
	return recordView("SliceBackward0", t, t.withView(shape, strides, off),
		func(z *Tensor) *Tensor { return z.slice(dim, start, end, step) })
}

// Narrow returns the view of length elements of dim starting at start
// (negative counts from the end). It panics with an IndexError or a
// RuntimeError, in PyTorch's words, when the range does not fit.
func (t *Tensor) Narrow(dim, start, length int) *Tensor {
	if t.Dim() == 0 {
		fail(RuntimeError, "narrow", "narrow() cannot be applied to a 0-dim tensor.")
	}
	dim = t.wrapDim("narrow", dim)
	n := t.shape[dim]
	if start < -n || start > n {
		fail(IndexError, "narrow", "start out of range (expected to be in range of [%d, %d], but got %d)", -n, n, start)
	}
	if start < 0 {
		start += n
	}
	if length < 0 || start+length > n {
		fail(RuntimeError, "narrow", "start (%d) + length (%d) exceeds dimension size (%d).", start, length, n)
	}
	end := start + length
	return t.slice(dim, &start, &end, 1)
}

// I indexes t with a NumPy/PyTorch index expression in a string, as in
// x.I(":, 1:3"), x.I("0, ..., None") or x.I("::-1"). Items are separated
// by commas: an integer selects (and removes the dimension), start:end:step
// slices (any part may be empty), "..." stands for as many full slices as
// needed, and "None" inserts a dimension of size 1. The result is always a
// view. Negative steps follow NumPy (PyTorch rejects them): "::-1" reverses
// a dimension. I panics with an IndexError for out-of-range integers or too
// many indices and a ValueError for a malformed expression.
func (t *Tensor) I(spec string) *Tensor {
	items := strings.Split(spec, ",")
	if strings.TrimSpace(spec) == "" {
		items = nil
	}
	consuming := 0
	ellipsis := -1
	for i, it := range items {
		it = strings.TrimSpace(it)
		items[i] = it
		switch {
		case it == "...":
			if ellipsis >= 0 {
				fail(IndexError, "index", "an index can only have a single ellipsis ('...')")
			}
			ellipsis = i
		case it == "None":
		default:
			consuming++
		}
	}
	if consuming > t.Dim() {
		fail(IndexError, "index", "too many indices for tensor of dimension %d", t.Dim())
	}
	r := recordReshape("AliasBackward0", t, t.withView(t.shape, t.strides, t.offset))
	d := 0 // the dimension of r the next item applies to
	for _, it := range items {
		switch {
		case it == "...":
			d += t.Dim() - consuming
		case it == "None":
			r = r.Unsqueeze(d)
			d++
		case strings.Contains(it, ":"):
			parts := strings.Split(it, ":")
			if len(parts) > 3 {
				fail(ValueError, "index", "invalid slice %q in index %q", it, spec)
			}
			bound := func(s string) *int {
				s = strings.TrimSpace(s)
				if s == "" || s == "None" {
					return nil
				}
				v, err := strconv.Atoi(s)
				if err != nil {
					fail(ValueError, "index", "invalid slice %q in index %q", it, spec)
				}
				return &v
			}
			start, end := bound(parts[0]), bound(parts[1])
			step := 1
			if len(parts) == 3 {
				if p := bound(parts[2]); p != nil {
					step = *p
				}
			}
			if step == 0 {
				fail(ValueError, "index", "slice step cannot be zero")
			}
			r = r.slice(d, start, end, step)
			d++
		default:
			v, err := strconv.Atoi(it)
			if err != nil {
				fail(ValueError, "index", "invalid index %q in %q: expected an integer, a slice, '...' or None", it, spec)
			}
			n := r.shape[d]
			if v < -n || v >= n {
				fail(IndexError, "index", "index %d is out of bounds for dimension %d with size %d", v, d, n)
			}
			r = r.Select(d, v)
		}
	}
	return r
}

// indexTensor returns index as an Int64 tensor, checking it is integral.
func indexTensor(op string, index *Tensor, msg string) *Tensor {
	if index.dtype != Int64 && index.dtype != Int32 {
		fail(RuntimeError, op, "%s", msg)
	}
	return index.toDType(Int64)
}

// IndexSelect returns the entries of t at the given indices along dim (a
// copy), like torch.index_select. index is a 0-d or 1-D Int64 or Int32
// tensor. It panics with an IndexError for an index out of range.
func (t *Tensor) IndexSelect(dim int, index *Tensor) *Tensor {
	if index.Dim() > 1 {
		fail(IndexError, "index_select", "index_select(): Index is supposed to be a vector")
	}
	idx := indexTensor("index_select", index, "index_select(): Expected dtype int32 or int64 for index")
	checkSameDevice("index_select", t, idx)
	src := t
	if t.Dim() == 0 {
		src = t.Reshape(1)
	}
	dim = src.wrapDim("index_select", dim)
	shape := slices.Clone(src.shape)
	shape[dim] = idx.Numel()
	out := uninit("index_select", t.Device(), t.dtype, shape)
	iv := backendView{Buf: idx.buf, Offset: idx.offset, Shape: shape, Strides: make([]int, len(shape))}
	if idx.Dim() == 1 {
		iv.Strides[dim] = idx.strides[0]
	}
	if bad, ok := t.be().Gather(out.view(), src.view(), iv, dim); !ok {
		// PyTorch's two CPU kernels word this differently.
		if dim == 0 {
			fail(IndexError, "index_select", "index out of range in self")
		}
		fail(RuntimeError, "index_select", "INDICES element is out of DATA bounds, id=%d axis_dim=%d", bad, src.shape[dim])
	}
	if t.Dim() == 0 {
		out = out.Reshape()
	}
	if !needsGrad(t) {
		return out
	}
	shape, dt := t.shape, t.dtype
	return record("IndexSelectBackward0", out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		z := zerosOn(g.Device(), dt, shape)
		if len(shape) == 0 {
			return []*Tensor{z.Reshape(1).IndexAdd(0, idx, g.Reshape(-1)).Reshape()}
		}
		return []*Tensor{z.IndexAdd(dim, idx, g)}
	})
}

// Gather returns out[i][j][k] = t[index[i][j][k]][j][k] for dim 0 (and so on
// for other dims), like torch.gather. index is Int64 with t's number of
// dimensions and sizes no larger than t's except in dim.
func (t *Tensor) Gather(dim int, index *Tensor) *Tensor {
	if index.dtype != Int64 {
		fail(RuntimeError, "gather", "gather(): Expected dtype int64 for index")
	}
	checkSameDevice("gather", t, index)
	if index.Dim() != t.Dim() && !(index.Dim() <= 1 && t.Dim() <= 1) {
		fail(RuntimeError, "gather", "Index tensor must have the same number of dimensions as input tensor")
	}
	src, idx := t, index
	if t.Dim() == 0 {
		src = t.Reshape(1)
	}
	if idx.Dim() == 0 {
		idx = idx.Reshape(1)
	}
	dim = src.wrapDim("gather", dim)
	for d := range idx.shape {
		if d != dim && idx.shape[d] > src.shape[d] {
			fail(RuntimeError, "gather", "Size does not match at dimension %d expected index %s to be smaller than self %s apart from dimension %d",
				d, shapeString(index.shape), shapeString(t.shape), dim)
		}
	}
	out := uninit("gather", t.Device(), t.dtype, idx.shape)
	if bad, ok := t.be().Gather(out.view(), src.view(), idx.view(), dim); !ok {
		fail(RuntimeError, "gather", "index %d is out of bounds for dimension %d with size %d", bad, dim, src.shape[dim])
	}
	if index.Dim() == 0 {
		out = out.Reshape()
	}
	if !needsGrad(t) {
		return out
	}
	sshape, dt := src.shape, t.dtype
	tshape := t.shape
	return record("GatherBackward0", out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		z := zerosOn(g.Device(), dt, sshape)
		return []*Tensor{z.ScatterAdd(dim, idx, g.Reshape(idx.shape...)).Reshape(tshape...)}
	})
}

// MaskedSelect returns a 1-D copy of the elements of t where the Bool
// tensor mask is true; mask and t broadcast together.
func (t *Tensor) MaskedSelect(mask *Tensor) *Tensor {
	if mask.dtype != Bool {
		fail(RuntimeError, "masked_select", "masked_select: expected BoolTensor for mask")
	}
	checkSameDevice("masked_select", t, mask)
	shape := broadcastShapes(mask.shape, t.shape)
	host := mask.Expand(shape...).CPU().Contiguous()
	var pos []int64
	for i, b := range host.Bools() {
		if b {
			pos = append(pos, int64(i))
		}
	}
	idx := empty("masked_select", t.Device(), Int64, []int{0})
	if len(pos) > 0 {
		idx = fromHost(pos, []int{len(pos)}).To(t.Device())
	}
	x := t.Expand(shape...)
	return named(x.Reshape(-1).IndexSelect(0, idx), "MaskedSelectBackward0")
}

// MaskedFill returns a copy of t with value (a Go number or a 0-d tensor)
// where the Bool tensor mask, broadcast to t's shape, is true.
func (t *Tensor) MaskedFill(mask *Tensor, value any) *Tensor {
	v, _ := value.(*Tensor)
	out := t.plain().Clone().MaskedFill_(mask, v.plain().orNumber(value))
	if !needsGrad(t, v) {
		return out
	}
	return record("MaskedFillBackward0", out, []*Tensor{t, v}, func(g *Tensor) []*Tensor {
		var gv *Tensor
		if wants(v) {
			gv = Where(mask, g, 0.0).Sum().toDType(v.dtype)
		}
		return []*Tensor{g.MaskedFill(mask, 0.0), gv}
	})
}

// orNumber returns t as an any, or value when t is nil.
func (t *Tensor) orNumber(value any) any {
	if t == nil {
		return value
	}
	return t
}

// MaskedFill_ writes value into t where mask is true and returns t.
func (t *Tensor) MaskedFill_(mask *Tensor, value any) *Tensor {
	v, _ := value.(*Tensor)
	if needsGrad(t, v) {
		return t.inPlace("masked_fill_", true, func() *Tensor { return t.MaskedFill(mask, value) }, nil)
	}
	t.checkInPlace()
	defer t.didInPlace("masked_fill_", nil)
	if mask.dtype != Bool {
		fail(RuntimeError, "masked_fill_", "masked_fill_ only supports boolean masks, but got mask with dtype %s", mask.dtype)
	}
	checkSameDevice("masked_fill_", t, mask)
	if v, ok := value.(*Tensor); ok {
		if v.Dim() != 0 {
			fail(RuntimeError, "masked_fill_", "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with %d dimension(s).", v.Dim())
		}
		value = v.Item()
	}
	checkInPlaceShape("masked_fill_", t, broadcastShapes(t.shape, mask.shape))
	fv := scalarOf(value, t.dtype, t.Device())
	t.be().Where(t.view(), mask.expandView(t.shape), fv.expandView(t.shape), t.view())
	return t
}

// Where returns x where the Bool tensor cond is true and y elsewhere. x and
// y are tensors or Go numbers; all three broadcast together and the result
// has x's and y's promoted dtype.
func Where(cond *Tensor, x, y any) *Tensor {
	if cond.dtype != Bool {
		fail(RuntimeError, "where", "where expected condition to be a boolean tensor, but got a tensor with dtype %s", scalarTypeName(cond.dtype))
	}
	dt := resultType("where", x, y)
	a, b := operand("where", x, dt, cond.Device()), operand("where", y, dt, cond.Device())
	checkSameDevice("where", cond, a)
	checkSameDevice("where", cond, b)
	shape := broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape)
	out := uninit("where", cond.Device(), dt, shape)
	out.be().Where(out.view(), cond.expandView(shape), a.expandView(shape), b.expandView(shape))
	if !needsGrad(a, b) {
		return out
	}
	as, bs := a.shape, b.shape
	return record("WhereBackward0", out, []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		var ga, gb *Tensor
		if wants(a) {
			ga = sumToShape(Where(cond, g, 0.0), as)
		}
		if wants(b) {
			gb = sumToShape(Where(cond, 0.0, g), bs)
		}
		return []*Tensor{ga, gb}
	})
}

// Item returns the value of a one-element tensor as a float64 (integers and
// bools convert). It panics with a ValueError for other sizes.
func (t *Tensor) Item() float64 {
	if t.Numel() != 1 {
		fail(ValueError, "item", "only one element tensors can be converted to Python scalars")
	}
	h := t.CPU()
	return elemFloat(h.buf, h.offset)
}

// ItemInt returns the value of a one-element tensor as an int64, exact for
// integer dtypes (floats are truncated).
func (t *Tensor) ItemInt() int64 {
	if t.Numel() != 1 {
		fail(ValueError, "item", "only one element tensors can be converted to Python scalars")
	}
	h := t.CPU()
	return elemInt(h.buf, h.offset)
}

// elemOffset checks a full index and returns the element's offset.
func (t *Tensor) elemOffset(op string, idx []int) int {
	if len(idx) != t.Dim() {
		fail(IndexError, op, "%s(): expected %d indices for a tensor of dimension %d, but got %d", op, t.Dim(), t.Dim(), len(idx))
	}
	off := t.offset
	for d, i := range idx {
		n := t.shape[d]
		if i < -n || i >= n {
			fail(IndexError, op, "index %d is out of bounds for dimension %d with size %d", i, d, n)
		}
		if i < 0 {
			i += n
		}
		off += i * t.strides[d]
	}
	return off
}

// Get returns the element at the given index (one per dimension, negative
// counting from the end) as a float64. It panics with an IndexError for a
// wrong number of indices or an index out of range.
func (t *Tensor) Get(idx ...int) float64 {
	return (&Tensor{buf: t.buf, dtype: t.dtype, offset: t.elemOffset("get", idx)}).Item()
}

// Set writes value, a Go number converted to t's dtype, at the given index
// (one per dimension) and returns t.
func (t *Tensor) Set(value any, idx ...int) *Tensor {
	if !isNumber(value) {
		fail(TypeError, "set", "set(): expected a Go number, but got %T", value)
	}
	off := t.elemOffset("set", idx)
	t.checkInPlace()
	e := &Tensor{buf: t.buf, dtype: t.dtype, offset: off}
	e.be().Copy(e.view(), scalarOf(value, t.dtype, t.Device()).view())
	t.didInPlace("set", nil)
	return t
}

// elemFloat reads element i of a CPU buffer as float64.
func elemFloat(b backend.Buffer, i int) float64 {
	switch d := b.(*cpu.Buffer).Data().(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	case []int64:
		return float64(d[i])
	case []int32:
		return float64(d[i])
	case []uint8:
		return float64(d[i])
	case []bool:
		if d[i] {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// elemInt reads element i of a CPU buffer as int64.
func elemInt(b backend.Buffer, i int) int64 {
	switch d := b.(*cpu.Buffer).Data().(type) {
	case []int64:
		return d[i]
	case []int32:
		return int64(d[i])
	case []uint8:
		return int64(d[i])
	}
	return int64(elemFloat(b, i))
}

// Scatter returns a copy of t with the values of src written at the
// positions index gives along dim: out[index[i][j]][j] = src[i][j] for
// dim 0, and so on, like torch.scatter. src is a tensor of t's dtype (only
// its part of index's shape is read) or a Go number; index is Int64 with
// t's number of dimensions and sizes no larger than t's (apart from dim)
// and src's. With repeated indices the last write wins. It panics with
// PyTorch's RuntimeError otherwise.
func (t *Tensor) Scatter(dim int, index *Tensor, src any) *Tensor {
	s, _ := src.(*Tensor)
	out := t.plain().Clone().scatter("scatter", dim, index, s.plain().orNumber(src), false)
	if !needsGrad(t, s) {
		return out
	}
	name := "ScatterBackward0"
	if s == nil {
		name = "ScatterBackward1"
	}
	return record(name, out, []*Tensor{t, s}, func(g *Tensor) []*Tensor {
		var gs *Tensor
		if wants(s) {
			gs = g.Gather(dim, index)
		}
		return []*Tensor{g.Scatter(dim, index, 0.0), gs}
	})
}

// Scatter_ is Scatter in place; it returns t.
func (t *Tensor) Scatter_(dim int, index *Tensor, src any) *Tensor {
	s, _ := src.(*Tensor)
	return t.inPlace("scatter_", t.RequiresGrad() || wants(s), func() *Tensor { return t.Scatter(dim, index, src) },
		func() { t.scatter("scatter_", dim, index, src, false) })
}

// ScatterAdd returns a copy of t with the values of src added at the
// positions index gives along dim, like torch.scatter_add; repeated
// indices accumulate. The arguments are as for [Tensor.Scatter].
func (t *Tensor) ScatterAdd(dim int, index *Tensor, src *Tensor) *Tensor {
	out := t.plain().Clone().scatter("scatter_add", dim, index, src.plain(), true)
	if !needsGrad(t, src) {
		return out
	}
	return record("ScatterAddBackward0", out, []*Tensor{t, src}, func(g *Tensor) []*Tensor {
		var gs *Tensor
		if wants(src) {
			gs = g.Gather(dim, index)
		}
		return []*Tensor{g, gs}
	})
}

// ScatterAdd_ is ScatterAdd in place; it returns t.
func (t *Tensor) ScatterAdd_(dim int, index *Tensor, src *Tensor) *Tensor {
	return t.inPlace("scatter_add_", t.RequiresGrad() || wants(src), func() *Tensor { return t.ScatterAdd(dim, index, src) },
		func() { t.scatter("scatter_add_", dim, index, src, true) })
}

func (t *Tensor) scatter(op string, dim int, index *Tensor, src any, accumulate bool) *Tensor {
	if index.dtype != Int64 {
		fail(RuntimeError, op, "scatter(): Expected dtype int64 for index")
	}
	checkSameDevice(op, t, index)
	checkInPlaceShape(op, t, t.shape)
	var s *Tensor
	if st, ok := src.(*Tensor); ok {
		if st.dtype != t.dtype {
			fail(RuntimeError, op, "scatter(): Expected self.dtype to be equal to src.dtype")
		}
		checkSameDevice(op, t, st)
		s = st
	} else {
		s = scalarOf(src, t.dtype, t.Device()).Expand(index.shape...)
	}
	if index.Dim() != t.Dim() {
		fail(RuntimeError, op, "Index tensor must have the same number of dimensions as self tensor")
	}
	if s.Dim() != t.Dim() {
		fail(RuntimeError, op, "Index tensor must have the same number of dimensions as src tensor")
	}
	if t.Dim() == 0 {
		return t.Reshape(1).scatter(op, 0, index.Reshape(1), s.Reshape(1), accumulate).Reshape()
	}
	dim = t.wrapDim(op, dim)
	for d := range index.shape {
		if (d != dim && index.shape[d] > t.shape[d]) || index.shape[d] > s.shape[d] {
			fail(RuntimeError, op, "Expected index %s to be smaller than self %s apart from dimension %d and to be smaller size than src %s",
				shapeString(index.shape), shapeString(t.shape), dim, shapeString(s.shape))
		}
	}
	part := s
	for d, n := range index.shape {
		part = part.Narrow(d, 0, n)
	}
	if part.buf == t.buf {
		part = part.Clone()
	}
	if bad, ok := t.be().Scatter(t.view(), part.view(), index.view(), dim, accumulate); !ok {
		fail(RuntimeError, op, "index %d is out of bounds for dimension %d with size %d", bad, dim, t.shape[dim])
	}
	return t
}

// IndexAdd returns a copy of t with the slices of source added at the
// given indices of dim: out.Select(dim, index[i]) += source.Select(dim, i),
// like torch.index_add. index is a 1-D Int64 or Int32 tensor with one
// entry per slice of source; repeated indices accumulate.
func (t *Tensor) IndexAdd(dim int, index, source *Tensor) *Tensor {
	out := t.plain().Clone().indexAdd(dim, index, source.plain())
	if !needsGrad(t, source) {
		return out
	}
	return record("IndexAddBackward0", out, []*Tensor{t, source}, func(g *Tensor) []*Tensor {
		var gs *Tensor
		if wants(source) {
			d := dim
			if g.Dim() == 0 {
				gs = g.Reshape(1).IndexSelect(0, index).Reshape(source.shape...)
			} else {
				gs = g.IndexSelect(d, index).Reshape(source.shape...)
			}
		}
		return []*Tensor{g, gs}
	})
}

// IndexAdd_ is IndexAdd in place; it returns t. source must have t's
// dtype.
func (t *Tensor) IndexAdd_(dim int, index, source *Tensor) *Tensor {
	return t.inPlace("index_add_", t.RequiresGrad() || wants(source), func() *Tensor { return t.IndexAdd(dim, index, source) },
		func() { t.indexAdd(dim, index, source) })
}

func (t *Tensor) indexAdd(dim int, index, source *Tensor) *Tensor {
	const op = "index_add_"
	if index.Dim() > 1 {
		fail(IndexError, op, "index_add_(): Index is supposed to be a vector, but got dim: %d with type: %s and size: %s",
			index.Dim(), scalarTypeName(index.dtype), shapeString(index.shape))
	}
	if index.dtype != Int64 && index.dtype != Int32 {
		fail(RuntimeError, op, "index_add_(): Expected dtype int32/int64 for index but got: %s", scalarTypeName(index.dtype))
	}
	if source.dtype != t.dtype {
		fail(RuntimeError, op, "index_add_(): self (%s) and source (%s) must have the same scalar type", scalarTypeName(t.dtype), scalarTypeName(source.dtype))
	}
	checkSameDevice(op, t, index)
	checkSameDevice(op, t, source)
	checkInPlaceShape(op, t, t.shape)
	idx := index.toDType(Int64)
	dst, src := t, source
	if t.Dim() == 0 {
		dst = t.Reshape(1)
	}
	if src.Dim() == 0 {
		src = src.Reshape(1)
	}
	dim = dst.wrapDim(op, dim)
	n := 1
	if dim < src.Dim() {
		n = src.shape[dim]
	}
	if idx.Numel() != n {
		fail(RuntimeError, op, "index_add_(): Number of indices (%d) should be equal to source.size(dim): (%d), for dim: %d", idx.Numel(), n, dim)
	}
	sliceOf := func(x *Tensor) []int {
		return append(append([]int{}, x.shape[:dim]...), x.shape[dim+1:]...)
	}
	ds, ss := sliceOf(dst), sliceOf(src)
	if !slices.Equal(ds, ss) {
		broadcastShapes(ds, ss)
		fail(RuntimeError, op, "index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: %s at dimension %d and source slice shape: %s at dimension %d.",
			shapeString(ds), dim, shapeString(ss), dim)
	}
	if src.buf == dst.buf {
		src = src.Clone()
	}
	iv := backendView{Buf: idx.buf, Offset: idx.offset, Shape: src.shape, Strides: make([]int, src.Dim())}
	if idx.Dim() == 1 {
		iv.Strides[dim] = idx.strides[0]
	}
	if _, ok := t.be().Scatter(dst.view(), src.view(), iv, dim, true); !ok {
		fail(IndexError, op, "index out of range in self")
	}
	return t
}
