package cpu

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// chunkCounts runs a job of chunks chunks on w goroutines and returns how
// often each chunk ran.
func chunkCounts(chunks, w int) []int32 {
	counts := make([]int32, chunks)
	runChunks(chunks, w, func(c int) { atomic.AddInt32(&counts[c], 1) })
	return counts
}

func checkOnce(t *testing.T, counts []int32) {
	t.Helper()
	for c, n := range counts {
		if n != 1 {
			t.Fatalf("chunk %d ran %d times, want once", c, n)
		}
	}
}

func TestCrewRunsEveryChunkOnce(t *testing.T) {
	for i := range 2000 {
		checkOnce(t, chunkCounts(1+i%17, 2))
	}
}

func TestCrewWakesParkedHelpers(t *testing.T) {
	for range 3 {
		time.Sleep(3 * crewSpin) // every helper parks
		var running, most atomic.Int32
		runChunks(64, 2, func(c int) {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(100 * time.Microsecond)
			running.Add(-1)
		})
		if helpers := cap(crew.wake); helpers > 0 && most.Load() < 2 {
			t.Fatalf("no two of 64 chunks ran at once: the parked helpers were not woken")
		}
	}
}

func TestCrewRaisesPanicOnCaller(t *testing.T) {
	for i := range 50 {
		func() {
			defer func() {
				if p := recover(); p != "chunk 3" {
					t.Fatalf("recovered %v, want the chunk's panic", p)
				}
			}()
			runChunks(8, 2, func(c int) {
				if c == 3 {
					panic("chunk 3")
				}
			})
			t.Fatalf("run %d: the chunk's panic was lost", i)
		}()
		checkOnce(t, chunkCounts(8, 2)) // the crew still works
	}
}

func TestCrewNestedAndConcurrentJobs(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				inner := make([][]int32, 6)
				runChunks(6, 2, func(c int) { inner[c] = chunkCounts(5+g, 2) })
				for _, counts := range inner {
					checkOnce(t, counts)
				}
			}
		}()
	}
	wg.Wait()
}
