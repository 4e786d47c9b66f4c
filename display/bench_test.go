package display

import (
	"math"
	"testing"

	"gonote/tensor"
)

// The rendering benchmarks bench/display_vs_matplotlib.py compares with
// matplotlib's Agg backend on the same data.

func BenchmarkLinePlot1000PNG(b *testing.B) {
	ys := make([]float64, 1000)
	for i := range ys {
		ys[i] = math.Sin(float64(i) / 50)
	}
	for b.Loop() {
		if _, err := Plot(ys).PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHeatmap100PNG(b *testing.B) {
	m := make([][]float64, 100)
	for r := range m {
		m[r] = make([]float64, 100)
		for c := range m[r] {
			m[r][c] = math.Sin(float64(r)/10) * math.Cos(float64(c)/10)
		}
	}
	for b.Loop() {
		if _, err := Heatmap(m).PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTensorTable1000x1000(b *testing.B) {
	x := tensor.Randn(1000, 1000)
	for b.Loop() {
		tensorBundle(x)
	}
}
