package tensor

import (
	"math"
	"slices"

	"gonote/tensor/backend"
)

// ReduceOption modifies a reduction; pass it among the dims, as in
// x.Sum(1, tensor.KeepDim).
type ReduceOption int

// KeepDim makes a reduction keep the reduced dimensions with size 1, like
// PyTorch's keepdim=True.
const KeepDim ReduceOption = 1

// Correction is the difference between the number of elements and the
// divisor of Var and Std: 1 (the default) is Bessel's correction, 0 gives
// the population variance. Pass it among the dims: x.Var(0, tensor.Correction(0)).
type Correction int

// reduceArgs are the parsed arguments of a reduction.
type reduceArgs struct {
	dims       []int // sorted, wrapped; all dims when none were given
	given      bool  // whether dims were given
	keep       bool
	correction int
}

// parseReduce reads dims (ints or []int), KeepDim and Correction.
func parseReduce(op string, t *Tensor, args []any) reduceArgs {
	r := reduceArgs{correction: 1}
	var dims []int
	for _, a := range args {
		switch v := a.(type) {
		case int:
			dims = append(dims, v)
			r.given = true
		case []int:
			dims = append(dims, v...)
			r.given = true
		case ReduceOption:
			r.keep = v == KeepDim
		case Correction:
			r.correction = int(v)
		default:
			fail(TypeError, op, "%s(): expected dims (int or []int), tensor.KeepDim or tensor.Correction, but got %T", op, a)
		}
	}
	seen := map[int]bool{}
	for _, d := range dims {
		w := t.wrapDim(op, d)
		if seen[w] {
			fail(RuntimeError, op, "dim %d appears multiple times in the list of dims", w)
		}
		seen[w] = true
		if t.Dim() > 0 {
			r.dims = append(r.dims, w)
		}
	}
	if !r.given {
		for d := range t.shape {
			r.dims = append(r.dims, d)
		}
	}
	slices.Sort(r.dims)
	return r
}

// reducedShape returns t's shape with the reduced dims set to 1 (keep) or
// removed.
func reducedShape(shape, dims []int, keep bool) []int {
	var out []int
	for d, s := range shape {
		if slices.Contains(dims, d) {
			if keep {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// reduceOp runs a backend reduction of t (converted to dt) over r.dims.
func reduceOp(op backend.ReduceOp, name string, t *Tensor, r reduceArgs, dt DType) *Tensor {
	x := t.toDType(dt)
	out := uninit(name, t.Device(), dt, reducedShape(t.shape, r.dims, true))
	out.be().Reduce(op, out.view(), x.view(), r.dims)
	if !r.keep {
		out = out.View(reducedShape(t.shape, r.dims, false)...)
	}
	return recordReduce(op, x, out, r)
}

// accumType is the dtype Sum, Prod and Cumsum produce: integers and bool
// accumulate in Int64.
func accumType(d DType) DType {
	if d.IsFloat() {
		return d
	}
	return Int64
}

// Sum returns the sum over the given dims (ints or a []int; all when none)
// and keeps them with KeepDim, as in x.Sum(1, tensor.KeepDim). Integer and
// bool tensors sum to Int64. Like every reduction it panics with an
// IndexError for a dim out of range.
func (t *Tensor) Sum(dims ...any) *Tensor {
	r := parseReduce("sum", t, dims)
	return reduceOp(backend.Sum, "sum", t, r, accumType(t.dtype))
}

// Prod returns the product over the given dims (see [Tensor.Sum]).
func (t *Tensor) Prod(dims ...any) *Tensor {
	r := parseReduce("prod", t, dims)
	return reduceOp(backend.Prod, "prod", t, r, accumType(t.dtype))
}

// reducedCount returns the number of elements each output of r reduces.
func reducedCount(t *Tensor, r reduceArgs) int {
	n := 1
	for _, d := range r.dims {
		n *= t.shape[d]
	}
	return n
}

// Mean returns the mean over the given dims (see [Tensor.Sum]). It panics
// with PyTorch's RuntimeError for integer tensors.
func (t *Tensor) Mean(dims ...any) *Tensor {
	if !t.dtype.IsFloat() {
		fail(RuntimeError, "mean", "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: %s", scalarTypeName(t.dtype))
	}
	r := parseReduce("mean", t, dims)
	name := "MeanBackward1"
	if !r.given {
		name = "MeanBackward0"
	}
	return named(reduceOp(backend.Sum, "mean", t, r, t.dtype).Div(reducedCount(t, r)), name)
}

// checkNonEmpty panics as PyTorch does for max/min/argmax over no elements.
func checkNonEmpty(op string, t *Tensor, r reduceArgs) {
	if t.Numel() != 0 {
		return
	}
	if !r.given {
		if op == "argmax" || op == "argmin" {
			fail(IndexError, op, "%s(): Expected reduction dim to be specified for input.numel() == 0.", op)
		}
		fail(RuntimeError, op, "%s(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.", op)
	}
	for _, d := range r.dims {
		if t.shape[d] == 0 {
			fail(IndexError, op, "%s(): Expected reduction dim %d to have non-zero size.", op, d)
		}
	}
}

func (t *Tensor) extreme(op backend.ReduceOp, name string, dims []any) *Tensor {
	r := parseReduce(name, t, dims)
	checkNonEmpty(name, t, r)
	if t.dtype == Bool {
		return reduceOp(op, name, t, r, Uint8).toDType(Bool)
	}
	return reduceOp(op, name, t, r, t.dtype)
}

// Max returns the maximum over the given dims, or over all elements (like
// torch.amax; NaN propagates). For the indices too, use [Tensor.MaxDim].
// It panics with a RuntimeError for an empty tensor.
func (t *Tensor) Max(dims ...any) *Tensor { return t.extreme(backend.Max, "max", dims) }

// Min returns the minimum over the given dims or all elements (see [Tensor.Max]).
func (t *Tensor) Min(dims ...any) *Tensor { return t.extreme(backend.Min, "min", dims) }

// argReduce returns the extreme values along one dim and their indices.
func (t *Tensor) argReduce(op backend.ReduceOp, name string, args []any) (*Tensor, *Tensor) {
	r := parseReduce(name, t, args)
	x := t
	if !r.given {
		x = t.plain().Reshape(-1)
		r = reduceArgs{dims: []int{0}, keep: false}
		checkNonEmpty(name, t, reduceArgs{})
	} else if len(r.dims) != 1 && t.Dim() > 0 {
		fail(TypeError, name, "%s(): expected exactly one dim, but got %d", name, len(r.dims))
	}
	checkNonEmpty(name, x, r)
	if x.Dim() == 0 {
		return x.Clone(), ZerosLike(x).toDType(Int64)
	}
	dim := r.dims[0]
	src := x
	if x.dtype == Bool {
		src = x.toDType(Uint8)
	}
	shape := reducedShape(x.shape, r.dims, true)
	values := uninit(name, x.Device(), src.dtype, shape)
	indices := uninit(name, x.Device(), Int64, shape)
	x.be().ArgReduce(op, values.view(), indices.view(), src.view(), dim)
	values = values.toDType(x.dtype)
	if !r.keep {
		s := reducedShape(x.shape, r.dims, false)
		values, indices = values.View(s...), indices.View(s...)
	}
	if r.given && needsGrad(t) && values.dtype.IsFloat() {
		name := "MaxBackward0"
		if op == backend.Min {
			name = "MinBackward0"
		}
		values = recordScatter(name, t, values, indices, dim, r.keep)
	}
	return values, indices
}

// MaxDim returns the maximum along one dim and the index of its first
// occurrence, like torch.max(x, dim): x.MaxDim(1) or x.MaxDim(1,
// tensor.KeepDim). NaN counts as the maximum.
func (t *Tensor) MaxDim(dim int, opts ...any) (values, indices *Tensor) {
	return t.argReduce(backend.Max, "max", append([]any{dim}, opts...))
}

// MinDim returns the minimum along one dim and its index (see [Tensor.MaxDim]).
func (t *Tensor) MinDim(dim int, opts ...any) (values, indices *Tensor) {
	return t.argReduce(backend.Min, "min", append([]any{dim}, opts...))
}

// Argmax returns the Int64 index of the maximum: of the flattened tensor
// when no dim is given, else along that one dim (KeepDim allowed).
func (t *Tensor) Argmax(dim ...any) *Tensor {
	_, i := t.argReduce(backend.Max, "argmax", dim)
	return i
}

// Argmin returns the Int64 index of the minimum (see [Tensor.Argmax]).
func (t *Tensor) Argmin(dim ...any) *Tensor {
	_, i := t.argReduce(backend.Min, "argmin", dim)
	return i
}

// Var returns the variance over the given dims (all when none), dividing by
// N - correction (Correction(1) by default; see [Correction]). It panics
// with a RuntimeError for non-float tensors.
func (t *Tensor) Var(args ...any) *Tensor {
	if !t.dtype.IsFloat() {
		fail(RuntimeError, "var", "std and var only support floating point and complex dtypes")
	}
	r := parseReduce("var", t, args)
	rk := r
	rk.keep = true
	n := reducedCount(t, r)
	mean := reduceOp(backend.Sum, "var", t, rk, t.dtype).Div(n)
	d := t.Sub(mean)
	return named(reduceOp(backend.Sum, "var", d.Mul(d), r, t.dtype).Div(max(0, n-r.correction)), "VarBackward0")
}

// Std returns the standard deviation, the square root of [Tensor.Var].
func (t *Tensor) Std(args ...any) *Tensor {
	if !t.dtype.IsFloat() {
		fail(RuntimeError, "std", "std and var only support floating point and complex dtypes")
	}
	return named(t.Var(args...).Sqrt(), "StdBackward0")
}

// Norm returns the 2-norm over the given dims (all when none); see
// [Tensor.NormP] for other orders.
func (t *Tensor) Norm(dims ...any) *Tensor { return t.NormP(2, dims...) }

// NormP returns the p-norm (sum |x|**p)**(1/p) over the given dims; p may
// be math.Inf(1) (max |x|), math.Inf(-1) (min |x|) or 0 (count of
// nonzeros). It panics with a RuntimeError for non-float tensors.
func (t *Tensor) NormP(p float64, dims ...any) *Tensor {
	if !t.dtype.IsFloat() {
		fail(RuntimeError, "norm", "norm(): input dtype should be either floating point or complex. Got %s instead.", scalarTypeName(t.dtype))
	}
	r := parseReduce("norm", t, dims)
	return named(t.normP(p, r), "NormBackward1")
}

func (t *Tensor) normP(p float64, r reduceArgs) *Tensor {
	a := t.Abs()
	switch {
	case math.IsInf(p, 1):
		return reduceOp(backend.Max, "norm", a, r, t.dtype)
	case math.IsInf(p, -1):
		return reduceOp(backend.Min, "norm", a, r, t.dtype)
	case p == 0:
		return reduceOp(backend.Sum, "norm", a.Ne(0).toDType(t.dtype), r, t.dtype)
	case p == 1:
		return reduceOp(backend.Sum, "norm", a, r, t.dtype)
	case p == 2:
		return reduceOp(backend.Sum, "norm", t.Mul(t), r, t.dtype).Sqrt()
	}
	return reduceOp(backend.Sum, "norm", a.Pow(p), r, t.dtype).Pow(1 / p)
}

// All reports, as a Bool tensor, whether every element over the given dims
// is nonzero (Uint8 tensors give Uint8, as in PyTorch).
func (t *Tensor) All(dims ...any) *Tensor { return t.logicalReduce(backend.All, "all", dims) }

// Any reports, as a Bool tensor, whether some element over the given dims
// is nonzero (Uint8 tensors give Uint8).
func (t *Tensor) Any(dims ...any) *Tensor { return t.logicalReduce(backend.Any, "any", dims) }

func (t *Tensor) logicalReduce(op backend.ReduceOp, name string, dims []any) *Tensor {
	r := parseReduce(name, t, dims)
	out := reduceOp(op, name, t.toDType(Bool), r, Bool)
	if t.dtype == Uint8 {
		return out.toDType(Uint8)
	}
	return out
}

// checkFloat panics as PyTorch's kernels do for non-float input.
func checkFloat(op, kernel string, t *Tensor) {
	if !t.dtype.IsFloat() {
		fail(RuntimeError, op, "\"%s\" not implemented for '%s'", kernel, scalarTypeName(t.dtype))
	}
}

// Softmax returns exp(t) / sum(exp(t)) along dim, computed stably by
// subtracting the maximum first. t must be floating point.
func (t *Tensor) Softmax(dim int) *Tensor {
	checkFloat("softmax", "softmax_lastdim_kernel_impl", t)
	dim = t.wrapDim("softmax", dim)
	x := t.plain()
	e := x.Sub(x.Max(dim, KeepDim)).Exp()
	y := e.Div(e.Sum(dim, KeepDim))
	return record("SoftmaxBackward0", y, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{y.Mul(g.Sub(g.Mul(y).Sum(dim, KeepDim)))}
	}, y)
}

// LogSoftmax returns log(Softmax(dim)) computed stably as
// t - max - log(sum(exp(t - max))). t must be floating point.
func (t *Tensor) LogSoftmax(dim int) *Tensor {
	checkFloat("log_softmax", "log_softmax_lastdim_kernel_impl", t)
	dim = t.wrapDim("log_softmax", dim)
	x := t.plain()
	s := x.Sub(x.Max(dim, KeepDim))
	y := s.Sub(s.Exp().Sum(dim, KeepDim).Log())
	return record("LogSoftmaxBackward0", y, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Sub(y.Exp().Mul(g.Sum(dim, KeepDim)))}
	}, y)
}

// Cumsum returns the running sums along dim. Integer and bool tensors give
// Int64.
func (t *Tensor) Cumsum(dim int) *Tensor { return t.scan(backend.CumSum, "cumsum", dim) }

// Cumprod returns the running products along dim (Int64 for integers).
func (t *Tensor) Cumprod(dim int) *Tensor { return t.scan(backend.CumProd, "cumprod", dim) }

func (t *Tensor) scan(op backend.ScanOp, name string, dim int) *Tensor {
	dim = t.wrapDim(name, dim)
	dt := accumType(t.dtype)
	x := t.toDType(dt)
	if t.Dim() == 0 {
		return x.Clone()
	}
	out := uninit(name, t.Device(), dt, t.shape)
	out.be().Scan(op, out.view(), x.view(), dim)
	if !needsGrad(x) {
		return out
	}
	if op == backend.CumProd {
		return record("CumprodBackward0", out, []*Tensor{x}, func(g *Tensor) []*Tensor {
			return []*Tensor{cumprodGrad(x, g, dim)}
		}, x)
	}
	// The gradient of a running sum is the reversed running sum of g.
	return record("CumsumBackward0", out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Sum(dim, KeepDim).Sub(g.Cumsum(dim)).Add(g)}
	})
}

// cumprodGrad returns the gradient of Cumprod(dim) at x for the output
// gradient g, exactly also where x has zeros: with out_k = Π_{j<=k} x_j,
// grad_i = Π_{j<i} x_j · S_i where S_i = g_i + x_{i+1}·S_{i+1} (a reverse
// recurrence, run as n steps of tensor ops so that it is differentiable).
func cumprodGrad(x, g *Tensor, dim int) *Tensor {
	n := x.shape[dim]
	ones := OnesLike(x.plain().Narrow(dim, 0, 1))
	left := Cat([]*Tensor{ones, x.Narrow(dim, 0, n-1)}, dim).Cumprod(dim)
	s := make([]*Tensor, n)
	s[n-1] = g.Select(dim, n-1)
	for i := n - 2; i >= 0; i-- {
		s[i] = g.Select(dim, i).Add(x.Select(dim, i+1).Mul(s[i+1]))
	}
	return left.Mul(Stack(s, dim))
}

// Sort sorts t along dim (ascending unless descending) and returns the
// values and the Int64 positions they came from. The sort is stable; NaN
// sorts above every number.
func (t *Tensor) Sort(dim int, descending bool) (values, indices *Tensor) {
	dim = t.wrapDim("sort", dim)
	values = uninit("sort", t.Device(), t.dtype, t.shape)
	indices = uninit("sort", t.Device(), Int64, t.shape)
	if t.Dim() == 0 {
		values.be().Copy(values.view(), t.view())
		return recordReshape("SortBackward0", t, values), indices
	}
	t.be().Sort(values.view(), indices.view(), t.view(), dim, descending)
	if needsGrad(t) {
		values = recordScatter("SortBackward0", t, values, indices, dim, true)
	}
	return values, indices
}

// Argsort returns the indices that sort t along dim (see [Tensor.Sort]).
func (t *Tensor) Argsort(dim int, descending bool) *Tensor {
	_, i := t.Sort(dim, descending)
	return i
}

// Topk returns the k largest (or, when largest is false, smallest) elements
// along dim, sorted, and their Int64 indices. It panics with a RuntimeError
// when k is larger than the dimension.
func (t *Tensor) Topk(k, dim int, largest bool) (values, indices *Tensor) {
	d := t.wrapDim("topk", dim)
	n := 1
	if t.Dim() > 0 {
		n = t.shape[d]
	}
	if k < 0 || k > n {
		fail(RuntimeError, "topk", "selected index k out of range")
	}
	v, i := t.plain().Sort(d, largest)
	if t.Dim() == 0 {
		return recordReshape("TopkBackward0", t, v), i
	}
	v, i = v.Narrow(d, 0, k).Contiguous(), i.Narrow(d, 0, k).Contiguous()
	if needsGrad(t) {
		v = recordScatter("TopkBackward0", t, v, i, d, true)
	}
	return v, i
}
