// Package gcpace paces the Go garbage collector for a kernel's process.
//
// Go's pacer lets the heap grow by GOGC percent of the live heap (100: as
// much again) before the next collection. That rule fits a notebook badly
// at both ends:
//
//   - A fresh kernel's live heap is a few megabytes, the interpreter's, and
//     a collection of it takes a millisecond or more. A cell of small
//     tensor ops allocates that much in a few thousand ops, so at GOGC=100
//     collections take a third of its time: a 1,000-element add from a cell
//     took 2.3 µs per op, and 1.6-1.9 µs at GOGC=300.
//   - Once large tensors make the live heap big, each cycle's allocation
//     is as big, and small results land in memory not touched for hundreds
//     of megabytes, cold in cache: the same add took 7.0 µs after a cell of
//     1M-element adds, and 3.8 µs at GOGC=50.
//
// Start sets GOGC after every collection so that the next one comes after
// Nursery bytes of allocation, but within [50, 1000]. Below 50 the
// collections grow too many: at 25, the training notebook ran 113-116 of
// them instead of 87-88 (97-98 at 50), and with a floor of 10 it took 8%
// longer.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Nursery is the allocation between two collections that Start aims at:
// enough that a kernel's collections cost little per small result, little
// enough to stay in the processor's caches for the most part.
const Nursery = 32 << 20

// Percent returns the GOGC that makes the next collection come after
// Nursery bytes of allocation, for a live heap of live bytes, kept within
// [50, 1000].
func Percent(live uint64) int {
	if live == 0 {
		return 100
	}
	p := (100*Nursery + live - 1) / live
	return int(min(max(p, 50), 1000))
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
