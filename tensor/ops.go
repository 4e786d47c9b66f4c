package tensor

import (
	"slices"
	"sort"

	"gonote/tensor/backend"
)

// This file holds the elementwise operations. Every one of them reaches the
// backend through unaryOp or binaryOp (or Where), the single place where
// autograd will record graph nodes.

// scalarTypeName is PyTorch's C++ scalar type name, used in some messages.
func scalarTypeName(d DType) string {
	return map[DType]string{Float32: "Float", Float64: "Double", Int64: "Long", Int32: "Int", Uint8: "Byte", Bool: "Bool"}[d]
}

// toDType returns t converted to dt (t itself when it already has dt).
func (t *Tensor) toDType(dt DType) *Tensor {
	if t.dtype == dt {
		return t
	}
	out := uninit("to", t.Device(), dt, t.shape)
	out.be().Copy(out.view(), t.view())
	return recordCast(t, out)
}

// operand returns v, a *Tensor or a Go number, as a tensor of dtype dt; Go
// numbers are created on dev.
func operand(op string, v any, dt DType, dev Device) *Tensor {
	if t, ok := v.(*Tensor); ok {
		if t == nil {
			fail(TypeError, op, "%s(): got a nil *Tensor", op)
		}
		return t.toDType(dt)
	}
	if !isNumber(v) {
		fail(TypeError, op, "%s(): expected a *Tensor or a Go number, but got %T", op, v)
	}
	return scalarOf(v, dt, dev)
}

// checkSameDevice panics with PyTorch's message when a and b live on
// different devices. 0-d CPU tensors may be combined with any device.
func checkSameDevice(op string, a, b *Tensor) {
	da, db := a.Device(), b.Device()
	if da == db || (b.Dim() == 0 && db.Type == "cpu") || (a.Dim() == 0 && da.Type == "cpu") {
		return
	}
	fail(RuntimeError, op, "Expected all tensors to be on the same device, but found at least two devices, %s and %s!", da, db)
}

// sameDevice moves a 0-d CPU operand to the device of the other.
func sameDevice(op string, a, b *Tensor) (*Tensor, *Tensor) {
	checkSameDevice(op, a, b)
	if a.Device() != b.Device() {
		if a.Dim() == 0 && a.Device().Type == "cpu" {
			a = a.To(b.Device())
		} else {
			b = b.To(a.Device())
		}
	}
	return a, b
}

var floatUnary = map[backend.UnaryOp]bool{backend.Exp: true, backend.Log: true, backend.Sqrt: true,
	backend.Sin: true, backend.Cos: true, backend.Tanh: true, backend.Sigmoid: true}

var unaryNames = map[backend.UnaryOp]string{backend.Neg: "neg", backend.Abs: "abs", backend.Exp: "exp",
	backend.Log: "log", backend.Sqrt: "sqrt", backend.Sin: "sin", backend.Cos: "cos", backend.Tanh: "tanh",
	backend.Sigmoid: "sigmoid", backend.Relu: "relu", backend.Floor: "floor", backend.Ceil: "ceil",
	backend.Round: "round", backend.Not: "logical_not"}

// unaryOp applies op elementwise. Integer and bool inputs of the float
// functions compute in float32, as in PyTorch.
func unaryOp(op backend.UnaryOp, t *Tensor) *Tensor {
	name := unaryNames[op]
	dt := t.dtype
	switch {
	case floatUnary[op] && !dt.IsFloat():
		dt = Float32
	case op == backend.Not:
		dt = Bool
	case dt == Bool:
		switch op {
		case backend.Neg:
			fail(RuntimeError, name, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
		case backend.Relu:
			fail(RuntimeError, name, "Boolean inputs not supported for relu")
		case backend.Abs:
			fail(RuntimeError, name, "\"abs_cpu\" not implemented for 'Bool'")
		default:
			fail(RuntimeError, name, "\"%s_vml_cpu\" not implemented for 'Bool'", name)
		}
	}
	x := t.toDType(dt)
	out := uninit(name, t.Device(), dt, t.shape)
	out.be().Unary(op, out.view(), x.view())
	return recordUnary(op, x, out)
}

var binaryNames = map[backend.BinaryOp]string{backend.Add: "add", backend.Sub: "sub", backend.Mul: "mul",
	backend.Div: "div", backend.Pow: "pow", backend.Maximum: "maximum", backend.Minimum: "minimum",
	backend.Eq: "eq", backend.Ne: "ne", backend.Lt: "lt", backend.Le: "le", backend.Gt: "gt", backend.Ge: "ge",
	backend.And: "logical_and", backend.Or: "logical_or", backend.Xor: "logical_xor"}

// binaryOp applies op elementwise to t and other (a tensor or a Go number)
// after type promotion and broadcasting.
func binaryOp(op backend.BinaryOp, t *Tensor, other any) *Tensor {
	name := binaryNames[op]
	dt := resultType(name, t, other)
	switch op {
	case backend.Div:
		if !dt.IsFloat() {
			dt = Float32
		}
	case backend.And, backend.Or, backend.Xor:
		dt = Bool
	case backend.Sub:
		o, isT := other.(*Tensor)
		_, isB := other.(bool)
		if t.dtype == Bool && (isB || (isT && o.dtype == Bool)) {
			fail(RuntimeError, name, "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
		}
		if t.dtype == Bool || isB || (isT && o.dtype == Bool) {
			fail(RuntimeError, name, "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
		}
	case backend.Pow:
		if dt == Bool {
			fail(RuntimeError, name, "\"pow\" not implemented for 'Bool'")
		}
		if dt.IsInt() && isNumber(other) && toFloat64(name, other) < 0 {
			fail(RuntimeError, name, "Integers to negative integer powers are not allowed.")
		}
	}
	x := operand(name, t, dt, t.Device())
	y := operand(name, other, dt, t.Device())
	x, y = sameDevice(name, x, y)
	shape := broadcastShapes(x.shape, y.shape)
	outDT := dt
	if op.IsComparison() {
		outDT = Bool
	}
	out := uninit(name, x.Device(), outDT, shape)
	out.be().Binary(op, out.view(), x.expandView(shape), y.expandView(shape))
	return recordBinary(op, x, y, out, isNumber(other))
}

// checkInPlaceShape panics unless writing a result of shape into t is
// allowed: the shapes must be equal and t must not have overlapping
// elements (as an expanded tensor does).
func checkInPlaceShape(op string, t *Tensor, shape []int) {
	if len(shape) != t.Dim() || numel(shape) != t.Numel() || differ(shape, t.shape) {
		fail(RuntimeError, op, "output with shape %s doesn't match the broadcast shape %s", shapeString(t.shape), shapeString(shape))
	}
	for i, s := range t.strides {
		if s == 0 && t.shape[i] > 1 {
			fail(RuntimeError, op, "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.")
		}
	}
}

// differ reports whether two shapes of equal rank differ.
func differ(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return true
		}
	}
	return false
}

// assign writes r, the result of an in-place op on t, into t and returns t.
// It panics when r's dtype cannot be cast to t's.
func (t *Tensor) assign(op string, r *Tensor) *Tensor {
	t.checkInPlace()
	if !canCast(r.dtype, t.dtype) {
		fail(RuntimeError, op, "result type %s can't be cast to the desired output type %s", scalarTypeName(r.dtype), scalarTypeName(t.dtype))
	}
	checkInPlaceShape(op, t, r.shape)
	t.be().Copy(t.view(), r.view())
	t.didInPlace(op, r)
	return t
}

// Add returns t + other elementwise. other is a tensor or a Go number; the
// operands broadcast together and the result has their promoted dtype.
// Like every binary op it panics with PyTorch's RuntimeError when shapes do
// not broadcast or devices differ.
func (t *Tensor) Add(other any) *Tensor { return binaryOp(backend.Add, t, other) }

// Sub returns t - other elementwise (not defined for Bool).
func (t *Tensor) Sub(other any) *Tensor { return binaryOp(backend.Sub, t, other) }

// Mul returns t * other elementwise. (The matrix product is [Tensor.Matmul].)
func (t *Tensor) Mul(other any) *Tensor { return binaryOp(backend.Mul, t, other) }

// Div returns t / other elementwise as true division: integer operands
// give a Float32 result, as in PyTorch.
func (t *Tensor) Div(other any) *Tensor { return binaryOp(backend.Div, t, other) }

// Pow returns t raised to the power exponent elementwise. Integer tensors
// with a negative Go integer exponent panic, as in PyTorch.
func (t *Tensor) Pow(exponent any) *Tensor { return binaryOp(backend.Pow, t, exponent) }

// Maximum returns the elementwise maximum of t and other (NaN propagates).
func (t *Tensor) Maximum(other any) *Tensor { return binaryOp(backend.Maximum, t, other) }

// Minimum returns the elementwise minimum of t and other (NaN propagates).
func (t *Tensor) Minimum(other any) *Tensor { return binaryOp(backend.Minimum, t, other) }

// Eq returns the Bool tensor t == other, elementwise with broadcasting.
func (t *Tensor) Eq(other any) *Tensor { return binaryOp(backend.Eq, t, other) }

// Ne returns the Bool tensor t != other.
func (t *Tensor) Ne(other any) *Tensor { return binaryOp(backend.Ne, t, other) }

// Lt returns the Bool tensor t < other.
func (t *Tensor) Lt(other any) *Tensor { return binaryOp(backend.Lt, t, other) }

// Le returns the Bool tensor t <= other.
func (t *Tensor) Le(other any) *Tensor { return binaryOp(backend.Le, t, other) }

// Gt returns the Bool tensor t > other.
func (t *Tensor) Gt(other any) *Tensor { return binaryOp(backend.Gt, t, other) }

// Ge returns the Bool tensor t >= other.
func (t *Tensor) Ge(other any) *Tensor { return binaryOp(backend.Ge, t, other) }

// LogicalAnd returns the Bool tensor of t and other both nonzero.
func (t *Tensor) LogicalAnd(other any) *Tensor { return binaryOp(backend.And, t, other) }

// LogicalOr returns the Bool tensor of t or other nonzero.
func (t *Tensor) LogicalOr(other any) *Tensor { return binaryOp(backend.Or, t, other) }

// LogicalXor returns the Bool tensor of exactly one of t and other nonzero.
func (t *Tensor) LogicalXor(other any) *Tensor { return binaryOp(backend.Xor, t, other) }

// LogicalNot returns the Bool tensor of t equal to zero.
func (t *Tensor) LogicalNot() *Tensor { return unaryOp(backend.Not, t) }

// Neg returns -t (not defined for Bool).
func (t *Tensor) Neg() *Tensor { return unaryOp(backend.Neg, t) }

// Abs returns |t|.
func (t *Tensor) Abs() *Tensor { return unaryOp(backend.Abs, t) }

// Exp returns e**t; integer tensors give Float32, as for every float function.
func (t *Tensor) Exp() *Tensor { return unaryOp(backend.Exp, t) }

// Log returns the natural logarithm of t.
func (t *Tensor) Log() *Tensor { return unaryOp(backend.Log, t) }

// Sqrt returns the square root of t.
func (t *Tensor) Sqrt() *Tensor { return unaryOp(backend.Sqrt, t) }

// Sin returns the sine of t (radians).
func (t *Tensor) Sin() *Tensor { return unaryOp(backend.Sin, t) }

// Cos returns the cosine of t (radians).
func (t *Tensor) Cos() *Tensor { return unaryOp(backend.Cos, t) }

// Tanh returns the hyperbolic tangent of t.
func (t *Tensor) Tanh() *Tensor { return unaryOp(backend.Tanh, t) }

// Sigmoid returns 1 / (1 + e**-t).
func (t *Tensor) Sigmoid() *Tensor { return unaryOp(backend.Sigmoid, t) }

// Relu returns max(t, 0) elementwise (NaN stays NaN).
func (t *Tensor) Relu() *Tensor { return unaryOp(backend.Relu, t) }

// Floor returns the largest integers not greater than t (integers unchanged).
func (t *Tensor) Floor() *Tensor { return unaryOp(backend.Floor, t) }

// Ceil returns the smallest integers not less than t.
func (t *Tensor) Ceil() *Tensor { return unaryOp(backend.Ceil, t) }

// Round rounds t to the nearest integer, halves to even, as PyTorch does.
func (t *Tensor) Round() *Tensor { return unaryOp(backend.Round, t) }

// Clamp limits t to [min, max]; either bound may be nil for none. The
// bounds are Go numbers or tensors and take part in type promotion, so an
// Int64 tensor clamped with a float bound gives Float32, as in PyTorch. It
// panics with a RuntimeError when both bounds are nil.
func (t *Tensor) Clamp(min, max any) *Tensor {
	if min == nil && max == nil {
		fail(RuntimeError, "clamp", "torch.clamp: At least one of 'min' or 'max' must not be None")
	}
	var ops []any
	if min != nil {
		ops = append(ops, min)
	}
	if max != nil {
		ops = append(ops, max)
	}
	dt := resultType("clamp", append([]any{t}, ops...)...)
	minT, _ := min.(*Tensor)
	maxT, _ := max.(*Tensor)
	x := t.toDType(dt)
	r := x.plain()
	inside := OnesLike(r).toDType(Bool)
	var lo, hi *Tensor
	if min != nil {
		lo = operand("clamp", min, dt, t.Device()).plain()
		r = r.Maximum(lo)
		inside = inside.LogicalAnd(x.plain().Ge(lo))
	}
	if max != nil {
		hi = operand("clamp", max, dt, t.Device()).plain()
		r = r.Minimum(hi)
		inside = inside.LogicalAnd(x.plain().Le(hi))
	}
	if !r.dtype.IsFloat() {
		return r
	}
	// As PyTorch's clamp_backward_min_max: x gets the gradient where it is
	// within the bounds, ties included; a tensor bound where it is the
	// result (max also wherever it is below min).
	return record("ClampBackward1", r, []*Tensor{x, minT, maxT}, func(g *Tensor) []*Tensor {
		out := []*Tensor{g.Mul(inside.toDType(g.dtype)), nil, nil}
		xp := x.plain()
		if wants(minT) {
			pred := xp.Lt(lo)
			if hi != nil {
				pred = pred.LogicalAnd(lo.Lt(hi))
			}
			out[1] = sumToShape(g.Mul(pred.toDType(g.dtype)), minT.shape)
		}
		if wants(maxT) {
			pred := xp.Gt(hi)
			if lo != nil {
				pred = pred.LogicalOr(lo.Gt(hi))
			}
			out[2] = sumToShape(g.Mul(pred.toDType(g.dtype)), maxT.shape)
		}
		return out
	})
}

// Add_ adds other to t in place and returns t. The promoted result must be
// castable to t's dtype and have t's shape; otherwise it panics with
// PyTorch's RuntimeError. The other in-place ops follow the same rules.
func (t *Tensor) Add_(other any) *Tensor { return t.arith_("add_", backend.Add, other) }

// Sub_ subtracts other from t in place and returns t.
func (t *Tensor) Sub_(other any) *Tensor { return t.arith_("sub_", backend.Sub, other) }

// Mul_ multiplies t by other in place and returns t.
func (t *Tensor) Mul_(other any) *Tensor { return t.arith_("mul_", backend.Mul, other) }

// Div_ divides t by other in place and returns t (t must be floating point).
func (t *Tensor) Div_(other any) *Tensor { return t.arith_("div_", backend.Div, other) }

// arith_ runs t = t op other for Add_, Sub_, Mul_ and Div_. When autograd
// is not involved, the result keeps t's dtype and shape, and t's backend
// is a backend.InPlacer, the backend writes t directly (optimizers and
// gradient accumulation live on this); otherwise, and for every error,
// the result is computed out of place and copied in.
func (t *Tensor) arith_(name string, op backend.BinaryOp, other any) *Tensor {
	if y := t.directOperand(name, other); y != nil {
		t.be().Binary(op, t.view(), t.view(), y.expandView(t.shape))
		t.didInPlace(name, nil)
		return t
	}
	return t.assign(name, binaryOp(op, t.inPlaceSelf(), other))
}

// directOperand returns other as a tensor that arith_ can combine into t
// in place, or nil when it must take the out-of-place path.
func (t *Tensor) directOperand(name string, other any) *Tensor {
	if _, ok := t.be().(backend.InPlacer); !ok || t.dtype == Bool || resultType(name, t, other) != t.dtype {
		return nil
	}
	o, isT := other.(*Tensor)
	if isT && (o == nil || o.Device() != t.Device()) || !isT && !isNumber(other) || needsGrad(t, o) {
		return nil
	}
	for i, s := range t.strides {
		if s == 0 && t.shape[i] > 1 {
			return nil // t repeats elements: checkInPlaceShape's error
		}
	}
	y := operand(name, other, t.dtype, t.Device())
	if y.Dim() > t.Dim() {
		return nil
	}
	for i, s := range y.shape {
		if ts := t.shape[t.Dim()-y.Dim()+i]; s != ts && s != 1 {
			return nil
		}
	}
	if y.buf == t.buf && (y.offset != t.offset || !slices.Equal(y.shape, t.shape) || !slices.Equal(y.strides, t.strides)) {
		return nil // partial overlap: let assign go through a temporary
	}
	return y
}

// Pow_ raises t to exponent in place and returns t.
func (t *Tensor) Pow_(exponent any) *Tensor { return t.assign("pow_", t.inPlaceSelf().Pow(exponent)) }

// Neg_ negates t in place and returns t.
func (t *Tensor) Neg_() *Tensor { return t.assign("neg_", t.inPlaceSelf().Neg()) }

// Abs_ replaces t by |t| in place and returns t.
func (t *Tensor) Abs_() *Tensor { return t.assign("abs_", t.inPlaceSelf().Abs()) }

// Exp_ replaces t by e**t in place and returns t (t must be floating point).
func (t *Tensor) Exp_() *Tensor { return t.assign("exp_", t.inPlaceSelf().Exp()) }

// Log_ replaces t by its logarithm in place and returns t.
func (t *Tensor) Log_() *Tensor { return t.assign("log_", t.inPlaceSelf().Log()) }

// Sqrt_ replaces t by its square root in place and returns t.
func (t *Tensor) Sqrt_() *Tensor { return t.assign("sqrt_", t.inPlaceSelf().Sqrt()) }

// Sin_ replaces t by its sine in place and returns t.
func (t *Tensor) Sin_() *Tensor { return t.assign("sin_", t.inPlaceSelf().Sin()) }

// Cos_ replaces t by its cosine in place and returns t.
func (t *Tensor) Cos_() *Tensor { return t.assign("cos_", t.inPlaceSelf().Cos()) }

// Tanh_ replaces t by its hyperbolic tangent in place and returns t.
func (t *Tensor) Tanh_() *Tensor { return t.assign("tanh_", t.inPlaceSelf().Tanh()) }

// Sigmoid_ replaces t by its sigmoid in place and returns t.
func (t *Tensor) Sigmoid_() *Tensor { return t.assign("sigmoid_", t.inPlaceSelf().Sigmoid()) }

// Relu_ replaces t by max(t, 0) in place and returns t.
func (t *Tensor) Relu_() *Tensor { return t.assign("relu_", t.inPlaceSelf().Relu()) }

// Clamp_ clamps t to [min, max] in place and returns t.
func (t *Tensor) Clamp_(min, max any) *Tensor {
	return t.assign("clamp_", t.inPlaceSelf().Clamp(min, max))
}

// Floor_ rounds t down in place and returns t.
func (t *Tensor) Floor_() *Tensor { return t.assign("floor_", t.inPlaceSelf().Floor()) }

// Round_ rounds t in place (halves to even) and returns t.
func (t *Tensor) Round_() *Tensor { return t.assign("round_", t.inPlaceSelf().Round()) }

// Zero_ sets every element of t to zero and returns t.
func (t *Tensor) Zero_() *Tensor { return t.Fill_(0) }

// Fill_ sets every element of t to value, a Go number converted to t's
// dtype, and returns t.
func (t *Tensor) Fill_(value any) *Tensor {
	checkInPlaceShape("fill_", t, t.shape)
	return t.inPlace("fill_", t.RequiresGrad(), func() *Tensor {
		r := FullLike(t.plain(), value)
		return record("FillBackward0", r, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{nil} })
	}, func() { t.fill(value) })
}

// Copy_ copies src (broadcast to t's shape, converted to t's dtype, from
// any device) into t and returns t.
func (t *Tensor) Copy_(src *Tensor) *Tensor {
	shape := broadcastShapes(t.shape, src.shape)
	checkInPlaceShape("copy_", t, shape)
	if needsGrad(t, src) {
		return t.inPlace("copy_", true, func() *Tensor {
			r := src.plain().Expand(t.shape...).toDType(t.dtype).toDevice(t.Device()).Clone()
			sshape, sdt, sdev := src.shape, src.dtype, src.Device()
			return record("CopyBackwards", r, []*Tensor{t, src}, func(g *Tensor) []*Tensor {
				return []*Tensor{nil, sumToShape(g, sshape).toDType(sdt).toDevice(sdev)}
			})
		}, nil)
	}
	t.checkInPlace()
	defer t.didInPlace("copy_", nil)
	s := src
	if s.Device() != t.Device() {
		s = s.To(t.Device())
	} else if s.buf == t.buf {
		if s.offset == t.offset && slices.Equal(s.shape, t.shape) && slices.Equal(s.strides, t.strides) {
			return t
		}
		if denseRange(s) && denseRange(t) && overlaps(s, t) {
			fail(RuntimeError, "copy_", "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.")
		}
		s = s.Clone() // overlap PyTorch does not detect: copy safely
	}
	t.be().Copy(t.view(), s.expandView(t.shape))
	return t
}

// denseRange reports whether t's elements fill a block of its buffer
// without gaps or repeats (its strides are a permutation of contiguous
// strides), as PyTorch's is_non_overlapping_and_dense.
func denseRange(t *Tensor) bool {
	dims := make([]int, 0, t.Dim())
	for d, n := range t.shape {
		if n != 1 {
			dims = append(dims, d)
		}
	}
	sort.Slice(dims, func(i, j int) bool { return t.strides[dims[i]] < t.strides[dims[j]] })
	want := 1
	for _, d := range dims {
		if t.strides[d] != want {
			return false
		}
		want *= t.shape[d]
	}
	return true
}

// overlaps reports whether the buffer ranges of two dense tensors meet.
func overlaps(a, b *Tensor) bool {
	if a.Numel() == 0 || b.Numel() == 0 {
		return false
	}
	return a.offset < b.offset+b.Numel() && b.offset < a.offset+a.Numel()
}
