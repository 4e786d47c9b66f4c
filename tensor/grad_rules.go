package tensor

import (
	"slices"
	"strings"

	"gonote/tensor/backend"
)

// This file is the gradient rule table: for each differentiable primitive,
// the function from the gradient of its output to the gradients of its
// inputs, written with tensor ops so that a backward pass run with
// CreateGraph is itself recorded (second derivatives). Composite ops
// (Mean, Var, Norm, Outer, Matmul's batching, ...) have no rule of their
// own: they record the primitives they are built from.

// unaryRules maps a unary op to its PyTorch node name and gradient rule,
// given the output gradient g, the input x and the output y.
var unaryRules map[backend.UnaryOp]unaryRule

type unaryRule struct {
	name string
	rule func(g, x, y *Tensor) *Tensor
}

func init() { unaryRules = makeUnaryRules() }

// makeUnaryRules builds unaryRules. Relu's rule is PyTorch's
// threshold_backward: zero where the output is <= 0, in two passes (a
// mask multiplied in would take three).
func makeUnaryRules() map[backend.UnaryOp]unaryRule {
	return map[backend.UnaryOp]unaryRule{
		backend.Neg:     {"NegBackward0", func(g, x, y *Tensor) *Tensor { return g.Neg() }},
		backend.Abs:     {"AbsBackward0", func(g, x, y *Tensor) *Tensor { return g.Mul(sign(x)) }},
		backend.Exp:     {"ExpBackward0", func(g, x, y *Tensor) *Tensor { return g.Mul(y) }},
		backend.Log:     {"LogBackward0", func(g, x, y *Tensor) *Tensor { return g.Div(x) }},
		backend.Sqrt:    {"SqrtBackward0", func(g, x, y *Tensor) *Tensor { return g.Div(y.Mul(2)) }},
		backend.Sin:     {"SinBackward0", func(g, x, y *Tensor) *Tensor { return g.Mul(x.Cos()) }},
		backend.Cos:     {"CosBackward0", func(g, x, y *Tensor) *Tensor { return g.Mul(x.Sin().Neg()) }},
		backend.Tanh:    {"TanhBackward0", func(g, x, y *Tensor) *Tensor { return g.Mul(y.Mul(y).Neg().Add(1)) }},
		backend.Sigmoid: {"SigmoidBackward0", func(g, x, y *Tensor) *Tensor { return g.Mul(y.Mul(y.Neg().Add(1))) }},
		backend.Relu:    {"ReluBackward0", func(g, x, y *Tensor) *Tensor { return Where(y.Le(0), 0.0, g) }},
		backend.Floor:   {"FloorBackward0", func(g, x, y *Tensor) *Tensor { return ZerosLike(g.plain()) }},
		backend.Ceil:    {"CeilBackward0", func(g, x, y *Tensor) *Tensor { return ZerosLike(g.plain()) }},
		backend.Round:   {"RoundBackward0", func(g, x, y *Tensor) *Tensor { return ZerosLike(g.plain()) }},
	}
}

// unaryNeedsX lists the rules that read the input (the others read the
// output or nothing), so that only what Backward needs is saved.
var unaryNeedsX = map[backend.UnaryOp]bool{backend.Abs: true, backend.Log: true, backend.Sin: true, backend.Cos: true}

// sign returns -1, 0 or 1 elementwise, in x's dtype.
func sign(x *Tensor) *Tensor {
	return x.Gt(0).toDType(x.dtype).Sub(x.Lt(0).toDType(x.dtype))
}

// recordUnary attaches the node of unary op to out = op(x).
func recordUnary(op backend.UnaryOp, x, out *Tensor) *Tensor {
	r, ok := unaryRules[op]
	if !ok || !needsGrad(x) {
		return out
	}
	saved := []*Tensor{out}
	if unaryNeedsX[op] {
		saved = []*Tensor{x}
	}
	return record(r.name, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		return []*Tensor{r.rule(g, x, out)}
	}, saved...)
}

// sumToShape sums g over the dimensions that broadcasting added or
// expanded, giving a tensor of shape (the gradient of a broadcast).
func sumToShape(g *Tensor, shape []int) *Tensor {
	if sameShape(g.shape, shape) {
		return g
	}
	lead := g.Dim() - len(shape)
	var dims []int
	for i := range g.shape {
		if i < lead || (shape[i-lead] == 1 && g.shape[i] != 1) {
			dims = append(dims, i)
		}
	}
	return g.Sum(dims, KeepDim).Reshape(shape...)
}

// recordBinary attaches the node of binary op to out = op(x, y), where x
// and y are the operands after promotion (their casts are recorded by
// toDType). numberOther tells Pow's two PyTorch names apart.
func recordBinary(op backend.BinaryOp, x, y, out *Tensor, numberOther bool) *Tensor {
	if op.IsComparison() || op == backend.And || op == backend.Or || op == backend.Xor || !needsGrad(x, y) {
		return out
	}
	wx, wy := wants(x), wants(y)
	xs, ys := x.shape, y.shape
	switch op {
	case backend.Add, backend.Sub:
		name := "AddBackward0"
		if op == backend.Sub {
			name = "SubBackward0"
		}
		return record(name, out, []*Tensor{x, y}, func(g *Tensor) []*Tensor {
			var gx, gy *Tensor
			if wx {
				gx = sumToShape(g, xs)
			}
			if wy {
				gy = sumToShape(g, ys)
				if op == backend.Sub {
					gy = gy.Neg()
				}
			}
			return []*Tensor{gx, gy}
		})
	case backend.Mul:
		return record("MulBackward0", out, []*Tensor{x, y}, func(g *Tensor) []*Tensor {
			var gx, gy *Tensor
			if wx {
				gx = sumToShape(g.Mul(y), xs)
			}
			if wy {
				gy = sumToShape(g.Mul(x), ys)
			}
			return []*Tensor{gx, gy}
		}, savedFor(wy, x, wx, y)...)
	case backend.Div:
		return record("DivBackward0", out, []*Tensor{x, y}, func(g *Tensor) []*Tensor {
			var gx, gy *Tensor
			if wx {
				gx = sumToShape(g.Div(y), xs)
			}
			if wy {
				gy = sumToShape(g.Neg().Mul(x).Div(y.Mul(y)), ys)
			}
			return []*Tensor{gx, gy}
		}, savedFor(wy, x, true, y)...)
	case backend.Pow:
		name := "PowBackward1"
		if numberOther {
			name = "PowBackward0"
		}
		return record(name, out, []*Tensor{x, y}, func(g *Tensor) []*Tensor {
			var gx, gy *Tensor
			if wx {
				// y * x**(y-1), zero where y == 0 (PyTorch's pow_backward).
				d := y.Mul(x.Pow(y.Sub(1)))
				gx = sumToShape(g.Mul(Where(y.Eq(0), 0.0, d)), xs)
			}
			if wy {
				// out * log(x), zero where x == 0 and y >= 0.
				d := out.Mul(x.Log())
				gy = sumToShape(g.Mul(Where(x.Eq(0).LogicalAnd(y.Ge(0)), 0.0, d)), ys)
			}
			return []*Tensor{gx, gy}
		}, x, y, out)
	case backend.Maximum, backend.Minimum:
		name, cmp := "MaximumBackward0", (*Tensor).Gt
		if op == backend.Minimum {
			name, cmp = "MinimumBackward0", (*Tensor).Lt
		}
		return record(name, out, []*Tensor{x, y}, func(g *Tensor) []*Tensor {
			// The gradient goes to the chosen operand; ties split it evenly.
			tie := x.Eq(y).toDType(g.dtype).Mul(0.5)
			var gx, gy *Tensor
			if wx {
				gx = sumToShape(g.Mul(cmp(x, y).toDType(g.dtype).Add(tie)), xs)
			}
			if wy {
				gy = sumToShape(g.Mul(cmp(y, x).toDType(g.dtype).Add(tie)), ys)
			}
			return []*Tensor{gx, gy}
		}, x, y)
	}
	fail(RuntimeError, binaryNames[op], "the derivative for '%s' is not implemented.", binaryNames[op])
	return nil
}

// savedFor returns the tensors a rule keeps: a when keepA, b when keepB.
func savedFor(keepA bool, a *Tensor, keepB bool, b *Tensor) []*Tensor {
	var s []*Tensor
	if keepA {
		s = append(s, a)
	}
	if keepB {
		s = append(s, b)
	}
	return s
}

// named renames the node of the fresh result out, for composite ops that
// PyTorch shows under one name (MeanBackward0, SoftmaxBackward0, ...).
func named(out *Tensor, name string) *Tensor {
	if out.gradFn != nil {
		out.gradFn.name = name
	}
	return out
}

// recordReshape records a view op whose gradient is g reshaped back to x's
// shape (View, Reshape, Squeeze, Unsqueeze).
func recordReshape(name string, x, out *Tensor) *Tensor {
	out.viewOfLeaf = x.viewOfLeaf || (x.requiresGrad && x.gradFn == nil)
	if !needsGrad(x) {
		return out
	}
	shape := x.shape
	return record(name, out, []*Tensor{x}, func(g *Tensor) []*Tensor { return []*Tensor{g.Reshape(shape...)} })
}

// recordView records a view op out = f(x) whose gradient is g written into
// zeros of x's shape at the positions f selects (Select, Slice, Narrow,
// negative steps). f must depend only on the geometry of its argument.
func recordView(name string, x, out *Tensor, f func(*Tensor) *Tensor) *Tensor {
	out.viewOfLeaf = x.viewOfLeaf || (x.requiresGrad && x.gradFn == nil)
	if !needsGrad(x) {
		return out
	}
	shape, dt := x.shape, x.dtype
	back := strings.TrimSuffix(name, "0") + "Backward0"
	return record(name, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		z := zerosOn(g.Device(), dt, shape)
		v := f(z)
		v.be().Copy(v.view(), g.toDType(dt).view())
		return []*Tensor{record(back, z, []*Tensor{g}, func(gg *Tensor) []*Tensor { return []*Tensor{f(gg)} })}
	})
}

// recordPermute records a dimension permutation (Transpose, Permute, T).
func recordPermute(name string, x, out *Tensor, dims []int) *Tensor {
	out.viewOfLeaf = x.viewOfLeaf || (x.requiresGrad && x.gradFn == nil)
	if !needsGrad(x) {
		return out
	}
	inv := make([]int, len(dims))
	for i, d := range dims {
		inv[d] = i
	}
	return record(name, out, []*Tensor{x}, func(g *Tensor) []*Tensor { return []*Tensor{g.Permute(inv...)} })
}

// recordExpand records Expand: the gradient sums over the expanded dims.
func recordExpand(x, out *Tensor) *Tensor {
	out.viewOfLeaf = x.viewOfLeaf || (x.requiresGrad && x.gradFn == nil)
	if !needsGrad(x) {
		return out
	}
	shape := x.shape
	return record("ExpandBackward0", out, []*Tensor{x}, func(g *Tensor) []*Tensor { return []*Tensor{sumToShape(g, shape)} })
}

// recordCast records a dtype or device copy (ToCopyBackward0): the
// gradient is converted back.
func recordCast(x, out *Tensor) *Tensor {
	if !needsGrad(x) || !out.dtype.IsFloat() {
		return out
	}
	dt, dev := x.dtype, x.Device()
	return record("ToCopyBackward0", out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.toDType(dt).toDevice(dev)}
	})
}

// recordReduce records Sum, Prod, Max and Min (the amax form) over r.dims
// of x, with out the final result.
func recordReduce(op backend.ReduceOp, x, out *Tensor, r reduceArgs) *Tensor {
	if !needsGrad(x) {
		return out
	}
	keepShape := reducedShape(x.shape, r.dims, true)
	shape := x.shape
	suffix := "1"
	if !r.given {
		suffix = "0"
	}
	switch op {
	case backend.Sum:
		return record("SumBackward"+suffix, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
			return []*Tensor{g.Reshape(keepShape...).Expand(shape...)}
		})
	case backend.Prod:
		return record("ProdBackward"+suffix, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
			return []*Tensor{g.Reshape(keepShape...).Mul(prodOthers(x, r.dims))}
		}, x)
	case backend.Max, backend.Min:
		name := "AmaxBackward0"
		if op == backend.Min {
			name = "AminBackward0"
		}
		if !r.given {
			name = "MaxBackward1"
			if op == backend.Min {
				name = "MinBackward1"
			}
		}
		return record(name, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
			// Ties share the gradient evenly, as in PyTorch.
			mask := x.Eq(out.Reshape(keepShape...)).toDType(g.dtype)
			count := mask.Sum(r.dims, KeepDim)
			return []*Tensor{g.Reshape(keepShape...).Div(count).Mul(mask)}
		}, x, out)
	}
	return out
}

// prodOthers returns, for each element of x, the product of the other
// elements of its group along dims, computed with exclusive running
// products so that zeros are handled exactly (and differentiably).
func prodOthers(x *Tensor, dims []int) *Tensor {
	var keep []int
	for d := range x.shape {
		if !slices.Contains(dims, d) {
			keep = append(keep, d)
		}
	}
	perm := append(append([]int{}, keep...), dims...)
	xp := x.Permute(perm...)
	pshape := xp.Shape()
	lead := pshape[:len(keep)]
	flat := xp.Reshape(append(append([]int{}, lead...), -1)...)
	n := flat.shape[len(flat.shape)-1]
	if n == 0 {
		return ZerosLike(x)
	}
	ones := OnesLike(flat.plain().Narrow(-1, 0, 1))
	left := Cat([]*Tensor{ones, flat.Narrow(-1, 0, n-1)}, -1).Cumprod(-1)
	rev := flat.I("..., ::-1")
	right := Cat([]*Tensor{ones, rev.Narrow(-1, 0, n-1)}, -1).Cumprod(-1).I("..., ::-1")
	others := left.Mul(right).Reshape(pshape...)
	inv := make([]int, len(perm))
	for i, d := range perm {
		inv[d] = i
	}
	return others.Permute(inv...)
}

// noDerivative panics when an op without a gradient rule gets an input
// that requires grad while grad mode is on, rather than silently cutting
// the graph.
func noDerivative(op string, inputs ...*Tensor) {
	if needsGrad(inputs...) {
		fail(RuntimeError, op, "the derivative for '%s' is not implemented. (gonote: call Detach() on the input to use it without gradients.)", op)
	}
}

// inPlace runs the in-place op named op on t. When autograd is not
// involved (grad mode off, or neither t nor the other inputs require grad)
// write changes t directly. Otherwise outOfPlace computes the recorded
// result, which is written into t and becomes t's history. Either way the
// version counter grows and a leaf that requires grad is refused.
func (t *Tensor) inPlace(op string, involved bool, outOfPlace func() *Tensor, write func()) *Tensor {
	t.checkInPlace()
	if !involved || !IsGradEnabled() {
		write()
		t.didInPlace(op, nil)
		return t
	}
	r := outOfPlace()
	checkInPlaceShape(op, t, r.shape)
	t.be().Copy(t.view(), r.toDType(t.dtype).plain().view())
	t.didInPlace(op, r)
	return t
}

// recordScatter records an op whose output takes x's elements at indices
// along dim (MaxDim, Sort, Topk): the gradient is scattered back to those
// positions. keep tells whether indices keeps dim (false when it was
// reduced away).
func recordScatter(name string, x, out, indices *Tensor, dim int, keep bool) *Tensor {
	shape, dt := x.shape, x.dtype
	return record(name, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		idx := indices
		if !keep {
			g, idx = g.Unsqueeze(dim), idx.Unsqueeze(dim)
		}
		z := zerosOn(g.Device(), dt, shape)
		return []*Tensor{z.ScatterAdd(dim, idx, g.toDType(dt))}
	})
}

// inPlaceSelf returns the operand an in-place op on t computes from: t
// itself, or a recorded copy when t is in the graph, so that the rule can
// keep t's old value although t is about to be overwritten (PyTorch saves
// the original self the same way).
func (t *Tensor) inPlaceSelf() *Tensor {
	if t.gradFn != nil && IsGradEnabled() {
		return t.Clone()
	}
	return t
}

// zerosOn returns a zero tensor on dev (backward passes start gradients of
// selections from zeros).
func zerosOn(dev Device, dt DType, shape []int) *Tensor {
	z := empty("backward", dev, dt, shape)
	if dev.Type != "cpu" {
		z.fill(0)
	}
	return z
}
