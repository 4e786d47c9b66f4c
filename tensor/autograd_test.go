package tensor

import (
	"encoding/xml"
	"math"
	"slices"
	"strings"
	"testing"
)

// gradCase is one differentiable function of float64 inputs for the
// finite-difference checks.
type gradCase struct {
	name   string
	shapes [][]int
	f      func(x []*Tensor) *Tensor
	pos    bool // inputs must be positive (log, sqrt, pow)
	second bool // also check second derivatives through CreateGraph
}

func idx(v ...int64) *Tensor { return New(v) }

var gradCases = []gradCase{
	// Elementwise and broadcasting.
	{name: "add", shapes: [][]int{{2, 3}, {3}}, f: func(x []*Tensor) *Tensor { return x[0].Add(x[1]) }},
	{name: "add_number", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Add(2.5) }},
	{name: "sub", shapes: [][]int{{2, 1}, {1, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Sub(x[1]) }},
	{name: "mul", shapes: [][]int{{2, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Mul(x[1]) }, second: true},
	{name: "mul_self", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Mul(x[0]).Mul(x[0]) }, second: true},
	{name: "div", shapes: [][]int{{2, 3}, {3}}, f: func(x []*Tensor) *Tensor { return x[0].Div(x[1]) }, pos: true, second: true},
	{name: "pow_number", shapes: [][]int{{5}}, f: func(x []*Tensor) *Tensor { return x[0].Pow(3) }, second: true},
	{name: "pow_tensor", shapes: [][]int{{2, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Pow(x[1]) }, pos: true, second: true},
	{name: "maximum", shapes: [][]int{{2, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Maximum(x[1]) }},
	{name: "minimum", shapes: [][]int{{2, 3}, {3}}, f: func(x []*Tensor) *Tensor { return x[0].Minimum(x[1]) }},
	{name: "neg", shapes: [][]int{{3}}, f: func(x []*Tensor) *Tensor { return x[0].Neg() }},
	{name: "abs", shapes: [][]int{{6}}, f: func(x []*Tensor) *Tensor { return x[0].Abs() }},
	{name: "exp", shapes: [][]int{{2, 2}}, f: func(x []*Tensor) *Tensor { return x[0].Exp() }, second: true},
	{name: "log", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Log() }, pos: true, second: true},
	{name: "sqrt", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Sqrt() }, pos: true, second: true},
	{name: "sin", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Sin() }, second: true},
	{name: "cos", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Cos() }, second: true},
	{name: "tanh", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Tanh() }, second: true},
	{name: "sigmoid", shapes: [][]int{{4}}, f: func(x []*Tensor) *Tensor { return x[0].Sigmoid() }, second: true},
	{name: "relu", shapes: [][]int{{6}}, f: func(x []*Tensor) *Tensor { return x[0].Relu() }},
	{name: "clamp", shapes: [][]int{{8}}, f: func(x []*Tensor) *Tensor { return x[0].Clamp(-0.5, 0.5) }},
	{name: "where", shapes: [][]int{{2, 3}, {3}}, f: func(x []*Tensor) *Tensor { return Where(x[0].Gt(0), x[0], x[1]) }},
	{name: "masked_fill", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].MaskedFill(x[0].Lt(0), 1.5) }},
	{name: "to_float32_and_back", shapes: [][]int{{3}}, f: func(x []*Tensor) *Tensor { return x[0].Mul(New([]float32{1, 2, 3})) }},
	{name: "clone", shapes: [][]int{{3}}, f: func(x []*Tensor) *Tensor { return x[0].Clone().Mul(2) }},
	// Views and indexing.
	{name: "view", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].View(3, 2).Mul(x[0].View(3, 2)) }},
	{name: "reshape_copy", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].T().Reshape(-1).Exp() }},
	{name: "flatten", shapes: [][]int{{2, 3, 2}}, f: func(x []*Tensor) *Tensor { return x[0].Flatten(1).Exp() }},
	{name: "transpose", shapes: [][]int{{2, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Transpose(0, 1).Mm(x[1]) }},
	{name: "permute", shapes: [][]int{{2, 3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Permute(2, 0, 1).Exp() }},
	{name: "squeeze_unsqueeze", shapes: [][]int{{3, 1}}, f: func(x []*Tensor) *Tensor { return x[0].Squeeze().Unsqueeze(0).Exp() }},
	{name: "expand", shapes: [][]int{{3, 1}}, f: func(x []*Tensor) *Tensor { return x[0].Expand(2, 3, 4).Mul(x[0]) }},
	{name: "select", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Select(1, 2).Exp() }, second: true},
	{name: "slice_step", shapes: [][]int{{3, 5}}, f: func(x []*Tensor) *Tensor { return x[0].Slice(1, 1, 5, 2).Exp() }},
	{name: "narrow", shapes: [][]int{{4, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Narrow(0, 1, 2).Exp() }},
	{name: "index_I", shapes: [][]int{{4, 3}}, f: func(x []*Tensor) *Tensor { return x[0].I("::-1, None, 1:").Exp() }},
	{name: "index", shapes: [][]int{{4, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Index(2, 1).Exp() }},
	{name: "index_select", shapes: [][]int{{4, 3}}, f: func(x []*Tensor) *Tensor { return x[0].IndexSelect(0, idx(3, 0, 3)).Exp() }, second: true},
	{name: "gather", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor {
		return x[0].Gather(1, New([][]int64{{0, 0}, {3, 1}, {2, 2}})).Exp()
	}, second: true},
	{name: "scatter", shapes: [][]int{{3, 4}, {3, 2}}, f: func(x []*Tensor) *Tensor {
		return x[0].Scatter(1, New([][]int64{{0, 1}, {3, 2}, {2, 0}}), x[1]).Exp()
	}},
	{name: "scatter_add", shapes: [][]int{{3, 4}, {3, 2}}, f: func(x []*Tensor) *Tensor {
		return x[0].ScatterAdd(1, New([][]int64{{0, 0}, {3, 2}, {2, 0}}), x[1]).Exp()
	}},
	{name: "index_add", shapes: [][]int{{4, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].IndexAdd(0, idx(1, 1), x[1]).Exp() }},
	{name: "masked_select", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].MaskedSelect(x[0].Gt(0)).Exp() }},
	{name: "cat", shapes: [][]int{{2, 3}, {1, 3}}, f: func(x []*Tensor) *Tensor { return Cat([]*Tensor{x[0], x[1]}, 0).Exp() }},
	{name: "stack", shapes: [][]int{{2, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return Stack([]*Tensor{x[0], x[1]}, 1).Exp() }},
	{name: "split", shapes: [][]int{{5, 2}}, f: func(x []*Tensor) *Tensor {
		p := x[0].Split(2, 0)
		return p[0].Mul(p[1]).Sum().Add(p[2].Exp().Sum())
	}},
	{name: "chunk", shapes: [][]int{{2, 6}}, f: func(x []*Tensor) *Tensor {
		p := x[0].Chunk(3, 1)
		return p[0].Mul(p[2]).Sub(p[1])
	}},
	// Reductions.
	{name: "sum_all", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Sum().Exp() }},
	{name: "sum_dim", shapes: [][]int{{2, 3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Sum([]int{0, 2}).Exp() }, second: true},
	{name: "sum_keepdim", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Sum(1, KeepDim).Mul(x[0]) }},
	{name: "mean", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Mean(0).Exp() }},
	{name: "prod", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Prod(1) }, second: true},
	{name: "prod_all", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Prod() }},
	{name: "prod_with_zero", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor {
		return x[0].Mul(New([][]float64{{1, 0, 1}, {0, 0, 1}})).Prod(1)
	}, second: true},
	{name: "max_all", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Max() }},
	{name: "amax", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Max(1).Exp() }},
	{name: "amin", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Min(0) }},
	{name: "max_dim", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { v, _ := x[0].MaxDim(1); return v.Exp() }},
	{name: "min_dim_keep", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { v, _ := x[0].MinDim(0, KeepDim); return v.Mul(x[0]) }},
	{name: "var", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Var(1) }, second: true},
	{name: "std", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Std() }},
	{name: "norm", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Norm(1) }},
	{name: "norm_p3", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].NormP(3) }},
	{name: "norm_inf", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].NormP(math.Inf(1), 0) }},
	{name: "cumsum", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Cumsum(1).Exp() }},
	{name: "cumprod", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Cumprod(1) }, second: true},
	{name: "cumprod_with_zero", shapes: [][]int{{2, 4}}, f: func(x []*Tensor) *Tensor {
		return x[0].Mul(New([][]float64{{1, 0, 1, 1}, {1, 1, 0, 0}})).Cumprod(1)
	}, second: true},
	{name: "sort", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor {
		v, _ := x[0].Sort(1, true)
		return v.Mul(New([]float64{1, 2, 3, 4}))
	}},
	{name: "topk", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor {
		v, _ := x[0].Topk(2, 1, true)
		return v.Mul(New([]float64{1, 2}))
	}},
	{name: "softmax", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Softmax(1) }, second: true},
	{name: "log_softmax", shapes: [][]int{{3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].LogSoftmax(0) }, second: true},
	// Matrix products.
	{name: "matmul_2d", shapes: [][]int{{2, 3}, {3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Matmul(x[1]) }, second: true},
	{name: "matmul_batched", shapes: [][]int{{2, 1, 2, 3}, {3, 3, 2}}, f: func(x []*Tensor) *Tensor { return x[0].Matmul(x[1]) }, second: true},
	{name: "matmul_vec", shapes: [][]int{{3}, {2, 3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Matmul(x[1]) }},
	{name: "bmm", shapes: [][]int{{2, 2, 3}, {2, 3, 2}}, f: func(x []*Tensor) *Tensor { return x[0].Bmm(x[1]) }},
	{name: "dot", shapes: [][]int{{4}, {4}}, f: func(x []*Tensor) *Tensor { return x[0].Dot(x[1]) }, second: true},
	{name: "outer", shapes: [][]int{{2}, {3}}, f: func(x []*Tensor) *Tensor { return x[0].Outer(x[1]) }},
	{name: "resize", shapes: [][]int{{1, 3, 4}}, f: func(x []*Tensor) *Tensor { return x[0].Resize(5, 2) }},
	// Linear algebra.
	{name: "inverse", shapes: [][]int{{2, 3, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Add(Eye(3).To(Float64).Mul(3)).Inverse() }, second: true},
	{name: "det", shapes: [][]int{{3, 3}}, f: func(x []*Tensor) *Tensor { return x[0].Add(Eye(3).To(Float64).Mul(3)).Det() }, second: true},
	{name: "solve", shapes: [][]int{{3, 3}, {3, 2}}, f: func(x []*Tensor) *Tensor { return Solve(x[0].Add(Eye(3).To(Float64).Mul(3)), x[1]) }, second: true},
	{name: "solve_vector", shapes: [][]int{{3, 3}, {3}}, f: func(x []*Tensor) *Tensor { return Solve(x[0].Add(Eye(3).To(Float64).Mul(3)), x[1]) }},
	{name: "solve_batched", shapes: [][]int{{2, 1, 3, 3}, {4, 3, 2}}, f: func(x []*Tensor) *Tensor { return Solve(x[0].Add(Eye(3).To(Float64).Mul(3)), x[1]) }, second: true},
	{name: "solve_vectors", shapes: [][]int{{2, 3, 3}, {2, 3}}, f: func(x []*Tensor) *Tensor { return Solve(x[0].Add(Eye(3).To(Float64).Mul(3)), x[1]) }},
	{name: "solve_broadcast_vector", shapes: [][]int{{2, 3, 3}, {3}}, f: func(x []*Tensor) *Tensor { return Solve(x[0].Add(Eye(3).To(Float64).Mul(3)), x[1]) }},
	// In-place ops on non-leaf tensors take over the history.
	{name: "inplace_chain", shapes: [][]int{{3}, {3}}, f: func(x []*Tensor) *Tensor {
		y := x[0].Mul(1)
		y.Mul_(x[1]).Add_(2).Exp_()
		return y
	}},
	{name: "copy_into_zeros", shapes: [][]int{{3}}, f: func(x []*Tensor) *Tensor { return Zeros(2, 3).To(Float64).Copy_(x[0]).Exp() }},
	{name: "masked_fill_inplace", shapes: [][]int{{2, 3}}, f: func(x []*Tensor) *Tensor {
		return x[0].Mul(2).MaskedFill_(x[0].Gt(0), 0).Exp()
	}},
	// Singular and eigen vectors are determined up to sign: the checks use
	// their squares, which are not.
	{name: "clamp_tensor_bounds", shapes: [][]int{{3, 4}, {4}, {3, 1}}, f: func(x []*Tensor) *Tensor {
		return x[0].Clamp(x[1], x[2])
	}},
	{name: "clamp_tensor_min", shapes: [][]int{{3, 4}, {4}}, f: func(x []*Tensor) *Tensor {
		return x[0].Clamp(x[1], nil).Mul(x[0])
	}},
	{name: "svd_tall", shapes: [][]int{{4, 3}}, f: svdParts(false)},
	{name: "svd_wide", shapes: [][]int{{2, 4}}, f: svdParts(false)},
	{name: "svd_square_full", shapes: [][]int{{3, 3}}, f: svdParts(true)}, // full is reduced for a square one
	{name: "eigh", shapes: [][]int{{4, 4}}, f: func(x []*Tensor) *Tensor {
		l, v := x[0].Add(x[0].T()).Mul(0.5).Eigh()
		return Cat([]*Tensor{l, v.Mul(v).Flatten()}, 0)
	}},
}

// svdParts returns S and the squares of U and Vh of x[0]'s SVD.
func svdParts(full bool) func(x []*Tensor) *Tensor {
	return func(x []*Tensor) *Tensor {
		u, s, vh := x[0].SVD(full)
		return Cat([]*Tensor{s, u.Mul(u).Flatten(), vh.Mul(vh).Flatten()}, 0)
	}
}

// inputsFor returns fresh float64 leaves for a case, seeded by its index.
func inputsFor(c gradCase, seed int64) []*Tensor {
	ManualSeed(seed)
	xs := make([]*Tensor, len(c.shapes))
	for i, s := range c.shapes {
		x := Randn(s...).To(Float64)
		if c.pos {
			x = x.Abs().Add(0.5)
		}
		xs[i] = x.RequiresGrad_()
	}
	return xs
}

// numericGrad returns the central-difference gradient of sum(f(x)*w)
// with respect to xs[k].
func numericGrad(f func([]*Tensor) *Tensor, xs []*Tensor, w *Tensor, k int) []float64 {
	const eps = 1e-6
	var out []float64
	NoGrad(func() {
		data := xs[k].Float64s()
		out = make([]float64, len(data))
		for i := range data {
			old := data[i]
			data[i] = old + eps
			hi := f(xs).Mul(w).Sum().Item()
			data[i] = old - eps
			lo := f(xs).Mul(w).Sum().Item()
			data[i] = old
			out[i] = (hi - lo) / (2 * eps)
		}
	})
	return out
}

func closeSlices(a, b []float64, tol float64) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol*(1+math.Abs(b[i])) {
			return i, false
		}
	}
	return 0, true
}

func TestGradcheck(t *testing.T) {
	for i, c := range gradCases {
		t.Run(c.name, func(t *testing.T) {
			xs := inputsFor(c, int64(100+i))
			out := c.f(xs)
			if out.GradFn() == nil {
				t.Fatalf("result has no grad_fn")
			}
			w := RandnLike(out.Detach()).To(Float64)
			gs := Grad([]*Tensor{out.Mul(w).Sum()}, xs, nil, BackwardOptions{})
			for k := range xs {
				num := numericGrad(c.f, xs, w, k)
				got := gs[k].Contiguous().Float64s()
				if j, ok := closeSlices(got, num, 1e-5); !ok {
					t.Errorf("input %d: analytic %v, numeric %v (first difference at %d)", k, got, num, j)
				}
			}
			if !c.second {
				return
			}
			// Second derivatives: check the gradient function (computed
			// with CreateGraph) against finite differences of itself.
			v := make([]*Tensor, len(xs))
			for k, x := range xs {
				v[k] = RandnLike(x.Detach())
			}
			gradFn := func(in []*Tensor) *Tensor {
				var total *Tensor
				EnableGrad(func() {
					g := Grad([]*Tensor{c.f(in).Mul(w).Sum()}, in, nil, BackwardOptions{CreateGraph: true, AllowUnused: true})
					for k := range g {
						if g[k] == nil {
							continue
						}
						term := g[k].Mul(v[k]).Sum()
						if total == nil {
							total = term
						} else {
							total = total.Add(term)
						}
					}
				})
				return total
			}
			one := New(1.0)
			total := gradFn(xs)
			if !total.RequiresGrad() {
				t.Fatalf("gradient computed with CreateGraph has no history")
			}
			gg := Grad([]*Tensor{total}, xs, nil, BackwardOptions{AllowUnused: true})
			for k := range xs {
				num := numericGrad(gradFn, xs, one, k)
				got := make([]float64, len(num))
				if gg[k] != nil {
					got = gg[k].Contiguous().Float64s()
				}
				if j, ok := closeSlices(got, num, 1e-4); !ok {
					t.Errorf("second derivative, input %d: analytic %v, numeric %v (first difference at %d)", k, got, num, j)
				}
			}
		})
	}
}

func TestBackwardAccumulatesAndRepr(t *testing.T) {
	x := New([]float32{1, 2, 3}).RequiresGrad_()
	if got := x.String(); got != "tensor([1., 2., 3.], requires_grad=True)" {
		t.Errorf("leaf repr %q", got)
	}
	y := x.Mul(x).Sum()
	if got := y.String(); got != "tensor(14., grad_fn=<SumBackward0>)" {
		t.Errorf("result repr %q", got)
	}
	y.Backward()
	z := x.Mul(3).Sum()
	z.Backward()
	if got := x.Grad().String(); got != "tensor([5., 7., 9.])" {
		t.Errorf("accumulated grad %s", got)
	}
	if !x.IsLeaf() || y.IsLeaf() || !y.RequiresGrad() {
		t.Errorf("IsLeaf/RequiresGrad wrong")
	}
	names := map[string]*Tensor{
		"MulBackward0": x.Mul(2), "AddBackward0": x.Add(1), "PowBackward0": x.Pow(2), "PowBackward1": x.Pow(x),
		"MeanBackward0": x.Mean(), "SumBackward1": x.Sum(0), "ViewBackward0": x.View(3, 1),
		"SelectBackward0": x.Index(0), "SliceBackward0": x.Slice(0, 1, 3, 1), "ExpandBackward0": x.Expand(2, 3),
		"SoftmaxBackward0": x.Softmax(0), "LogSoftmaxBackward0": x.LogSoftmax(0), "MaxBackward1": x.Max(),
		"StackBackward0": Stack([]*Tensor{x, x}, 0), "CatBackward0": Cat([]*Tensor{x, x}, 0),
		"ToCopyBackward0": x.To(Float64), "ClampBackward1": x.Clamp(0, 1), "VarBackward0": x.Var(),
		"MmBackward0": x.View(3, 1).Mm(x.View(1, 3)), "DotBackward0": x.Dot(x), "UnsqueezeBackward0": x.Unsqueeze(0),
		"PermuteBackward0": x.View(1, 3).T(), "TransposeBackward0": x.View(1, 3).Transpose(0, 1),
		"WhereBackward0": Where(x.Gt(1), x, 0.0), "CumsumBackward0": x.Cumsum(0), "CumprodBackward0": x.Cumprod(0), "NormBackward1": x.Norm(),
		"LinalgInvExBackward0": diag3(x).Inverse(), "LinalgDetBackward0": diag3(x).Det(),
		"LinalgSolveExBackward0": Solve(diag3(x), x),
	}
	for want, r := range names {
		if r.GradFn() == nil || r.GradFn().Name() != want {
			t.Errorf("grad_fn of %s: got %v", want, r.GradFn())
		}
	}
	var noRecord *Tensor
	NoGrad(func() { noRecord = x.Mul(2) })
	if noRecord.RequiresGrad() || noRecord.GradFn() != nil {
		t.Errorf("NoGrad recorded a node")
	}
	d := x.Detach()
	if d.RequiresGrad() || !d.SharesStorage(x) {
		t.Errorf("Detach wrong")
	}
}

func TestAutogradErrors(t *testing.T) {
	x := New([]float32{1, 2, 3}).RequiresGrad_()
	cases := []struct {
		name string
		fn   func()
		want string
	}{
		{"backward twice", func() { y := x.Exp().Sum(); y.Backward(); y.Backward() }, "Trying to backward through the graph a second time"},
		{"no grad_fn", func() { New([]float32{1}).Sum().Backward() }, "element 0 of tensors does not require grad and does not have a grad_fn"},
		{"non-scalar", func() { x.Mul(2).Backward() }, "grad can be implicitly created only for scalar outputs"},
		{"leaf in place", func() { x.Add_(1) }, "a leaf Variable that requires grad is being used in an in-place operation."},
		{"view of leaf in place", func() { x.Index(0).Mul_(2) }, "a view of a leaf Variable that requires grad is being used in an in-place operation."},
		{"saved modified", func() { y := x.Exp(); y.Add_(1); y.Sum().Backward() },
			"one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead."},
		{"leaf saved modified", func() {
			a := New([]float32{1, 2}).RequiresGrad_()
			b := New([]float32{3, 4})
			y := a.Mul(b)
			b.Add_(1)
			y.Sum().Backward()
		}, "[torch.FloatTensor [2]] is at version 1; expected version 0 instead."},
		{"numpy", func() { x.Float32s() }, "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."},
		{"int requires grad", func() { New([]int64{1}).RequiresGrad_() }, "only Tensors of floating point and complex dtype can require gradients"},
		{"unused input", func() {
			a := New([]float32{1}).RequiresGrad_()
			Grad([]*Tensor{x.Sum()}, []*Tensor{a}, nil, BackwardOptions{})
		}, "One of the differentiated Tensors appears to not have been used in the graph."},
		{"full svd", func() { x.View(1, 3).SVD(true) }, "the derivative of linalg.svd with full_matrices=True is only defined for square matrices: use full_matrices=False"},
	}
	for _, c := range cases {
		err := Catch(c.fn)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	// The same operations are allowed where PyTorch allows them.
	var y *Tensor
	NoGrad(func() { x.Float32s(); x.Add_(0) })
	y = x.Add(1).Sum()
	y.Backward()
	y.Backward() // AddBackward0 and SumBackward0 save no tensors, as in PyTorch
	r := x.Exp().Sum()
	r.BackwardOpts(nil, BackwardOptions{RetainGraph: true})
	r.Backward()
}

func TestHooksRetainGradAndFunctionalGrad(t *testing.T) {
	x := New([]float64{1, 2, 3}).RequiresGrad_()
	var seen *Tensor
	x.RegisterHook(func(g *Tensor) *Tensor { seen = g; return g.Mul(10) })
	y := x.Mul(x)
	y.RetainGrad()
	y.Sum().Backward()
	if seen == nil || seen.String() != "tensor([2., 4., 6.], dtype=float64)" {
		t.Errorf("hook saw %v", seen)
	}
	if got := x.Grad().String(); got != "tensor([20., 40., 60.], dtype=float64)" {
		t.Errorf("hooked grad %s", got)
	}
	if got := y.Grad().String(); got != "tensor([1., 1., 1.], dtype=float64)" {
		t.Errorf("retained grad %s", got)
	}
	// d/dx x^3 = 3x^2, d2/dx2 = 6x.
	a := New(2.0).RequiresGrad_()
	g := Grad([]*Tensor{a.Pow(3)}, []*Tensor{a}, nil, BackwardOptions{CreateGraph: true})[0]
	g2 := Grad([]*Tensor{g}, []*Tensor{a}, nil, BackwardOptions{})[0]
	if g.Item() != 12 || g2.Item() != 12 || a.Grad() != nil {
		t.Errorf("grad %v, second %v, a.Grad %v", g, g2, a.Grad())
	}
	// BackwardWith weights a non-scalar output.
	b := New([]float64{1, 2}).RequiresGrad_()
	b.Mul(b).BackwardWith(New([]float64{1, 10}))
	if got := b.Grad().String(); got != "tensor([ 2., 40.], dtype=float64)" {
		t.Errorf("BackwardWith %s", got)
	}
}

func TestGraphSVG(t *testing.T) {
	a := New([]float32{1, 2}).RequiresGrad_()
	b := New([]float32{3, 4}).RequiresGrad_()
	y := a.Mul(b).Add(a).Sum()
	g := Graph(y)
	var doc struct {
		Rects []struct{} `xml:"rect"`
		Texts []string   `xml:"text"`
	}
	if err := xml.Unmarshal([]byte(g.SVG()), &doc); err != nil {
		t.Fatalf("SVG does not parse: %v", err)
	}
	want := []string{"SumBackward0", "AddBackward0", "MulBackward0", "leaf [2]", "leaf [2]", "tensor []"}
	if len(doc.Rects) != len(want) {
		t.Errorf("%d boxes, want %d: %v", len(doc.Rects), len(want), doc.Texts)
	}
	for _, w := range want {
		if !slices.Contains(doc.Texts, w) {
			t.Errorf("no box %q in %v", w, doc.Texts)
		}
	}
	data, _ := g.MIMEBundle()
	if data["image/svg+xml"] != g.SVG() {
		t.Errorf("MIMEBundle lacks the SVG")
	}
}

func TestDetachInPlaceAndWarnings(t *testing.T) {
	var warnings []string
	SetWarningHandler(func(msg string) { warnings = append(warnings, msg) })
	defer SetWarningHandler(nil)
	x := New([]float32{1, 2}).RequiresGrad_()
	y := x.Mul(2)
	if y.Grad() != nil {
		t.Errorf("non-leaf Grad is not nil")
	}
	y.Grad()
	if len(warnings) > 1 || (len(warnings) == 1 && !strings.Contains(warnings[0], "is not a leaf Tensor is being accessed")) {
		t.Errorf("warnings %q", warnings)
	}
	if err := Catch(func() { y.RequiresGrad_(false) }); err == nil || !strings.Contains(err.Error(), "you can only change requires_grad flags of leaf variables.") {
		t.Errorf("RequiresGrad_(false) on a non-leaf: %v", err)
	}
	if err := Catch(func() { x.Index(0).Detach_() }); err == nil || !strings.Contains(err.Error(), "Can't detach views in-place.") {
		t.Errorf("Detach_ of a view: %v", err)
	}
	y.Detach_()
	if y.RequiresGrad() || !y.IsLeaf() || y.String() != "tensor([2., 4.])" {
		t.Errorf("after Detach_: %v", y)
	}
	// Version counters are shared by views and by Detach.
	z := Zeros(3)
	v, d := z.Index(1), z.Detach()
	v.Add_(1)
	if z.Version() != 1 || d.Version() != 1 || v.Version() != 1 {
		t.Errorf("versions %d %d %d", z.Version(), d.Version(), v.Version())
	}
	// EnableGrad inside NoGrad records again.
	NoGrad(func() {
		EnableGrad(func() {
			if !x.Mul(1).RequiresGrad() {
				t.Errorf("EnableGrad did not record")
			}
		})
		if IsGradEnabled() {
			t.Errorf("NoGrad not restored after EnableGrad")
		}
	})
}

func TestInPlaceAcrossDTypes(t *testing.T) {
	w := New([]float64{1, 2}).RequiresGrad_()
	y := Zeros(2).Mul(1) // Float32
	y.Add_(w.Mul(w))     // the float64 result is cast back into y
	y.Sum().Backward()
	if y.DType() != Float32 || w.Grad().String() != "tensor([2., 4.], dtype=float64)" {
		t.Errorf("y %v, w.Grad %v", y, w.Grad())
	}
}

// diag3 returns diag(t) for a 3-element t, built from differentiable ops.
func diag3(t *Tensor) *Tensor { return Eye(3).Mul(t) }
