package cpu

import (
	"fmt"
	"math"

	"gonote/tensor/backend"
	"gonote/tensor/cpu/internal/vec"
)

type number interface {
	~float32 | ~float64 | ~int64 | ~int32 | ~uint8
}

type float interface{ ~float32 | ~float64 }

// mapRow sets d = f(s) over the loop's rows (operands d, s).
func mapRow[T, U any](l *loop, d []U, s []T, f func(T) U) {
	l.run(func(o [maxOps]int, n int, st [maxOps]int) {
		od, os, sd, ss := o[0], o[1], st[0], st[1]
		if sd == 1 && ss == 1 {
			dd, sv := d[od:od+n], s[os:os+n]
			for i := range dd {
				dd[i] = f(sv[i])
			}
			return
		}
		for i := 0; i < n; i++ {
			d[od] = f(s[os])
			od += sd
			os += ss
		}
	})
}

// zipRow sets d = f(a, b) over the loop's rows (operands d, a, b).
func zipRow[T, U any](l *loop, d []U, a, b []T, f func(T, T) U) {
	l.run(func(o [maxOps]int, n int, st [maxOps]int) {
		od, oa, ob, sd, sa, sb := o[0], o[1], o[2], st[0], st[1], st[2]
		for i := 0; i < n; i++ {
			d[od] = f(a[oa], b[ob])
			od += sd
			oa += sa
			ob += sb
		}
	})
}

// Unary sets dst = op(src).
func (CPU) Unary(op backend.UnaryOp, dst, src backend.View) {
	defer keep(dst, src)
	l := newLoop(dst.Shape, dst, src)
	switch d := data(dst).(type) {
	case []float32:
		unaryFloat(op, l, d, data(src).([]float32))
	case []float64:
		unaryFloat(op, l, d, data(src).([]float64))
	case []int64:
		unaryInt(op, l, d, data(src).([]int64))
	case []int32:
		unaryInt(op, l, d, data(src).([]int32))
	case []uint8:
		unaryInt(op, l, d, data(src).([]uint8))
	case []bool:
		if op != backend.Not {
			panic(fmt.Sprintf("cpu: unary op %d on bool", op))
		}
		mapRow(l, d, data(src).([]bool), func(x bool) bool { return !x })
	}
}

func unaryFloat[T float](op backend.UnaryOp, l *loop, d, s []T) {
	var f func(float64) float64
	switch op {
	case backend.Neg:
		mapRow(l, d, s, func(x T) T { return -x })
		return
	case backend.Abs:
		mapRow(l, d, s, func(x T) T { return T(math.Abs(float64(x))) })
		return
	case backend.Relu:
		mapRow(l, d, s, func(x T) T {
			if x >= 0 || x != x { // keeps -0 and NaN, as PyTorch does
				return x
			}
			return 0
		})
		return
	case backend.Exp:
		f = math.Exp
	case backend.Log:
		f = math.Log
	case backend.Sqrt:
		f = math.Sqrt
	case backend.Sin:
		f = math.Sin
	case backend.Cos:
		f = math.Cos
	case backend.Tanh:
		f = math.Tanh
	case backend.Sigmoid:
		f = func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	case backend.Floor:
		f = math.Floor
	case backend.Ceil:
		f = math.Ceil
	case backend.Round:
		f = math.RoundToEven
	default:
		panic(fmt.Sprintf("cpu: unary op %d on float", op))
	}
	mapRow(l, d, s, func(x T) T { return T(f(float64(x))) })
}

func unaryInt[T number](op backend.UnaryOp, l *loop, d, s []T) {
	switch op {
	case backend.Neg:
		mapRow(l, d, s, func(x T) T { return -x })
	case backend.Abs:
		mapRow(l, d, s, func(x T) T {
			if x < 0 {
				return -x
			}
			return x
		})
	case backend.Relu:
		mapRow(l, d, s, func(x T) T {
			if x > 0 {
				return x
			}
			return 0
		})
	case backend.Floor, backend.Ceil, backend.Round:
		mapRow(l, d, s, func(x T) T { return x })
	default:
		panic(fmt.Sprintf("cpu: unary op %d on integers", op))
	}
}

// Binary sets dst = op(a, b).
func (CPU) Binary(op backend.BinaryOp, dst, a, b backend.View) {
	defer keep(dst, a, b)
	if op <= backend.Div && smallDense(dst, a, b) {
		// The per-op overhead of small arithmetic on dense operands: no
		// loop, no closure, no allocation.
		switch d := data(dst).(type) {
		case []float32:
			arithDense(op, dst, a, b, d, data(a).([]float32), data(b).([]float32), arithRow32)
			return
		case []float64:
			arithDense(op, dst, a, b, d, data(a).([]float64), data(b).([]float64), arithRow)
			return
		case []int64:
			arithDense(op, dst, a, b, d, data(a).([]int64), data(b).([]int64), arithRow)
			return
		}
	}
	l := newLoop(dst.Shape, dst, a, b)
	if op.IsComparison() {
		d := data(dst).([]bool)
		switch x := data(a).(type) {
		case []float32:
			compare(op, l, d, x, data(b).([]float32))
		case []float64:
			compare(op, l, d, x, data(b).([]float64))
		case []int64:
			compare(op, l, d, x, data(b).([]int64))
		case []int32:
			compare(op, l, d, x, data(b).([]int32))
		case []uint8:
			compare(op, l, d, x, data(b).([]uint8))
		case []bool:
			binaryBool(op, l, d, x, data(b).([]bool))
		}
		return
	}
	switch d := data(dst).(type) {
	case []float32:
		if x, y := data(a).([]float32), data(b).([]float32); op <= backend.Div {
			l.run(func(o [maxOps]int, n int, st [maxOps]int) { arithRow32(op, d, x, y, o, n, st) })
		} else {
			arith(op, l, d, x, y)
		}
	case []float64:
		arith(op, l, d, data(a).([]float64), data(b).([]float64))
	case []int64:
		arith(op, l, d, data(a).([]int64), data(b).([]int64))
	case []int32:
		arith(op, l, d, data(a).([]int32), data(b).([]int32))
	case []uint8:
		arith(op, l, d, data(a).([]uint8), data(b).([]uint8))
	case []bool:
		binaryBool(op, l, d, data(a).([]bool), data(b).([]bool))
	}
}

// BinaryInPlace marks that Binary takes dst equal to a: every kernel reads
// an element of a before it writes the same element of dst.
func (CPU) BinaryInPlace() {}

var _ backend.InPlacer = CPU{}

// smallDense reports whether dst and a are contiguous, b is contiguous or
// a broadcast scalar (all strides zero), and the op is too small to split
// across workers.
func smallDense(dst, a, b backend.View) bool {
	n := dst.Numel()
	return n < parThreshold && dense(dst) && dense(a) && (dense(b) || scalar(b))
}

// dense reports whether v's elements are contiguous in row-major order
// (the strides of size-1 dimensions do not matter).
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

// scalar reports whether every position of v is one element.
func scalar(v backend.View) bool {
	for i, st := range v.Strides {
		if st != 0 && v.Shape[i] != 1 {
			return false
		}
	}
	return true
}

// arithDense does Add, Sub, Mul or Div for smallDense operands with row,
// arithRow or a faster equivalent.
func arithDense[T number](op backend.BinaryOp, dst, a, b backend.View, d, x, y []T,
	row func(op backend.BinaryOp, d, a, b []T, o [maxOps]int, n int, st [maxOps]int)) {
	n := dst.Numel()
	if n == 0 {
		return
	}
	sb := 1
	if scalar(b) {
		sb = 0
	}
	row(op, d, x, y, [maxOps]int{dst.Offset, a.Offset, b.Offset}, n, [maxOps]int{1, 1, sb})
}

func isFloat[T number]() bool {
	var z T
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

func arith[T number](op backend.BinaryOp, l *loop, d, a, b []T) {
	switch op {
	case backend.Add, backend.Sub, backend.Mul, backend.Div:
		l.run(func(o [maxOps]int, n int, st [maxOps]int) {
			arithRow(op, d, a, b, o, n, st)
		})
		return
	}
	fl := isFloat[T]()
	var f func(x, y T) T
	switch op {
	case backend.Pow:
		if fl {
			f = func(x, y T) T { return T(math.Pow(float64(x), float64(y))) }
		} else {
			f = ipow[T]
		}
	case backend.Maximum:
		f = func(x, y T) T {
			if x != x || x > y {
				return x
			}
			return y
		}
	case backend.Minimum:
		f = func(x, y T) T {
			if x != x || x < y {
				return x
			}
			return y
		}
	default:
		panic(fmt.Sprintf("cpu: binary op %d on numbers", op))
	}
	zipRow(l, d, a, b, f)
}

// arithRow does one row of Add, Sub, Mul or Div with tight loops for unit
// strides and a scalar right operand.
func arithRow[T number](op backend.BinaryOp, d, a, b []T, o [maxOps]int, n int, st [maxOps]int) {
	od, oa, ob, sd, sa, sb := o[0], o[1], o[2], st[0], st[1], st[2]
	if sd == 1 && sa == 1 && sb == 1 {
		dd, aa, bb := d[od:od+n], a[oa:oa+n], b[ob:ob+n]
		aa, bb = aa[:len(dd)], bb[:len(dd)] // drops the bounds checks below
		switch op {
		case backend.Add:
			for i := range dd {
				dd[i] = aa[i] + bb[i]
			}
		case backend.Sub:
			for i := range dd {
				dd[i] = aa[i] - bb[i]
			}
		case backend.Mul:
			for i := range dd {
				dd[i] = aa[i] * bb[i]
			}
		case backend.Div:
			for i := range dd {
				dd[i] = aa[i] / bb[i]
			}
		}
		return
	}
	if sd == 1 && sa == 1 && sb == 0 {
		dd, aa, y := d[od:od+n], a[oa:oa+n], b[ob]
		aa = aa[:len(dd)]
		switch op {
		case backend.Add:
			for i := range dd {
				dd[i] = aa[i] + y
			}
		case backend.Sub:
			for i := range dd {
				dd[i] = aa[i] - y
			}
		case backend.Mul:
			for i := range dd {
				dd[i] = aa[i] * y
			}
		case backend.Div:
			for i := range dd {
				dd[i] = aa[i] / y
			}
		}
		return
	}
	for i := 0; i < n; i++ {
		x, y := a[oa], b[ob]
		switch op {
		case backend.Add:
			d[od] = x + y
		case backend.Sub:
			d[od] = x - y
		case backend.Mul:
			d[od] = x * y
		case backend.Div:
			d[od] = x / y
		}
		od += sd
		oa += sa
		ob += sb
	}
}

// arithRow32 is arithRow with package vec's kernels for rows of unit
// stride and for a scalar right operand.
func arithRow32(op backend.BinaryOp, d, a, b []float32, o [maxOps]int, n int, st [maxOps]int) {
	od, oa, ob := o[0], o[1], o[2]
	if vec.Enabled && st[0] == 1 && st[1] == 1 {
		switch st[2] {
		case 1:
			vec.VV(vec.Op(op), d[od:od+n], a[oa:oa+n], b[ob:ob+n])
			return
		case 0:
			vec.VS(vec.Op(op), d[od:od+n], a[oa:oa+n], b[ob])
			return
		}
	}
	arithRow(op, d, a, b, o, n, st)
}

// ipow is integer power by squaring (in int64, wrapping like C); negative
// exponents give 0 except for bases 1 and -1, as in PyTorch.
func ipow[T number](x, y T) T {
	b, e := int64(x), int64(y)
	if e < 0 {
		switch b {
		case 1:
			return 1
		case -1:
			if e%2 == 0 {
				return 1
			}
			return x
		}
		return 0
	}
	r := int64(1)
	for e > 0 {
		if e&1 == 1 {
			r *= b
		}
		b *= b
		e >>= 1
	}
	return T(r)
}

func compare[T number](op backend.BinaryOp, l *loop, d []bool, a, b []T) {
	var f func(x, y T) bool
	switch op {
	case backend.Eq:
		f = func(x, y T) bool { return x == y }
	case backend.Ne:
		f = func(x, y T) bool { return x != y }
	case backend.Lt:
		f = func(x, y T) bool { return x < y }
	case backend.Le:
		f = func(x, y T) bool { return x <= y }
	case backend.Gt:
		f = func(x, y T) bool { return x > y }
	case backend.Ge:
		f = func(x, y T) bool { return x >= y }
	}
	zipRow(l, d, a, b, f)
}

func binaryBool(op backend.BinaryOp, l *loop, d, a, b []bool) {
	var f func(x, y bool) bool
	switch op {
	case backend.Add, backend.Or, backend.Maximum:
		f = func(x, y bool) bool { return x || y }
	case backend.Mul, backend.And, backend.Minimum:
		f = func(x, y bool) bool { return x && y }
	case backend.Xor, backend.Ne:
		f = func(x, y bool) bool { return x != y }
	case backend.Eq:
		f = func(x, y bool) bool { return x == y }
	case backend.Lt:
		f = func(x, y bool) bool { return !x && y }
	case backend.Le:
		f = func(x, y bool) bool { return !x || y }
	case backend.Gt:
		f = func(x, y bool) bool { return x && !y }
	case backend.Ge:
		f = func(x, y bool) bool { return x || !y }
	default:
		panic(fmt.Sprintf("cpu: binary op %d on bool", op))
	}
	zipRow(l, d, a, b, f)
}

// Where sets dst = cond ? a : b.
func (CPU) Where(dst, cond, a, b backend.View) {
	defer keep(dst, cond, a, b)
	l := newLoop(dst.Shape, dst, cond, a, b)
	c := data(cond).([]bool)
	switch d := data(dst).(type) {
	case []float32:
		where(l, d, c, data(a).([]float32), data(b).([]float32))
	case []float64:
		where(l, d, c, data(a).([]float64), data(b).([]float64))
	case []int64:
		where(l, d, c, data(a).([]int64), data(b).([]int64))
	case []int32:
		where(l, d, c, data(a).([]int32), data(b).([]int32))
	case []uint8:
		where(l, d, c, data(a).([]uint8), data(b).([]uint8))
	case []bool:
		where(l, d, c, data(a).([]bool), data(b).([]bool))
	}
}

func where[T any](l *loop, d []T, c []bool, a, b []T) {
	l.run(func(o [maxOps]int, n int, st [maxOps]int) {
		od, oc, oa, ob := o[0], o[1], o[2], o[3]
		for i := 0; i < n; i++ {
			if c[oc] {
				d[od] = a[oa]
			} else {
				d[od] = b[ob]
			}
			od += st[0]
			oc += st[1]
			oa += st[2]
			ob += st[3]
		}
	})
}

// Copy sets dst = src, converting the dtype.
func (CPU) Copy(dst, src backend.View) {
	defer keep(dst, src)
	l := newLoop(dst.Shape, dst, src)
	if dst.Buf.DType() == src.Buf.DType() {
		switch d := data(dst).(type) {
		case []float32:
			copyRows(l, d, data(src).([]float32))
		case []float64:
			copyRows(l, d, data(src).([]float64))
		case []int64:
			copyRows(l, d, data(src).([]int64))
		case []int32:
			copyRows(l, d, data(src).([]int32))
		case []uint8:
			copyRows(l, d, data(src).([]uint8))
		case []bool:
			copyRows(l, d, data(src).([]bool))
		}
		return
	}
	switch d := data(dst).(type) {
	case []float32:
		castInto(l, d, data(src))
	case []float64:
		castInto(l, d, data(src))
	case []int64:
		castInto(l, d, data(src))
	case []int32:
		castInto(l, d, data(src))
	case []uint8:
		castInto(l, d, data(src))
	case []bool:
		switch s := data(src).(type) {
		case []bool:
			mapRow(l, d, s, func(x bool) bool { return x })
		case []float32:
			mapRow(l, d, s, func(x float32) bool { return x != 0 })
		case []float64:
			mapRow(l, d, s, func(x float64) bool { return x != 0 })
		case []int64:
			mapRow(l, d, s, func(x int64) bool { return x != 0 })
		case []int32:
			mapRow(l, d, s, func(x int32) bool { return x != 0 })
		case []uint8:
			mapRow(l, d, s, func(x uint8) bool { return x != 0 })
		}
	}
}

// copyRows copies rows of one dtype, with Go's copy for unit strides.
func copyRows[T any](l *loop, d, s []T) {
	l.run(func(o [maxOps]int, n int, st [maxOps]int) {
		od, os := o[0], o[1]
		if st[0] == 1 && st[1] == 1 {
			copy(d[od:od+n], s[os:os+n])
			return
		}
		for i := 0; i < n; i++ {
			d[od] = s[os]
			od += st[0]
			os += st[1]
		}
	})
}

func castInto[D number](l *loop, d []D, src any) {
	switch s := src.(type) {
	case []float32:
		castRow(l, d, s)
	case []float64:
		castRow(l, d, s)
	case []int64:
		castRow(l, d, s)
	case []int32:
		castRow(l, d, s)
	case []uint8:
		castRow(l, d, s)
	case []bool:
		mapRow(l, d, s, func(x bool) D {
			if x {
				return 1
			}
			return 0
		})
	}
}

func castRow[D, S number](l *loop, d []D, s []S) {
	if isFloat[D]() || !isFloat[S]() {
		// Exact or float-to-float conversion; integers wrap like C.
		l.run(func(o [maxOps]int, n int, st [maxOps]int) {
			od, os := o[0], o[1]
			if st[0] == 1 && st[1] == 1 {
				dd, sv := d[od:od+n], s[os:os+n]
				for i := range dd {
					dd[i] = D(sv[i])
				}
				return
			}
			for i := 0; i < n; i++ {
				d[od] = D(s[os])
				od += st[0]
				os += st[1]
			}
		})
		return
	}
	// Float to integer: truncate through int64, like PyTorch on x86.
	mapRow(l, d, s, func(x S) D { return D(int64(x)) })
}
