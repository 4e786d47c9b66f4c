// Package data feeds tensors to training loops, like torch.utils.data: a
// [Dataset] of examples, a [TensorDataset] over tensors whose first
// dimension indexes the examples, and a [DataLoader] that cuts a dataset
// into (optionally shuffled) batches. It also makes synthetic datasets that
// need no download: two moons, spirals, Gaussian blobs and small images of
// drawn shapes.
//
//	x, y := data.MakeMoons(1000, 0.1, 0)
//	loader := &data.DataLoader{Dataset: data.NewTensorDataset(x, y), BatchSize: 64, Shuffle: true}
//	for _, b := range loader.Batches() {
//		out := model.Forward(b[0])
//		loss := F.CrossEntropy(out, b[1])
//		...
//	}
//
// All randomness comes from explicit seeds, so runs repeat exactly.
package data

import (
	"math/rand/v2"

	"gonote/tensor"
)

// A Dataset is a sized collection of examples, each a list of tensors
// (such as an input and its label), like torch.utils.data.Dataset.
type Dataset interface {
	// Len returns the number of examples.
	Len() int
	// Get returns example i (0 <= i < Len()).
	Get(i int) []*tensor.Tensor
}

// TensorDataset is a Dataset over tensors of equal first dimension:
// example i is the slice [i] of each, like torch's TensorDataset.
type TensorDataset struct {
	Tensors []*tensor.Tensor
}

// NewTensorDataset returns a TensorDataset over the tensors. It panics with
// a *tensor.Error when their first dimensions differ.
func NewTensorDataset(tensors ...*tensor.Tensor) *TensorDataset {
	for _, t := range tensors {
		if t.Dim() == 0 || t.Size(0) != tensors[0].Size(0) {
			panic(&tensor.Error{Kind: tensor.ValueError, Op: "TensorDataset", Msg: "Size mismatch between tensors"})
		}
	}
	return &TensorDataset{Tensors: tensors}
}

// Len returns the size of the first dimension.
func (d *TensorDataset) Len() int {
	if len(d.Tensors) == 0 {
		return 0
	}
	return d.Tensors[0].Size(0)
}

// Get returns the views [i] of the tensors.
func (d *TensorDataset) Get(i int) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(d.Tensors))
	for k, t := range d.Tensors {
		out[k] = t.Index(i)
	}
	return out
}

// DataLoader cuts a Dataset into batches, like torch.utils.data.DataLoader.
// The zero values of its fields mean: BatchSize 1, no shuffling, the last
// smaller batch kept.
type DataLoader struct {
	Dataset   Dataset
	BatchSize int
	// Shuffle draws a new order of the examples for every call of
	// Batches, from a generator seeded with Seed (so epoch k of two runs
	// with the same Seed sees the same order).
	Shuffle bool
	Seed    uint64
	// DropLast drops the last batch when it is smaller than BatchSize.
	DropLast bool

	epoch uint64
}

// Len returns the number of batches of one epoch.
func (l *DataLoader) Len() int {
	n, b := l.Dataset.Len(), max(l.BatchSize, 1)
	if l.DropLast {
		return n / b
	}
	return (n + b - 1) / b
}

// Batches returns one epoch of batches. Each batch lists, for each tensor
// of an example, the examples' tensors stacked along a new first
// dimension (for a TensorDataset, rows gathered with IndexSelect).
func (l *DataLoader) Batches() [][]*tensor.Tensor {
	n, b := l.Dataset.Len(), max(l.BatchSize, 1)
	order := make([]int64, n)
	for i := range order {
		order[i] = int64(i)
	}
	if l.Shuffle {
		r := rand.New(rand.NewPCG(l.Seed, l.epoch))
		r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	l.epoch++
	var out [][]*tensor.Tensor
	for start := 0; start < n; start += b {
		end := min(start+b, n)
		if end-start < b && l.DropLast {
			break
		}
		out = append(out, l.collate(order[start:end]))
	}
	return out
}

func (l *DataLoader) collate(idx []int64) []*tensor.Tensor {
	if td, ok := l.Dataset.(*TensorDataset); ok {
		ix := tensor.New(idx)
		out := make([]*tensor.Tensor, len(td.Tensors))
		for k, t := range td.Tensors {
			out[k] = t.IndexSelect(0, ix)
		}
		return out
	}
	var cols [][]*tensor.Tensor
	for _, i := range idx {
		ex := l.Dataset.Get(int(i))
		if cols == nil {
			cols = make([][]*tensor.Tensor, len(ex))
		}
		for k, t := range ex {
			cols[k] = append(cols[k], t)
		}
	}
	out := make([]*tensor.Tensor, len(cols))
	for k, c := range cols {
		out[k] = tensor.Stack(c, 0)
	}
	return out
}
