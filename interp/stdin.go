package interp

import (
	"errors"
	"io"
	"reflect"
	"sync"
	"unicode/utf8"

	yaegi "github.com/traefik/yaegi/interp"

	"gonote/kernel"
)

// stdinReader is the cells' standard input: each time its line is used up it
// asks the frontend for another through the running cell's Output.Input.
// It is a RuneScanner so that fmt.Scan reads no further than it needs and the
// rest of the line stays for the next read.
type stdinReader struct {
	e *Engine

	mu   sync.Mutex
	line []byte // the last line the frontend sent, with "\n"
	pos  int    // how much of line has been read
	last int    // size of the last rune read, for UnreadRune
}

// stdinSymbols makes os.Stdin in cells read from r. It is an io.Reader there,
// not an *os.File: the kernel's fd 0 is not the user's keyboard.
func stdinSymbols(r io.Reader) yaegi.Exports {
	return yaegi.Exports{"os/os": {"Stdin": reflect.ValueOf(&r).Elem()}}
}

// reset drops what is left of a line an earlier cell asked for.
func (r *stdinReader) reset() {
	r.mu.Lock()
	r.line, r.pos, r.last = nil, 0, 0
	r.mu.Unlock()
}

// fill asks for a line when none is left. It panics with
// kernel.ErrStdinNotAllowed when the frontend does not take input requests,
// so that the cell stops there with that message rather than reading EOF.
func (r *stdinReader) fill() error {
	if r.pos < len(r.line) {
		return nil
	}
	out := r.e.output()
	if out == nil {
		return io.EOF
	}
	r.e.flush() // a prompt printed before the read shows first
	s, err := out.Input("", false)
	if errors.Is(err, kernel.ErrStdinNotAllowed) {
		panic(kernel.ErrStdinNotAllowed)
	}
	if err != nil {
		return err
	}
	r.line, r.pos, r.last = []byte(s+"\n"), 0, 0
	return nil
}

// Read reads from the current line, asking for one when it is used up.
func (r *stdinReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	if err := r.fill(); err != nil {
		return 0, err
	}
	n := copy(p, r.line[r.pos:])
	r.pos, r.last = r.pos+n, 0
	return n, nil
}

// ReadRune reads one rune; see io.RuneReader.
func (r *stdinReader) ReadRune() (rune, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.fill(); err != nil {
		return 0, 0, err
	}
	c, n := utf8.DecodeRune(r.line[r.pos:])
	r.pos, r.last = r.pos+n, n
	return c, n, nil
}

// UnreadRune puts back the rune ReadRune returned; see io.RuneScanner.
func (r *stdinReader) UnreadRune() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == 0 {
		return errors.New("interp: UnreadRune without ReadRune")
	}
	r.pos, r.last = r.pos-r.last, 0
	return nil
}
