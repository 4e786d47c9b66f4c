package cpu

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonote/tensor/backend"
)

// randView returns a view of a fresh float64 buffer with the given shape and
// random layout: permuted, with gaps, and some dimensions reversed.
func randView(r *rand.Rand, shape []int) backend.View {
	n := len(shape)
	perm := r.Perm(n)
	strides := make([]int, n)
	s := 1 + r.IntN(2)
	for _, d := range perm {
		strides[d] = s
		s *= shape[d] + r.IntN(2)
	}
	size := s + 8
	data := make([]float64, size)
	for i := range data {
		data[i] = float64(r.IntN(19) - 9)
	}
	off := 0
	for d := range shape {
		if r.IntN(4) == 0 && shape[d] > 1 {
			off += (shape[d] - 1) * strides[d]
			strides[d] = -strides[d]
		}
	}
	b, _ := Wrap(data)
	return backend.View{Buf: b, Offset: off, Shape: slices.Clone(shape), Strides: strides}
}

// at reads element idx of a float64 view.
func at(v backend.View, idx []int) float64 {
	o := v.Offset
	for d, i := range idx {
		o += i * v.Strides[d]
	}
	return v.Buf.(*Buffer).data.([]float64)[o]
}

// each calls f with every index of shape in row-major order.
func each(shape []int, f func(idx []int)) {
	idx := make([]int, len(shape))
	n := 1
	for _, s := range shape {
		n *= s
	}
	for k := 0; k < n; k++ {
		rem := k
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d] = rem % shape[d]
			rem /= shape[d]
		}
		f(idx)
	}
}

func randShape(r *rand.Rand, big bool) []int {
	s := make([]int, r.IntN(4)+1)
	for i := range s {
		s[i] = r.IntN(4) + 1
		if big && i == len(s)-1 {
			s[i] = 300 + r.IntN(300)
		}
	}
	return s
}

func TestBinaryAndCopyOnStridedViews(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c CPU
	for iter := 0; iter < 300; iter++ {
		shape := randShape(r, iter%10 == 0)
		a, b, d := randView(r, shape), randView(r, shape), randView(r, shape)
		if r.IntN(3) == 0 { // broadcast b along a dimension
			k := r.IntN(len(shape))
			b.Strides[k] = 0
		}
		c.Binary(backend.Sub, d, a, b)
		each(shape, func(idx []int) {
			if got, want := at(d, idx), at(a, idx)-at(b, idx); got != want {
				t.Fatalf("iter %d Sub at %v: %v, want %v (shape %v, strides %v %v %v)", iter, idx, got, want, shape, d.Strides, a.Strides, b.Strides)
			}
		})
		c.Copy(d, a)
		each(shape, func(idx []int) {
			if at(d, idx) != at(a, idx) {
				t.Fatalf("iter %d Copy at %v", iter, idx)
			}
		})
	}
}

func TestReduceStrategies(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var c CPU
	for iter := 0; iter < 300; iter++ {
		shape := randShape(r, iter%7 == 0)
		src := randView(r, shape)
		var axes []int
		for d := range shape {
			if r.IntN(2) == 0 {
				axes = append(axes, d)
			}
		}
		kshape := slices.Clone(shape)
		for _, a := range axes {
			kshape[a] = 1
		}
		for _, op := range []backend.ReduceOp{backend.Sum, backend.Max} {
			dst := randView(r, kshape)
			c.Reduce(op, dst, src, axes)
			each(kshape, func(k []int) {
				want := math.Inf(-1)
				if op == backend.Sum {
					want = 0
				}
				each(shape, func(idx []int) {
					for d := range idx {
						if kshape[d] == 1 && shape[d] != 1 {
							continue
						}
						if idx[d] != k[d] {
							return
						}
					}
					if op == backend.Sum {
						want += at(src, idx)
					} else {
						want = math.Max(want, at(src, idx))
					}
				})
				if got := at(dst, k); got != want {
					t.Fatalf("iter %d op %d axes %v at %v: %v, want %v", iter, op, axes, k, got, want)
				}
			})
		}
	}
}

func TestMatmulLayouts(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var c CPU
	for iter := 0; iter < 100; iter++ {
		bt, m, k, n := r.IntN(3)+1, r.IntN(5)+1, r.IntN(5)+1, r.IntN(5)+1
		a, b := randView(r, []int{bt, m, k}), randView(r, []int{bt, k, n})
		if r.IntN(4) == 0 {
			b.Strides[0] = 0 // broadcast batch
		}
		dst := backend.View{Buf: c.Alloc(0, backend.Float64, bt*m*n), Shape: []int{bt, m, n}, Strides: []int{m * n, n, 1}}
		c.Matmul(dst, a, b)
		each(dst.Shape, func(idx []int) {
			want := 0.0
			for p := 0; p < k; p++ {
				want += at(a, []int{idx[0], idx[1], p}) * at(b, []int{idx[0], p, idx[2]})
			}
			if got := at(dst, idx); got != want {
				t.Fatalf("iter %d at %v: %v, want %v (a strides %v, b strides %v)", iter, idx, got, want, a.Strides, b.Strides)
			}
		})
	}
}

func TestGatherBounds(t *testing.T) {
	var c CPU
	src, _ := Wrap([]float32{1, 2, 3})
	idx, _ := Wrap([]int64{2, 0, 3})
	dst := c.Alloc(0, backend.Float32, 3)
	v := func(b backend.Buffer) backend.View {
		return backend.View{Buf: b, Shape: []int{3}, Strides: []int{1}}
	}
	if bad, ok := c.Gather(v(dst), v(src), v(idx), 0); ok || bad != 3 {
		t.Errorf("Gather out of range: %v %v", bad, ok)
	}
	idx.data.([]int64)[2] = 1
	if _, ok := c.Gather(v(dst), v(src), v(idx), 0); !ok || !slices.Equal(dst.(*Buffer).data.([]float32), []float32{3, 1, 2}) {
		t.Errorf("Gather: %v", dst.(*Buffer).data)
	}
}

func TestRandomReproducible(t *testing.T) {
	var c CPU
	fill := func() []float32 {
		b := c.Alloc(0, backend.Float32, 100000)
		c.Random(backend.View{Buf: b, Shape: []int{100000}, Strides: []int{1}}, backend.Normal, 0, 1, 7)
		return b.(*Buffer).data.([]float32)
	}
	if !slices.Equal(fill(), fill()) {
		t.Errorf("Random is not reproducible for a seed")
	}
}

// TestArgReduceAxes checks ArgReduce along every axis of a [4, 5, 6] view,
// with ties and NaNs, against a direct search for the first extreme.
func TestArgReduceAxes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shape, strides := []int{4, 5, 6}, []int{30, 6, 1}
	s := make([]float32, 120)
	for i := range s {
		s[i] = float32(r.IntN(5))
		if r.IntN(40) == 0 {
			s[i] = float32(math.NaN())
		}
	}
	var c CPU
	sb, _ := Wrap(s)
	for axis := 0; axis < 3; axis++ {
		for _, op := range []backend.ReduceOp{backend.Max, backend.Min} {
			ks := append([]int(nil), shape...)
			ks[axis] = 1
			kst := []int{ks[1] * ks[2], ks[2], 1}
			n := ks[0] * ks[1] * ks[2]
			vb, ib := c.Alloc(0, backend.Float32, n), c.Alloc(0, backend.Int64, n)
			c.ArgReduce(op, backend.View{Buf: vb, Shape: ks, Strides: kst}, backend.View{Buf: ib, Shape: ks, Strides: kst},
				backend.View{Buf: sb, Shape: shape, Strides: strides}, axis)
			vals, idx := vb.(*Buffer).data.([]float32), ib.(*Buffer).data.([]int64)
			for p := 0; p < n; p++ {
				pos := [3]int{p / kst[0], p / kst[1] % ks[1], p % ks[2]}
				best, bi := float32(0), 0
				for i := 0; i < shape[axis]; i++ {
					pos[axis] = i
					x := s[pos[0]*30+pos[1]*6+pos[2]]
					if i == 0 || (best == best && (x != x || (op == backend.Max && x > best) || (op == backend.Min && x < best))) {
						best, bi = x, i
					}
				}
				if idx[p] != int64(bi) || math.Float32bits(vals[p]) != math.Float32bits(best) {
					t.Fatalf("axis %d op %d at %d: (%v, %d), want (%v, %d)", axis, op, p, vals[p], idx[p], best, bi)
				}
			}
		}
	}
}
