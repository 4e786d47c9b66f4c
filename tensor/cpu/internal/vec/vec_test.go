package vec

import (
	"math"
	"testing"
)

// TestStream checks VV and VS against Go's float32 arithmetic bit for bit
// at lengths around StreamMin and at every alignment of dst, where the
// streaming kernels take the aligned middle part.
func TestStream(t *testing.T) {
	if !Enabled {
		t.Skip("no kernels here")
	}
	const size = StreamMin + 200
	x, y, d := make([]float32, size), make([]float32, size), make([]float32, size)
	for i := range x {
		x[i] = float32(i%1000)*0.37 - 20
		y[i] = float32(i%17)*1.3 - 7
	}
	ref := func(op Op, a, b float32) float32 {
		switch op {
		case Add:
			return a + b
		case Sub:
			return a - b
		case Mul:
			return a * b
		}
		return a / b
	}
	for _, op := range []Op{Add, Sub, Mul, Div} {
		for _, n := range []int{StreamMin - 1, StreamMin, StreamMin + 37} {
			for off := 0; off < 8; off++ {
				for _, scalar := range []bool{false, true} {
					clear(d)
					dst := d[off : off+n]
					if scalar {
						VS(op, dst, x[3:], y[5])
					} else {
						VV(op, dst, x[3:], y[1:])
					}
					for i, v := range d {
						var w float32
						if i >= off && i < off+n {
							b := y[5]
							if !scalar {
								b = y[1+i-off]
							}
							w = ref(op, x[3+i-off], b)
						}
						if math.Float32bits(v) != math.Float32bits(w) {
							t.Fatalf("op %d n %d offset %d scalar %v: d[%d] = %v, want %v", op, n, off, scalar, i, v, w)
						}
					}
				}
			}
		}
	}
}

// TestAccF64 checks AccF64 against Go's conversion and addition at lengths
// around its 16-element step.
func TestAccF64(t *testing.T) {
	if !Enabled {
		t.Skip("no kernels here")
	}
	for _, n := range []int{0, 1, 15, 16, 17, 33, 1000} {
		x := make([]float32, n+3)
		dst, want := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = float32(i)*0.37 - 5
		}
		for i := range dst {
			dst[i] = float64(i) * 1e-3
			want[i] = dst[i] + float64(x[i+1])
		}
		AccF64(dst, x[1:])
		for i := range dst {
			if dst[i] != want[i] {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, dst[i], want[i])
			}
		}
	}
}

// TestSumF32 checks SumF32 against a float64 sum, within float32 rounding
// per block, at lengths around its 1,024-value blocks.
func TestSumF32(t *testing.T) {
	if !Enabled {
		t.Skip("no kernels here")
	}
	for _, n := range []int{0, 32, 992, 1024, 1056, 4096, 100000 &^ 31} {
		x := make([]float32, n)
		want := 0.0
		for i := range x {
			x[i] = float32(i%97)*0.25 - 11
			want += float64(x[i])
		}
		if got := SumF32(x); math.Abs(got-want) > 1e-6*float64(n) {
			t.Errorf("n=%d: %v, want %v", n, got, want)
		}
	}
	ints := make([]float32, 4096)
	for i := range ints {
		ints[i] = float32(i)
	}
	if got := SumF32(ints); got != 4095*4096/2 {
		t.Errorf("sum of 0..4095 = %v", got)
	}
}
