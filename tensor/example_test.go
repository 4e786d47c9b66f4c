package tensor_test

import (
	"fmt"

	"gonote/tensor"
)

func ExampleNew() {
	x := tensor.New([][]float32{{1, 2}, {3, 4}})
	fmt.Println(x)
	fmt.Println(x.Shape(), x.DType())
	// Output:
	// tensor([[1., 2.],
	//         [3., 4.]])
	// [2 2] float32
}

func ExampleTensor_I() {
	x := tensor.Arange(12).Reshape(3, 4)
	fmt.Println(x.I(":, 1:3"))
	fmt.Println(x.I("::-1, -1")) // NumPy's negative step: a reversed view
	// Output:
	// tensor([[ 1,  2],
	//         [ 5,  6],
	//         [ 9, 10]])
	// tensor([11,  7,  3])
}

func ExampleTensor_Sum() {
	x := tensor.Arange(float32(6)).Reshape(2, 3)
	fmt.Println(x.Sum())
	fmt.Println(x.Sum(1, tensor.KeepDim))
	// Output:
	// tensor(15.)
	// tensor([[ 3.],
	//         [12.]])
}

func ExampleTensor_MaxDim() {
	x := tensor.New([][]float32{{1, 5, 2}, {7, 0, 7}})
	values, indices := x.MaxDim(1)
	fmt.Println(values, indices)
	// Output:
	// tensor([5., 7.]) tensor([1, 0])
}

func ExampleFromSlice() {
	data := []float32{1, 2, 3, 4}
	x := tensor.FromSlice(data, 2, 2) // shares data, like torch.from_numpy
	data[0] = 100
	fmt.Println(x)
	// Output:
	// tensor([[100.,   2.],
	//         [  3.,   4.]])
}

func ExampleCatch() {
	err := tensor.Catch(func() {
		tensor.Zeros(2, 3).Matmul(tensor.Zeros(4, 5))
	})
	fmt.Println(err)
	// Output:
	// tensor: RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)
}

func ExampleTensor_Add() {
	x := tensor.New([]int64{1, 2, 3})
	fmt.Println(x.Add(1))   // stays int64
	fmt.Println(x.Add(0.5)) // a float promotes to float32
	fmt.Println(x.Div(2))   // true division
	// Output:
	// tensor([2, 3, 4])
	// tensor([1.5000, 2.5000, 3.5000])
	// tensor([0.5000, 1.0000, 1.5000])
}
