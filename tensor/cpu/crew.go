package cpu

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The crew is the set of long-lived goroutines that help with parallel
// loops. Waking a parked goroutine takes tens of microseconds, as long as
// a whole memory-bound op: an add of 1M float32s took 0.15 ms on two
// goroutines started for it and 0.06 ms with a helper already running. So
// after a job each helper spins for crewSpin, waiting for the next one,
// and only then parks.
//
// One goroutine at a time has its job run by the crew; a loop that finds
// the crew busy (other goroutines, or a loop inside a loop) starts
// goroutines of its own.

// crewSpin is how long an idle helper waits for work before parking.
const crewSpin = 200 * time.Microsecond

// A job is a loop split into chunks, which the caller and the helpers
// take from a shared counter, so that a helper the OS deschedules does
// not hold up the rest.
type job struct {
	f      func(c int)
	chunks int64
	next   atomic.Int64        // the next chunk to take
	left   atomic.Int64        // chunks not finished
	failed atomic.Pointer[any] // the first chunk's panic
}

var crew struct {
	sync.Mutex // held by the goroutine whose job the crew runs
	started    bool
	job        atomic.Pointer[job]
	parked     atomic.Int32
	wake       chan struct{}
}

// runChunks calls f(c) for every c in [0, chunks). With w > 1 and more
// than one chunk, other goroutines share the work with the caller: the
// crew's helpers, or, while the crew is busy, w-1 goroutines started for
// it. A panic in f is raised again on the caller once every chunk is done.
func runChunks(chunks, w int, f func(c int)) {
	if w <= 1 || chunks < 2 {
		for c := range chunks {
			f(c)
		}
		return
	}
	j := &job{f: f, chunks: int64(chunks)}
	j.left.Store(int64(chunks))
	if !crew.TryLock() {
		var wg sync.WaitGroup
		for range min(w, chunks) - 1 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				j.work()
			}()
		}
		j.work()
		wg.Wait()
		j.check()
		return
	}
	if !crew.started {
		crew.started = true
		n := runtime.GOMAXPROCS(0) - 1
		crew.wake = make(chan struct{}, n)
		for range n {
			go helper()
		}
	}
	crew.job.Store(j)
	for range crew.parked.Load() {
		select {
		case crew.wake <- struct{}{}:
		default:
		}
	}
	j.work()
	for i := 0; j.left.Load() > 0; i++ {
		if i%64 == 63 {
			runtime.Gosched()
		}
	}
	j.f = nil // the job stays visible to the helpers: let go of f's operands
	crew.Unlock()
	j.check()
}

// work runs chunks of j until none is left to take.
func (j *job) work() {
	for c := j.next.Add(1) - 1; c < j.chunks; c = j.next.Add(1) - 1 {
		j.run(int(c))
	}
}

func (j *job) run(c int) {
	defer func() {
		if p := recover(); p != nil {
			j.failed.CompareAndSwap(nil, &p)
		}
		j.left.Add(-1)
	}()
	j.f(c)
}

// check raises the first panic of j's chunks on the caller, where the
// tensor package turns it into an error; on a helper it would end the
// process.
func (j *job) check() {
	if p := j.failed.Load(); p != nil {
		panic(*p)
	}
}

// helper runs the crew's jobs for as long as the process lives.
func helper() {
	var last *job
	for {
		j := nextJob(last)
		last = j
		j.work()
	}
}

// nextJob waits for a job other than last: spinning for crewSpin, then
// parked until a caller wakes it.
func nextJob(last *job) *job {
	for {
		deadline := time.Now().Add(crewSpin)
		for i := 0; ; i++ {
			if j := crew.job.Load(); j != last {
				return j
			}
			if i%64 == 63 {
				if time.Now().After(deadline) {
					break
				}
				runtime.Gosched()
			}
		}
		crew.parked.Add(1)
		// A caller that stored its job before seeing this helper parked
		// sent no wake-up: look once more.
		if j := crew.job.Load(); j != last {
			crew.parked.Add(-1)
			return j
		}
		<-crew.wake
		crew.parked.Add(-1)
	}
}
