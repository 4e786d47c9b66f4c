package interp

import (
	"context"
	"fmt"
	"go/ast"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	yaegi "github.com/traefik/yaegi/interp"

	"gonote/kernel"
)

// Changing a type or the signature of a function or method rebuilds the
// session: yaegi keeps the first declaration of a type or method for good
// (yaegi #1673), and the functions of earlier cells are compiled against the
// declarations they saw.
//
// A rebuild starts a fresh interpreter and runs again, in order, the cells of
// the session (since the last %reset), with every changed declaration
// replaced by its latest text (see rewriter.checkSame). Only declarations and
// imports run again; statements and variable initialisers are compiled, not
// run, so that nothing a cell did (printing, training, reading a file)
// happens twice. Then every variable gets the value it had in the old
// session, unless its type changed with the declaration: such a variable is
// reset to its zero value, and the cell says so on stderr. A function of an
// earlier cell that no longer compiles with the change panics with its
// compile error until its cell runs again (see stubOut), and the cell lists
// it; any other declaration that no longer compiles fails the cell, and the
// old session goes on unchanged.
//
// Values are copied, as an assignment copies them: a pointer or a slice in a
// variable still points where it did, while a pointer to a variable now
// points to the old session's copy. Goroutines of earlier cells go on in the
// old session.
//
// A cell interrupted while blocked in a compiled call (a read, a network
// wait) also leaves the next cell a rebuilt session (see unstick): the call
// goes on in the old one, and later cells do not wait for it.

// override is the latest declaration of a type, or the latest signature of
// a function or method that changed it.
type override struct {
	src  string // its text in its cell: the type spec, or the method ("" for a function)
	text string // its text as recorded (declText), or the function's type, which identifies it
	decl string // a method's variable and forwarding method (rewriter.forwarder), else ""
	what string // "type T", "method M of T", "func f"
}

// session is the part of the Engine that a rebuild replaces.
type session struct {
	yi            *yaegi.Interpreter
	imports       map[string]bool
	pkgs          map[string]string
	names         map[string]string
	declaredTypes bool
	funcs         map[string]cellRef
	generic       map[string]bool
	funcType      map[string]string
	declText      map[string]string
	varType       map[string]string
	compiled      map[string]bool
}

// newSession returns an empty session on yi.
func newSession(yi *yaegi.Interpreter) session {
	return session{yi: yi, imports: map[string]bool{}, pkgs: map[string]string{}, names: map[string]string{},
		funcs: map[string]cellRef{}, generic: map[string]bool{}, funcType: map[string]string{},
		declText: map[string]string{}, varType: map[string]string{}, compiled: map[string]bool{}}
}

// currentSession returns e's session; symMu is held.
func (e *Engine) currentSession() session {
	return session{e.yi, e.imports, e.pkgs, e.names, e.declaredTypes, e.funcs, e.generic, e.funcType, e.declText, e.varType, e.compiled}
}

// setSession makes s e's session; symMu is held.
func (e *Engine) setSession(s session) {
	e.yi, e.imports, e.pkgs, e.names, e.declaredTypes = s.yi, s.imports, s.pkgs, s.names, s.declaredTypes
	e.funcs, e.generic, e.funcType, e.declText, e.varType, e.compiled = s.funcs, s.generic, s.funcType, s.declText, s.varType, s.compiled
}

// rebuild replaces the session by one where the declarations changes (of
// cell seq, about to run) replace those of earlier cells; e.mu is held. why
// says what made it, for the messages.
func (e *Engine) rebuild(ctx context.Context, seq int, changes map[string]override, why string) *kernel.ExecError {
	overrides := maps.Clone(e.overrides)
	maps.Copy(overrides, changes)
	yi, err := e.newInterpreter()
	if err != nil {
		return internalError(err)
	}
	e.symMu.Lock()
	old := e.currentSession()
	e.setSession(newSession(yi))
	e.symMu.Unlock()
	// The cells that ran, parsed again (a cell's text parsed once before).
	cells := map[int]*cell{}
	last := map[string]int{}
	for i := e.sessionStart; i <= seq && i < len(e.cells); i++ {
		if e.cells[i].ran > 0 || i == seq {
			c, _ := parseCell(e.cells[i].code)
			cells[i] = c
			for name := range c.funcNames() {
				last[name] = i
			}
		}
	}
	e.replay, e.replayLast, e.replayWhy, e.broken = overrides, last, why, nil
	defer func() { e.replay, e.replayLast, e.broken = nil, nil, nil }()
	for i := e.sessionStart; i < seq; i++ {
		if cells[i] == nil {
			continue
		}
		e.replaySeq = i
		if _, xerr := e.runCell(ctx, cells[i], i, e.cells[i].count, false); xerr != nil {
			e.symMu.Lock()
			e.setSession(old)
			e.symMu.Unlock()
			return rebuildError(why, e.cells[i].count, xerr)
		}
	}
	e.overrides = overrides
	zeroed, gone := e.carryValues(old)
	var msg strings.Builder
	if len(zeroed) > 0 {
		fmt.Fprintf(&msg, "%s: these variables are now zero, as their values were of the old types: %s\n", why, strings.Join(zeroed, ", "))
	}
	if len(gone) > 0 {
		fmt.Fprintf(&msg, "%s: these variables are gone, as the statements that declared them no longer compile: %s\n", why, strings.Join(gone, ", "))
	}
	for _, b := range e.broken {
		fmt.Fprintf(&msg, "%s: %s\n", why, b)
	}
	if out := e.output(); out != nil && msg.Len() > 0 {
		out.Stream("stderr", msg.String())
	}
	return nil
}

// carryValues gives the variables of the session the values they have in
// old, where their types are the same. It returns the variables whose type
// changed (zeroed) and those the session no longer has (gone).
func (e *Engine) carryValues(old session) (zeroed, gone []string) {
	prev, now := globals(old.yi), globals(e.yi)
	e.symMu.RLock()
	defer e.symMu.RUnlock()
	for name, kind := range old.names {
		if kind != "var" || strings.HasPrefix(name, "gonote_") {
			continue
		}
		// A statement that failed to compile may still have declared its
		// variables, with the new types.
		p, v := prev[name], now[name]
		switch {
		case !v.IsValid():
			gone = append(gone, name)
		case !p.IsValid() || !v.CanSet():
		case p.Type() != v.Type() || e.names[name] != "var" || holdsCellInterface(p.Type(), map[reflect.Type]bool{}) ||
			p.Kind() == reflect.Interface && !p.IsNil() && holdsCellInterface(p.Elem().Type(), map[reflect.Type]bool{}):
			zeroed = append(zeroed, name)
		default:
			v.Set(p)
		}
	}
	slices.Sort(zeroed)
	slices.Sort(gone)
	return zeroed, gone
}

// globals returns the variables of yi. yaegi gives variables that were
// compiled but not run their storage when it next runs code; the old session
// is asked first as it is, since a blocked call may still run in it.
func globals(yi *yaegi.Interpreter) map[string]reflect.Value {
	if g, ok := tryGlobals(yi); ok {
		return g
	}
	yi.Eval("_ = 0")
	g, _ := tryGlobals(yi)
	return g
}

func tryGlobals(yi *yaegi.Interpreter) (g map[string]reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return yi.Globals(), true
}

// stuckWait is how long the next cell waits for an interrupted cell's
// blocked call to return before it runs in a rebuilt session.
const stuckWait = 500 * time.Millisecond

// unstick waits up to stuckWait for the code of an interrupted cell to end
// (see settle), then rebuilds the session without it; e.mu is held.
func (e *Engine) unstick(ctx context.Context) *kernel.ExecError {
	if e.stuck == 0 {
		return nil
	}
	wait, cancel := context.WithTimeout(ctx, stuckWait)
	defer cancel()
	if e.settle(wait) == nil {
		return nil
	}
	if ctx.Err() != nil {
		return interrupted()
	}
	if out := e.output(); out != nil {
		out.Stream("stderr", "gonote: the interrupted cell is still blocked in a call that cannot be interrupted; it goes on in the old session, "+
			"and this cell runs in a session rebuilt from the earlier cells, with their variables\n")
	}
	e.symMu.RLock()
	seq := len(e.cells)
	e.symMu.RUnlock()
	stuck := e.stuck
	e.stuck = 0 // the new session does not wait for it
	if xerr := e.rebuild(ctx, seq, nil, "rebuilding the session"); xerr != nil {
		e.stuck = stuck
		return xerr
	}
	return nil
}

// holdsCellInterface says whether values of type t can hold a value of an
// interface type declared in a cell, which yaegi represents by its own
// valueInterface: that value calls its methods through the old session's
// code, with the new session's variables.
func holdsCellInterface(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		if t.Name() == "valueInterface" && t.PkgPath() == reflect.TypeFor[yaegi.Panic]().PkgPath() {
			return true
		}
		for i := range t.NumField() {
			if holdsCellInterface(t.Field(i).Type, seen) {
				return true
			}
		}
	case reflect.Map:
		return holdsCellInterface(t.Key(), seen) || holdsCellInterface(t.Elem(), seen)
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return holdsCellInterface(t.Elem(), seen)
	}
	return false
}

// rebuildError is the error of a cell whose rebuild (for why) breaks cell
// count with xerr.
func rebuildError(why string, count int, xerr *kernel.ExecError) *kernel.ExecError {
	value := fmt.Sprintf("%s, and cell [%d] does not compile with the change (the session is unchanged): %s", why, count, xerr.Value)
	return &kernel.ExecError{Name: "CompileError", Value: value, Traceback: append([]string{"CompileError: " + value}, xerr.Traceback[min(1, len(xerr.Traceback)):]...)}
}

// stubOut makes the function of p, from cell seq, whose literal failed to
// compile with xerr during a rebuild, panic with that error when called, and
// notes it for the rebuild's report unless a later cell declares it again.
// It reports whether it could.
func (e *Engine) stubOut(ctx context.Context, seq int, p postAssign, xerr *kernel.ExecError) bool {
	where := fmt.Sprintf("%s (cell [%d] line %d)", strings.Replace(p.name, ".", " method ", 1), e.cells[seq].count, p.line)
	msg := fmt.Sprintf("gonote: %s no longer compiles since %s: %s; run its cell again", where, e.replayWhy, xerr.Value)
	src := fmt.Sprintf(";\n//line %s:%d:%d\n%s { panic(%q) }", cellFile(seq), p.line, p.col, p.stub, msg)
	if _, err := e.eval(ctx, src); err != nil {
		return false
	}
	if !e.superseded(p.name) {
		e.broken = append(e.broken, where+" no longer compiles and panics when called until its cell runs again: "+xerr.Value)
	}
	return true
}

// superseded says whether, in a rebuild, a later cell declares the function
// or method name ("f", "T.M") again.
func (e *Engine) superseded(name string) bool {
	last, ok := e.replayLast[name]
	return ok && last != e.replaySeq
}

// funcNames returns the functions ("f") and methods ("T.M") that c declares
// as variables (see rewriter.redefinable).
func (c *cell) funcNames() map[string]bool {
	names := map[string]bool{}
	for _, s := range c.segs {
		if s.kind != segDecl {
			continue
		}
		for _, d := range s.file.Decls {
			if d, ok := d.(*ast.FuncDecl); ok && d.Type.TypeParams == nil {
				if d.Recv == nil {
					names[d.Name.Name] = true
				} else if len(d.Recv.List) == 1 {
					names[typeName(d.Recv.List[0].Type)+"."+d.Name.Name] = true
				}
			}
		}
	}
	return names
}

// changed names the declarations in changes: "type T and method M of T".
func changed(changes map[string]override) string {
	if len(changes) == 0 {
		return "nothing"
	}
	var whats []string
	for _, o := range changes {
		whats = append(whats, o.what)
	}
	slices.Sort(whats)
	if len(whats) > 1 {
		return strings.Join(whats[:len(whats)-1], ", ") + " and " + whats[len(whats)-1]
	}
	return whats[0]
}
