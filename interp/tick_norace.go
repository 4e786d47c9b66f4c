//go:build !race

package interp

// tickCall starts every loop body of a cell. A call of a bound function
// costs about 70 ns in yaegi, tripling the cost of a tight loop; reading
// the flag through a pointer costs about 10 ns, so the loop calls
// gonote_rt.Tick only after an interrupt has set the flag.
//
// The flag is written by the engine while interpreted code reads it without
// synchronisation: a deliberate race on one bool, whose only effect is when
// a loop sees the interrupt. Race-detector builds call Tick at every
// iteration instead (tick_race.go).
const tickCall = " if *" + rtName + ".Stop { " + rtName + ".Tick() };"
