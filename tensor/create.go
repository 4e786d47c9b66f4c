package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"

	"gonote/tensor/backend"
	"gonote/tensor/cpu"
)

// New returns a CPU tensor holding a copy of data, a Go number or a
// (nested) slice of numbers, like torch.tensor. The dtype comes from the Go
// element type: float32 → Float32, float64 → Float64, int and int64 →
// Int64, int32 → Int32, uint8 → Uint8, bool → Bool. A number gives a 0-d
// tensor. New panics with a ValueError for ragged nested slices and with a
// TypeError for other element types.
func New(data any) *Tensor {
	if isNumber(data) {
		dt, ok := goDType(data)
		if !ok {
			fail(TypeError, "tensor", "tensor(): unsupported element type %T", data)
		}
		return scalarOf(data, dt, backend.CPU)
	}
	rv := reflect.ValueOf(data)
	var shape []int
	v := rv
	for v.Kind() == reflect.Slice {
		shape = append(shape, v.Len())
		if v.Len() == 0 {
			break
		}
		v = v.Index(0)
	}
	if len(shape) == 0 {
		fail(TypeError, "tensor", "tensor(): expected a Go number or a slice of numbers, but got %T", data)
	}
	et := rv.Type()
	for et.Kind() == reflect.Slice {
		et = et.Elem()
	}
	dt, ok := goDType(reflect.Zero(et).Interface())
	if !ok {
		fail(TypeError, "tensor", "tensor(): unsupported element type %v", et)
	}
	n := checkShape("tensor", shape)
	out := cpu.MakeSlice(dt, n)
	pos := 0
	var walk func(v reflect.Value, d int)
	walk = func(v reflect.Value, d int) {
		if v.Len() != shape[d] {
			fail(ValueError, "tensor", "expected sequence of length %d at dim %d (got %d)", shape[d], d, v.Len())
		}
		if d == len(shape)-1 {
			if v.Len() == 0 {
				return
			}
			if v.Type().Elem().Kind() == reflect.Slice {
				fail(ValueError, "tensor", "tensor(): nested slices of different depths")
			}
			pos += copyLeaf(out, pos, v.Interface())
			return
		}
		for i := 0; i < v.Len(); i++ {
			e := v.Index(i)
			if e.Kind() != reflect.Slice {
				fail(ValueError, "tensor", "tensor(): nested slices of different depths")
			}
			walk(e, d+1)
		}
	}
	walk(rv, 0)
	return fromHost(out, shape)
}

// copyLeaf copies a typed leaf slice into out at pos and returns its length.
func copyLeaf(out any, pos int, leaf any) int {
	switch o := out.(type) {
	case []float32:
		return copy(o[pos:], leaf.([]float32))
	case []float64:
		return copy(o[pos:], leaf.([]float64))
	case []int64:
		if l, ok := leaf.([]int); ok {
			for i, x := range l {
				o[pos+i] = int64(x)
			}
			return len(l)
		}
		return copy(o[pos:], leaf.([]int64))
	case []int32:
		return copy(o[pos:], leaf.([]int32))
	case []uint8:
		return copy(o[pos:], leaf.([]uint8))
	case []bool:
		return copy(o[pos:], leaf.([]bool))
	}
	return 0
}

// FromSlice returns a CPU tensor that shares the Go slice s (a []float32,
// []float64, []int64, []int32, []uint8 or []bool), like torch.from_numpy:
// writes through either are seen by the other. Without shape the tensor is
// 1-D; otherwise the shape's product must equal len(s) (one size may be -1).
// A []int is copied into an Int64 tensor, since Go's int cannot be shared
// as int64. FromSlice panics with a RuntimeError when the shape does not
// match and a TypeError for other slice types.
func FromSlice(s any, shape ...int) *Tensor {
	if is, ok := s.([]int); ok {
		c := make([]int64, len(is))
		for i, x := range is {
			c[i] = int64(x)
		}
		s = c
	}
	b, ok := cpu.Wrap(s)
	if !ok {
		fail(TypeError, "from_slice", "from_slice(): expected a []float32, []float64, []int64, []int32, []uint8 or []bool, but got %T", s)
	}
	if len(shape) == 0 {
		shape = []int{b.Len()}
	}
	shape = inferShape("view", shape, b.Len())
	return &Tensor{buf: b, dtype: b.DType(), shape: shape, strides: backend.ContiguousStrides(shape)}
}

// scalarOf returns a 0-d tensor of dtype dt holding the Go number v.
func scalarOf(v any, dt DType, dev Device) *Tensor {
	var host any
	switch dt {
	case Float32:
		host = []float32{float32(toFloat64("tensor", v))}
	case Float64:
		host = []float64{toFloat64("tensor", v)}
	case Int64:
		host = []int64{toInt64("tensor", v)}
	case Int32:
		host = []int32{int32(toInt64("tensor", v))}
	case Uint8:
		host = []uint8{uint8(toInt64("tensor", v))}
	case Bool:
		host = []bool{toFloat64("tensor", v) != 0}
	}
	if dev.Type == "cpu" {
		return fromHost(host, nil)
	}
	return &Tensor{buf: backendOf(dev).Upload(dev.Index, host), dtype: dt}
}

// fill sets every element of t to the Go number v.
func (t *Tensor) fill(v any) {
	s := scalarOf(v, t.dtype, t.Device())
	t.be().Copy(t.view(), s.expandView(t.shape))
}

// Zeros returns a float32 tensor of zeros with the given shape. Like every
// constructor it panics with a RuntimeError for a negative size or when the
// memory is not available.
func Zeros(shape ...int) *Tensor { return empty("zeros", backend.CPU, Float32, shape) }

// Ones returns a float32 tensor of ones with the given shape.
func Ones(shape ...int) *Tensor { return Full(float32(1), shape...) }

// Empty returns a float32 tensor with the given shape. Unlike PyTorch's,
// its elements are zero, since Go memory always is.
func Empty(shape ...int) *Tensor { return empty("empty", backend.CPU, Float32, shape) }

// Full returns a tensor with the given shape filled with value, whose Go
// type sets the dtype as in torch.full: a float gives Float32, an integer
// Int64, a bool Bool.
func Full(value any, shape ...int) *Tensor {
	t := empty("full", backend.CPU, scalarDType("full", value), shape)
	t.fill(value)
	return t
}

// ZerosLike returns a tensor of zeros with x's shape, dtype and device.
func ZerosLike(x *Tensor) *Tensor { return empty("zeros_like", x.Device(), x.dtype, x.shape) }

// OnesLike returns a tensor of ones with x's shape, dtype and device.
func OnesLike(x *Tensor) *Tensor { return FullLike(x, 1) }

// EmptyLike returns a tensor with x's shape, dtype and device (zeroed).
func EmptyLike(x *Tensor) *Tensor { return ZerosLike(x) }

// FullLike returns a tensor with x's shape, dtype and device, filled with
// value converted to x's dtype.
func FullLike(x *Tensor, value any) *Tensor {
	t := ZerosLike(x)
	t.fill(value)
	return t
}

// RandLike returns a tensor like x filled as by [Rand]; x must be floating point.
func RandLike(x *Tensor) *Tensor { return randomLike("rand_like", x, backend.Uniform, 0, 1) }

// RandnLike returns a tensor like x filled as by [Randn]; x must be floating point.
func RandnLike(x *Tensor) *Tensor { return randomLike("randn_like", x, backend.Normal, 0, 1) }

func randomLike(op string, x *Tensor, dist backend.Distribution, a, b float64) *Tensor {
	if !x.dtype.IsFloat() {
		fail(RuntimeError, op, "\"%s\" not implemented for '%s'", op, x.dtype)
	}
	t := ZerosLike(x)
	t.be().Random(t.view(), dist, a, b, nextSeed())
	return t
}

// Arange returns a 1-D tensor of values from start up to but excluding end,
// spaced by step: Arange(end), Arange(start, end) or Arange(start, end,
// step), with Go numbers. The result is Int64 when all arguments are
// integers and Float32 otherwise. It panics with a RuntimeError for a zero
// step or one whose sign does not lead from start to end.
func Arange(args ...any) *Tensor {
	var start, end, step any = 0, nil, 1
	switch len(args) {
	case 1:
		end = args[0]
	case 2:
		start, end = args[0], args[1]
	case 3:
		start, end, step = args[0], args[1], args[2]
	default:
		fail(TypeError, "arange", "arange() takes 1 to 3 arguments (end, start and end, or start, end and step), but got %d", len(args))
	}
	dt := Int64
	for _, a := range []any{start, end, step} {
		if scalarDType("arange", a) == Float32 {
			dt = Float32
		}
	}
	s, e, st := toFloat64("arange", start), toFloat64("arange", end), toFloat64("arange", step)
	if st == 0 {
		fail(RuntimeError, "arange", "step must be nonzero")
	}
	if (st > 0 && e < s) || (st < 0 && e > s) {
		fail(RuntimeError, "arange", "upper bound and larger bound inconsistent with step sign")
	}
	n := int(math.Ceil((e - s) / st))
	if dt == Int64 {
		si, sti := toInt64("arange", start), toInt64("arange", step)
		v := make([]int64, n)
		for i := range v {
			v[i] = si + int64(i)*sti
		}
		return fromHost(v, []int{n})
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(s + float64(i)*st)
	}
	return fromHost(v, []int{n})
}

// Linspace returns steps float32 values evenly spaced from start to end,
// both included. It reproduces PyTorch's CPU kernel bit for bit (checked
// against PyTorch 1.13): the first half counts up from start and the second
// down from end with fused multiply-adds, except that runs of 16 elements
// are done as two vectors of 8 that step from their first element. It
// panics with a RuntimeError if steps < 0.
func Linspace(start, end float64, steps int) *Tensor {
	if steps < 0 {
		fail(RuntimeError, "linspace", "number of steps must be non-negative")
	}
	v := make([]float32, steps)
	fma := func(a, b, c float32) float32 { return float32(math.FMA(float64(a), float64(b), float64(c))) }
	s, e := float32(start), float32(end)
	if steps == 1 {
		v[0] = s
	} else if steps > 1 {
		step := float32((float64(e) - float64(s)) / float64(steps-1))
		half := steps / 2
		at := func(i int) float32 {
			if i < half {
				return fma(step, float32(i), s)
			}
			return fma(-step, float32(steps-i-1), e)
		}
		const width = 8 // PyTorch's Vectorized<float> on AVX2, unrolled twice
		i := 0
		for ; i+2*width <= steps; i += 2 * width {
			for _, b := range []int{i, i + width} {
				base := at(b)
				for j := 0; j < width; j++ {
					v[b+j] = base + float32(float32(j)*step)
				}
			}
		}
		for ; i < steps; i++ {
			v[i] = at(i)
		}
	}
	return fromHost(v, []int{steps})
}

// Eye returns a float32 n×n identity matrix, or n×m when m is given.
func Eye(n int, m ...int) *Tensor {
	cols := n
	if len(m) > 0 {
		cols = m[0]
	}
	t := empty("eye", backend.CPU, Float32, []int{n, cols})
	d := t.buf.(*cpu.Buffer).Data().([]float32)
	for i := 0; i < min(n, cols); i++ {
		d[i*cols+i] = 1
	}
	return t
}

// generator is the default random generator. Every random fill draws one
// seed from it, so a sequence of calls after ManualSeed is reproducible.
var generator struct {
	sync.Mutex
	r *rand.Rand
}

// defaultSeed is PyTorch's default seed.
const defaultSeed = 67280421310721

func init() { ManualSeed(defaultSeed) }

// ManualSeed reseeds the default random generator, so that the random
// tensors made afterwards (Rand, Randn, RandInt, ...) repeat from run to
// run. The streams are gonote's own (PCG), not PyTorch's Mersenne Twister,
// so the values differ from PyTorch's for the same seed.
func ManualSeed(seed int64) {
	generator.Lock()
	defer generator.Unlock()
	generator.r = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

func nextSeed() uint64 {
	generator.Lock()
	defer generator.Unlock()
	return generator.r.Uint64()
}

func random(op string, dt DType, shape []int, dist backend.Distribution, a, b float64) *Tensor {
	t := uninit(op, backend.CPU, dt, shape)
	t.be().Random(t.view(), dist, a, b, nextSeed())
	return t
}

// Rand returns a float32 tensor of values drawn uniformly from [0, 1).
func Rand(shape ...int) *Tensor { return random("rand", Float32, shape, backend.Uniform, 0, 1) }

// Randn returns a float32 tensor of values drawn from the standard normal
// distribution.
func Randn(shape ...int) *Tensor { return random("randn", Float32, shape, backend.Normal, 0, 1) }

// RandInt returns an Int64 tensor of integers drawn uniformly from
// [low, high). It panics with a RuntimeError unless low < high.
func RandInt(low, high int, shape ...int) *Tensor {
	if low >= high {
		fail(RuntimeError, "randint", "random_ expects 'from' to be less than 'to', but got from=%d >= to=%d", low, high)
	}
	return random("randint", Int64, shape, backend.Integers, float64(low), float64(high))
}

// RandIntLike returns a tensor with x's shape, dtype and device, filled
// with integers drawn uniformly from [low, high), like
// torch.randint_like(x, low, high). It panics with PyTorch's RuntimeError
// unless low < high and both low and high-1 fit x's dtype, and warns, as
// PyTorch does, where a float dtype cannot hold every integer between.
func RandIntLike(x *Tensor, low, high int) *Tensor {
	const op = "randint_like"
	if low >= high {
		fail(RuntimeError, op, "random_ expects 'from' to be less than 'to', but got from=%d >= to=%d", low, high)
	}
	checkRandomBound(op, x.dtype, low, "from")
	checkRandomBound(op, x.dtype, high-1, "to - 1")
	t := ZerosLike(x)
	t.be().Random(t.view(), backend.Integers, float64(low), float64(high), nextSeed())
	return t
}

// checkRandomBound checks a bound of integers drawn into dtype dt as
// PyTorch's random_ does: it panics when an integer dtype cannot hold v,
// and warns when a float dtype cannot hold every integer up to v.
func checkRandomBound(op string, dt DType, v int, name string) {
	switch dt {
	case Float32, Float64:
		digits, ctype := 24, "float"
		if dt == Float64 {
			digits, ctype = 53, "double"
		}
		if v < -(1<<digits) || v > 1<<digits {
			warn(fmt.Sprintf("UserWarning: %s is out of bounds [-(2^%d), 2^%d]. Due to precision limitations %s can support discrete uniform distribution only within this range. This warning will become an error in version 1.7 release, please fix the code in advance", name, digits, digits, ctype))
		}
		return
	case Int64:
		return
	}
	lo, hi, ctype := math.MinInt32, math.MaxInt32, "int"
	switch dt {
	case Uint8:
		lo, hi, ctype = 0, math.MaxUint8, "unsigned char"
	case Bool:
		lo, hi, ctype = 0, 1, "bool"
	}
	if v < lo || v > hi {
		fail(RuntimeError, op, "%s is out of bounds for %s", name, ctype)
	}
}
