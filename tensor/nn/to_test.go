package nn

import (
	"testing"

	"gonote/tensor"
)

// TestToConvertsInPlace: To changes the parameters' data, not the
// parameters, so an optimizer made before still updates them.
func TestToConvertsInPlace(t *testing.T) {
	tensor.ManualSeed(1)
	model := NewSequential(NewLinear(3, 4), ReLU{}, NewLinear(4, 2))
	before := Parameters(model)
	loss := model.Forward(tensor.Randn(5, 3)).Sum()
	loss.Backward()
	if got := To(model, tensor.Float64); got != Module(model) {
		t.Fatalf("To returned %v, want the model itself", got)
	}
	after := Parameters(model)
	for i, p := range after {
		if p != before[i] {
			t.Fatalf("parameter %d was replaced, not converted", i)
		}
		if p.DType() != tensor.Float64 || !p.RequiresGrad() || p.Grad() == nil || p.Grad().DType() != tensor.Float64 {
			t.Fatalf("parameter %d: dtype %v, requires grad %v, grad %v", i, p.DType(), p.RequiresGrad(), p.Grad())
		}
	}
	out := model.Forward(tensor.Randn(5, 3).To(tensor.Float64))
	if out.DType() != tensor.Float64 || !out.RequiresGrad() {
		t.Fatalf("forward after To: %v, requires grad %v", out.DType(), out.RequiresGrad())
	}
	if To(model, "cpu") != Module(model) || Parameters(model)[0] != before[0] {
		t.Fatal("To the device the model is on must change nothing")
	}
}

// TestSequentialMethods: a Sequential answers PyTorch's module methods
// itself, as the package functions do for any Module.
func TestSequentialMethods(t *testing.T) {
	m := NewSequential(NewLinear(3, 4), NewDropout(0.5), NewLinear(4, 2))
	if got, want := len(m.Parameters()), 4; got != want || len(m.NamedParameters()) != want || m.NamedParameters()[0].Name != "0.weight" {
		t.Fatalf("%d parameters, names %v", got, m.NamedParameters())
	}
	m.Eval()
	x := tensor.Ones(2, 3)
	if m.Forward(x).Eq(m.Forward(x)).All().Item() != 1 {
		t.Error("Dropout still drops in eval mode")
	}
	m.Train()
	m.Forward(x).Sum().Backward()
	m.ZeroGrad()
	for _, p := range m.Parameters() {
		if p.Grad() != nil {
			t.Fatal("ZeroGrad left a gradient")
		}
	}
	if m.To(tensor.Float64) != m || m.Parameters()[0].DType() != tensor.Float64 {
		t.Error("To did not convert in place")
	}
}
