package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gonote/kernel"
)

// benchRunner returns a function that runs a cell in a fresh engine and
// fails b on an error.
func benchRunner(b *testing.B) func(code string) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Shutdown(false) })
	out := &fakeOut{}
	return func(code string) {
		if r := e.Execute(context.Background(), kernel.ExecuteRequest{Code: code}, out); r.Err != nil {
			b.Fatalf("%s\n%s", code, strings.Join(r.Err.Traceback, "\n"))
		}
	}
}

// BenchmarkExecuteTrivial is the engine's share of a trivial cell's round trip.
func BenchmarkExecuteTrivial(b *testing.B) {
	run := benchRunner(b)
	for b.Loop() {
		run("1")
	}
}

// BenchmarkRebuild is the cost of changing a type in a session of 50 cells,
// each declaring a type, a function, a method and two variables (see
// rebuild.go): the cell that changes the type alternates between two texts.
func BenchmarkRebuild(b *testing.B) {
	run := benchRunner(b)
	run("type Config struct{ LR float64 }\ncfg := Config{0.1}")
	for i := range 50 {
		run(fmt.Sprintf("type T%d struct{ N int }\nfunc (t T%[1]d) Double() int { return 2 * t.N }\nfunc f%[1]d(c Config) float64 { return c.LR * %[1]d }\n"+
			"v%[1]d := T%[1]d{%[1]d}.Double()\nvar w%[1]d = f%[1]d(cfg)", i))
	}
	changes := []string{"type Config struct{ LR, Momentum float64 }", "type Config struct{ LR float64 }"}
	for i := 0; b.Loop(); i++ {
		run(changes[i%2])
	}
}
