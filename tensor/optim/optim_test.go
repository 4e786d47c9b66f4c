package optim

import (
	"math"
	"strings"
	"testing"

	"gonote/tensor"
)

// The update rules are compared with PyTorch's in tensor/nn's
// TestTorchAutogradCases; these tests cover defaults, schedules and errors.

func TestSchedulers(t *testing.T) {
	p := tensor.Zeros(1).RequiresGrad_()
	opt := NewSGD([]*tensor.Tensor{p}, SGDOptions{LR: 1})
	step := NewStepLR(opt, 2, 0)
	var got []float64
	for i := 0; i < 5; i++ {
		step.Step()
		got = append(got, step.LastLR())
	}
	want := []float64{1, 0.1, 0.1, 0.01, 0.01}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("StepLR epoch %d: lr %v, want %v", i+1, got[i], want[i])
		}
	}
	opt.SetLR(1)
	cos := NewCosineAnnealingLR(opt, 4, 0)
	for i, w := range []float64{(1 + math.Sqrt2/2) / 2, 0.5, (1 - math.Sqrt2/2) / 2, 0} {
		cos.Step()
		if math.Abs(cos.LastLR()-w) > 1e-12 {
			t.Errorf("cosine epoch %d: lr %v, want %v", i+1, cos.LastLR(), w)
		}
	}
}

func TestDefaultsAndSkipping(t *testing.T) {
	a := NewAdamW(nil, AdamOptions{})
	if a.LR() != 1e-3 || a.Betas != [2]float64{0.9, 0.999} || a.Eps != 1e-8 || a.WeightDecay != 0.01 {
		t.Errorf("AdamW defaults %+v", a.AdamOptions)
	}
	if NewAdamW(nil, AdamOptions{NoWeightDecay: true}).WeightDecay != 0 || NewAdam(nil, AdamOptions{}).WeightDecay != 0 {
		t.Errorf("weight decay defaults wrong")
	}
	p := tensor.New([]float32{1, 2}).RequiresGrad_()
	q := tensor.New([]float32{3}).RequiresGrad_()
	opt := NewSGD([]*tensor.Tensor{p, q}, SGDOptions{LR: 0.5})
	p.Mul(p).Sum().Backward()
	opt.Step()
	if p.String() != "tensor([0., 0.], requires_grad=True)" || q.Item() != 3 {
		t.Errorf("after a step p = %v, q = %v (q has no grad and must not move)", p, q)
	}
	opt.ZeroGrad()
	if p.Grad() != nil {
		t.Errorf("ZeroGrad kept %v", p.Grad())
	}
	err := tensor.Catch(func() { NewSGD(nil, SGDOptions{Nesterov: true}) })
	if err == nil || !strings.Contains(err.Error(), "Nesterov momentum requires a momentum and zero dampening") {
		t.Errorf("Nesterov without momentum: %v", err)
	}
}
