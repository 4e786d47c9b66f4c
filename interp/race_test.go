//go:build race

package interp

// raceEnabled: yaegi's EvalWithContext leaves no way to synchronize with the
// goroutine it leaves behind on cancel. settle waits for that goroutine to
// end, which is safe, but the race detector cannot see it and reports the
// next cell's use of the interpreter; tests skip that step under -race.
const raceEnabled = true
