package interp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"gonote/kernel"
)

// Capture tuning: pending text is sent at most flushDelay after it arrived,
// or at once when flushSize bytes are pending; a drain gives up after
// drainTimeout (someone redirected or closed fd 1 or 2).
const (
	flushDelay   = 10 * time.Millisecond
	flushSize    = 64 << 10
	drainTimeout = 2 * time.Second
)

// stdio is the process-wide capture of fds 1 and 2, set by CaptureStdio.
var stdio struct {
	sync.Mutex
	c *capture
}

// capturing returns the capture set up by CaptureStdio, or nil.
func capturing() *capture {
	stdio.Lock()
	defer stdio.Unlock()
	return stdio.c
}

// CaptureStdio replaces the process's fds 1 and 2 by pipes for the rest of its
// life, so that everything written to them, by interpreted code, compiled
// libraries, C code or child processes, reaches the running cell's Output of
// the Engines created afterwards (see Options). It returns a dup of the original stderr: the
// kernel's own logs must go there from now on, as fd 2 belongs to cells.
// The file must not be closed. CaptureStdio can be called once per process.
func CaptureStdio() (logFile *os.File, err error) {
	stdio.Lock()
	defer stdio.Unlock()
	if stdio.c != nil {
		return nil, errors.New("interp: CaptureStdio called twice")
	}
	logFd, err := dupCloexec(2)
	if err != nil {
		return nil, fmt.Errorf("interp: dup stderr: %w", err)
	}
	c := &capture{log: os.NewFile(uintptr(logFd), "/dev/stderr"), wake: make(chan struct{}, 1)}
	// A fatal error's report would go into the pipe and die with the process.
	debug.SetCrashOutput(c.log, debug.CrashOptions{})
	for i, fd := range [2]int{1, 2} {
		r, err := redirect(fd)
		if err != nil {
			return nil, fmt.Errorf("interp: capturing fd %d: %w", fd, err)
		}
		c.streams[i] = &stream{name: [2]string{"stdout", "stderr"}[i], fd: fd, seen: make(chan struct{}, 1)}
		go c.read(c.streams[i], r)
	}
	go c.flusher()
	stdio.c = c
	return c.log, nil
}

// capture forwards what the readers of the two pipes collect to the sink, in
// arrival order, coalescing small writes.
type capture struct {
	log     *os.File
	streams [2]*stream
	wake    chan struct{} // a reader added text: flush soon

	mu      sync.Mutex
	sink    kernel.Output
	pending []chunk // text read but not yet sent, in order across streams
	size    int     // bytes in pending

	flushMu sync.Mutex // held while sending, so batches keep their order
	drainMu sync.Mutex // one drain at a time
	seq     uint64     // id of the last drain marker, under drainMu
}

// stream is one captured fd.
type stream struct {
	name     string
	fd       int
	lastSeen atomic.Uint64 // id of the last drain marker the reader consumed
	seen     chan struct{} // signalled after lastSeen changes
}

// chunk is text from one stream.
type chunk struct {
	name string
	text []byte
}

// setSink makes out receive the output from now on, including output of
// goroutines that outlive their cell.
func (c *capture) setSink(out kernel.Output) {
	c.mu.Lock()
	c.sink = out
	c.mu.Unlock()
}

// add queues text read from s and schedules a flush.
func (c *capture) add(s *stream, text []byte) {
	if len(text) == 0 {
		return
	}
	c.mu.Lock()
	if n := len(c.pending); n > 0 && c.pending[n-1].name == s.name {
		c.pending[n-1].text = append(c.pending[n-1].text, text...)
	} else {
		c.pending = append(c.pending, chunk{s.name, append([]byte(nil), text...)})
	}
	c.size += len(text)
	full := c.size >= flushSize
	c.mu.Unlock()
	if full {
		c.flush()
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// flusher sends pending text flushDelay after the first of it arrived, so
// that a burst of small writes becomes one message.
func (c *capture) flusher() {
	for range c.wake {
		time.Sleep(flushDelay)
		c.flush()
	}
}

// flush sends all pending text to the sink, or to the log without one.
func (c *capture) flush() {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	pending, sink := c.pending, c.sink
	c.pending, c.size = nil, 0
	c.mu.Unlock()
	for _, ch := range pending {
		if sink != nil {
			sink.Stream(ch.name, string(ch.text))
		} else {
			c.log.Write(ch.text)
		}
	}
}

// drain returns once everything written to fds 1 and 2 before the call has
// been sent to the sink. It writes a marker to each pipe and waits until the
// readers have consumed them: the pipes have no other way to say "empty".
func (c *capture) drain() {
	c.drainMu.Lock()
	defer c.drainMu.Unlock()
	c.seq++
	id := c.seq
	m := marker(id)
	var wait []*stream
	for _, s := range c.streams {
		// Writes of up to PIPE_BUF bytes are atomic: the marker is not torn.
		if err := writeFd(s.fd, m); err == nil {
			wait = append(wait, s)
		}
	}
	timeout := time.NewTimer(drainTimeout)
	defer timeout.Stop()
	for _, s := range wait {
		for s.lastSeen.Load() < id {
			select {
			case <-s.seen:
			case <-timeout.C:
				fmt.Fprintf(c.log, "gonote: output of fd %d not drained after %v; was it redirected?\n", s.fd, drainTimeout)
				c.flush()
				return
			}
		}
	}
	c.flush()
}

// read copies one pipe into the pending list until the pipe fails.
func (c *capture) read(s *stream, r *os.File) {
	buf := make([]byte, 32<<10)
	var sc markerScanner
	for {
		n, err := r.Read(buf)
		sc.feed(buf[:n], func(text []byte) { c.add(s, text) }, func(id uint64) {
			s.lastSeen.Store(id)
			select {
			case s.seen <- struct{}{}:
			default:
			}
		})
		if err != nil {
			c.add(s, sc.carry)
			fmt.Fprintf(c.log, "gonote: reading captured fd %d: %v\n", s.fd, err)
			return
		}
	}
}

// Drain markers are markerPrefix, 16 hex digits of id and markerSuffix.
const (
	markerPrefix = "\x00\x1bgonote-drain:"
	markerSuffix = "\x00"
	markerLen    = len(markerPrefix) + 16 + len(markerSuffix)
)

func marker(id uint64) []byte {
	return fmt.Appendf(nil, "%s%016x%s", markerPrefix, id, markerSuffix)
}

// markerScanner finds drain markers in a byte stream that arrives in pieces,
// holding back a possible marker start at the end of a piece and an
// incomplete UTF-8 sequence, so that neither is torn.
type markerScanner struct {
	carry []byte
}

// feed scans p: text goes to emit (never marker bytes) and marker ids to mark,
// in stream order.
func (m *markerScanner) feed(p []byte, emit func([]byte), mark func(uint64)) {
	data := append(m.carry, p...)
	m.carry = nil
	for {
		i := bytes.Index(data, []byte(markerPrefix))
		if i < 0 || len(data)-i < markerLen {
			break
		}
		id, ok := parseMarker(data[i : i+markerLen])
		if !ok { // the prefix without a marker: ordinary text
			emit(data[:i+1])
			data = data[i+1:]
			continue
		}
		emit(data[:i])
		mark(id)
		data = data[i+markerLen:]
	}
	keep := 0
	for k := min(len(data), markerLen-1); k > 0; k-- {
		if couldBeMarker(data[len(data)-k:]) {
			keep = k
			break
		}
	}
	if keep == 0 {
		keep = incompleteRune(data)
	}
	emit(data[:len(data)-keep])
	m.carry = append([]byte(nil), data[len(data)-keep:]...)
}

// parseMarker returns the id of a complete marker.
func parseMarker(b []byte) (uint64, bool) {
	if len(b) != markerLen || string(b[len(b)-len(markerSuffix):]) != markerSuffix {
		return 0, false
	}
	id, err := strconv.ParseUint(string(b[len(markerPrefix):len(markerPrefix)+16]), 16, 64)
	return id, err == nil
}

// couldBeMarker says whether b is the beginning of a marker.
func couldBeMarker(b []byte) bool {
	for i, x := range b {
		switch {
		case i < len(markerPrefix):
			if x != markerPrefix[i] {
				return false
			}
		case i < len(markerPrefix)+16:
			if !('0' <= x && x <= '9' || 'a' <= x && x <= 'f') {
				return false
			}
		default:
			if x != markerSuffix[i-len(markerPrefix)-16] {
				return false
			}
		}
	}
	return true
}

// incompleteRune returns the length of an unfinished UTF-8 sequence at the
// end of b, which the next read may complete.
func incompleteRune(b []byte) int {
	for k := 1; k <= utf8.UTFMax-1 && k <= len(b); k++ {
		c := b[len(b)-k]
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}
