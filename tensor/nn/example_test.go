package nn_test

import (
	"fmt"

	"gonote/tensor"
	"gonote/tensor/nn"
	F "gonote/tensor/nn/functional"
	"gonote/tensor/optim"
)

func ExampleSequential() {
	tensor.ManualSeed(0)
	model := nn.NewSequential(nn.NewLinear(2, 8), nn.ReLU{}, nn.NewLinear(8, 2))
	for _, p := range nn.NamedParameters(model) {
		fmt.Println(p.Name, p.Tensor.Shape())
	}
	x := tensor.New([][]float32{{0, 1}, {1, 0}})
	y := tensor.New([]int64{1, 0})
	opt := optim.NewSGD(nn.Parameters(model), optim.SGDOptions{LR: 0.1})
	first := F.CrossEntropy(model.Forward(x), y).Item()
	for i := 0; i < 50; i++ {
		opt.ZeroGrad()
		F.CrossEntropy(model.Forward(x), y).Backward()
		opt.Step()
	}
	fmt.Println(F.CrossEntropy(model.Forward(x), y).Item() < first/4)
	// Output:
	// 0.weight [8 2]
	// 0.bias [8]
	// 2.weight [2 8]
	// 2.bias [2]
	// true
}
