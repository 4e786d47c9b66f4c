package nn_test

import (
	"testing"
	"time"

	"gonote/tensor"
	"gonote/tensor/data"
	"gonote/tensor/nn"
	F "gonote/tensor/nn/functional"
	"gonote/tensor/optim"
)

func accuracy(logits, y *tensor.Tensor) float64 {
	var acc float64
	tensor.NoGrad(func() {
		acc = logits.Argmax(1).Eq(y).To(tensor.Float32).Mean().Item()
	})
	return acc
}

func TestTrainMLPOnMoons(t *testing.T) {
	tensor.ManualSeed(1)
	x, y := data.MakeMoons(1000, 0.1, 1)
	model := nn.NewSequential(nn.NewLinear(2, 32), nn.ReLU{}, nn.NewLinear(32, 32), nn.ReLU{}, nn.NewLinear(32, 2))
	opt := optim.NewAdam(nn.Parameters(model), optim.AdamOptions{LR: 0.01})
	loader := &data.DataLoader{Dataset: data.NewTensorDataset(x, y), BatchSize: 100, Shuffle: true, Seed: 1}
	start := time.Now()
	for epoch := 0; epoch < 30; epoch++ {
		for _, b := range loader.Batches() {
			opt.ZeroGrad()
			loss := F.CrossEntropy(model.Forward(b[0]), b[1])
			loss.Backward()
			opt.Step()
		}
	}
	xt, yt := data.MakeMoons(500, 0.1, 2)
	acc := accuracy(model.Forward(xt), yt)
	t.Logf("two moons: test accuracy %.3f after %v", acc, time.Since(start))
	if acc < 0.97 {
		t.Errorf("accuracy %.3f < 0.97", acc)
	}
}

// smallCNN is a learner-style module: a struct of layers with Forward.
type smallCNN struct {
	Conv1, Conv2 *nn.Conv2d
	FC1, FC2     *nn.Linear
}

func (m *smallCNN) Forward(x *tensor.Tensor) *tensor.Tensor {
	x = F.MaxPool2d(m.Conv1.Forward(x).Relu(), 2, 0, 0)
	x = F.MaxPool2d(m.Conv2.Forward(x).Relu(), 2, 0, 0)
	return m.FC2.Forward(m.FC1.Forward(x.Flatten(1)).Relu())
}

func TestTrainCNNOnShapes(t *testing.T) {
	tensor.ManualSeed(2)
	x, y := data.MakeShapes(600, 16, 0.1, 3)
	model := &smallCNN{
		Conv1: nn.NewConv2d(1, 8, 3, F.Conv2dOptions{Padding: 1}),
		Conv2: nn.NewConv2d(8, 16, 3, F.Conv2dOptions{Padding: 1}),
		FC1:   nn.NewLinear(16*4*4, 32),
		FC2:   nn.NewLinear(32, 3),
	}
	names := []string{}
	for _, p := range nn.NamedParameters(model) {
		names = append(names, p.Name)
	}
	if len(names) != 8 || names[0] != "conv1.weight" || names[7] != "fc2.bias" {
		t.Errorf("parameter names %v", names)
	}
	opt := optim.NewAdam(nn.Parameters(model), optim.AdamOptions{LR: 0.01})
	loader := &data.DataLoader{Dataset: data.NewTensorDataset(x, y), BatchSize: 50, Shuffle: true, Seed: 2}
	start := time.Now()
	for epoch := 0; epoch < 8; epoch++ {
		for _, b := range loader.Batches() {
			opt.ZeroGrad()
			loss := F.CrossEntropy(model.Forward(b[0]), b[1])
			loss.Backward()
			opt.Step()
		}
	}
	xt, yt := data.MakeShapes(300, 16, 0.1, 4)
	acc := accuracy(model.Forward(xt), yt)
	t.Logf("shapes: test accuracy %.3f after %v", acc, time.Since(start))
	if acc < 0.95 {
		t.Errorf("accuracy %.3f < 0.95", acc)
	}
}
