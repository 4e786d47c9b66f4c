// Package gcpace paces the Go garbage collector for a kernel's process.
//
// Go's pacer lets the heap grow by GOGC percent of the live heap (100: as
// much again) before the next collection. A fresh kernel's live heap is a
// few megabytes, the interpreter's, and a collection of it takes a
// millisecond or more; a cell of small tensor ops allocates that much in a
// few thousand ops, so at GOGC=100 collections take a third of its time.
// Start sets GOGC after every collection so that the next one comes after
// at least Nursery bytes of allocation: a 1,000-element add from a cell
// took 2.3 µs per op at GOGC=100 and 1.6-1.9 µs at GOGC=300 (Nursery-sized).
//
// It never sets GOGC below 100. A smaller nursery would keep small results
// in cache once large tensors make the live heap big (the same add took 6.7
// µs after a cell of 1M-element adds, 3.3 µs with GOGC=50), but it made
// the training notebook 8% slower, with a third more collections.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Nursery is the least allocation between two collections: enough that a
// kernel's collections cost little per small result, little enough to stay
// in the processor's caches for the most part.
const Nursery = 32 << 20

// Percent returns the GOGC, at least 100, that makes the next collection
// come after at least Nursery bytes of allocation, for a live heap of live
// bytes.
func Percent(live uint64) int {
	if live == 0 {
		return 100
	}
	p := (100*Nursery + live - 1) / live
	return int(min(max(p, 100), 1000))
}

// Start paces the collector as the package comment says, from now on, and
// reports whether it does: not when the GOGC environment variable is set,
// since that is the user's choice.
func Start() bool {
	if _, set := os.LookupEnv("GOGC"); set {
		return false
	}
	pace()
	arm()
	return true
}

// arm has pace run after the next collection, and arm again: a cleanup runs
// once the collector has found its object unreachable, which for an object
// nothing refers to is the next collection. (Tiny objects, under 16 bytes
// without pointers, may share a block and never get their cleanup.)
func arm() {
	runtime.AddCleanup(new([32]byte), func(struct{}) {
		pace()
		arm()
	}, struct{}{})
}

// pace sets GOGC from the last collection's live heap.
func pace() {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return // not this Go's metrics: leave GOGC as it is
	}
	debug.SetGCPercent(Percent(s[0].Value.Uint64()))
}
