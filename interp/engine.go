// Package interp is gonote's Engine: it runs Go cells on the yaegi interpreter,
// one interpreter per session.
//
// yaegi does the interpreting. What is written here is the notebook layer it
// lacks: cutting a cell into parts yaegi accepts (it parses a source either as
// declarations or as statements, never a mix), rewriting the cell where yaegi
// lacks a Go feature or would let a cell harm the kernel (rewrite.go), mapping
// its error positions to cell lines, capturing fds 1 and 2 for the running
// cell, routing stdin through the frontend, magics, completion and inspection.
//
// A cell runs as a sequence of evaluations: runs of declarations, each import,
// and each top-level statement alone, so that a panic is located at its
// statement. A syntax error stops the cell before anything runs; other errors
// stop it where they occur, after the earlier parts have run.
//
// # Results
//
// The cell's final expression is assigned to result variables, as many as it
// has values, and every value is shown: strconv.Atoi("zz") shows 0 and the
// error. Values of interpreted types are shown with their Error or String
// method, others with fmt's %v, except that strings are quoted (%q) so that ""
// and " " are visible, as in a Go REPL. Statements, declarations and calls
// without results show nothing; so do calls of fmt's Print and Fprint
// functions, whose byte count is noise at the end of a cell.
//
// # Redefinition
//
// A function declared by a cell lives in a variable of its function type
// (see rewriter.redefinable): declaring it again in a later cell assigns the
// variable, so functions of earlier cells call the new one. Variables keep
// their values unless a cell declares them again. yaegi keeps the first
// declaration of a type or method for good, and compiles calls against the
// signature it saw, so a cell that changes a type or the signature of a
// function or method rebuilds the session (see rebuild.go); an unchanged
// declaration (a re-run cell) changes nothing.
//
// # Interrupts
//
// An interrupt first stops the cell's own goroutine at its next loop
// iteration, sleep, channel operation, select, WaitGroup wait or mutex lock
// (see Engine.tick and block.go); goroutines the session started go on. Only
// when the cell does not stop that way within softStopWait (a receive in a
// loop condition, a compiled call) does the engine use yaegi's own
// interrupt, which stops every goroutine of the session, and says so. Code
// blocked in a compiled call stops only when the call returns; the next cell
// waits for that a moment, then runs in a rebuilt session (see unstick).
package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"image"
	"io"
	"log"
	"maps"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	yaegi "github.com/traefik/yaegi/interp"

	"gonote/display"
	"gonote/kernel"
	"gonote/tensor"
)

// Options configure an Engine. The zero value is ready to use: the standard
// library only, no logging.
//
// Whether fds 1 and 2 are captured is not an option: an Engine created after
// CaptureStdio sends everything the process writes to them (interpreted code,
// compiled libraries, child processes) to the running cell's Output. Without
// it, as in tests, fmt.Print* and log output of cells still reach the Output,
// but os.Stdout writes and compiled code go to the real stdout and stderr.
type Options struct {
	// Symbols are extra packages bound into the interpreter, as produced by
	// `yaegi extract` (a map from "import/path/name" to the package's symbols).
	Symbols []yaegi.Exports
	// Log receives the engine's own diagnostics (internal errors with their
	// stacks); nil discards them. It must not write to fd 1 or 2.
	Log *log.Logger
}

// Engine runs Go cells in one yaegi session. It implements kernel.Engine.
type Engine struct {
	opts  Options
	cap   *capture // nil without CaptureStdio
	log   *log.Logger
	stdin *stdinReader

	ready   chan struct{} // closed when yi (or initErr) is set
	yi      *yaegi.Interpreter
	initErr error

	mu     sync.Mutex // serialises use of yi
	out    atomic.Pointer[outputBox]
	panics panicLog
	stuck  uint64 // see settle; under mu
	intr   interrupter
	tmps   atomic.Int64 // variables the rewriter made (rewriter.tmp)

	stateMu sync.Mutex
	cancel  context.CancelFunc // cancels the running cell, for Shutdown
	closed  bool

	symMu         sync.RWMutex
	imports       map[string]bool     // "name path" of imports done, to skip re-imports
	pkgs          map[string]string   // package name in cells -> import path
	names         map[string]string   // names declared by cells -> "var", "func", ...
	declaredTypes bool                // a cell declared a type (methodsPossible)
	funcs         map[string]cellRef  // function name -> the cell that declared it
	cells         []cellRef           // the cells run, see cellFile
	generic       map[string]bool     // generic functions declared by cells
	funcType      map[string]string   // type of the variable holding a cell's function
	declText      map[string]string   // "type T", "method T.M" -> its declaration's text
	varType       map[string]string   // variable -> its type's name, when its declaration shows it
	compiled      map[string]bool     // variables defined by a call of compiled code (compiledComposites)
	overrides     map[string]override // changes of types and signatures, see rebuild
	sessionStart  int                 // e.cells index of the session's first cell (after %reset)
	replay        map[string]override // e.overrides while the session is rebuilt, else nil
	replayLast    map[string]int      // function ("f") or method ("T.M") -> the last cell declaring it, in a rebuild
	replaySeq     int                 // the cell a rebuild runs again
	replayWhy     string              // what made the rebuild: "type T changed"
	broken        []string            // functions a rebuild left without their code, see stubOut

	sites    sites         // where cells start goroutines, see rewrite.go
	running  atomic.Bool   // a cell is running
	softStop atomic.Uint64 // see tick; the goroutine that started the interrupted eval
	stopFlag bool          // gonote_rt.Stop: loops call tick while it is set; see tickCall
	asyncMu  sync.Mutex
	pending  []string // panics of goroutines reported when no cell ran

	indexOnce sync.Once
	pkgIndex  *pkgIndex // see index
}

// outputBox lets an Output interface value live in an atomic.Pointer.
type outputBox struct{ out kernel.Output }

// funcSpan is the lines of a function declared in a cell.
type funcSpan struct {
	name     string
	from, to int
}

// cellRef locates a declaration for tracebacks: the execution count of its
// cell, the cell's lines and its line there.
type cellRef struct {
	count int
	lines []string
	line  int
	spans []funcSpan // functions declared, in cells
	code  string     // for rebuild
	ran   int        // segments that ran without error
}

// New returns an Engine. The interpreter is created in the background (it
// takes tens of milliseconds) so that the kernel can answer kernel_info at
// once; the first Execute waits for it.
func New(opts Options) (*Engine, error) {
	e := &Engine{opts: opts, ready: make(chan struct{}), overrides: map[string]override{}}
	e.setSession(newSession(nil)) // the interpreter comes in start
	e.cap = capturing()
	if e.log = opts.Log; e.log == nil {
		e.log = log.New(io.Discard, "", 0)
	}
	e.stdin = &stdinReader{e: e}
	display.SetPublisher(publisher{e})
	engines.Store(e, struct{}{})
	go e.start()
	return e, nil
}

var _ kernel.Engine = (*Engine)(nil)

// start creates the interpreter and loads the packages cells can import.
func (e *Engine) start() {
	defer close(e.ready)
	defer func() {
		if r := recover(); r != nil {
			e.initErr = fmt.Errorf("interp: starting yaegi: %v", r)
		}
		if e.initErr != nil {
			e.log.Print(e.initErr)
		}
	}()
	yi, err := e.newInterpreter()
	if err != nil {
		e.initErr = err
		return
	}
	e.yi = yi
	e.index() // for the first completion
}

// newInterpreter returns a yaegi interpreter with the packages cells can
// import and the session prelude.
func (e *Engine) newInterpreter() (*yaegi.Interpreter, error) {
	var stdout, stderr io.Writer = os.Stdout, os.Stderr
	if e.cap == nil {
		stdout, stderr = streamWriter{e, "stdout"}, streamWriter{e, "stderr"}
	}
	yi := yaegi.New(yaegi.Options{
		Unrestricted: true,
		Stdin:        e.stdin,
		Stdout:       stdout,
		Stderr:       &panicFilter{log: &e.panics, next: stderr},
	})
	// stdlib's os.Exit and log.Fatal panic instead of ending the kernel;
	// os/exec only exists among the unrestricted symbols.
	uses := append(stdlibTables[:len(stdlibTables):len(stdlibTables)],
		stdinSymbols(e.stdin),
		e.runtimeSymbols(),
		boundMapTypes(),
	)
	for _, u := range append(uses, e.opts.Symbols...) {
		if err := yi.Use(u); err != nil {
			return nil, fmt.Errorf("interp: loading symbols: %w", err)
		}
	}
	for _, src := range []string{fmt.Sprintf("import %s %q", rtName, "gonote/rt"), prelude} {
		if _, err := yi.Eval(src); err != nil {
			return nil, fmt.Errorf("interp: starting the session: %w", err)
		}
	}
	return yi, nil
}

// reset replaces the session by a fresh one (%reset); e.mu is held.
// Goroutines of the old session go on running on the old interpreter.
func (e *Engine) reset() error {
	yi, err := e.newInterpreter()
	if err != nil {
		return err
	}
	e.symMu.Lock()
	defer e.symMu.Unlock()
	e.setSession(newSession(yi))
	e.overrides = map[string]override{}
	e.sessionStart = len(e.cells)
	return nil
}

// wait blocks until the interpreter exists or ctx ends.
func (e *Engine) wait(ctx context.Context) error {
	select {
	case <-e.ready:
		return e.initErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// output returns the Output of the running (or last) cell, or nil.
func (e *Engine) output() kernel.Output {
	if b := e.out.Load(); b != nil {
		return b.out
	}
	return nil
}

func (e *Engine) setOutput(out kernel.Output) {
	e.out.Store(&outputBox{out})
	if e.cap != nil {
		e.cap.setSink(out)
	}
}

// flush delivers everything written so far to fds 1 and 2.
func (e *Engine) flush() {
	if e.cap != nil {
		e.cap.drain()
	}
}

var errShutdown = errors.New("the engine is shut down")

// Execute runs one cell. See kernel.Engine.
func (e *Engine) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) (reply kernel.ExecuteReply) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.stateMu.Lock()
	closed := e.closed
	e.cancel = cancel
	e.stateMu.Unlock()
	if closed {
		return kernel.ExecuteReply{Err: internalError(errShutdown)}
	}
	if err := e.wait(ctx); err != nil {
		if ctx.Err() != nil {
			return kernel.ExecuteReply{Err: interrupted()}
		}
		return kernel.ExecuteReply{Err: internalError(err)}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setOutput(out)
	e.stdin.reset()
	e.running.Store(true)
	defer e.running.Store(false)
	if p := e.takePending(); p != "" {
		out.Stream("stderr", p)
	}
	defer e.flush() // runs after the recover below: output precedes the reply
	defer func() {
		if r := recover(); r != nil {
			e.log.Printf("internal error in Execute: %v\n%s", r, debug.Stack())
			reply = kernel.ExecuteReply{Err: internalError(fmt.Errorf("%v", r))}
		}
	}()
	if xerr := e.unstick(ctx); xerr != nil {
		return kernel.ExecuteReply{Err: xerr}
	}
	code, r, done := e.magics(ctx, req, out)
	if done {
		return r
	}
	res, xerr := e.run(ctx, code, req.Count)
	if xerr != nil {
		return kernel.ExecuteReply{Err: xerr}
	}
	reply.Result = res
	return reply
}

// run evaluates the segments of a cell in order and returns the bundle of its
// final expression's value, if it has one.
func (e *Engine) run(ctx context.Context, code string, count int) (*kernel.Bundle, *kernel.ExecError) {
	c, err := parseCell(code)
	if err != nil {
		return nil, compileError(c, err)
	}
	e.symMu.Lock()
	seq := len(e.cells)
	e.cells = append(e.cells, cellRef{count: count, lines: c.lines, code: code})
	e.symMu.Unlock()
	return e.runCell(ctx, c, seq, count, false)
}

// runCell runs cell c, number seq of e.cells. While the session is rebuilt
// (e.replay), it runs only the segments that ran before, and compiles
// statements and variable declarations without running them.
func (e *Engine) runCell(ctx context.Context, c *cell, seq, count int, rebuilt bool) (*kernel.Bundle, *kernel.ExecError) {
	for _, path := range e.implicitImports(c) {
		if xerr := e.importImplicitly(ctx, c, path); xerr != nil {
			return nil, xerr
		}
	}
	// After the implicit imports: rewriting asks the types of package members.
	changes, err := e.rewrite(c, count)
	if err != nil {
		return nil, compileError(c, err)
	}
	if len(changes) > 0 {
		if rebuilt {
			return nil, internalError(fmt.Errorf("the rebuilt session still differs from the cell in %s", slices.Sorted(maps.Keys(changes))))
		}
		if xerr := e.rebuild(ctx, seq, changes, changed(changes)+" changed"); xerr != nil {
			return nil, xerr
		}
		fresh, _ := parseCell(c.src) // without the edits made for the old session
		return e.runCell(ctx, fresh, seq, count, true)
	}
	replaying := e.replay != nil
	e.symMu.RLock()
	ran := e.cells[seq].ran // what a rebuild runs again
	e.symMu.RUnlock()
	var spans []funcSpan
	for _, s := range c.segs {
		for _, p := range s.post {
			spans = append(spans, funcSpan{p.name, p.line, p.line + strings.Count(c.src[p.from:p.to], "\n")})
		}
	}
	e.symMu.Lock()
	e.cells[seq].spans = spans
	e.symMu.Unlock()
	inCellFile := map[string]bool{} // package names imported in the file cellFile(seq)
	for i, s := range c.segs {
		if replaying && i >= ran {
			break
		}
		if s.kind == segImport {
			if xerr := e.runImports(ctx, c, s); xerr != nil {
				return nil, xerr
			}
			e.ran(seq, i)
			continue
		}
		e.lateComposites(c, &c.segs[i])
		if replaying && s.kind == segStmt {
			// A statement that no longer compiles is left out; the
			// variables it declared are gone (see carryValues).
			if e.compile(c.yaegiSource(s)) == nil {
				e.record(c, s, count)
			}
			continue
		}
		if i == len(c.segs)-1 {
			if x := e.resultExpr(c, s); x != nil {
				if b, xerr, ok := e.evalResult(ctx, c, s, x); ok {
					if xerr == nil {
						e.ran(seq, i)
					}
					return b, xerr
				}
			}
		}
		if _, err := e.eval(ctx, c.yaegiSource(s)); err != nil {
			xerr := e.evalError(ctx, c, err)
			e.explain(xerr, s)
			return nil, xerr
		}
		for _, p := range s.pre {
			if _, err := e.eval(ctx, p.src); err != nil {
				return nil, e.evalError(ctx, c, err)
			}
			e.symMu.Lock()
			e.funcType[p.name] = p.typ
			e.symMu.Unlock()
		}
		for _, d := range s.postDecl {
			if _, err := e.eval(ctx, d); err != nil {
				return nil, e.evalError(ctx, c, err)
			}
		}
		if replaying {
			// Before the functions: their bodies may use the variables.
			for _, p := range s.postVar {
				e.compile(e.postVarSource(c, p)) // as a statement above
			}
		}
		if len(s.post) > 0 {
			var src strings.Builder
			for _, p := range s.post {
				src.WriteString(c.src[p.from:p.to])
			}
			if xerr := e.importInFile(ctx, c, cellFile(seq), src.String(), inCellFile); xerr != nil {
				return nil, xerr
			}
		}
		for _, p := range s.post {
			// A //line directive names the cell in positions yaegi reports
			// later, from panics in the function, whichever cell runs then.
			src := fmt.Sprintf(";\n//line %s:%d:%d\n%s%s", cellFile(seq), p.line, p.col, p.prefix, c.declarationText(p.from, p.to))
			if _, err := e.eval(ctx, src); err != nil {
				xerr := e.evalError(ctx, c, err)
				if !replaying || !e.stubOut(ctx, seq, p, xerr) {
					return nil, xerr
				}
			}
		}
		for _, p := range s.postVar {
			if replaying {
				break // compiled above
			}
			if _, err := e.eval(ctx, e.postVarSource(c, p)); err != nil {
				xerr := e.evalError(ctx, c, err)
				e.explain(xerr, s)
				return nil, xerr
			}
		}
		e.record(c, s, count)
		e.ran(seq, i)
	}
	if c.mainLine > 0 && !replaying {
		src := fmt.Sprintf(";\n//line %s:%d:1\n%s()", yaegi.DefaultSourceName, c.mainLine+lineOffset, mainVar)
		if _, err := e.eval(ctx, src); err != nil {
			return nil, e.evalError(ctx, c, err)
		}
	}
	return nil, nil
}

// postVarSource is the statement that declares the variables of p.
func (e *Engine) postVarSource(c *cell, p postAssign) string {
	return fmt.Sprintf(";\n//line %s:%d:%d\n%s", yaegi.DefaultSourceName, p.line+lineOffset, p.col, c.declarationText(p.from, p.to))
}

// ran notes that segment i of cell seq ran.
func (e *Engine) ran(seq, i int) {
	if e.replay != nil {
		return
	}
	e.symMu.Lock()
	e.cells[seq].ran = i + 1
	e.symMu.Unlock()
}

// runImports evaluates the import specs of s one by one, skipping those done
// by earlier cells: yaegi rejects a second import of a package as a
// redeclaration, while notebooks re-run cells that import.
func (e *Engine) runImports(ctx context.Context, c *cell, s segment) *kernel.ExecError {
	for _, spec := range s.file.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue // the parser has reported it
		}
		name := ""
		if spec.Name != nil {
			name = spec.Name.Name
		}
		key := name + " " + path
		e.symMu.RLock()
		done := e.imports[key]
		e.symMu.RUnlock()
		if done {
			continue
		}
		pos := c.fset.Position(spec.Pos())
		end := c.fset.Position(spec.End())
		src := "\n" + pad(pos.Line-lineOffset, 1) + "import " + s.src[pos.Offset:end.Offset]
		if _, err := e.eval(ctx, src); err != nil {
			return e.evalError(ctx, c, err)
		}
		e.noteImport(name, path)
	}
	return nil
}

// importInFile imports again, in the source file named file, the session's
// packages that src seems to use (their name followed by a dot) and that are
// not in done yet, and adds them to done. yaegi keys an import by package
// name and file name, and resolves a package name in a type only through the
// file the type is written in: the functions of a cell, compiled under the
// cell's own file name (see cellFile), would not see the packages imported in
// earlier cells or implicitly, and yaegi panics on a signature such as
// func() *tensor.Tensor.
func (e *Engine) importInFile(ctx context.Context, c *cell, file, src string, done map[string]bool) *kernel.ExecError {
	var b strings.Builder
	var names []string
	e.symMu.RLock()
	for name := range e.pkgs {
		if !done[name] && strings.Contains(src, name+".") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&b, "import %s %q\n", name, e.pkgs[name])
	}
	e.symMu.RUnlock()
	if len(names) == 0 {
		return nil
	}
	// The //line directive comes before the package clause, so that the
	// file yaegi records the imports under is file.
	if _, err := e.eval(ctx, fmt.Sprintf("//line %s:1:1\npackage main\n%s", file, b.String())); err != nil {
		return e.evalError(ctx, c, err)
	}
	for _, name := range names {
		done[name] = true
	}
	return nil
}

// noteImport records that path was imported as name ("" for its own name), so
// that a later import of it is skipped and the name resolves for completion.
func (e *Engine) noteImport(name, path string) {
	e.symMu.Lock()
	defer e.symMu.Unlock()
	e.imports[name+" "+path] = true
	if name == "" {
		name = e.packageName(path)
	}
	if name != "_" && name != "." {
		e.pkgs[name] = path
	}
}

// record remembers the names a segment declared, for completion, inspection
// and tracebacks.
func (e *Engine) record(c *cell, s segment, count int) {
	e.symMu.Lock()
	defer e.symMu.Unlock()
	// defines notes the variables names get from values: each its own, or
	// all from one call.
	defines := func(names []*ast.Ident, values []ast.Expr) {
		for i, n := range names {
			var x ast.Expr
			switch {
			case len(values) == len(names):
				x = values[i]
			case len(values) == 1:
				x = values[0]
			}
			e.compiled[n.Name] = x != nil && e.compiledCall(x)
		}
	}
	addGen := func(d *ast.GenDecl) {
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.ValueSpec:
				for i, n := range sp.Names {
					e.addName(n.Name, d.Tok.String())
					var x ast.Expr = sp.Type
					if x == nil && i < len(sp.Values) && len(sp.Values) == len(sp.Names) {
						x = sp.Values[i]
					}
					e.varType[n.Name] = shownType(x)
				}
				defines(sp.Names, sp.Values)
			case *ast.TypeSpec:
				e.addName(sp.Name.Name, "type")
			}
		}
	}
	for _, st := range s.stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				var names []*ast.Ident
				for i, x := range st.Lhs {
					if id, ok := x.(*ast.Ident); ok {
						e.addName(id.Name, "var")
						var rhs ast.Expr
						if len(st.Rhs) == len(st.Lhs) {
							rhs = st.Rhs[i]
						}
						e.varType[id.Name] = shownType(rhs)
						names = append(names, id)
					}
				}
				if len(names) == len(st.Lhs) {
					defines(names, st.Rhs)
				}
			}
		case *ast.DeclStmt:
			if d, ok := st.Decl.(*ast.GenDecl); ok {
				addGen(d)
			}
		}
	}
	for _, t := range s.texts {
		e.declText[t[0]] = t[1]
	}
	if s.kind != segDecl {
		return
	}
	for _, d := range s.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				e.addName(funcVar(d.Name.Name), "func")
				e.generic[d.Name.Name] = d.Type.TypeParams != nil
				e.funcs[d.Name.Name] = cellRef{count: count, lines: c.lines, line: c.fset.Position(d.Pos()).Line - lineOffset}
			}
		case *ast.GenDecl:
			addGen(d)
		}
	}
}

// shownType returns the name of the type an expression visibly has: T for
// T, *T, T{...}, &T{...} and T(x); "" otherwise.
func shownType(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return shownType(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return shownType(x.X)
		}
	case *ast.CompositeLit:
		return shownType(x.Type)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
			return id.Name // a conversion, if id is a type
		}
	case *ast.ParenExpr:
		return shownType(x.X)
	}
	return ""
}

// compiledCall says whether x calls compiled code: a function of a bound
// package, or a method of a value of a compiled type (*tensor.Tensor, not a
// type declared in a cell). symMu is held.
func (e *Engine) compiledCall(x ast.Expr) bool {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := selectorRoot(sel.X).(*ast.Ident)
	if !ok {
		return false
	}
	if _, isPkg := e.pkgs[id.Name]; isPkg {
		return true
	}
	if e.names[id.Name] != "var" {
		return false
	}
	v, err := e.yi.Eval(exprText(sel.X))
	if err != nil || !v.IsValid() {
		return false
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() != "" && t.PkgPath() != "main"
}

func (e *Engine) addName(name, kind string) {
	if name != "_" {
		e.names[name] = kind
	}
	if kind == "type" {
		e.declaredTypes = true
	}
}

// methodsPossible says whether a value of the session can have methods that
// only the interpreter can call: once a cell has declared a type. Until
// then a cell's result needs no probing for MIMEBundle, Error or String,
// which costs a trivial cell four compilations.
func (e *Engine) methodsPossible() bool {
	e.symMu.RLock()
	defer e.symMu.RUnlock()
	return e.declaredTypes
}

// resultExpr returns the expression of s whose value the cell shows: s must
// be a final expression statement, and not a call of fmt's Print and
// Fprint functions (their byte count is noise at the end of a cell), nil or
// a package name.
func (e *Engine) resultExpr(c *cell, s segment) ast.Expr {
	if s.kind != segStmt || len(s.stmts) != 1 {
		return nil
	}
	es, ok := s.stmts[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	if id, ok := es.X.(*ast.Ident); ok {
		e.symMu.RLock()
		_, isPkg := e.pkgs[id.Name]
		e.symMu.RUnlock()
		if id.Name == "nil" || isPkg {
			return nil
		}
	}
	if call, ok := es.X.(*ast.CallExpr); ok {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				e.symMu.RLock()
				path := e.pkgs[x.Name]
				e.symMu.RUnlock()
				if path == "fmt" && (strings.HasPrefix(sel.Sel.Name, "Print") || strings.HasPrefix(sel.Sel.Name, "Fprint")) {
					return nil
				}
			}
		}
	}
	return es.X
}

// maxResults is the most results of a final call the cell shows.
const maxResults = 8

// evalResult runs the final expression x of the cell as an assignment to
// result variables gonote_r0, gonote_r1, ..., trying counts until yaegi
// compiles one (compiling runs nothing), and shows every value. yaegi's own
// result of an expression statement is only the first value of a call, and
// a stale value for statements. ok is false when no count fits: x has no
// value, or does not compile, and the caller runs it as a statement.
func (e *Engine) evalResult(ctx context.Context, c *cell, s segment, x ast.Expr) (b *kernel.Bundle, xerr *kernel.ExecError, ok bool) {
	if e.hasGenericCall(x, nil) {
		// yaegi computes a wrong value for r := g(x) at the top level
		// when g is generic (see rewriter.genericDefine); its own result of
		// the expression is right, and such a call has one result.
		v, err := e.eval(ctx, c.yaegiSource(s))
		if err != nil {
			return nil, e.evalError(ctx, c, err), true
		}
		if text, ok := formatValue(v); ok {
			return &kernel.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}, nil, true
		}
		return nil, nil, true
	}
	at := c.fset.Position(x.Pos()).Offset + s.base
	src := func(n int) string {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("gonote_r%d", i)
		}
		// After the statements inserted before the expression (a rewritten
		// receive's), before the edits of the expression itself.
		i := slices.IndexFunc(c.edits, func(ed edit) bool { return ed.off > at || ed.off == at && !ed.stmt })
		if i < 0 {
			i = len(c.edits)
		}
		c.edits = slices.Insert(c.edits, i, edit{off: at, end: at, text: strings.Join(names, ", ") + " := ", before: true})
		defer func() { c.edits = slices.Delete(c.edits, i, i+1) }()
		return c.yaegiSource(s)
	}
	n := e.resultCount(ctx, x)
	if n == 0 {
		return nil, nil, false
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("gonote_r%d", i)
	}
	code := src(n)
	if _, err := e.eval(ctx, code); err != nil {
		xerr := e.evalError(ctx, c, err)
		if n == 1 && xerr.Name == "CompileError" && xerr.Value == "constant definition loop" &&
			len(s.stmts) == 1 && hasIndex(s) && e.undefinedName(s) == "" {
			// yaegi fails on r := x[0] at the top level when x came from
			// compiled code in this cell (see compiledComposites), and
			// computes x[0] alone; a compile error ran nothing.
			v, err := e.eval(ctx, c.yaegiSource(s))
			if err != nil {
				return nil, e.evalError(ctx, c, err), true
			}
			if b, ok := richBundle(v); ok {
				return b, nil, true
			}
			if text, ok := formatValue(v); ok {
				return &kernel.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}, nil, true
			}
			return nil, nil, true
		}
		e.explain(xerr, s)
		return nil, xerr, true
	}
	if len(names) == 1 {
		v, err := e.yi.Eval(names[0])
		if b, ok := richBundle(v); ok {
			return b, nil, true
		}
		if !e.methodsPossible() {
			text, _ := formatValue(v) // what valueText gives without methods
			if err != nil {
				text = fmt.Sprintf("<value not available: %v>", err)
			}
			return &kernel.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}, nil, true
		}
		if b, ok := e.interpretedBundle(names[0], v); ok {
			return b, nil, true
		}
	}
	texts := make([]string, len(names))
	for i, name := range names {
		texts[i] = e.valueText(name)
	}
	return &kernel.Bundle{Data: map[string]any{"text/plain": strings.Join(texts, "\n")}, Metadata: map[string]any{}}, nil, true
}

// resultCount returns the number of values of x, or 0 when it has none or
// that is unknown. Only names known to the session are evaluated: yaegi
// keeps an undefined name it was asked about as an incomplete type, and
// later cells would see that instead of the error.
func (e *Engine) resultCount(ctx context.Context, x ast.Expr) int {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return 1
	}
	if fl, ok := call.Fun.(*ast.FuncLit); ok {
		return fl.Type.Results.NumFields()
	}
	if !isName(call.Fun) {
		return 1
	}
	name := selectorRoot(call.Fun).(*ast.Ident).Name
	e.symMu.RLock()
	kind := e.names[name]
	_, isPkg := e.pkgs[name]
	e.symMu.RUnlock()
	switch {
	case kind == "type":
		return 1 // a conversion
	case kind == "" && !isPkg:
		if slices.Contains(basicTypes, name) {
			return 1 // a conversion
		}
		if slices.Contains(builtins, name) && !slices.Contains([]string{"print", "println", "panic", "close", "delete", "clear"}, name) {
			return 1
		}
		return 0 // undefined, or a builtin without a value: run as a statement
	}
	fn, err := e.eval(ctx, ";\n"+exprText(call.Fun))
	if err != nil || !fn.IsValid() {
		return 0
	}
	if fn.Kind() == reflect.Func {
		return fn.Type().NumOut()
	}
	return 1
}

// exprText renders a selector chain a.b.c.
func exprText(x ast.Expr) string {
	if sel, ok := x.(*ast.SelectorExpr); ok {
		return exprText(sel.X) + "." + sel.Sel.Name
	}
	return x.(*ast.Ident).Name
}

// compile compiles src without running it, to learn whether it is valid.
// yaegi panics on some invalid sources.
func (e *Engine) compile(src string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	_, err = e.yi.Compile(src)
	return err
}

// rich returns v when display shows it as more than text: a tensor, an image
// or a display.Renderer.
func rich(v reflect.Value) (any, bool) {
	if !v.IsValid() || !v.CanInterface() {
		return nil, false
	}
	switch x := v.Interface().(type) {
	case *tensor.Tensor:
		return x, x != nil
	case image.Rectangle:
		return nil, false // an image.Image, shown as its bounds
	case display.Renderer, image.Image:
		return x, true
	}
	return nil, false
}

// valueText renders the session variable name as text/plain. Values of
// interpreted types reach compiled code without their methods, so a type
// that is not a compiled named type gets its Error or String method called
// by the interpreter when it has one (finding out compiles, running nothing).
func (e *Engine) valueText(name string) string {
	v, err := e.yi.Eval(name)
	if err != nil {
		return fmt.Sprintf("<value not available: %v>", err)
	}
	t := v
	if t.IsValid() && t.Kind() == reflect.Interface && !t.IsNil() {
		t = t.Elem()
	}
	if t.IsValid() && t.Type().PkgPath() == "" && !isNil(t) {
		for _, m := range []string{"Error", "String"} {
			call := ";\n" + name + "." + m + "()"
			if err := e.compile(call); err != nil {
				continue
			}
			s, err := e.yi.Eval(call)
			if err != nil {
				return fmt.Sprintf("<value not printable: %s panicked: %v>", m, panicValue(err))
			}
			if s.Kind() == reflect.String {
				return s.String()
			}
		}
		if text, ok := e.elementsText(name, t); ok {
			return text
		}
	}
	text, _ := formatValue(v)
	return text
}

// elementsText prints a slice or array whose elements have an Error or
// String method as fmt would, [e0 e1 ...], calling the method in the
// interpreter: the values of a cell type that compiled code sees have no
// methods (fmt prints []Celsius as numbers).
func (e *Engine) elementsText(name string, v reflect.Value) (string, bool) {
	if k := v.Kind(); k != reflect.Slice && k != reflect.Array || v.Len() == 0 || v.Len() > 10000 {
		return "", false
	}
	for _, m := range []string{"Error", "String"} {
		if e.compile(";\n"+name+"[0]."+m+"()") != nil {
			continue
		}
		src := fmt.Sprintf(";\nfunc() string {\n\ts := \"[\"\n\tfor i, v := range %s {\n\t\tif i > 0 {\n\t\t\ts += \" \"\n\t\t}\n\t\ts += v.%s()\n\t}\n\treturn s + \"]\"\n}()", name, m)
		s, err := e.yi.Eval(src)
		if err != nil || s.Kind() != reflect.String {
			return "", false
		}
		return s.String(), true
	}
	return "", false
}

// isNil says whether v is a nil pointer, map, slice, func, chan or interface.
func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// panicValue returns the value of a yaegi.Panic, or err.
func panicValue(err error) any {
	var p yaegi.Panic
	if errors.As(err, &p) {
		return p.Value
	}
	return err
}

// explain replaces yaegi's "constant definition loop", which it reports for
// x := expr when expr uses an undefined name, by "undefined: name" when one
// of the statement's names is not known to the session.
func (e *Engine) explain(xerr *kernel.ExecError, s segment) {
	if xerr.Value == "nil type" && hasRange(s) {
		// yaegi panics so on range over a function or an integer.
		xerr.Name = "CompileError"
		xerr.Value = "range over a function (a Go 1.23 iterator) or over an integer, whose type gonote could not tell before running the cell, " +
			"is not supported by yaegi: declare the iterator or the integer in an earlier cell, " +
			"call the iterator with a yield function, seq(func(v T) bool { ...; return true }), or write for i := 0; i < n; i++"
		xerr.Traceback = append([]string{xerr.Name + ": " + xerr.Value}, xerr.Traceback[min(1, len(xerr.Traceback)):]...)
		return
	}
	if xerr.Name != "CompileError" || xerr.Value != "constant definition loop" || len(s.stmts) != 1 && s.kind != segDecl {
		return
	}
	if undefined := e.undefinedName(s); undefined != "" {
		xerr.Value = "undefined: " + undefined
		xerr.Traceback[0] = "CompileError: " + xerr.Value
		return
	}
	if len(s.stmts) == 1 && hasIndex(s) {
		xerr.Value += " (yaegi cannot index here a slice or map that compiled code returned in this same cell: " +
			"index it in the next cell, or convert it first, as in r := []int(shape)[0])"
		xerr.Traceback[0] = "CompileError: " + xerr.Value
	}
}

// undefinedName returns a name that the one statement of s, or the variable
// declarations of s, use and nothing defines, or "": yaegi reports such a
// name at the top level as "constant definition loop".
func (e *Engine) undefinedName(s segment) string {
	var roots []ast.Node
	local := map[string]bool{} // what the segment's declarations declare
	if len(s.stmts) == 1 {
		roots = definedFrom(s.stmts[0])
	}
	for _, d := range s.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			local[d.Name.Name] = d.Recv == nil
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					local[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						local[n.Name] = true
					}
					if sp.Type != nil {
						roots = append(roots, sp.Type)
					}
					for _, v := range sp.Values {
						roots = append(roots, v)
					}
				}
			}
		}
	}
	var undefined string
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.KeyValueExpr:
			return false // their names are local or field keys
		case *ast.SelectorExpr:
			ast.Inspect(n.X, visit)
			return false
		case *ast.Ident:
			if local[n.Name] {
				return true
			}
		}
		return undefined == "" && e.checkName(n, &undefined)
	}
	for _, r := range roots {
		ast.Inspect(r, visit)
	}
	return undefined
}

// definedFrom returns what a statement computes: the right side of a
// definition (its left side declares new names), else the statement.
func definedFrom(st ast.Stmt) []ast.Node {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return []ast.Node{st}
	}
	var roots []ast.Node
	for _, x := range as.Rhs {
		roots = append(roots, x)
	}
	return roots
}

// hasIndex says whether the one statement of s indexes something.
func hasIndex(s segment) bool {
	found := false
	for _, r := range definedFrom(s.stmts[0]) {
		ast.Inspect(r, func(n ast.Node) bool {
			_, ok := n.(*ast.IndexExpr)
			found = found || ok
			return !found
		})
	}
	return found
}

// hasRange says whether s has a range statement.
func hasRange(s segment) bool {
	found := false
	ast.Inspect(s.file, func(n ast.Node) bool {
		_, isRange := n.(*ast.RangeStmt)
		found = found || isRange
		return !found
	})
	return found
}

// checkName sets *undefined to n's name if n is an identifier the session
// does not know; it returns whether to look further.
func (e *Engine) checkName(n ast.Node, undefined *string) bool {
	id, ok := n.(*ast.Ident)
	if !ok {
		return true
	}
	e.symMu.RLock()
	_, isName := e.names[id.Name]
	_, isPkg := e.pkgs[id.Name]
	e.symMu.RUnlock()
	if !isName && !isPkg && !slices.Contains(builtins, id.Name) && id.Name != "_" {
		*undefined = id.Name
	}
	return true
}

// selectorRoot returns a in a.b.c, and x itself when x is no selector.
func selectorRoot(x ast.Expr) ast.Expr {
	for {
		sel, ok := x.(*ast.SelectorExpr)
		if !ok {
			return x
		}
		x = sel.X
	}
}

// isName says whether x is an identifier or a selector chain a.b.c, whose
// evaluation has no side effects.
func isName(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return isName(x.X)
	}
	return false
}

// formatValue renders a result as text/plain; ok is false when there is none.
func formatValue(v reflect.Value) (text string, ok bool) {
	defer func() {
		if r := recover(); r != nil { // a String method may panic
			text, ok = fmt.Sprintf("<value not printable: %v>", r), true
		}
	}()
	if !v.IsValid() {
		return "", false
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "<nil>", true
		}
		v = v.Elem()
	}
	if !v.CanInterface() {
		return v.String(), true
	}
	if s, isString := v.Interface().(string); isString {
		return strconv.Quote(s), true
	}
	return fmt.Sprintf("%v", v.Interface()), true
}

// eval runs src on the interpreter; e.mu must be held. It calls yaegi's
// EvalWithContext from a goroutine of its own, whose id names the goroutine
// EvalWithContext starts: settle needs it after an interrupt.
func (e *Engine) eval(ctx context.Context, src string) (reflect.Value, error) {
	if err := e.settle(ctx); err != nil {
		return reflect.Value{}, err
	}
	e.panics.reset()
	type result struct {
		v   reflect.Value
		err error
		gid uint64
	}
	ch := make(chan result, 1)
	// yaegi's own cancellation (hard) stops every goroutine of the session,
	// not only the cell's: it is the last resort, see softStopWait.
	hard, hardStop := context.WithCancel(context.Background())
	defer hardStop()
	spawner := make(chan uint64, 1)
	go func() {
		gid := goroutineID()
		spawner <- gid
		v, err := e.yi.EvalWithContext(hard, src)
		ch <- result{v, err, gid}
	}()
	var r result
	select {
	case r = <-ch:
		return r.v, r.err
	case <-ctx.Done():
	}
	e.softStop.Store(<-spawner)
	e.stopFlag = true
	defer func() {
		e.stopFlag = false
		e.softStop.Store(0)
	}()
	e.intr.fire()
	anyInterrupt.fire()
	select {
	case r = <-ch:
	case <-time.After(softStopWait):
		hardStop()
		r = <-ch
		e.reportAsync("gonote: the interrupted cell was blocked (in a channel operation or a call) and had to be stopped with " +
			"yaegi's own interrupt, which also stops the goroutines of earlier cells\n")
	}
	if r.err != nil && (errors.Is(r.err, context.Canceled) || isInterruptPanic(r.err)) {
		if evalRunning(r.gid) {
			e.stuck = r.gid
		}
		return reflect.Value{}, ctx.Err()
	}
	return r.v, r.err
}

// softStopWait is how long an interrupt waits for the cell to stop at a
// loop iteration or a sleep before it stops the interpreter.
const softStopWait = 300 * time.Millisecond

// errInterruptSignal is the panic value tick raises in an interrupted cell.
var errInterruptSignal = errors.New("gonote: cell interrupted")

func isInterruptPanic(err error) bool {
	var p yaegi.Panic
	if !errors.As(err, &p) {
		return false
	}
	v := p.Value
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	return v == errInterruptSignal
}

// tick is called at each iteration of the loops of cells (see rewrite.go).
// After an interrupt it panics in the goroutine that runs the interrupted
// cell, and only there: goroutines the session started go on, unlike with
// yaegi's own interrupt.
func (e *Engine) tick() {
	spawner := e.softStop.Load()
	if spawner == 0 {
		return
	}
	var buf [8 << 10]byte
	stack := buf[:runtime.Stack(buf[:], false)]
	if bytes.Contains(stack, fmt.Appendf(nil, ").EvalWithContext in goroutine %d\n", spawner)) {
		panic(errInterruptSignal)
	}
}

// interrupter wakes the sleeps of interrupted code. yaegi stops interpreted
// code only between steps; time.Sleep, the most common blocking call in
// notebooks, is replaced in cells by one that an interrupt ends early.
type interrupter struct {
	mu sync.Mutex
	ch chan struct{} // closed by fire, then replaced
}

func (i *interrupter) current() <-chan struct{} {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ch == nil {
		i.ch = make(chan struct{})
	}
	return i.ch
}

// fire wakes the sleeps that started before it; later ones are not
// affected, so goroutines left running by a cell do not spin.
func (i *interrupter) fire() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ch != nil {
		close(i.ch)
	}
	i.ch = make(chan struct{})
}

// sleep is time.Sleep for cells: an interrupt ends it in the goroutine of
// the interrupted cell (see tick); other goroutines sleep on.
func (e *Engine) sleep(d time.Duration) {
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		t := time.NewTimer(left)
		select {
		case <-t.C:
			return
		case <-e.intr.current():
			t.Stop()
			e.tick()
		}
	}
}

// errStillRunning is settle's error when it was interrupted.
var errStillRunning = errors.New("interrupted while waiting for the previous, interrupted code to end; " +
	"it is blocked in a call that cannot be interrupted (restart the kernel if it never returns)")

// settle waits until the code of an interrupted eval has stopped. yaegi's
// EvalWithContext returns at once on cancel, but its goroutine ends only
// when the interpreted code next checks for it, which a blocking call (a
// Sleep, a read) delays. Code run before that would share the interpreter's
// global frame with it and could even let it resume, so it waits.
func (e *Engine) settle(ctx context.Context) error {
	if e.stuck == 0 {
		return nil
	}
	start := time.Now()
	warned := false
	for evalRunning(e.stuck) {
		if !warned && time.Since(start) > time.Second {
			warned = true
			if out := e.output(); out != nil {
				out.Stream("stderr", "gonote: waiting for the interrupted cell to return from a blocking call...\n")
			}
		}
		select {
		case <-ctx.Done():
			return errStillRunning
		case <-time.After(5 * time.Millisecond):
		}
	}
	e.stuck = 0
	return nil
}

// goroutineID returns the id of the calling goroutine, from its stack header
// "goroutine 42 [running]:".
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(b[:max(bytes.IndexByte(b, ' '), 0)]), 10, 64)
	return id
}

// evalRunning says whether the goroutine that yaegi's EvalWithContext started
// from goroutine spawner is still alive; the runtime offers no other way to
// ask than listing all goroutines.
func evalRunning(spawner uint64) bool {
	buf := make([]byte, 256<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return bytes.Contains(buf, fmt.Appendf(nil, ").EvalWithContext in goroutine %d\n", spawner))
}

// Evaluate computes one user_expression. See kernel.Engine.
func (e *Engine) Evaluate(ctx context.Context, expr string) (b kernel.Bundle, xerr *kernel.ExecError) {
	c := &cell{src: expr, lines: strings.Split(expr, "\n")}
	if _, err := parser.ParseExpr(expr); err != nil {
		return b, compileError(c, fmt.Errorf("not an expression: %v", err))
	}
	if err := e.wait(ctx); err != nil {
		return b, internalError(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			e.log.Printf("internal error in Evaluate: %v\n%s", r, debug.Stack())
			xerr = internalError(fmt.Errorf("%v", r))
		}
	}()
	v, err := e.eval(ctx, ";\n"+expr)
	if err != nil {
		return b, e.evalError(ctx, c, err)
	}
	return *resultBundle(v), nil
}

// Shutdown interrupts the running cell, if any, and refuses further cells.
// Jupyter restarts a kernel by starting a new process, so restart changes
// nothing here. Calling it again does nothing.
func (e *Engine) Shutdown(restart bool) {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	if e.closed {
		return
	}
	e.closed = true
	engines.Delete(e)
	if e.cancel != nil {
		e.cancel()
	}
	if e.cap != nil {
		e.cap.flush()
	}
}

// Errors.

func interrupted() *kernel.ExecError {
	return &kernel.ExecError{Name: "Interrupted", Value: "cell interrupted", Traceback: []string{"Interrupted: cell interrupted"}}
}

func internalError(err error) *kernel.ExecError {
	return &kernel.ExecError{Name: "InternalError", Value: err.Error(), Traceback: []string{"InternalError: " + err.Error()}}
}

// evalError turns an error of yaegi's EvalWithContext into an ExecError.
func (e *Engine) evalError(ctx context.Context, c *cell, err error) *kernel.ExecError {
	var p yaegi.Panic
	switch {
	case errors.Is(err, errStillRunning):
		return &kernel.ExecError{Name: "Interrupted", Value: err.Error(), Traceback: []string{"Interrupted: " + err.Error()}}
	case errors.As(err, &p):
		return e.panicError(c, p)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return interrupted()
	}
	return compileError(c, err)
}

// posRE matches "file:line:col: msg" and "line:col: msg" as yaegi writes them.
var posRE = regexp.MustCompile(`^(?:(\S*?):)?(\d+):(\d+): (?s)(.*)$`)

// redeclaredRE matches yaegi's error for a second package of the same name.
var redeclaredRE = regexp.MustCompile(`^(\w+)/_\.go redeclared in this block$`)

// yaegiCategoryRE matches the names of yaegi's type categories, which its
// messages show for types without a name: "(type float64T)", "ptrT".
var yaegiCategoryRE = regexp.MustCompile(`\b(type|types|and) (bool|complex64|complex128|error|float32|float64|u?int(?:8|16|32|64|ptr)?|string|ptr|slice|map|struct|func|chan|array|interface)T\b`)

// tidyYaegiTypes writes the type categories in msg as Go would:
// "cannot use  (type float64T) as type intT" becomes "cannot use value (type
// float64) as type int".
func tidyYaegiTypes(msg string) string {
	msg = strings.ReplaceAll(msg, "cannot use  (", "cannot use value (")
	return yaegiCategoryRE.ReplaceAllStringFunc(msg, func(m string) string {
		before, name, _ := strings.Cut(strings.TrimSuffix(m, "T"), " ")
		if word, ok := map[string]string{"ptr": "pointer", "array": "array", "slice": "slice", "map": "map", "struct": "struct", "func": "func", "chan": "channel", "interface": "interface"}[name]; ok {
			name = "a " + word
		}
		return before + " " + name
	})
}

// compileError reports errors with their cell lines. Positions in err are
// cell lines plus lineOffset (see cell.yaegiSource).
func compileError(c *cell, err error) *kernel.ExecError {
	type posMsg struct {
		line int
		msg  string
	}
	var list []posMsg
	if el, ok := err.(scanner.ErrorList); ok {
		for _, x := range el {
			list = append(list, posMsg{x.Pos.Line - lineOffset, x.Msg})
		}
	} else if m := posRE.FindStringSubmatch(err.Error()); m != nil && cellFileRE.MatchString(m[1]) {
		n, _ := strconv.Atoi(m[2])
		list = append(list, posMsg{n, m[4]})
	} else if m != nil && (m[1] == "" || m[1] == yaegi.DefaultSourceName) {
		n, _ := strconv.Atoi(m[2])
		msg := m[4]
		if r := redeclaredRE.FindStringSubmatch(msg); r != nil {
			msg = fmt.Sprintf("%s redeclared: a package %[1]s is already imported; name this one, e.g. import my%[1]s \"path\"", r[1])
		}
		list = append(list, posMsg{n - lineOffset, msg})
	} else {
		list = append(list, posMsg{0, err.Error()})
	}
	xe := &kernel.ExecError{Name: "CompileError"}
	seen := map[int]bool{} // the parser's follow-up errors on a line add nothing
	for _, pm := range list {
		pm.msg = tidyYaegiTypes(pm.msg)
		if pm.line > len(c.lines) { // reported at the closing brace of the wrapper
			pm.line = lastLine(c.lines)
			pm.msg = strings.Replace(pm.msg, "found '}'", "found end of cell", 1)
		}
		if pm.line > 0 && seen[pm.line] {
			continue
		}
		seen[pm.line] = true
		if len(seen) > 5 {
			xe.Traceback = append(xe.Traceback, "(and more errors)")
			break
		}
		if xe.Value == "" {
			xe.Value = pm.msg
		}
		xe.Traceback = append(xe.Traceback, "CompileError: "+pm.msg)
		if pm.line >= 1 {
			xe.Traceback = append(xe.Traceback, fmt.Sprintf("cell line %d: %s", pm.line, c.lineText(pm.line)))
		}
	}
	return xe
}

// lastLine returns the number of the last non-blank line.
func lastLine(lines []string) int {
	for i := len(lines); i > 1; i-- {
		if strings.TrimSpace(lines[i-1]) != "" {
			return i
		}
	}
	return 1
}

// panicError reports a panic with the cell line it happened at and the
// lines of the functions it went through.
func (e *Engine) panicError(c *cell, p yaegi.Panic) *kernel.ExecError {
	val := p.Value
	if rv, ok := val.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		val = rv.Interface()
	}
	name, value := "panic", fmt.Sprint(val)
	if err, ok := val.(error); ok {
		value = err.Error()
		var te *tensor.Error
		switch {
		case errors.Is(err, kernel.ErrStdinNotAllowed):
			name = "StdinNotAllowed"
		case errors.As(err, &te):
			// Tensor errors read as PyTorch's (DESIGN.md, PYTORCH.md).
			name, value = string(te.Kind), te.Msg
			if name == "" {
				name = "RuntimeError"
			}
		}
	}
	// yaegi's ways of failing on a nil pointer and out of a slice's bounds.
	switch {
	case strings.HasPrefix(value, "reflect: call of reflect.Value.") && strings.HasSuffix(value, " on zero Value"):
		value = "runtime error: invalid memory address or nil pointer dereference"
	case value == "reflect: slice index out of range" || value == "reflect: array index out of range":
		value = "runtime error: index out of range"
	}
	xe := &kernel.ExecError{Name: name, Value: value, Traceback: []string{name + ": " + value}}
	frames := e.panics.take()
	if n := len(frames); n > 1 && frames[n-1].file == "" && c.wrapped[[2]int{frames[n-1].line, frames[n-1].col}] {
		frames = frames[:n-1] // the call of a wrapped statement's function literal
	}
	for i := len(frames) - 1; i >= 0; i-- { // outermost call first
		if t := e.frameText(c, frames[i]); t != "" {
			xe.Traceback = append(xe.Traceback, t)
		}
	}
	return xe
}

// cellFile is the file name in the positions of code run from the cell with
// sequence number seq (an index of Engine.cells); its lines are cell lines.
func cellFile(seq int) string { return fmt.Sprintf("gonote_cell_%d.go", seq) }

var cellFileRE = regexp.MustCompile(`^gonote_cell_(\d+)\.go$`)

// frameText renders one frame of a panic: where in which cell it was. For a
// function, yaegi only reports the position of its first statement, so the
// frame names the function and where it was declared.
func (e *Engine) frameText(c *cell, f frame) string {
	line := f.line - lineOffset
	if m := cellFileRE.FindStringSubmatch(f.file); m != nil {
		seq, _ := strconv.Atoi(m[1])
		e.symMu.RLock()
		ref := e.cells[min(seq, len(e.cells)-1)]
		e.symMu.RUnlock()
		// yaegi reports the first statement of a function, not the line
		// that panicked: name the function and the line declaring it.
		line, fn := f.line, ""
		for _, sp := range ref.spans {
			if f.line >= sp.from && f.line <= sp.to {
				line, fn = sp.from, sp.name
			}
		}
		text := ""
		if line >= 1 && line <= len(ref.lines) {
			text = ref.lines[line-1]
		}
		if fn == "" {
			return fmt.Sprintf("cell [%d] line %d: %s", ref.count, line, text)
		}
		return fmt.Sprintf("in %s, cell [%d] line %d: %s", fn, ref.count, line, text)
	}
	if f.file != "" && f.file != yaegi.DefaultSourceName {
		return fmt.Sprintf("%s:%d (%s)", f.file, f.line, f.fn)
	}
	fn := f.fn
	for strings.HasSuffix(fn, ".func") { // a function literal: name its enclosing function
		fn = strings.TrimSuffix(fn, ".func")
	}
	if fn == "main" || fn == "" {
		return fmt.Sprintf("cell line %d: %s", line, c.lineText(line))
	}
	name := strings.TrimPrefix(fn, "main.")
	e.symMu.RLock()
	ref, ok := e.funcs[name]
	e.symMu.RUnlock()
	if !ok {
		return "" // a method's forwarder (see rewriter.method) or yaegi's own code
	}
	text := ""
	if ref.line >= 1 && ref.line <= len(ref.lines) {
		text = ref.lines[ref.line-1]
	}
	return fmt.Sprintf("in %s, cell [%d] line %d: %s", name, ref.count, ref.line, text)
}

// frame is one "panic: fn(...)" position yaegi wrote while unwinding.
type frame struct {
	file      string
	line, col int
	fn        string
}

// panicLog collects the frames of the current panic.
type panicLog struct {
	mu     sync.Mutex
	frames []frame
}

func (l *panicLog) reset() {
	l.mu.Lock()
	l.frames = nil
	l.mu.Unlock()
}

func (l *panicLog) take() []frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.frames
	l.frames = nil
	return f
}

func (l *panicLog) add(f frame) {
	l.mu.Lock()
	if len(l.frames) < 100 {
		l.frames = append(l.frames, f)
	}
	l.mu.Unlock()
}

// panicLineRE matches what yaegi writes to its stderr for each interpreted
// frame a panic unwinds: "3:5: panic: main.f(...)".
var panicLineRE = regexp.MustCompile(`^(?:(\S+\.go):)?(\d+):(\d+): panic: (\S*)\(\.\.\.\)\n$`)

// panicFilter is the interpreter's stderr: it keeps yaegi's panic position
// lines for the traceback instead of printing them, and passes the rest on.
type panicFilter struct {
	log  *panicLog
	next io.Writer
}

func (w *panicFilter) Write(p []byte) (int, error) {
	if m := panicLineRE.FindSubmatch(p); m != nil {
		line, _ := strconv.Atoi(string(m[2]))
		col, _ := strconv.Atoi(string(m[3]))
		w.log.add(frame{file: string(m[1]), line: line, col: col, fn: string(m[4])})
		return len(p), nil
	}
	return w.next.Write(p)
}

// streamWriter sends writes to the current Output's stream; it is the
// interpreter's stdout and stderr when fds are not captured.
type streamWriter struct {
	e    *Engine
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	if out := w.e.output(); out != nil {
		out.Stream(w.name, string(p))
		return len(p), nil
	}
	if w.name == "stdout" {
		return os.Stdout.Write(p)
	}
	return os.Stderr.Write(p)
}
