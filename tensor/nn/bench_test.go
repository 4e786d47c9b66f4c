package nn_test

import (
	"testing"

	"gonote/tensor"
	"gonote/tensor/nn"
	F "gonote/tensor/nn/functional"
	"gonote/tensor/optim"
)

// The benchmarks below are the gonote side of bench/autograd_vs_torch.py,
// which runs the same workloads in PyTorch and reports the ratios.

func BenchmarkMLPStep(b *testing.B) {
	model := nn.NewSequential(nn.NewLinear(784, 256), nn.ReLU{}, nn.NewLinear(256, 10))
	benchmarkStep(b, model, tensor.Randn(128, 784), tensor.RandInt(0, 10, 128))
}

func BenchmarkCNNStep(b *testing.B) {
	model := nn.NewSequential(
		nn.NewConv2d(1, 16, 3, F.Conv2dOptions{Padding: 1}), nn.ReLU{}, nn.MaxPool2d{Kernel: 2},
		nn.NewConv2d(16, 32, 3, F.Conv2dOptions{Padding: 1}), nn.ReLU{}, nn.MaxPool2d{Kernel: 2},
		nn.NewFlatten(), nn.NewLinear(32*7*7, 128), nn.ReLU{}, nn.NewLinear(128, 10))
	benchmarkStep(b, model, tensor.Randn(64, 1, 28, 28), tensor.RandInt(0, 10, 64))
}

// benchmarkStep times forward, backward and an SGD step of model on one
// batch.
func benchmarkStep(b *testing.B, model nn.Module, x, y *tensor.Tensor) {
	opt := optim.NewSGD(nn.Parameters(model), optim.SGDOptions{LR: 0.01, Momentum: 0.9})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		opt.ZeroGrad()
		F.CrossEntropy(model.Forward(x), y).Backward()
		opt.Step()
	}
	b.ReportMetric(float64(x.Size(0))*float64(b.N)/b.Elapsed().Seconds(), "examples/s")
}

// BenchmarkScalarChainBackward times building and differentiating a chain
// of 1,000 scalar ops: the graph's overhead per op.
func BenchmarkScalarChainBackward(b *testing.B) {
	x := tensor.New(float32(0.5)).RequiresGrad_()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		y := x
		for k := 0; k < 500; k++ {
			y = y.Mul(1.001).Add(0.001)
		}
		y.Backward()
		x.SetGrad(nil)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/1000, "ns/op-node")
}
