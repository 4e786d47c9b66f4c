package data

import (
	"fmt"
	"testing"

	"gonote/tensor"
)

func TestDataLoaderBatching(t *testing.T) {
	x := tensor.Arange(10).Reshape(10, 1)
	y := tensor.Arange(10)
	ds := NewTensorDataset(x, y)
	cases := []struct {
		l     DataLoader
		sizes []int
	}{
		{DataLoader{BatchSize: 4}, []int{4, 4, 2}},
		{DataLoader{BatchSize: 4, DropLast: true}, []int{4, 4}},
		{DataLoader{BatchSize: 5, Shuffle: true, Seed: 7}, []int{5, 5}},
		{DataLoader{}, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
	}
	for i, c := range cases {
		c.l.Dataset = ds
		bs := c.l.Batches()
		if len(bs) != c.l.Len() || len(bs) != len(c.sizes) {
			t.Fatalf("case %d: %d batches, Len %d, want %d", i, len(bs), c.l.Len(), len(c.sizes))
		}
		seen := map[int64]bool{}
		for j, b := range bs {
			if b[0].Size(0) != c.sizes[j] || b[1].Size(0) != c.sizes[j] {
				t.Errorf("case %d batch %d: sizes %v %v", i, j, b[0].Shape(), b[1].Shape())
			}
			for k, v := range b[1].Int64s() {
				if b[0].Get(k, 0) != float64(v) {
					t.Errorf("case %d: inputs and labels out of step", i)
				}
				seen[v] = true
			}
		}
		if !c.l.DropLast && len(seen) != 10 {
			t.Errorf("case %d: saw %d distinct examples", i, len(seen))
		}
	}
	// Shuffling: a new order each epoch, the same orders for the same seed.
	a := &DataLoader{Dataset: ds, BatchSize: 10, Shuffle: true, Seed: 3}
	b := &DataLoader{Dataset: ds, BatchSize: 10, Shuffle: true, Seed: 3}
	e1, e2 := fmt.Sprint(a.Batches()[0][1]), fmt.Sprint(a.Batches()[0][1])
	if e1 == e2 || e1 != fmt.Sprint(b.Batches()[0][1]) || e1 == fmt.Sprint(y) {
		t.Errorf("shuffled epochs %s %s", e1, e2)
	}
}

// listDataset is a Dataset that is not a TensorDataset, to test stacking.
type listDataset struct{ n int }

func (d listDataset) Len() int { return d.n }
func (d listDataset) Get(i int) []*tensor.Tensor {
	return []*tensor.Tensor{tensor.Full(float32(i), 2, 2), tensor.New(int64(i))}
}

func TestDataLoaderStacksExamples(t *testing.T) {
	bs := (&DataLoader{Dataset: listDataset{5}, BatchSize: 2}).Batches()
	if len(bs) != 3 || fmt.Sprint(bs[2][0].Shape()) != "[1 2 2]" || bs[1][1].String() != "tensor([2, 3])" {
		t.Errorf("batches %v", bs)
	}
}

func TestSyntheticDatasets(t *testing.T) {
	cases := []struct {
		name    string
		make    func() (*tensor.Tensor, *tensor.Tensor)
		shape   string
		classes int
	}{
		{"moons", func() (*tensor.Tensor, *tensor.Tensor) { return MakeMoons(101, 0.1, 1) }, "[101 2]", 2},
		{"spirals", func() (*tensor.Tensor, *tensor.Tensor) { return MakeSpirals(50, 3, 0.2, 1) }, "[150 2]", 3},
		{"blobs", func() (*tensor.Tensor, *tensor.Tensor) { return MakeBlobs(90, 3, 4, 1, 1) }, "[90 4]", 3},
		{"shapes", func() (*tensor.Tensor, *tensor.Tensor) { return MakeShapes(30, 12, 0.05, 1) }, "[30 1 12 12]", 3},
	}
	for _, c := range cases {
		x, y := c.make()
		x2, _ := c.make()
		if fmt.Sprint(x.Shape()) != c.shape || y.Size(0) != x.Size(0) {
			t.Errorf("%s: shapes %v %v", c.name, x.Shape(), y.Shape())
		}
		if x.Sub(x2).Abs().Max().Item() != 0 {
			t.Errorf("%s: not determined by the seed", c.name)
		}
		counts := make([]int, c.classes)
		for _, v := range y.Int64s() {
			counts[v]++
		}
		for k, n := range counts {
			if n < x.Size(0)/c.classes-1 {
				t.Errorf("%s: class %d has %d examples", c.name, k, n)
			}
		}
	}
	x, _ := MakeShapes(10, 12, 0, 2)
	if x.Min().Item() != 0 || x.Max().Item() != 1 {
		t.Errorf("shape images outside [0, 1]")
	}
}
