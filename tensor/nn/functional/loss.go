package functional

import (
	"gonote/tensor"
)

// This file holds the losses.

// LossOptions configures a loss. The zero value means PyTorch's defaults.
type LossOptions struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
	// LabelSmoothing (CrossEntropy only), in [0, 1], mixes the target
	// with the uniform distribution over classes.
	LabelSmoothing float64
	// Weight rescales the loss: per class ([C]) for NLL and CrossEntropy,
	// where the "mean" reduction then divides by the summed weights of
	// the targets as PyTorch does; per element (broadcast to the input)
	// for BCE and BCEWithLogits. nil means no weights.
	Weight *tensor.Tensor
	// PosWeight (BCEWithLogits only) weighs the positive term per class,
	// like pos_weight. nil means none.
	PosWeight *tensor.Tensor
}

func lossOpts(opts []LossOptions) LossOptions {
	if len(opts) == 0 {
		return LossOptions{}
	}
	return opts[0]
}

// reduce applies the reduction of o to per-element losses l.
func reduce(op string, l *tensor.Tensor, o LossOptions) *tensor.Tensor {
	switch o.Reduction {
	case "", "mean":
		return l.Mean()
	case "sum":
		return l.Sum()
	case "none":
		return l
	}
	panic(&tensor.Error{Kind: tensor.ValueError, Op: op, Msg: o.Reduction + " is not a valid value for reduction"})
}

// MSE returns the mean squared error between input and target (same
// shape), like F.mse_loss.
func MSE(input, target *tensor.Tensor, opts ...LossOptions) *tensor.Tensor {
	d := input.Sub(target)
	return reduce("mse_loss", d.Mul(d), lossOpts(opts))
}

// L1 returns the mean absolute error, like F.l1_loss.
func L1(input, target *tensor.Tensor, opts ...LossOptions) *tensor.Tensor {
	return reduce("l1_loss", input.Sub(target).Abs(), lossOpts(opts))
}

// NLL returns the negative log-likelihood loss of log-probabilities input
// [N, C] (or [C]) at the Int64 class indices target [N] (or 0-d), like
// F.nll_loss.
func NLL(input, target *tensor.Tensor, opts ...LossOptions) *tensor.Tensor {
	if input.Dim() == 1 {
		input, target = input.Unsqueeze(0), target.Reshape(1)
	}
	if input.Dim() != 2 {
		fail("nll_loss", "gonote's nll_loss takes input of shape [N, C] or [C], but got %s", shapeStr(input.Shape()))
	}
	if target.Dim() != 1 || target.Size(0) != input.Size(0) {
		fail("nll_loss", "Expected input batch_size (%d) to match target batch_size (%d).", input.Size(0), target.Numel())
	}
	o := lossOpts(opts)
	l := input.Gather(1, target.Unsqueeze(1)).Squeeze(1).Neg()
	if o.Weight == nil {
		return reduce("nll_loss", l, o)
	}
	wy := o.Weight.IndexSelect(0, target)
	l = l.Mul(wy)
	if o.Reduction == "" || o.Reduction == "mean" {
		return l.Sum().Div(wy.Sum())
	}
	return reduce("nll_loss", l, o)
}

// CrossEntropy returns the cross-entropy between logits input [N, C] (or
// [C]) and target, like F.cross_entropy: target holds Int64 class indices
// [N], or class probabilities of input's shape (a float tensor).
// LabelSmoothing mixes the target with the uniform distribution.
func CrossEntropy(input, target *tensor.Tensor, opts ...LossOptions) *tensor.Tensor {
	o := lossOpts(opts)
	if input.Dim() == 1 {
		input = input.Unsqueeze(0)
		if target.DType().IsFloat() {
			target = target.Unsqueeze(0)
		} else {
			target = target.Reshape(1)
		}
	}
	if input.Dim() != 2 {
		fail("cross_entropy", "gonote's cross_entropy takes input of shape [N, C] or [C], but got %s", shapeStr(input.Shape()))
	}
	if o.LabelSmoothing < 0 || o.LabelSmoothing > 1 {
		fail("cross_entropy", "label_smoothing must be between 0.0 and 1.0. Got: %v", o.LabelSmoothing)
	}
	logp := input.LogSoftmax(1)
	c := float64(input.Size(1))
	eps := o.LabelSmoothing
	if target.DType().IsFloat() {
		if !equalShapes(target.Shape(), input.Shape()) {
			fail("cross_entropy", "Expected target size %s, got %s", shapeStr(input.Shape()), shapeStr(target.Shape()))
		}
		t := target
		if eps > 0 {
			t = t.Mul(1 - eps).Add(eps / c)
		}
		if o.Weight != nil {
			t = t.Mul(o.Weight)
		}
		return reduce("cross_entropy", logp.Mul(t).Sum(1).Neg(), LossOptions{Reduction: o.Reduction})
	}
	// PyTorch's cross_entropy_loss_label_smoothing: (1-ε)·NLL plus ε/C
	// times the reduced -Σ_c w_c·log p_c, normalised like the NLL.
	nll := NLL(logp, target, o)
	if eps == 0 {
		return nll
	}
	wl := logp
	if o.Weight != nil {
		wl = logp.Mul(o.Weight)
	}
	smooth := wl.Sum(1).Neg()
	switch o.Reduction {
	case "", "mean":
		if o.Weight != nil {
			smooth = smooth.Sum().Div(o.Weight.IndexSelect(0, target).Sum())
		} else {
			smooth = smooth.Mean()
		}
	case "sum":
		smooth = smooth.Sum()
	}
	return nll.Mul(1 - eps).Add(smooth.Mul(eps / c))
}

func equalShapes(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BCE returns the binary cross-entropy between probabilities input and
// target (same shape), with the logarithms clamped at -100 as PyTorch
// does, like F.binary_cross_entropy.
func BCE(input, target *tensor.Tensor, opts ...LossOptions) *tensor.Tensor {
	if !equalShapes(input.Shape(), target.Shape()) {
		panic(&tensor.Error{Kind: tensor.ValueError, Op: "binary_cross_entropy", Msg: "Using a target size that is different to the input size is deprecated. Please ensure they have the same size."})
	}
	logx := input.Log().Clamp(-100, nil)
	log1mx := input.Neg().Add(1).Log().Clamp(-100, nil)
	o := lossOpts(opts)
	l := target.Mul(logx).Add(target.Neg().Add(1).Mul(log1mx)).Neg()
	if o.Weight != nil {
		l = l.Mul(o.Weight)
	}
	return reduce("binary_cross_entropy", l, o)
}

// BCEWithLogits returns BCE(sigmoid(input), target) computed stably as
// (1 - t)·x + lw·(log(1 + exp(-|x|)) + max(-x, 0)) with lw = 1 +
// (PosWeight - 1)·t, like F.binary_cross_entropy_with_logits.
func BCEWithLogits(input, target *tensor.Tensor, opts ...LossOptions) *tensor.Tensor {
	o := lossOpts(opts)
	soft := input.Abs().Neg().Exp().Add(1).Log().Add(input.Neg().Relu())
	if o.PosWeight != nil {
		soft = soft.Mul(o.PosWeight.Sub(1).Mul(target).Add(1))
	}
	l := target.Neg().Add(1).Mul(input).Add(soft)
	if o.Weight != nil {
		l = l.Mul(o.Weight)
	}
	return reduce("binary_cross_entropy_with_logits", l, o)
}
