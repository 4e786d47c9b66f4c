package tensor

import (
	"math"
	"strings"
	"testing"
)

// TestStringMatchesPyTorch compares String with repr() from PyTorch 1.13
// (Debian python3-torch) for the same tensors; the expected strings were
// produced by that PyTorch, with "dtype=torch." shortened to "dtype=".
func TestStringMatchesPyTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	cases := []struct {
		torch string
		make  func() *Tensor
		want  string
	}{
		{`torch.tensor([1.,2.,3.])`, func() *Tensor { return New([]float32{1, 2, 3}) }, "tensor([1., 2., 3.])"},
		{`torch.tensor([[1.,2.],[3.,4.]])`, func() *Tensor { return New([][]float32{{1, 2}, {3, 4}}) }, "tensor([[1., 2.],\n        [3., 4.]])"},
		{`torch.tensor([0.1,0.2])`, func() *Tensor { return New([]float32{0.1, 0.2}) }, "tensor([0.1000, 0.2000])"},
		{`torch.tensor([1,2,3])`, func() *Tensor { return New([]int64{1, 2, 3}) }, "tensor([1, 2, 3])"},
		{`torch.tensor([True,False])`, func() *Tensor { return New([]bool{true, false}) }, "tensor([ True, False])"},
		{`torch.tensor([2.5],dtype=torch.float64)`, func() *Tensor { return New([]float64{2.5}) }, "tensor([2.5000], dtype=float64)"},
		{`torch.tensor(3.5)`, func() *Tensor { return New(float32(3.5)) }, "tensor(3.5000)"},
		{`torch.tensor(3)`, func() *Tensor { return New(3) }, "tensor(3)"},
		{`torch.tensor([1e-5,1.])`, func() *Tensor { return New([]float32{1e-5, 1}) }, "tensor([1.0000e-05, 1.0000e+00])"},
		{`torch.tensor([1e9,1.])`, func() *Tensor { return New([]float32{1e9, 1}) }, "tensor([1.0000e+09, 1.0000e+00])"},
		{`torch.tensor([1.,1e4])`, func() *Tensor { return New([]float32{1, 1e4}) }, "tensor([1.0000e+00, 1.0000e+04])"},
		{`torch.tensor([nan,1.,inf])`, func() *Tensor { return New([]float32{nan, 1, inf}) }, "tensor([nan, 1., inf])"},
		{`torch.tensor([nan,1.5,-inf])`, func() *Tensor { return New([]float32{nan, 1.5, -inf}) }, "tensor([   nan, 1.5000,   -inf])"},
		{`torch.arange(2000)`, func() *Tensor { return Arange(2000) }, "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"},
		{`torch.arange(2000.).reshape(40,50)`, func() *Tensor { return Arange(float32(2000)).Reshape(40, 50) }, "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n         4.9000e+01],\n        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n         9.9000e+01],\n        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n         1.4900e+02],\n        ...,\n        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n         1.8990e+03],\n        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n         1.9490e+03],\n        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n         1.9990e+03]])"},
		{`torch.arange(24.).reshape(2,3,4)`, func() *Tensor { return Arange(float32(24)).Reshape(2, 3, 4) }, "tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])"},
		{`torch.zeros(0)`, func() *Tensor { return Zeros(0) }, "tensor([])"},
		{`torch.zeros(0,3)`, func() *Tensor { return Zeros(0, 3) }, "tensor([], size=(0, 3))"},
		{`torch.zeros(2,0,dtype=torch.int64)`, func() *Tensor { return Zeros(2, 0).To(Int64) }, "tensor([], size=(2, 0), dtype=int64)"},
		{`torch.arange(30)/7`, func() *Tensor { return Arange(30).Div(7) }, "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n        3.8571, 4.0000, 4.1429])"},
		{`torch.arange(100)`, func() *Tensor { return Arange(100) }, "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n        36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,\n        54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n        72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,\n        90, 91, 92, 93, 94, 95, 96, 97, 98, 99])"},
		{`torch.tensor([1,2],dtype=torch.uint8)`, func() *Tensor { return New([]uint8{1, 2}) }, "tensor([1, 2], dtype=uint8)"},
		{`torch.tensor([-1,2],dtype=torch.int32)`, func() *Tensor { return New([]int32{-1, 2}) }, "tensor([-1,  2], dtype=int32)"},
		{`torch.tensor([-0.0,0.0])`, func() *Tensor { return New([]float32{float32(math.Copysign(0, -1)), 0}) }, "tensor([-0., 0.])"},
		{`torch.tensor([0.,0.])`, func() *Tensor { return New([]float32{0, 0}) }, "tensor([0., 0.])"},
		{`torch.arange(12.).reshape(3,4).t()`, func() *Tensor { return Arange(float32(12)).Reshape(3, 4).T() }, "tensor([[ 0.,  4.,  8.],\n        [ 1.,  5.,  9.],\n        [ 2.,  6., 10.],\n        [ 3.,  7., 11.]])"},
		{`torch.arange(5000.).reshape(10,20,25)`, func() *Tensor { return Arange(float32(5000)).Reshape(10, 20, 25) }, "tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 2.2000e+01,\n          2.3000e+01, 2.4000e+01],\n         [2.5000e+01, 2.6000e+01, 2.7000e+01,  ..., 4.7000e+01,\n          4.8000e+01, 4.9000e+01],\n         [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 7.2000e+01,\n          7.3000e+01, 7.4000e+01],\n         ...,\n         [4.2500e+02, 4.2600e+02, 4.2700e+02,  ..., 4.4700e+02,\n          4.4800e+02, 4.4900e+02],\n         [4.5000e+02, 4.5100e+02, 4.5200e+02,  ..., 4.7200e+02,\n          4.7300e+02, 4.7400e+02],\n         [4.7500e+02, 4.7600e+02, 4.7700e+02,  ..., 4.9700e+02,\n          4.9800e+02, 4.9900e+02]],\n\n        [[5.0000e+02, 5.0100e+02, 5.0200e+02,  ..., 5.2200e+02,\n          5.2300e+02, 5.2400e+02],\n         [5.2500e+02, 5.2600e+02, 5.2700e+02,  ..., 5.4700e+02,\n          5.4800e+02, 5.4900e+02],\n         [5.5000e+02, 5.5100e+02, 5.5200e+02,  ..., 5.7200e+02,\n          5.7300e+02, 5.7400e+02],\n         ...,\n         [9.2500e+02, 9.2600e+02, 9.2700e+02,  ..., 9.4700e+02,\n          9.4800e+02, 9.4900e+02],\n         [9.5000e+02, 9.5100e+02, 9.5200e+02,  ..., 9.7200e+02,\n          9.7300e+02, 9.7400e+02],\n         [9.7500e+02, 9.7600e+02, 9.7700e+02,  ..., 9.9700e+02,\n          9.9800e+02, 9.9900e+02]],\n\n        [[1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.0220e+03,\n          1.0230e+03, 1.0240e+03],\n         [1.0250e+03, 1.0260e+03, 1.0270e+03,  ..., 1.0470e+03,\n          1.0480e+03, 1.0490e+03],\n         [1.0500e+03, 1.0510e+03, 1.0520e+03,  ..., 1.0720e+03,\n          1.0730e+03, 1.0740e+03],\n         ...,\n         [1.4250e+03, 1.4260e+03, 1.4270e+03,  ..., 1.4470e+03,\n          1.4480e+03, 1.4490e+03],\n         [1.4500e+03, 1.4510e+03, 1.4520e+03,  ..., 1.4720e+03,\n          1.4730e+03, 1.4740e+03],\n         [1.4750e+03, 1.4760e+03, 1.4770e+03,  ..., 1.4970e+03,\n          1.4980e+03, 1.4990e+03]],\n\n        ...,\n\n        [[3.5000e+03, 3.5010e+03, 3.5020e+03,  ..., 3.5220e+03,\n          3.5230e+03, 3.5240e+03],\n         [3.5250e+03, 3.5260e+03, 3.5270e+03,  ..., 3.5470e+03,\n          3.5480e+03, 3.5490e+03],\n         [3.5500e+03, 3.5510e+03, 3.5520e+03,  ..., 3.5720e+03,\n          3.5730e+03, 3.5740e+03],\n         ...,\n         [3.9250e+03, 3.9260e+03, 3.9270e+03,  ..., 3.9470e+03,\n          3.9480e+03, 3.9490e+03],\n         [3.9500e+03, 3.9510e+03, 3.9520e+03,  ..., 3.9720e+03,\n          3.9730e+03, 3.9740e+03],\n         [3.9750e+03, 3.9760e+03, 3.9770e+03,  ..., 3.9970e+03,\n          3.9980e+03, 3.9990e+03]],\n\n        [[4.0000e+03, 4.0010e+03, 4.0020e+03,  ..., 4.0220e+03,\n          4.0230e+03, 4.0240e+03],\n         [4.0250e+03, 4.0260e+03, 4.0270e+03,  ..., 4.0470e+03,\n          4.0480e+03, 4.0490e+03],\n         [4.0500e+03, 4.0510e+03, 4.0520e+03,  ..., 4.0720e+03,\n          4.0730e+03, 4.0740e+03],\n         ...,\n         [4.4250e+03, 4.4260e+03, 4.4270e+03,  ..., 4.4470e+03,\n          4.4480e+03, 4.4490e+03],\n         [4.4500e+03, 4.4510e+03, 4.4520e+03,  ..., 4.4720e+03,\n          4.4730e+03, 4.4740e+03],\n         [4.4750e+03, 4.4760e+03, 4.4770e+03,  ..., 4.4970e+03,\n          4.4980e+03, 4.4990e+03]],\n\n        [[4.5000e+03, 4.5010e+03, 4.5020e+03,  ..., 4.5220e+03,\n          4.5230e+03, 4.5240e+03],\n         [4.5250e+03, 4.5260e+03, 4.5270e+03,  ..., 4.5470e+03,\n          4.5480e+03, 4.5490e+03],\n         [4.5500e+03, 4.5510e+03, 4.5520e+03,  ..., 4.5720e+03,\n          4.5730e+03, 4.5740e+03],\n         ...,\n         [4.9250e+03, 4.9260e+03, 4.9270e+03,  ..., 4.9470e+03,\n          4.9480e+03, 4.9490e+03],\n         [4.9500e+03, 4.9510e+03, 4.9520e+03,  ..., 4.9720e+03,\n          4.9730e+03, 4.9740e+03],\n         [4.9750e+03, 4.9760e+03, 4.9770e+03,  ..., 4.9970e+03,\n          4.9980e+03, 4.9990e+03]]])"},
		{`torch.tensor([123456.789,0.001])`, func() *Tensor { return New([]float32{123456.789, 0.001}) }, "tensor([1.2346e+05, 1.0000e-03])"},
		{`torch.arange(20,dtype=torch.float64)/3`, func() *Tensor { return Arange(20).To(Float64).Div(3) }, "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,\n        6.0000, 6.3333], dtype=float64)"},
		{`torch.tensor([[True,False],[False,True]])`, func() *Tensor { return New([][]bool{{true, false}, {false, true}}) }, "tensor([[ True, False],\n        [False,  True]])"},
		{`torch.full((2,2),-1.5)`, func() *Tensor { return Full(-1.5, 2, 2) }, "tensor([[-1.5000, -1.5000],\n        [-1.5000, -1.5000]])"},
		{`torch.tensor([1e-4,1.])`, func() *Tensor { return New([]float32{1e-4, 1}) }, "tensor([1.0000e-04, 1.0000e+00])"},
		{`torch.linspace(-1,1,7)`, func() *Tensor { return Linspace(-1, 1, 7) }, "tensor([-1.0000e+00, -6.6667e-01, -3.3333e-01, -2.9802e-08,  3.3333e-01,\n         6.6667e-01,  1.0000e+00])"},
		{`torch.tensor(nan)`, func() *Tensor { return New(float32(nan)) }, "tensor(nan)"},
		{`torch.tensor([1e8,2e8])`, func() *Tensor { return New([]float32{1e8, 2e8}) }, "tensor([1.0000e+08, 2.0000e+08])"},
		{`torch.arange(-3.,3.)*0.37`, func() *Tensor { return Arange(float32(-3), 3).Mul(0.37) }, "tensor([-1.1100, -0.7400, -0.3700,  0.0000,  0.3700,  0.7400])"},
		{`torch.arange(1001.).reshape(1001,1)`, func() *Tensor { return Arange(1001).To(Float32).Reshape(1001, 1) }, "tensor([[   0.],\n        [   1.],\n        [   2.],\n        ...,\n        [ 998.],\n        [ 999.],\n        [1000.]])"},
		{`(torch.arange(60,dtype=torch.float64).reshape(3,20))/7`, func() *Tensor { return Arange(60).To(Float64).Reshape(3, 20).Div(7) }, "tensor([[0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n         1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n         2.5714, 2.7143],\n        [2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143, 3.8571, 4.0000,\n         4.1429, 4.2857, 4.4286, 4.5714, 4.7143, 4.8571, 5.0000, 5.1429, 5.2857,\n         5.4286, 5.5714],\n        [5.7143, 5.8571, 6.0000, 6.1429, 6.2857, 6.4286, 6.5714, 6.7143, 6.8571,\n         7.0000, 7.1429, 7.2857, 7.4286, 7.5714, 7.7143, 7.8571, 8.0000, 8.1429,\n         8.2857, 8.4286]], dtype=float64)"},
		{`torch.arange(6,dtype=torch.int32).reshape(1,2,3)`, func() *Tensor { return Arange(6).To(Int32).Reshape(1, 2, 3) }, "tensor([[[0, 1, 2],\n         [3, 4, 5]]], dtype=int32)"},
		{`torch.zeros(2,0,3,dtype=torch.bool)`, func() *Tensor { return Zeros(2, 0, 3).To(Bool) }, "tensor([], size=(2, 0, 3), dtype=bool)"},
		{`torch.tensor([1e-10,1e10],dtype=torch.float64)`, func() *Tensor { return New([]float64{1e-10, 1e10}) }, "tensor([1.0000e-10, 1.0000e+10], dtype=float64)"},
		{`torch.tensor([-1234.5,0.5])`, func() *Tensor { return New([]float32{-1234.5, 0.5}) }, "tensor([-1.2345e+03,  5.0000e-01])"},
		{`torch.arange(3000).reshape(3,1000)`, func() *Tensor { return Arange(3000).Reshape(3, 1000) }, "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n        [1000, 1001, 1002,  ..., 1997, 1998, 1999],\n        [2000, 2001, 2002,  ..., 2997, 2998, 2999]])"},
		{`torch.tensor([2.,1.])`, func() *Tensor { return New([]float32{1, 2}).I("::-1") }, "tensor([2., 1.])"},
		{`torch.arange(10.)**3`, func() *Tensor { return Arange(float32(10)).Pow(3) }, "tensor([  0.,   1.,   8.,  27.,  64., 125., 216., 343., 512., 729.])"},
	}
	for _, c := range cases {
		t.Run(c.torch, func(t *testing.T) {
			if got := c.make().String(); got != c.want {
				t.Errorf("%s:\ngot:\n%s\nwant:\n%s", c.torch, got, c.want)
			}
		})
	}
}

func TestElementFormatterMatchesString(t *testing.T) {
	cases := []struct {
		x     *Tensor
		index []int
		want  string
	}{
		{New([]float32{1, 2.5}), []int{1}, "2.5000"},
		{New([]float32{1, 2}), []int{0}, "1."},
		{New([]float64{1e-5, 1}), []int{0}, "1.0000e-05"},
		{New([][]int64{{1, 20}, {300, 4}}), []int{1, 0}, "300"},
		{New([]bool{true, false}), []int{1}, "False"},
		{New(float32(3)), nil, "3."},
	}
	for _, c := range cases {
		if got := c.x.Formatter().Format(c.index...); got != c.want {
			t.Errorf("Format(%v) of %v = %q, want %q", c.index, c.x, got, c.want)
		}
	}
	err := Catch(func() { New([]float32{1}).Formatter().Format(3) })
	if err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Errorf("out of range index: %v", err)
	}
}
