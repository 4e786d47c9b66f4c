package cpu

import (
	"fmt"
	"math"
	"slices"

	"gonote/tensor/backend"
	"gonote/tensor/cpu/internal/vec"
)

// A reducePlan splits src's axes into kept and reduced ones.
type reducePlan struct {
	keptShape, srcKept, dstKept []int
	redShape, redStr            []int // coalesced
	outputs, r                  int
	run                         bool // reduced part is one unit-stride run per output
}

func makePlan(dst, src backend.View, axes []int) reducePlan {
	var p reducePlan
	p.outputs, p.r = 1, 1
	var rs, rst []int
	for k, n := range src.Shape {
		if slices.Contains(axes, k) {
			rs = append(rs, n)
			rst = append(rst, src.Strides[k])
			p.r *= n
			continue
		}
		p.keptShape = append(p.keptShape, n)
		p.srcKept = append(p.srcKept, src.Strides[k])
		p.dstKept = append(p.dstKept, dst.Strides[k])
		p.outputs *= n
	}
	p.redShape, p.redStr = coalesce(rs, rst)
	p.run = len(p.redShape) == 0 || (len(p.redShape) == 1 && p.redStr[0] == 1)
	return p
}

// coalesce drops size-1 dimensions and merges contiguous neighbours.
func coalesce(shape, strides []int) ([]int, []int) {
	var cs, cst []int
	for d, n := range shape {
		if n == 1 {
			continue
		}
		if m := len(cs); m > 0 && cst[m-1] == strides[d]*n {
			cs[m-1] *= n
			cst[m-1] = strides[d]
			continue
		}
		cs = append(cs, n)
		cst = append(cst, strides[d])
	}
	return cs, cst
}

// Reduce reduces src over axes into dst.
func (CPU) Reduce(op backend.ReduceOp, dst, src backend.View, axes []int) {
	defer keep(dst, src)
	switch s := data(src).(type) {
	case []float32:
		reduceNum(op, dst, src, axes, s, float64(0))
	case []float64:
		reduceNum(op, dst, src, axes, s, float64(0))
	case []int64:
		reduceNum(op, dst, src, axes, s, int64(0))
	case []int32:
		reduceNum(op, dst, src, axes, s, int64(0))
	case []uint8:
		reduceNum(op, dst, src, axes, s, int64(0))
	case []bool:
		reduceBool(op, dst, src, axes, s)
	}
}

func identity[A float64 | int64](op backend.ReduceOp) A {
	var z A
	isF := any(z) != any(int64(0))
	switch op {
	case backend.Prod:
		return 1
	case backend.Max:
		if isF {
			return A(math.Inf(-1))
		}
		return A(math.MinInt64)
	case backend.Min:
		if isF {
			return A(math.Inf(1))
		}
		return A(math.MaxInt64)
	}
	return 0
}

// fold1 combines one more value into an accumulator.
func fold1[A float64 | int64](op backend.ReduceOp, a, v A) A {
	switch op {
	case backend.Sum:
		return a + v
	case backend.Prod:
		return a * v
	case backend.Max:
		if a == a && (v > a || v != v) {
			return v
		}
	case backend.Min:
		if a == a && (v < a || v != v) {
			return v
		}
	}
	return a
}

// foldRun folds a contiguous run into a.
func foldRun[T number, A float64 | int64](op backend.ReduceOp, a A, s []T) A {
	switch op {
	case backend.Sum:
		if f, ok := any(s).([]float32); ok {
			return a + A(sumFloat32(f))
		}
		// Four independent partial sums run in parallel in the CPU and
		// round less than one running sum.
		var p0, p1, p2, p3 A
		i := 0
		for ; i+4 <= len(s); i += 4 {
			v := s[i : i+4 : i+4]
			p0 += A(v[0])
			p1 += A(v[1])
			p2 += A(v[2])
			p3 += A(v[3])
		}
		for ; i < len(s); i++ {
			p0 += A(s[i])
		}
		a += (p0 + p1) + (p2 + p3)
	case backend.Prod:
		for _, x := range s {
			a *= A(x)
		}
	default:
		for _, x := range s {
			a = fold1(op, a, A(x))
		}
	}
	return a
}

// sumBlock is the number of float32 values sumFloat32 adds in float32
// before it moves the partial sums into a float64 total.
const sumBlock = 1024

// sumFloat32 sums s with eight float32 partial sums per block of sumBlock
// values and a float64 total across blocks, in the spirit of PyTorch's
// cascade sum: no float32-to-float64 conversion per element in the inner
// loop (measured about twice as fast as four float64 partial sums), and a
// rounding error that grows with the block size, not with len(s).
func sumFloat32(s []float32) float64 {
	var tot float64
	if vec.Enabled && len(s) >= 32 {
		// The same blocks, in 32 lanes with AVX.
		n := len(s) &^ 31
		tot = vec.SumF32(s[:n])
		s = s[n:]
	}
	for len(s) >= 8 {
		blk := s
		if len(blk) > sumBlock {
			blk = blk[:sumBlock]
		}
		blk = blk[:len(blk)&^7]
		var p0, p1, p2, p3, p4, p5, p6, p7 float32
		for i := 0; i+8 <= len(blk); i += 8 {
			v := blk[i : i+8 : i+8]
			p0 += v[0]
			p1 += v[1]
			p2 += v[2]
			p3 += v[3]
			p4 += v[4]
			p5 += v[5]
			p6 += v[6]
			p7 += v[7]
		}
		tot += float64((p0+p1)+(p2+p3)) + float64((p4+p5)+(p6+p7))
		s = s[len(blk):]
	}
	for _, x := range s {
		tot += float64(x)
	}
	return tot
}

// sumRowsFloat32 adds rows lo to hi of l's second operand (float32 values s)
// into acc, broadcast over the reduced axes as in reduceNum, converting
// contiguous rows with the AVX kernel: in Go the conversion of each element
// to float64 takes longer than reading the memory.
func sumRowsFloat32(l *loop, lo, hi int, acc []float64, s []float32) {
	l.rows(lo, hi, func(o [maxOps]int, n int, st [maxOps]int) {
		oa, os := o[0], o[1]
		if st[0] == 1 && st[1] == 1 {
			vec.AccF64(acc[oa:oa+n], s[os:os+n])
			return
		}
		for i := 0; i < n; i++ {
			acc[oa] += float64(s[os])
			oa += st[0]
			os += st[1]
		}
	})
}

func reduceNum[T number, A float64 | int64](op backend.ReduceOp, dst, src backend.View, axes []int, s []T, _ A) {
	p := makePlan(dst, src, axes)
	acc := make([]A, p.outputs)
	id := identity[A](op)
	for i := range acc {
		acc[i] = id
	}
	accView := backend.View{Shape: p.keptShape, Strides: backend.ContiguousStrides(p.keptShape)}
	switch {
	case p.r == 0:
	case p.run && p.outputs < workers(p.outputs*p.r):
		// Few outputs: split each run across workers and combine.
		l := newLoop(p.keptShape, accView, backend.View{Offset: src.Offset, Shape: p.keptShape, Strides: p.srcKept})
		w := workers(p.r)
		l.seq(func(o [maxOps]int, n int, st [maxOps]int) {
			for i := 0; i < n; i++ {
				oa, os := o[0]+i*st[0], o[1]+i*st[1]
				part := make([]A, w)
				for j := range part {
					part[j] = id
				}
				parts(p.r, w, func(j, lo, hi int) {
					part[j] = foldRun(op, id, s[os+lo:os+hi])
				})
				a := id
				for _, v := range part {
					a = fold1(op, a, v)
				}
				acc[oa] = a
			}
		})
	case p.run:
		l := newLoop(p.keptShape, accView, backend.View{Offset: src.Offset, Shape: p.keptShape, Strides: p.srcKept})
		l.cost = p.r
		l.run(func(o [maxOps]int, n int, st [maxOps]int) {
			oa, os := o[0], o[1]
			for i := 0; i < n; i++ {
				acc[oa] = foldRun(op, id, s[os:os+p.r])
				oa += st[0]
				os += st[1]
			}
		})
	default:
		// Accumulate in src order, the accumulator broadcast over the
		// reduced axes.
		full := make([]int, len(src.Shape))
		ks := backend.ContiguousStrides(p.keptShape)
		j := 0
		for k := range src.Shape {
			if !slices.Contains(axes, k) {
				full[k] = ks[j]
				j++
			}
		}
		l := newLoop(src.Shape, backend.View{Shape: src.Shape, Strides: full}, src)
		body := func(acc []A) rowFunc {
			return func(o [maxOps]int, n int, st [maxOps]int) {
				oa, os := o[0], o[1]
				if op == backend.Sum && st[0] == 1 && st[1] == 1 {
					av, sv := acc[oa:oa+n], s[os:os+n]
					sv = sv[:len(av)]
					for i := range av {
						av[i] += A(sv[i])
					}
					return
				}
				for i := 0; i < n; i++ {
					acc[oa] = fold1(op, acc[oa], A(s[os]))
					oa += st[0]
					os += st[1]
				}
			}
		}
		rows := 0
		if l.numel > 0 {
			rows = l.numel / l.shape[len(l.shape)-1]
		}
		if w := workers(l.numel); w > 1 && rows >= 4*w && p.outputs*w*8 <= l.numel {
			// Few outputs for many rows: each worker folds a band of rows,
			// streaming through memory, into its own accumulator; the
			// accumulators are combined at the end.
			part := make([][]A, w)
			parts(rows, w, func(j, lo, hi int) {
				a := acc
				if j > 0 {
					a = make([]A, len(acc))
					for i := range a {
						a[i] = id
					}
				}
				f32, isF32 := any(s).([]float32)
				a64, isF64 := any(a).([]float64)
				if op == backend.Sum && isF32 && isF64 && vec.Enabled {
					sumRowsFloat32(l, lo, hi, a64, f32)
				} else {
					l.rows(lo, hi, body(a))
				}
				part[j] = a
			})
			for _, a := range part[1:] {
				for i, v := range a {
					acc[i] = fold1(op, acc[i], v)
				}
			}
		} else {
			l.cols(body(acc))
		}
	}
	dv := backend.View{Buf: dst.Buf, Offset: dst.Offset, Shape: p.keptShape, Strides: p.dstKept}
	l := newLoop(p.keptShape, dv, accView)
	switch d := data(dst).(type) {
	case []float32:
		mapRow(l, d, acc, func(a A) float32 { return float32(a) })
	case []float64:
		mapRow(l, d, acc, func(a A) float64 { return float64(a) })
	case []int64:
		mapRow(l, d, acc, func(a A) int64 { return int64(a) })
	case []int32:
		mapRow(l, d, acc, func(a A) int32 { return int32(a) })
	case []uint8:
		mapRow(l, d, acc, func(a A) uint8 { return uint8(a) })
	default:
		panic(fmt.Sprintf("cpu: Reduce into %v", dst.Buf.DType()))
	}
}

func reduceBool(op backend.ReduceOp, dst, src backend.View, axes []int, s []bool) {
	if op != backend.All && op != backend.Any {
		panic(fmt.Sprintf("cpu: reduce op %d on bool", op))
	}
	p := makePlan(dst, src, axes)
	d := data(dst).([]bool)
	all := op == backend.All
	// Initialise dst, then fold src into it in src order.
	dv := backend.View{Buf: dst.Buf, Offset: dst.Offset, Shape: p.keptShape, Strides: p.dstKept}
	mapRow(newLoop(p.keptShape, dv, dv), d, d, func(bool) bool { return all })
	full := make([]int, len(src.Shape))
	j := 0
	for k := range src.Shape {
		if !slices.Contains(axes, k) {
			full[k] = p.dstKept[j]
			j++
		}
	}
	l := newLoop(src.Shape, backend.View{Offset: dst.Offset, Shape: src.Shape, Strides: full}, src)
	l.seq(func(o [maxOps]int, n int, st [maxOps]int) {
		od, os := o[0], o[1]
		for i := 0; i < n; i++ {
			if all {
				d[od] = d[od] && s[os]
			} else {
				d[od] = d[od] || s[os]
			}
			od += st[0]
			os += st[1]
		}
	})
}

// lines is a loop over every position of src but axis, with operands
// whose strides drop axis; body gets the offsets of one line per operand.
func lines(axis int, views []backend.View, cost int, body func(o [maxOps]int)) {
	shape := slices.Delete(slices.Clone(views[0].Shape), axis, axis+1)
	vs := make([]backend.View, len(views))
	for k, v := range views {
		vs[k] = backend.View{Offset: v.Offset, Shape: shape, Strides: slices.Delete(slices.Clone(v.Strides), axis, axis+1)}
	}
	l := newLoop(shape, vs...)
	l.cost = cost
	l.run(func(o [maxOps]int, n int, st [maxOps]int) {
		for i := 0; i < n; i++ {
			body(o)
			for k := range vs {
				o[k] += st[k]
			}
		}
	})
}

// ArgReduce writes the extreme values along axis and their first indices.
func (CPU) ArgReduce(op backend.ReduceOp, values, indices, src backend.View, axis int) {
	defer keep(values, indices, src)
	switch s := data(src).(type) {
	case []float32:
		argReduce(op, values, indices, src, axis, s, data(values).([]float32))
	case []float64:
		argReduce(op, values, indices, src, axis, s, data(values).([]float64))
	case []int64:
		argReduce(op, values, indices, src, axis, s, data(values).([]int64))
	case []int32:
		argReduce(op, values, indices, src, axis, s, data(values).([]int32))
	case []uint8:
		argReduce(op, values, indices, src, axis, s, data(values).([]uint8))
	default:
		panic("cpu: ArgReduce on bool")
	}
}

func argReduce[T number](op backend.ReduceOp, values, indices, src backend.View, axis int, s, v []T) {
	idx := data(indices).([]int64)
	n, st := src.Shape[axis], src.Strides[axis]
	max := op == backend.Max
	if st != 1 && n > 1 {
		argReduceRows(values, indices, src, axis, s, v, idx, max)
		return
	}
	lines(axis, []backend.View{values, indices, src}, n, func(o [maxOps]int) {
		best, bi := s[o[2]], 0
		if best == best {
			for i, os := 1, o[2]+st; i < n; i, os = i+1, os+st {
				x := s[os]
				if x != x {
					best, bi = x, i
					break
				}
				if (max && x > best) || (!max && x < best) {
					best, bi = x, i
				}
			}
		}
		v[o[0]] = best
		idx[o[1]] = int64(bi)
	})
}

// argReduceRows is argReduce for an axis that is not contiguous, such as
// the window axis of max pooling: it compares whole rows of the other
// dimensions, one position of axis after the other, instead of walking
// each strided line on its own.
func argReduceRows[T number](values, indices, src backend.View, axis int, s, v []T, idx []int64, max bool) {
	n, sa := src.Shape[axis], src.Strides[axis]
	shape := slices.Delete(slices.Clone(src.Shape), axis, axis+1)
	views := []backend.View{values, indices, src}
	for k, w := range views {
		views[k] = backend.View{Offset: w.Offset, Shape: shape, Strides: slices.Delete(slices.Clone(w.Strides), axis, axis+1)}
	}
	l := newLoop(shape, views...)
	l.cost = n
	l.run(func(o [maxOps]int, cnt int, st [maxOps]int) {
		for j, ov, oi, os := 0, o[0], o[1], o[2]; j < cnt; j, ov, oi, os = j+1, ov+st[0], oi+st[1], os+st[2] {
			v[ov], idx[oi] = s[os], 0
		}
		for i := 1; i < n; i++ {
			for j, ov, oi, os := 0, o[0], o[1], o[2]+i*sa; j < cnt; j, ov, oi, os = j+1, ov+st[0], oi+st[1], os+st[2] {
				// NaN is the extreme: once found it stays, with its index.
				if best, x := v[ov], s[os]; best == best && (x != x || (max && x > best) || (!max && x < best)) {
					v[ov], idx[oi] = x, int64(i)
				}
			}
		}
	})
}

// Scan writes running sums or products along axis.
func (CPU) Scan(op backend.ScanOp, dst, src backend.View, axis int) {
	defer keep(dst, src)
	switch s := data(src).(type) {
	case []float32:
		scan(op, dst, src, axis, s, data(dst).([]float32), float64(0))
	case []float64:
		scan(op, dst, src, axis, s, data(dst).([]float64), float64(0))
	case []int64:
		scan(op, dst, src, axis, s, data(dst).([]int64), int64(0))
	default:
		panic(fmt.Sprintf("cpu: Scan on %v", src.Buf.DType()))
	}
}

func scan[T number, A float64 | int64](op backend.ScanOp, dst, src backend.View, axis int, s, d []T, _ A) {
	n, ss, ds := src.Shape[axis], src.Strides[axis], dst.Strides[axis]
	lines(axis, []backend.View{dst, src}, n, func(o [maxOps]int) {
		var a A
		if op == backend.CumProd {
			a = 1
		}
		od, os := o[0], o[1]
		for i := 0; i < n; i++ {
			if op == backend.CumSum {
				a += A(s[os])
			} else {
				a *= A(s[os])
			}
			d[od] = T(a)
			od += ds
			os += ss
		}
	})
}

// Sort sorts src along axis.
func (CPU) Sort(values, indices, src backend.View, axis int, descending bool) {
	defer keep(values, indices, src)
	switch s := data(src).(type) {
	case []float32:
		sortLines(values, indices, src, axis, s, data(values).([]float32), descending, floatLess[float32])
	case []float64:
		sortLines(values, indices, src, axis, s, data(values).([]float64), descending, floatLess[float64])
	case []int64:
		sortLines(values, indices, src, axis, s, data(values).([]int64), descending, intLess[int64])
	case []int32:
		sortLines(values, indices, src, axis, s, data(values).([]int32), descending, intLess[int32])
	case []uint8:
		sortLines(values, indices, src, axis, s, data(values).([]uint8), descending, intLess[uint8])
	case []bool:
		sortLines(values, indices, src, axis, s, data(values).([]bool), descending, func(a, b bool) bool { return !a && b })
	}
}

// floatLess orders NaN after every number.
func floatLess[T float](a, b T) bool { return a < b || (b != b && a == a) }

func intLess[T number](a, b T) bool { return a < b }

func sortLines[T any](values, indices, src backend.View, axis int, s, v []T, desc bool, less func(a, b T) bool) {
	idx := data(indices).([]int64)
	n := src.Shape[axis]
	type pair struct {
		v T
		i int64
	}
	lines(axis, []backend.View{values, indices, src}, n*4, func(o [maxOps]int) {
		buf := make([]pair, n)
		for i := range buf {
			buf[i] = pair{s[o[2]+i*src.Strides[axis]], int64(i)}
		}
		slices.SortStableFunc(buf, func(a, b pair) int {
			x, y := a.v, b.v
			if desc {
				x, y = y, x
			}
			switch {
			case less(x, y):
				return -1
			case less(y, x):
				return 1
			}
			return 0
		})
		for i, p := range buf {
			v[o[0]+i*values.Strides[axis]] = p.v
			idx[o[1]+i*indices.Strides[axis]] = p.i
		}
	})
}
