//go:build cuda

package cuda

// Benchmarks of the table (bench/cuda_vs_torch.py runs them and
// the same operations in PyTorch on the same GPU). Each times GPU work
// with Synchronize after the loop, so queued kernels count.

import (
	"testing"

	"gonote/tensor"
	"gonote/tensor/backend"
	F "gonote/tensor/nn/functional"
)

// gpuRun times f b.N times on the GPU, after a warm-up that loads the kernels.
func gpuRun(b *testing.B, f func()) {
	f()
	Synchronize()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f()
	}
	Synchronize()
}

func BenchmarkMatmul4096(b *testing.B) {
	x, y := tensor.Randn(4096, 4096).Cuda(), tensor.Randn(4096, 4096).Cuda()
	gpuRun(b, func() { x.Matmul(y).Free() })
	b.ReportMetric(2*4096*4096*4096*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkAdd2p26(b *testing.B) {
	n := 1 << 26
	x, y := tensor.Randn(n).Cuda(), tensor.Randn(n).Cuda()
	b.SetBytes(int64(n) * 12)
	gpuRun(b, func() { x.Add(y).Free() })
}

func BenchmarkSum8192(b *testing.B) {
	x := tensor.Randn(8192, 8192).Cuda()
	b.SetBytes(8192 * 8192 * 4)
	gpuRun(b, func() { x.Sum().Free() })
}

func BenchmarkSoftmax8192(b *testing.B) {
	x := tensor.Randn(8192, 8192).Cuda()
	b.SetBytes(8192 * 8192 * 8)
	gpuRun(b, func() { x.Softmax(1).Free() })
}

// BenchmarkMLPStep is one SGD step of a 784-1024-1024-10 MLP on a batch of
// 512: forward, cross-entropy, backward, update.
func BenchmarkMLPStep(b *testing.B) {
	tensor.ManualSeed(1)
	x, y := tensor.Randn(512, 784).Cuda(), tensor.RandInt(0, 10, 512).Cuda()
	var ps []*tensor.Tensor
	for _, s := range [][2]int{{1024, 784}, {1024, 1024}, {10, 1024}} {
		ps = append(ps, tensor.Randn(s[0], s[1]).Mul(0.03).Cuda().RequiresGrad_(true), tensor.Zeros(s[0]).Cuda().RequiresGrad_(true))
	}
	gpuRun(b, func() {
		h := F.Linear(x, ps[0], ps[1]).Relu()
		h = F.Linear(h, ps[2], ps[3]).Relu()
		loss := F.CrossEntropy(F.Linear(h, ps[4], ps[5]), y)
		loss.Backward()
		tensor.NoGrad(func() {
			for _, p := range ps {
				p.Sub_(p.Grad().Mul(0.01))
				p.Grad().Zero_()
			}
		})
	})
}

const copyBytes = 256 << 20

func benchUpload(b *testing.B, host []float32) {
	b.SetBytes(copyBytes)
	gpuRun(b, func() { Backend{}.Upload(0, host).(*Buffer).Free() })
}

func benchDownload(b *testing.B, host []float32) {
	g := Backend{}.Upload(0, host)
	b.SetBytes(copyBytes)
	gpuRun(b, func() { Backend{}.Download(host, g) })
}

func BenchmarkCopyH2DPageable(b *testing.B) { benchUpload(b, make([]float32, copyBytes/4)) }
func BenchmarkCopyD2HPageable(b *testing.B) { benchDownload(b, make([]float32, copyBytes/4)) }

func BenchmarkCopyH2DPinned(b *testing.B) {
	p := Pinned(backend.Float32, copyBytes/4).([]float32)
	defer FreePinned(p)
	benchUpload(b, p)
}

func BenchmarkCopyD2HPinned(b *testing.B) {
	p := Pinned(backend.Float32, copyBytes/4).([]float32)
	defer FreePinned(p)
	benchDownload(b, p)
}

// BenchmarkAddLaunch1000 is the per-op overhead: a 1,000-element add,
// through package tensor, with the GPU waited for only at the end.
func BenchmarkAddLaunch1000(b *testing.B) {
	x, y := tensor.Randn(1000).Cuda(), tensor.Randn(1000).Cuda()
	gpuRun(b, func() { x.Add(y) })
}
