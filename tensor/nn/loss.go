package nn

import (
	"gonote/tensor"
	F "gonote/tensor/nn/functional"
)

// This file holds the loss modules. Their zero values are PyTorch's default
// losses (reduction "mean"); the computations are in package functional.

// MSELoss is the module form of functional.MSE.
type MSELoss struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
}

// Forward returns the loss of input against target.
func (l MSELoss) Forward(input, target *tensor.Tensor) *tensor.Tensor {
	return F.MSE(input, target, F.LossOptions{Reduction: l.Reduction})
}

// L1Loss is the module form of functional.L1.
type L1Loss struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
}

// Forward returns the loss of input against target.
func (l L1Loss) Forward(input, target *tensor.Tensor) *tensor.Tensor {
	return F.L1(input, target, F.LossOptions{Reduction: l.Reduction})
}

// NLLLoss is the module form of functional.NLL.
type NLLLoss struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
}

// Forward returns the loss of input against target.
func (l NLLLoss) Forward(input, target *tensor.Tensor) *tensor.Tensor {
	return F.NLL(input, target, F.LossOptions{Reduction: l.Reduction})
}

// CrossEntropyLoss is the module form of functional.CrossEntropy.
type CrossEntropyLoss struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
	// LabelSmoothing mixes the target with the uniform distribution (0 to 1).
	LabelSmoothing float64
	// Weight holds per-class weights [C], or nil.
	Weight *tensor.Tensor
}

// Forward returns the loss of input against target.
func (l CrossEntropyLoss) Forward(input, target *tensor.Tensor) *tensor.Tensor {
	return F.CrossEntropy(input, target, F.LossOptions{Reduction: l.Reduction, LabelSmoothing: l.LabelSmoothing, Weight: l.Weight})
}

// BCELoss is the module form of functional.BCE.
type BCELoss struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
}

// Forward returns the loss of input against target.
func (l BCELoss) Forward(input, target *tensor.Tensor) *tensor.Tensor {
	return F.BCE(input, target, F.LossOptions{Reduction: l.Reduction})
}

// BCEWithLogitsLoss is the module form of functional.BCEWithLogits.
type BCEWithLogitsLoss struct {
	// Reduction is "mean" (the default, also for ""), "sum" or "none".
	Reduction string
}

// Forward returns the loss of input against target.
func (l BCEWithLogitsLoss) Forward(input, target *tensor.Tensor) *tensor.Tensor {
	return F.BCEWithLogits(input, target, F.LossOptions{Reduction: l.Reduction})
}
