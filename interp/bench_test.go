package interp

import (
	"context"
	"testing"

	"gonote/kernel"
)

// BenchmarkExecuteTrivial is the engine's share of a trivial cell's round trip.
func BenchmarkExecuteTrivial(b *testing.B) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Shutdown(false)
	out := &fakeOut{}
	for b.Loop() {
		if r := e.Execute(context.Background(), kernel.ExecuteRequest{Code: "1"}, out); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}
