package cpu

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"gonote/tensor/backend"
)

// Matmul sets dst[i] = a[i] × b[i] for each batch i.
func (CPU) Matmul(dst, a, b backend.View) {
	defer keep(dst, a, b)
	switch d := data(dst).(type) {
	case []float32:
		matmulFloat(dst, a, b, d, data(a).([]float32), data(b).([]float32), gemm32)
	case []float64:
		matmulFloat(dst, a, b, d, data(a).([]float64), data(b).([]float64), gemm64)
	case []int64:
		matmulInt(dst, a, b, d, data(a).([]int64), data(b).([]int64))
	case []int32:
		matmulInt(dst, a, b, d, data(a).([]int32), data(b).([]int32))
	case []uint8:
		matmulInt(dst, a, b, d, data(a).([]uint8), data(b).([]uint8))
	default:
		panic("cpu: Matmul on bool")
	}
}

func gemm32(ta, tb blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	blas32.Implementation().Sgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
}

func gemm64(ta, tb blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	blas64.Implementation().Dgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
}

// operand returns the slice, transpose flag and leading dimension of a
// rows×cols matrix at offset off, copying it when BLAS cannot read it.
func operand[T float](s []T, off, rows, cols, sr, sc int) ([]T, blas.Transpose, int) {
	if rows == 0 || cols == 0 {
		return nil, blas.NoTrans, max(1, cols)
	}
	if tr, ld, ok := backend.BLASLayout(rows, cols, sr, sc); ok {
		// The last element read is at (rows-1)*sr + (cols-1)*sc.
		end := off + (rows-1)*sr + (cols-1)*sc + 1
		if tr {
			return s[off:end], blas.Trans, ld
		}
		return s[off:end], blas.NoTrans, ld
	}
	c := make([]T, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			c[i*cols+j] = s[off+i*sr+j*sc]
		}
	}
	return c, blas.NoTrans, cols
}

func matmulFloat[T float](dst, a, b backend.View, d, as, bs []T,
	gemm func(ta, tb blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int)) {
	batch, m, k, n := a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	// Small products in large batches run one batch per worker; large ones
	// rely on the BLAS's own parallelism.
	w := 1
	if m*n*k < 1<<18 {
		w = workers(batch * m * n * k / 64)
	}
	parallel(batch, w, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := d[dst.Offset+i*m*n : dst.Offset+(i+1)*m*n]
			if k == 0 {
				clear(c)
				continue
			}
			x, ta, lda := operand(as, a.Offset+i*a.Strides[0], m, k, a.Strides[1], a.Strides[2])
			y, tb, ldb := operand(bs, b.Offset+i*b.Strides[0], k, n, b.Strides[1], b.Strides[2])
			gemm(ta, tb, m, n, k, x, lda, y, ldb, c, n)
		}
	})
}

func matmulInt[T number](dst, a, b backend.View, d, as, bs []T) {
	batch, m, k, n := a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]
	parallel(batch*m, workers(batch*m*n*k), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			i, row := r/m, r%m
			ao := a.Offset + i*a.Strides[0] + row*a.Strides[1]
			bo := b.Offset + i*b.Strides[0]
			co := dst.Offset + r*n
			for j := 0; j < n; j++ {
				var s T
				for p := 0; p < k; p++ {
					s += as[ao+p*a.Strides[2]] * bs[bo+p*b.Strides[1]+j*b.Strides[2]]
				}
				d[co+j] = s
			}
		}
	})
}

// Gather sets dst[p] = src[p with axis replaced by index[p]].
func (CPU) Gather(dst, src, index backend.View, axis int) (int64, bool) {
	defer keep(dst, src, index)
	sv := backend.View{Offset: src.Offset, Shape: dst.Shape, Strides: append([]int(nil), src.Strides...)}
	sv.Strides[axis] = 0
	l := newLoop(dst.Shape, dst, index, sv)
	idx := data(index).([]int64)
	lim, ax := int64(src.Shape[axis]), src.Strides[axis]
	bad, ok := int64(0), true
	l.seq(func(o [maxOps]int, n int, st [maxOps]int) {
		if !ok {
			return
		}
		for i := 0; i < n; i++ {
			j := idx[o[1]+i*st[1]]
			if j < 0 || j >= lim {
				bad, ok = j, false
				return
			}
		}
	})
	if !ok {
		return bad, false
	}
	switch d := data(dst).(type) {
	case []float32:
		gather(l, d, data(src).([]float32), idx, ax)
	case []float64:
		gather(l, d, data(src).([]float64), idx, ax)
	case []int64:
		gather(l, d, data(src).([]int64), idx, ax)
	case []int32:
		gather(l, d, data(src).([]int32), idx, ax)
	case []uint8:
		gather(l, d, data(src).([]uint8), idx, ax)
	case []bool:
		gather(l, d, data(src).([]bool), idx, ax)
	}
	return 0, true
}

func gather[T any](l *loop, d, s []T, idx []int64, ax int) {
	l.run(func(o [maxOps]int, n int, st [maxOps]int) {
		od, oi, os := o[0], o[1], o[2]
		for i := 0; i < n; i++ {
			d[od] = s[os+int(idx[oi])*ax]
			od += st[0]
			oi += st[1]
			os += st[2]
		}
	})
}

// Scatter writes (or adds) src into dst at the positions index gives.
func (CPU) Scatter(dst, src, index backend.View, axis int, accumulate bool) (int64, bool) {
	defer keep(dst, src, index)
	dv := backend.View{Offset: dst.Offset, Shape: index.Shape, Strides: append([]int(nil), dst.Strides...)}
	dv.Strides[axis] = 0
	l := newLoop(index.Shape, dv, index, src)
	idx := data(index).([]int64)
	lim, ax := int64(dst.Shape[axis]), dst.Strides[axis]
	bad, ok := int64(0), true
	l.seq(func(o [maxOps]int, n int, st [maxOps]int) {
		for i := 0; i < n && ok; i++ {
			if j := idx[o[1]+i*st[1]]; j < 0 || j >= lim {
				bad, ok = j, false
			}
		}
	})
	if !ok {
		return bad, false
	}
	switch d := data(dst).(type) {
	case []float32:
		scatter(l, d, data(src).([]float32), idx, ax, accumulate)
	case []float64:
		scatter(l, d, data(src).([]float64), idx, ax, accumulate)
	case []int64:
		scatter(l, d, data(src).([]int64), idx, ax, accumulate)
	case []int32:
		scatter(l, d, data(src).([]int32), idx, ax, accumulate)
	case []uint8:
		scatter(l, d, data(src).([]uint8), idx, ax, accumulate)
	case []bool:
		s := data(src).([]bool)
		// Adding bools is logical or, as in PyTorch.
		l.seq(func(o [maxOps]int, n int, st [maxOps]int) {
			od, oi, os := o[0], o[1], o[2]
			for i := 0; i < n; i++ {
				p := od + int(idx[oi])*ax
				d[p] = s[os] || (accumulate && d[p])
				od += st[0]
				oi += st[1]
				os += st[2]
			}
		})
	}
	return 0, true
}

// scatter runs sequentially: several positions may hit one element.
func scatter[T number](l *loop, d, s []T, idx []int64, ax int, accumulate bool) {
	l.seq(func(o [maxOps]int, n int, st [maxOps]int) {
		od, oi, os := o[0], o[1], o[2]
		for i := 0; i < n; i++ {
			p := od + int(idx[oi])*ax
			if accumulate {
				d[p] += s[os]
			} else {
				d[p] = s[os]
			}
			od += st[0]
			oi += st[1]
			os += st[2]
		}
	})
}

// randChunk is the number of values drawn from one stream; the streams of
// a fill are independent of the number of workers, so fills reproduce.
const randChunk = 1 << 14

// Random fills the contiguous view dst.
func (CPU) Random(dst backend.View, dist backend.Distribution, a, b float64, seed uint64) {
	defer keep(dst)
	n := dst.Numel()
	chunks := (n + randChunk - 1) / randChunk
	fill := func(c int, f func(lo, hi int, r *rand.Rand)) {
		lo := c * randChunk
		hi := min(n, lo+randChunk)
		f(dst.Offset+lo, dst.Offset+hi, rand.New(rand.NewPCG(seed, uint64(c))))
	}
	var f func(lo, hi int, r *rand.Rand)
	switch d := data(dst).(type) {
	case []float32:
		f = func(lo, hi int, r *rand.Rand) {
			for i := lo; i < hi; i++ {
				d[i] = float32(draw(dist, a, b, r))
			}
		}
		if dist == backend.Uniform {
			f = func(lo, hi int, r *rand.Rand) {
				for i := lo; i < hi; i++ {
					// 24 random bits give every float32 in [0, 1) equally spaced.
					u := float32(r.Uint32()>>8) * (1.0 / (1 << 24))
					d[i] = float32(a) + u*float32(b-a)
				}
			}
		}
	case []float64:
		f = func(lo, hi int, r *rand.Rand) {
			for i := lo; i < hi; i++ {
				d[i] = draw(dist, a, b, r)
			}
		}
	case []int64:
		f = func(lo, hi int, r *rand.Rand) {
			for i := lo; i < hi; i++ {
				d[i] = int64(draw(dist, a, b, r))
			}
		}
	case []int32:
		f = func(lo, hi int, r *rand.Rand) {
			for i := lo; i < hi; i++ {
				d[i] = int32(draw(dist, a, b, r))
			}
		}
	case []uint8:
		f = func(lo, hi int, r *rand.Rand) {
			for i := lo; i < hi; i++ {
				d[i] = uint8(int64(draw(dist, a, b, r)))
			}
		}
	case []bool:
		f = func(lo, hi int, r *rand.Rand) {
			for i := lo; i < hi; i++ {
				d[i] = draw(dist, a, b, r) != 0
			}
		}
	}
	parallel(chunks, workers(n), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			fill(c, f)
		}
	})
}

func draw(dist backend.Distribution, a, b float64, r *rand.Rand) float64 {
	switch dist {
	case backend.Normal:
		return a + b*r.NormFloat64()
	case backend.Integers:
		return math.Floor(a) + float64(r.Int64N(int64(b)-int64(a)))
	}
	return a + r.Float64()*(b-a)
}

// blasName names the BLAS behind Matmul's float products; the openblas
// build tag changes it.
var blasName = "gonum"

// BLAS returns the name of the BLAS implementation that Matmul uses for
// float32 and float64: "gonum" (pure Go, the default) or "openblas" (with
// the openblas build tag).
func BLAS() string { return blasName }
