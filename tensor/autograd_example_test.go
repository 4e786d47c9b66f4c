package tensor_test

import (
	"fmt"

	"gonote/tensor"
)

func ExampleTensor_Backward() {
	x := tensor.New([]float32{1, 2, 3}).RequiresGrad_()
	y := x.Mul(x).Sum()
	fmt.Println(y)
	y.Backward()
	fmt.Println(x.Grad())
	// Output:
	// tensor(14., grad_fn=<SumBackward0>)
	// tensor([2., 4., 6.])
}

func ExampleGrad_secondDerivative() {
	x := tensor.New(3.0).RequiresGrad_()
	y := x.Pow(3)
	dy := tensor.Grad([]*tensor.Tensor{y}, []*tensor.Tensor{x}, nil, tensor.BackwardOptions{CreateGraph: true})[0]
	d2y := tensor.Grad([]*tensor.Tensor{dy}, []*tensor.Tensor{x}, nil, tensor.BackwardOptions{})[0]
	fmt.Println(dy.Item(), d2y.Item())
	// Output: 27 18
}

func ExampleNoGrad() {
	w := tensor.New([]float32{1, 2}).RequiresGrad_()
	tensor.NoGrad(func() {
		w.Sub_(0.5) // an optimizer step: allowed without grad mode
	})
	fmt.Println(w)
	// Output: tensor([0.5000, 1.5000], requires_grad=True)
}
