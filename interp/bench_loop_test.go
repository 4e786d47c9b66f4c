package interp

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonote/kernel"
)

// loopN is the iteration count of the loop benchmarks; each reports ns/iter.
const loopN = 1_000_000

// The loops that bench/interp_vs_python.py also times in CPython.
const (
	sumLoopCell  = "func sumLoop(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i\n\t}\n\treturn s\n}"
	sqrtLoopCell = "func sqrtLoop(n int) float64 {\n\ts := 0.0\n\tfor i := 0; i < n; i++ {\n\t\ts += math.Sqrt(float64(i))\n\t}\n\treturn s\n}"
)

func BenchmarkLoopInterpreted(b *testing.B) {
	benchCell(b, sumLoopCell, fmt.Sprintf("sumLoop(%d)", loopN), loopN)
}
func BenchmarkLoopCompiled(b *testing.B) {
	benchCompiled(b, func() { sink += float64(sumLoop(loopN)) }, loopN)
}
func BenchmarkBoundCallInterpreted(b *testing.B) {
	benchCell(b, sqrtLoopCell, fmt.Sprintf("sqrtLoop(%d)", loopN), loopN)
}
func BenchmarkBoundCallCompiled(b *testing.B) {
	benchCompiled(b, func() { sink += sqrtLoop(loopN) }, loopN)
}

// BenchmarkCell1000Lines is the engine's share of the round trip of a cell
// of 1,000 statement lines.
func BenchmarkCell1000Lines(b *testing.B) {
	var src strings.Builder
	src.WriteString("x := 0\n")
	for i := range 999 {
		fmt.Fprintf(&src, "x += %d\n", i)
	}
	benchCell(b, "", src.String(), 1)
}

var sink float64

func sumLoop(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}

func sqrtLoop(n int) float64 {
	s := 0.0
	for i := 0; i < n; i++ {
		s += math.Sqrt(float64(i))
	}
	return s
}

// benchCell runs setup once, then times cell; per is the iterations one cell
// runs, for the ns/iter metric.
func benchCell(b *testing.B, setup, cell string, per int) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Shutdown(false)
	out := &fakeOut{}
	if setup != "" {
		if r := e.Execute(context.Background(), kernel.ExecuteRequest{Code: setup}, out); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := e.Execute(context.Background(), kernel.ExecuteRequest{Code: cell}, out); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(per), "ns/iter")
}

func benchCompiled(b *testing.B, f func(), per int) {
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(per), "ns/iter")
}
