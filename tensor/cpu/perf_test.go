package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonote/tensor/backend"
)

// TestReduceLarge covers the reduction paths that only large inputs take:
// row bands with private accumulators, split runs, and the float32 block
// sum. Values are small integers, so every order of summation is exact.
func TestReduceLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var c CPU
	shape := []int{700, 3, 41}
	n := 700 * 3 * 41
	f64 := make([]float64, n)
	f32 := make([]float32, n)
	for i := range f64 {
		v := float64(r.IntN(19) - 9)
		f64[i], f32[i] = v, float32(v)
	}
	strides := []int{3 * 41, 41, 1}
	for _, axes := range [][]int{{0}, {2}, {1, 2}, {0, 1, 2}, {0, 2}} {
		kshape := append([]int(nil), shape...)
		for _, a := range axes {
			kshape[a] = 1
		}
		kn := kshape[0] * kshape[1] * kshape[2]
		kstr := []int{kshape[1] * kshape[2], kshape[2], 1}
		for _, op := range []backend.ReduceOp{backend.Sum, backend.Max} {
			want := make([]float64, kn)
			for i := range want {
				if op == backend.Max {
					want[i] = math.Inf(-1)
				}
			}
			for i := 0; i < shape[0]; i++ {
				for j := 0; j < shape[1]; j++ {
					for k := 0; k < shape[2]; k++ {
						idx := [3]int{i, j, k}
						o := 0
						for d := range idx {
							if kshape[d] != 1 {
								o += idx[d] * kstr[d]
							}
						}
						v := f64[i*strides[0]+j*strides[1]+k]
						if op == backend.Sum {
							want[o] += v
						} else {
							want[o] = math.Max(want[o], v)
						}
					}
				}
			}
			for _, src := range []any{f64, f32} {
				sb, _ := Wrap(src)
				dt := sb.DType()
				db := c.Alloc(0, dt, kn)
				c.Reduce(op, backend.View{Buf: db, Shape: kshape, Strides: kstr},
					backend.View{Buf: sb, Shape: shape, Strides: strides}, axes)
				for i, w := range want {
					var got float64
					if dt == backend.Float32 {
						got = float64(db.(*Buffer).data.([]float32)[i])
					} else {
						got = db.(*Buffer).data.([]float64)[i]
					}
					if got != w {
						t.Fatalf("%v op %d axes %v at %d: %v, want %v", dt, op, axes, i, got, w)
					}
				}
			}
		}
	}
}

func TestSumFloat32(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 1023, 1024, 1025, 5000} {
		s := make([]float32, n)
		want := 0.0
		for i := range s {
			s[i] = float32(i%13) - 6
			want += float64(s[i])
		}
		if got := sumFloat32(s); got != want {
			t.Errorf("n=%d: %v, want %v", n, got, want)
		}
	}
}

// TestMatmulBLAS checks a float32 product large enough for the BLAS's own
// blocking and threads, with a transposed right operand, against a plain
// loop in float64.
func TestMatmulBLAS(t *testing.T) {
	if name := BLAS(); name != "gonum" && name != "openblas" {
		t.Fatalf("BLAS() = %q", name)
	}
	r := rand.New(rand.NewPCG(9, 10))
	m, k, n := 70, 130, 90
	a := make([]float32, m*k)
	b := make([]float32, n*k) // stored n×k, used as its transpose
	for i := range a {
		a[i] = r.Float32() - 0.5
	}
	for i := range b {
		b[i] = r.Float32() - 0.5
	}
	var c CPU
	ab, _ := Wrap(a)
	bb, _ := Wrap(b)
	db := c.Alloc(0, backend.Float32, m*n)
	c.Matmul(backend.View{Buf: db, Shape: []int{1, m, n}, Strides: []int{m * n, n, 1}},
		backend.View{Buf: ab, Shape: []int{1, m, k}, Strides: []int{0, k, 1}},
		backend.View{Buf: bb, Shape: []int{1, k, n}, Strides: []int{0, 1, k}})
	d := db.(*Buffer).data.([]float32)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			want := 0.0
			for p := 0; p < k; p++ {
				want += float64(a[i*k+p]) * float64(b[j*k+p])
			}
			if got := float64(d[i*n+j]); math.Abs(got-want) > 1e-4 {
				t.Fatalf("%s: at (%d, %d): %v, want %v", BLAS(), i, j, got, want)
			}
		}
	}
}

// TestReduceEmpty covers reductions whose kept or reduced part is empty
// on strided (non-run) layouts.
func TestReduceEmpty(t *testing.T) {
	var c CPU
	src, _ := Wrap([]float32{})
	for _, tc := range []struct {
		shape, strides, kshape []int
		axes                   []int
	}{
		{[]int{5, 0}, []int{1, 5}, []int{1, 0}, []int{0}},
		{[]int{0, 5}, []int{1, 1}, []int{0, 1}, []int{1}},
		{[]int{3, 0, 4}, []int{1, 12, 3}, []int{1, 0, 1}, []int{0, 2}},
	} {
		n := 1
		for _, s := range tc.kshape {
			n *= s
		}
		dst := c.Alloc(0, backend.Float32, n)
		kstr := make([]int, len(tc.kshape))
		c.Reduce(backend.Sum, backend.View{Buf: dst, Shape: tc.kshape, Strides: kstr},
			backend.View{Buf: src, Shape: tc.shape, Strides: tc.strides}, tc.axes)
	}
}

// TestSumRowsFloat32Precision sums 5,000 rows of float32 fractions over
// dim 0, through the AVX row path (sumRowsFloat32): the result is the
// float64 sum rounded to float32, give or take the last bit.
func TestSumRowsFloat32Precision(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rows, cols := 5000, 37
	src := make([]float32, rows*cols)
	want := make([]float64, cols)
	for i := range src {
		src[i] = float32(r.Float64()*2 - 0.5)
		want[i%cols] += float64(src[i])
	}
	var c CPU
	sb, _ := Wrap(src)
	db := c.Alloc(0, backend.Float32, cols)
	c.Reduce(backend.Sum, backend.View{Buf: db, Shape: []int{1, cols}, Strides: []int{cols, 1}},
		backend.View{Buf: sb, Shape: []int{rows, cols}, Strides: []int{cols, 1}}, []int{0})
	for i, w := range want {
		got := float64(db.(*Buffer).data.([]float32)[i])
		if ulp := math.Nextafter32(float32(w), float32(math.Inf(1))) - float32(w); math.Abs(got-w) > float64(ulp) {
			t.Errorf("column %d: %v, want %v", i, got, w)
		}
	}
}
