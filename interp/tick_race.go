//go:build race

package interp

// tickCall starts every loop body of a cell; see tick_norace.go. Under the
// race detector the loop calls Tick at every iteration, which reads the
// interrupt state atomically.
const tickCall = " " + rtName + ".Tick();"
