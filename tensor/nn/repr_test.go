package nn

import (
	"testing"

	F "gonote/tensor/nn/functional"
)

// TestModuleRepr compares with what PyTorch 1.13 prints for the same model:
// print(nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), ...)).
func TestModuleRepr(t *testing.T) {
	m := NewSequential(
		NewConv2d(1, 8, 3, F.Conv2dOptions{Padding: 1}), ReLU{}, MaxPool2d{Kernel: 2},
		withoutBias(NewConv2d(8, 16, 3, F.Conv2dOptions{Stride: 2, Dilation: 2, Groups: 2})),
		NewBatchNorm2d(16), AvgPool2d{Kernel: 2}, AdaptiveAvgPool2d{H: 1, W: 1}, NewFlatten(),
		NewLinear(16, 4), NewBatchNorm1d(4), NewLayerNorm(4), NewDropout(0.25), LeakyReLU{}, GELU{},
		Sigmoid{}, Tanh{}, Softmax{Dim: 1}, NewEmbedding(10, 3),
	)
	want := `Sequential(
  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (1): ReLU()
  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (3): Conv2d(8, 16, kernel_size=(3, 3), stride=(2, 2), dilation=(2, 2), groups=2, bias=False)
  (4): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
  (5): AvgPool2d(kernel_size=2, stride=2, padding=0)
  (6): AdaptiveAvgPool2d(output_size=(1, 1))
  (7): Flatten(start_dim=1, end_dim=-1)
  (8): Linear(in_features=16, out_features=4, bias=True)
  (9): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
  (10): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
  (11): Dropout(p=0.25, inplace=False)
  (12): LeakyReLU(negative_slope=0.01)
  (13): GELU(approximate='none')
  (14): Sigmoid()
  (15): Tanh()
  (16): Softmax(dim=1)
  (17): Embedding(10, 3)
)`
	if got := m.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func withoutBias(c *Conv2d) *Conv2d {
	c.Bias = nil
	return c
}
