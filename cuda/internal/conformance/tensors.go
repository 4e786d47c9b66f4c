package conformance

// Tensor-level checks: package tensor's operations and autograd on the
// backend registered as "cuda", against the CPU.

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonote/tensor"
	F "gonote/tensor/nn/functional"
)

// RunTensors runs the tensor-level checks as subtests of t. A backend must
// be registered as "cuda".
func RunTensors(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"OpFamilies", OpFamilies}, {"ConvPool", ConvPool}, {"MLPAutograd", MLPAutograd},
		{"CNNAutograd", CNNAutograd}, {"DeviceErrors", DeviceErrors},
	} {
		t.Run(c.name, c.f)
	}
}

// Near fails unless the "cuda" tensor g equals the CPU tensor c within tol
// (relative, and absolute below 1).
func Near(t *testing.T, what string, g, c *tensor.Tensor, tol float64) {
	t.Helper()
	if g.Device().Type != "cuda" {
		t.Fatalf("%s: result on %v, not on the GPU", what, g.Device())
	}
	gs, cs := g.Detach().CPU().To(tensor.Float64).Contiguous().Float64s(), c.Detach().To(tensor.Float64).Contiguous().Float64s()
	if len(gs) != len(cs) || fmt.Sprint(g.Shape()) != fmt.Sprint(c.Shape()) {
		t.Fatalf("%s: shape %v, want %v", what, g.Shape(), c.Shape())
	}
	for i := range cs {
		w, x := cs[i], gs[i]
		if math.IsNaN(w) && math.IsNaN(x) {
			continue
		}
		if math.Abs(x-w) > tol*math.Max(1, math.Abs(w)) {
			t.Fatalf("%s: element %d is %v on the GPU, %v on the CPU", what, i, x, w)
		}
	}
}

// OpFamilies compares a range of tensor ops (broadcasting, transposed
// operands, matmul, softmax, reductions, sorting, indexing, casts) on
// "cuda" with the CPU.
func OpFamilies(t *testing.T) {
	tensor.ManualSeed(1)
	x := tensor.Randn(64, 33)
	y := tensor.Randn(33)
	w := tensor.Randn(33, 17)
	idx := tensor.RandInt(0, 64, 10)
	gx, gy, gw, gi := x.Cuda(), y.Cuda(), w.Cuda(), idx.Cuda()
	xt := x.T() // non-contiguous
	for _, c := range []struct {
		name string
		f    func(x, y, w, i *tensor.Tensor) *tensor.Tensor
		tol  float64
	}{
		{"broadcast add", func(x, y, _, _ *tensor.Tensor) *tensor.Tensor { return x.Add(y) }, 1e-6},
		{"transposed mul", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.T().Mul(x.T().Exp()) }, 1e-5},
		{"matmul", func(x, _, w, _ *tensor.Tensor) *tensor.Tensor { return x.Matmul(w) }, 1e-4},
		{"matmul transposed", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.T().Matmul(x) }, 1e-4},
		{"softmax", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Softmax(1) }, 1e-5},
		{"log_softmax dim 0", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.LogSoftmax(0) }, 1e-5},
		{"sum", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Sum() }, 1e-4},
		{"mean dim", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Mean(0) }, 1e-5},
		{"var", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Var(1) }, 1e-4},
		{"max dim", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { v, _ := x.MaxDim(1); return v }, 0},
		{"argmax", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Argmax(0) }, 0},
		{"cumsum", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Cumsum(1) }, 1e-5},
		{"sort", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { v, _ := x.Sort(1, true); return v }, 0},
		{"topk indices", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { _, i := x.Topk(5, 1, true); return i }, 0},
		{"index_select", func(x, _, _, i *tensor.Tensor) *tensor.Tensor { return x.IndexSelect(0, i) }, 0},
		{"where", func(x, y, _, _ *tensor.Tensor) *tensor.Tensor { return tensor.Where(x.Gt(0), x, y) }, 0},
		{"clamp", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Clamp(-0.5, 0.5) }, 0},
		{"cat", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return tensor.Cat([]*tensor.Tensor{x, x.Neg()}, 1) }, 0},
		{"cast", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Mul(10).To(tensor.Int64) }, 0},
		{"compare", func(x, y, _, _ *tensor.Tensor) *tensor.Tensor { return x.Lt(y).LogicalOr(x.Gt(1)) }, 0},
		{"all/any", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Gt(-3).All() }, 0},
		{"slice step", func(x, _, _, _ *tensor.Tensor) *tensor.Tensor { return x.Slice(1, 1, 30, 3).Relu() }, 0},
	} {
		got := c.f(gx, gy, gw, gi)
		want := c.f(x, y, w, idx)
		Near(t, c.name, got, want, c.tol)
	}
	Near(t, "non-contiguous upload", xt.Cuda(), xt, 0)
	Near(t, "float64", x.To(tensor.Float64).Cuda().Matmul(w.To(tensor.Float64).Cuda()), x.To(tensor.Float64).Matmul(w.To(tensor.Float64)), 1e-10)
}

// ConvPool compares conv2d followed by max pooling.
func ConvPool(t *testing.T) {
	tensor.ManualSeed(2)
	x := tensor.Randn(4, 3, 16, 16)
	w := tensor.Randn(8, 3, 3, 3)
	b := tensor.Randn(8)
	o := F.Conv2dOptions{Stride: 1, Padding: 1}
	want := F.MaxPool2d(F.Conv2d(x, w, b, o), 2, 2, 0)
	got := F.MaxPool2d(F.Conv2d(x.Cuda(), w.Cuda(), b.Cuda(), o), 2, 2, 0)
	Near(t, "conv2d + max_pool2d", got, want, 1e-4)
}

// params returns leaf copies of ws on the CPU and on the GPU.
func params(ws ...*tensor.Tensor) (c, g []*tensor.Tensor) {
	for _, w := range ws {
		c = append(c, w.Clone().RequiresGrad_(true))
		g = append(g, w.Cuda().RequiresGrad_(true))
	}
	return c, g
}

// MLPAutograd compares the loss and gradients of a small MLP.
func MLPAutograd(t *testing.T) {
	tensor.ManualSeed(3)
	x, y := tensor.Randn(128, 20), tensor.RandInt(0, 5, 128)
	cp, gp := params(tensor.Randn(64, 20).Mul(0.2), tensor.Zeros(64), tensor.Randn(5, 64).Mul(0.2), tensor.Zeros(5))
	mlp := func(p []*tensor.Tensor, x, y *tensor.Tensor) *tensor.Tensor {
		h := F.Linear(x, p[0], p[1]).Relu()
		return F.CrossEntropy(F.Linear(h, p[2], p[3]), y)
	}
	lc, lg := mlp(cp, x, y), mlp(gp, x.Cuda(), y.Cuda())
	Near(t, "mlp loss", lg, lc, 1e-5)
	lc.Backward()
	lg.Backward()
	for i := range cp {
		Near(t, fmt.Sprintf("mlp grad %d", i), gp[i].Grad(), cp[i].Grad(), 1e-4)
	}
}

// CNNAutograd compares the loss and gradients of a small CNN.
func CNNAutograd(t *testing.T) {
	tensor.ManualSeed(4)
	x, y := tensor.Randn(8, 1, 12, 12), tensor.RandInt(0, 3, 8)
	cp, gp := params(tensor.Randn(4, 1, 3, 3).Mul(0.3), tensor.Zeros(4), tensor.Randn(3, 4*6*6).Mul(0.1), tensor.Zeros(3))
	cnn := func(p []*tensor.Tensor, x, y *tensor.Tensor) *tensor.Tensor {
		h := F.MaxPool2d(F.Conv2d(x, p[0], p[1], F.Conv2dOptions{Padding: 1}).Relu(), 2, 2, 0)
		return F.CrossEntropy(F.Linear(h.Flatten(1, -1), p[2], p[3]), y)
	}
	lc, lg := cnn(cp, x, y), cnn(gp, x.Cuda(), y.Cuda())
	Near(t, "cnn loss", lg, lc, 1e-5)
	lc.Backward()
	lg.Backward()
	for i := range cp {
		Near(t, fmt.Sprintf("cnn grad %d", i), gp[i].Grad(), cp[i].Grad(), 1e-4)
	}
}

// DeviceErrors checks the device-mixing and host-access errors and the
// device suffix of printed tensors.
func DeviceErrors(t *testing.T) {
	g := tensor.Ones(3).Cuda()
	for _, c := range []struct {
		fn  func()
		msg string
	}{
		{func() { g.Add(tensor.Ones(3)) }, "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"},
		{func() { g.Float32s() }, "can't convert cuda:0 device type tensor to a Go slice. Use Tensor.CPU() to copy the tensor to host memory first."},
	} {
		err := tensor.Catch(c.fn)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("error %v, want %q", err, c.msg)
		}
	}
	if s := g.String(); s != "tensor([1., 1., 1.], device='cuda:0')" {
		t.Errorf("String %q", s)
	}
}
