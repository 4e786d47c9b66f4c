package cpu

import (
	"math"
	"testing"

	"gonote/tensor/backend"
	"gonote/tensor/cpu/internal/vec"
)

// TestArithRow32 checks the float32 row kernels against Go's own float32
// arithmetic bit for bit, for every length around the 32-element blocks,
// offsets that misalign the rows, and a scalar right operand.
func TestArithRow32(t *testing.T) {
	ops := []backend.BinaryOp{backend.Add, backend.Sub, backend.Mul, backend.Div}
	for i, op := range []vec.Op{vec.Add, vec.Sub, vec.Mul, vec.Div} {
		if vec.Op(ops[i]) != op {
			t.Fatalf("vec.Op(%d) = %d, want %d: package vec's ops must follow backend.BinaryOp", ops[i], vec.Op(ops[i]), op)
		}
	}
	want := func(op backend.BinaryOp, x, y float32) float32 {
		switch op {
		case backend.Add:
			return x + y
		case backend.Sub:
			return x - y
		case backend.Mul:
			return x * y
		}
		return x / y
	}
	const size = 200
	a, b := make([]float32, size), make([]float32, size)
	for i := range a {
		a[i] = float32(i)*0.37 - 20
		b[i] = float32(i%17)*1.3 - 7
	}
	b[5], a[9] = 0, float32(math.Inf(1))
	for _, op := range ops {
		for n := 0; n <= 100; n++ {
			for _, scalar := range []bool{false, true} {
				d := make([]float32, size)
				st := [maxOps]int{1, 1, 1}
				if scalar {
					st[2] = 0
				}
				o := [maxOps]int{3, 1, 2}
				arithRow32(op, d, a, b, o, n, st)
				for i := 0; i < size; i++ {
					var w float32
					if i >= o[0] && i < o[0]+n {
						y := b[o[2]]
						if !scalar {
							y = b[o[2]+i-o[0]]
						}
						w = want(op, a[o[1]+i-o[0]], y)
					}
					if math.Float32bits(d[i]) != math.Float32bits(w) {
						t.Fatalf("op %d n %d scalar %v: d[%d] = %v, want %v", op, n, scalar, i, d[i], w)
					}
				}
			}
		}
	}
}
