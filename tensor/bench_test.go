package tensor

import "testing"

// The benchmarks follow issue 4's list; bench/tensor_bench.py runs the same
// sizes in PyTorch for the ratios.

func benchMatmul(b *testing.B, n int) {
	x, y := Randn(n, n), Randn(n, n)
	b.SetBytes(int64(3 * n * n * 4))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Matmul(y)
	}
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkMatmul256(b *testing.B)  { benchMatmul(b, 256) }
func BenchmarkMatmul512(b *testing.B)  { benchMatmul(b, 512) }
func BenchmarkMatmul1024(b *testing.B) { benchMatmul(b, 1024) }
func BenchmarkMatmul2048(b *testing.B) { benchMatmul(b, 2048) }

func benchBinary(b *testing.B, n int, f func(x, y *Tensor) *Tensor) {
	x, y := Randn(n), Randn(n)
	b.SetBytes(int64(3 * n * 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f(x, y)
	}
}

func add(x, y *Tensor) *Tensor { return x.Add(y) }
func mul(x, y *Tensor) *Tensor { return x.Mul(y) }

func BenchmarkAdd1M(b *testing.B)   { benchBinary(b, 1<<20, add) }
func BenchmarkAdd16M(b *testing.B)  { benchBinary(b, 1<<24, add) }
func BenchmarkMul1M(b *testing.B)   { benchBinary(b, 1<<20, mul) }
func BenchmarkMul16M(b *testing.B)  { benchBinary(b, 1<<24, mul) }
func BenchmarkAdd1000(b *testing.B) { benchBinary(b, 1000, add) }
func BenchmarkAddScalar1M(b *testing.B) {
	benchBinary(b, 1<<20, func(x, _ *Tensor) *Tensor { return x.Add(1.5) })
}

func benchUnary(b *testing.B, x *Tensor, f func(x *Tensor) *Tensor) {
	b.SetBytes(int64(x.Numel() * 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f(x)
	}
}

func BenchmarkSum16M(b *testing.B) {
	benchUnary(b, Randn(1<<24), func(x *Tensor) *Tensor { return x.Sum() })
}
func BenchmarkSumDim1_4096(b *testing.B) {
	benchUnary(b, Randn(4096, 4096), func(x *Tensor) *Tensor { return x.Sum(1) })
}
func BenchmarkSumDim0_4096(b *testing.B) {
	benchUnary(b, Randn(4096, 4096), func(x *Tensor) *Tensor { return x.Sum(0) })
}
func BenchmarkSoftmax4096(b *testing.B) {
	benchUnary(b, Randn(4096, 4096), func(x *Tensor) *Tensor { return x.Softmax(1) })
}
func BenchmarkExp16M(b *testing.B) {
	benchUnary(b, Randn(1<<24), func(x *Tensor) *Tensor { return x.Exp() })
}
func BenchmarkTransposeCopy4096(b *testing.B) {
	benchUnary(b, Randn(4096, 4096), func(x *Tensor) *Tensor { return x.T().Contiguous() })
}
func BenchmarkRandn16M(b *testing.B) {
	b.SetBytes(4 << 24)
	for i := 0; i < b.N; i++ {
		Randn(1 << 24)
	}
}
