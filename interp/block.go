package interp

import (
	"reflect"
	"sync"
)

// Blocking operations of cells that an interrupt ends. yaegi can stop only
// the whole session when a cell waits on a channel (see Engine.eval), so the
// rewriter (rewriter.chanStmts, selectStmt) gives selects a case that waits
// on the interrupt and routes receives and sends through recv and send,
// which wait on it too; and cells get a sync.WaitGroup, Mutex and RWMutex
// whose waits do the same. An interrupt wakes every such wait; tick then
// stops the interrupted cell's goroutine, and the others wait again.

// intrChan returns the channel the next interrupt closes.
func (e *Engine) intrChan() <-chan struct{} { return e.intr.current() }

// woken is called by a wait that an interrupt woke: it stops the interrupted
// cell (tick panics in its goroutine) and tells other goroutines to wait
// again.
func (e *Engine) woken() bool {
	e.tick()
	return true
}

// recv receives from the channel in the variable p points to, waking on
// interrupts. It replaces the variable's channel by a new one of its type
// from which one receive gets the value received (or the zero value when
// the channel was closed) and returns ok, as v, ok := <-ch does. The
// rewriter turns v, ok := <-ch into
//
//	gonote_rc := ch; gonote_rk := gonote_rt.Recv(&gonote_rc); v, ok := (<-gonote_rc), gonote_rk; gonote_rc = nil
//
// which keeps the type of v without knowing it (and avoids yaegi's failing
// comma-ok receives at the top level of a cell).
func (e *Engine) recv(p any) bool {
	slot := reflect.ValueOf(p).Elem()
	ch := slot
	for {
		cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(e.intr.current())}}
		if !ch.IsNil() {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: ch})
		}
		chosen, v, ok := reflect.Select(cases)
		if chosen == 0 {
			e.woken()
			continue
		}
		got := reflect.MakeChan(reflect.ChanOf(reflect.BothDir, ch.Type().Elem()), 1)
		if ok {
			got.Send(v)
		} else {
			got.Close()
		}
		slot.Set(got.Convert(ch.Type()))
		return ok
	}
}

// A sendBuffer is a send statement in progress: the rewriter turns ch <- v
// into
//
//	gonote_sc := ch; gonote_sb := gonote_rt.SendBuffer(&gonote_sc); gonote_sc <- v; gonote_rt.Send(gonote_sb)
//
// so that v is converted to the channel's element type as in any send, into
// a buffer that cannot block, and Send moves it on to ch waking on
// interrupts. (A select statement of one send case would do, but yaegi
// sends a wrong value from a select case whose value reads a field.)
type sendBuffer struct{ to, buf reflect.Value }

// sendBuffer replaces the channel in the variable p points to by a buffer of
// one value of its type, and returns what Send needs.
func (e *Engine) sendBuffer(p any) *sendBuffer {
	slot := reflect.ValueOf(p).Elem()
	sb := &sendBuffer{
		to:  reflect.ValueOf(slot.Interface()), // the channel, not the variable
		buf: reflect.MakeChan(reflect.ChanOf(reflect.BothDir, slot.Type().Elem()), 1),
	}
	slot.Set(sb.buf.Convert(slot.Type()))
	return sb
}

// send sends the buffered value on the channel, waking on interrupts.
func (e *Engine) send(sb *sendBuffer) {
	v, _ := sb.buf.Recv()
	for {
		cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(e.intr.current())}}
		if !sb.to.IsNil() {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectSend, Chan: sb.to, Send: v})
		}
		if chosen, _, _ := reflect.Select(cases); chosen == 1 {
			return
		}
		e.woken()
	}
}

// waitGroup is sync.WaitGroup for cells: an interrupt ends the interrupted
// cell's Wait, and a panic in a function started by Go is reported instead
// of ending the kernel. A type cannot be bound per session, so it finds its
// engines in the registry below.
type waitGroup struct{ wg sync.WaitGroup }

// Add adds delta to the counter, as sync.WaitGroup's Add.
func (w *waitGroup) Add(delta int) { w.wg.Add(delta) }

// Done decrements the counter by one.
func (w *waitGroup) Done() { w.wg.Done() }

// Go calls f in a new goroutine and adds that task to the group.
func (w *waitGroup) Go(f func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				for _, e := range liveEngines() {
					e.report(-1, "WaitGroup.Go function", r)
				}
			}
		}()
		f()
	}()
}

// Wait blocks until the counter is zero or the cell that waits is
// interrupted.
func (w *waitGroup) Wait() {
	done := make(chan struct{})
	go func() {
		w.wg.Wait()
		close(done)
	}()
	for {
		select {
		case <-done:
			return
		case <-anyInterrupt.current():
			tickAll()
		}
	}
}

// tickAll stops the interrupted cell of every engine when it is the caller.
func tickAll() {
	for _, e := range liveEngines() {
		e.tick()
	}
}

// mutex is sync.Mutex for cells: an interrupt ends the interrupted cell's
// Lock, so that a deadlocked cell stops without stopping the goroutines of
// earlier cells. Its zero value is an unlocked mutex.
type mutex struct {
	init sync.Once
	sem  chan struct{} // holds a value while the mutex is locked
}

func (m *mutex) ch() chan struct{} {
	m.init.Do(func() { m.sem = make(chan struct{}, 1) })
	return m.sem
}

// Lock locks m, waiting until it is unlocked.
func (m *mutex) Lock() {
	if m.TryLock() {
		return
	}
	for {
		select {
		case m.ch() <- struct{}{}:
			return
		case <-anyInterrupt.current():
			tickAll()
		}
	}
}

// TryLock locks m if it is unlocked, and reports whether it did.
func (m *mutex) TryLock() bool {
	select {
	case m.ch() <- struct{}{}:
		return true
	default:
		return false
	}
}

// Unlock unlocks m. Unlocking an unlocked mutex panics (a fatal error with
// sync.Mutex, which would end the kernel).
func (m *mutex) Unlock() {
	select {
	case <-m.ch():
	default:
		panic("sync: unlock of unlocked mutex")
	}
}

// rwMutex is sync.RWMutex for cells, whose waits an interrupt ends as
// mutex's. A waiting writer keeps new readers out, as in sync.RWMutex.
type rwMutex struct {
	mu      sync.Mutex
	readers int           // readers holding it
	writer  bool          // a writer holds it
	writers int           // writers waiting
	changed chan struct{} // closed, and replaced, when it is released
}

// wait takes the lock when free says it can, waiting for releases.
func (m *rwMutex) wait(free func() bool, take func()) {
	for {
		m.mu.Lock()
		if free() {
			take()
			m.mu.Unlock()
			return
		}
		if m.changed == nil {
			m.changed = make(chan struct{})
		}
		changed := m.changed
		m.mu.Unlock()
		select {
		case <-changed:
		case <-anyInterrupt.current():
			tickAll()
		}
	}
}

// released wakes the waiters; m.mu is held.
func (m *rwMutex) released() {
	if m.changed != nil {
		close(m.changed)
		m.changed = nil
	}
}

// Lock locks m for writing.
func (m *rwMutex) Lock() {
	m.mu.Lock()
	m.writers++
	m.mu.Unlock()
	defer func() { // also when an interrupt ends the wait
		m.mu.Lock()
		m.writers--
		m.released()
		m.mu.Unlock()
	}()
	m.wait(func() bool { return !m.writer && m.readers == 0 }, func() { m.writer = true })
}

// Unlock unlocks m for writing.
func (m *rwMutex) Unlock() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.writer {
		panic("sync: Unlock of unlocked RWMutex")
	}
	m.writer = false
	m.released()
}

// RLock locks m for reading.
func (m *rwMutex) RLock() {
	m.wait(func() bool { return !m.writer && m.writers == 0 }, func() { m.readers++ })
}

// RUnlock undoes one RLock.
func (m *rwMutex) RUnlock() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.readers == 0 {
		panic("sync: RUnlock of unlocked RWMutex")
	}
	m.readers--
	m.released()
}

// TryLock locks m for writing if it is free, and reports whether it did.
func (m *rwMutex) TryLock() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writer || m.readers > 0 {
		return false
	}
	m.writer = true
	return true
}

// TryRLock locks m for reading if no writer holds or waits for it.
func (m *rwMutex) TryRLock() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writer || m.writers > 0 {
		return false
	}
	m.readers++
	return true
}

// RLocker returns a sync.Locker whose Lock and Unlock are m's RLock and
// RUnlock.
func (m *rwMutex) RLocker() sync.Locker { return readLocker{m} }

type readLocker struct{ m *rwMutex }

func (r readLocker) Lock()   { r.m.RLock() }
func (r readLocker) Unlock() { r.m.RUnlock() }

var (
	anyInterrupt interrupter // fired with every engine's own
	engines      sync.Map    // *Engine → struct{}, from New to Shutdown
)

func liveEngines() []*Engine {
	var es []*Engine
	engines.Range(func(k, _ any) bool {
		es = append(es, k.(*Engine))
		return true
	})
	return es
}
