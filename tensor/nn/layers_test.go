package nn_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonote/tensor"
	"gonote/tensor/nn"
	F "gonote/tensor/nn/functional"
)

func TestDefaultInitialisation(t *testing.T) {
	tensor.ManualSeed(3)
	cases := []struct {
		name         string
		weight, bias *tensor.Tensor
		fanIn        int
	}{
		{"linear", nn.NewLinear(50, 40).Weight, nn.NewLinear(50, 40).Bias, 50},
		{"conv", nn.NewConv2d(6, 8, 3).Weight, nn.NewConv2d(6, 8, 3).Bias, 54},
		{"conv_groups", nn.NewConv2d(6, 8, 3, F.Conv2dOptions{Groups: 2}).Weight, nn.NewConv2d(6, 8, 3, F.Conv2dOptions{Groups: 2}).Bias, 27},
	}
	for _, c := range cases {
		bound := 1 / math.Sqrt(float64(c.fanIn))
		for _, p := range []*tensor.Tensor{c.weight, c.bias} {
			lo, hi := p.Min().Item(), p.Max().Item()
			if lo < -bound || hi > bound || (p == c.weight && hi-lo < bound) {
				t.Errorf("%s: values in [%v, %v], want uniform on ±%v", c.name, lo, hi, bound)
			}
			if !p.RequiresGrad() || !p.IsLeaf() {
				t.Errorf("%s: parameter is not a leaf that requires grad", c.name)
			}
		}
	}
}

func TestTrainEvalModes(t *testing.T) {
	tensor.ManualSeed(4)
	drop := nn.NewDropout(0.5)
	bn := nn.NewBatchNorm1d(3)
	model := nn.NewSequential(drop, bn)
	x := tensor.Randn(8, 3).Add(2)
	y := model.Forward(x)
	if bn.NumBatchesTracked.ItemInt() != 1 || bn.RunningMean.Abs().Sum().Item() == 0 {
		t.Errorf("training forward did not update the running statistics")
	}
	_ = y
	if drop.Forward(x).Eq(0).Sum().Item() == 0 {
		t.Errorf("dropout in training mode dropped nothing")
	}
	nn.Eval(model)
	if drop.Forward(x) != x {
		t.Errorf("dropout in eval mode changed its input")
	}
	var out *tensor.Tensor
	tensor.NoGrad(func() { out = model.Forward(x) })
	want := x.Sub(bn.RunningMean).Div(bn.RunningVar.Add(1e-5).Sqrt())
	if out.Sub(want).Abs().Max().Item() > 1e-5 || bn.NumBatchesTracked.ItemInt() != 1 {
		t.Errorf("eval mode does not use the running statistics")
	}
	nn.Train(model)
	if drop.Forward(x).Eq(0).Sum().Item() == 0 {
		t.Errorf("Train did not restore training mode")
	}
	names := []string{}
	for _, e := range nn.StateDict(model) {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, " "); got != "1.weight 1.bias 1.running_mean 1.running_var 1.num_batches_tracked" {
		t.Errorf("state dict names %q", got)
	}
	if len(nn.Parameters(model)) != 2 {
		t.Errorf("parameters %v", nn.Parameters(model))
	}
}

func TestZeroGradAndShapes(t *testing.T) {
	m := nn.NewLinear(3, 2)
	m.Forward(tensor.Ones(4, 3)).Sum().Backward()
	if m.Weight.Grad() == nil || fmt.Sprint(m.Bias.Grad()) != "tensor([4., 4.])" {
		t.Fatalf("grads %v %v", m.Weight.Grad(), m.Bias.Grad())
	}
	nn.ZeroGrad(m)
	if m.Weight.Grad() != nil || m.Bias.Grad() != nil {
		t.Errorf("ZeroGrad left gradients")
	}
	cases := []struct {
		name string
		out  *tensor.Tensor
		want string
	}{
		{"conv", nn.NewConv2d(3, 4, 3, F.Conv2dOptions{Stride: 2, Padding: 1}).Forward(tensor.Zeros(2, 3, 9, 8)), "[2 4 5 4]"},
		{"maxpool", nn.MaxPool2d{Kernel: 2}.Forward(tensor.Zeros(1, 2, 5, 6)), "[1 2 2 3]"},
		{"adaptive", nn.AdaptiveAvgPool2d{H: 1, W: 1}.Forward(tensor.Zeros(2, 3, 5, 6)), "[2 3 1 1]"},
		{"flatten", nn.NewFlatten().Forward(tensor.Zeros(2, 3, 4)), "[2 12]"},
		{"flatten_zero", (&nn.Flatten{}).Forward(tensor.Zeros(2, 3, 4)), "[2 12]"},
		{"embedding", nn.NewEmbedding(10, 4).Forward(tensor.New([][]int64{{1, 2, 3}})), "[1 3 4]"},
		{"layernorm", nn.NewLayerNorm(4).Forward(tensor.Randn(2, 4)), "[2 4]"},
		{"softmax", nn.Softmax{Dim: 1}.Forward(tensor.Randn(2, 4)), "[2 4]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(c.out.Shape()); got != c.want {
			t.Errorf("%s: shape %s, want %s", c.name, got, c.want)
		}
	}
	errs := []struct {
		name string
		fn   func()
		want string
	}{
		{"conv channels", func() { nn.NewConv2d(3, 4, 3).Forward(tensor.Zeros(1, 2, 5, 5)) }, "expected input[1, 2, 5, 5] to have 3 channels, but got 2 channels instead"},
		{"linear shapes", func() { nn.NewLinear(3, 2).Forward(tensor.Zeros(4, 5)) }, "mat1 and mat2 shapes cannot be multiplied (4x5 and 3x2)"},
		{"reduction", func() { F.MSE(tensor.Zeros(2), tensor.Zeros(2), F.LossOptions{Reduction: "avg"}) }, "avg is not a valid value for reduction"},
		{"batchnorm single", func() { nn.NewBatchNorm1d(3).Forward(tensor.Zeros(1, 3)) }, "Expected more than 1 value per channel when training"},
	}
	for _, c := range errs {
		err := tensor.Catch(c.fn)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
