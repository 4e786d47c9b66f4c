package interp

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Cells are rewritten before yaegi sees them, where yaegi lacks a Go feature
// or would let a cell harm the kernel. The rewrites are text edits on the
// cell's source that keep every line where it was, so that positions in
// errors stay cell lines:
//
//   - A go statement's goroutine recovers a panic and reports it with the
//     cell line of the go statement instead of ending the process (goStmt).
//   - for i := range n, over an integer, becomes for i := 0*(n); i < (n); i++.
//   - for k, v := range seq, over a function of an earlier cell or a bound
//     package (a Go 1.23 iterator), becomes seq(func(k K, v V) bool { ...;
//     return true }), with break and continue as return false and true.
//   - A loop variable that a closure captures (or whose address is taken) gets
//     a copy per iteration, as in Go 1.22: the body uses a fresh variable
//     initialised from the loop's at the top of each iteration.
//   - A function declaration func f(x T) R { ... } becomes an assignment to
//     a variable f of type func(T) R declared the first time (see
//     redefinable), so that a cell that defines f again changes what the
//     functions of earlier cells call. A method forwards to such a variable
//     (see method).
//   - A top-level var declaration whose initialiser reads a variable runs
//     as a statement (see usesVariable).
//   - Every loop body starts with tickCall, which calls gonote_rt.Tick after
//     an interrupt: Tick stops the interrupted cell without stopping other
//     goroutines, unlike yaegi's own interrupt.
//   - The builtins clear, min and max (Go 1.21) call gonote_rt.Clear and the
//     generic gonote_min and gonote_max of the session prelude.
//   - Channel statements, selects and ranges over channels also wait for an
//     interrupt (see chanStmts).
//   - x := f() at the top level, f compiled and returning a slice, map or
//     array, converts the value to its type written out (compiledComposites).
//   - f(pkg.Names...) converts the package's variable to its type written out
//     (spreadPackageVar).
//   - A loop, if, switch, select or block at the top level runs in a
//     function literal, unless it defers, returns or jumps out with goto
//     (needsFunc).

// edit replaces src[off:end] of a cell by text. A blank edit stands for a
// declaration or an operand that runs elsewhere (a declaration leaves blank
// lines, an operand the variable it went into); declarationText ignores it
// when asked for the text that runs elsewhere.
type edit struct {
	off, end int
	text     string
	blank    bool
	before   bool          // an insertion that belongs to the text after it (insertBefore)
	stmt     bool          // ... and is a statement of its own (insertStmts)
	textFn   func() string // the text, when it is made of other edits' results (hoistValue)
}

// rewriter collects the edits of one cell.
type rewriter struct {
	e     *Engine
	c     *cell
	count int
	s     *segment
	errs  scanner.ErrorList

	generics map[string]bool       // functions the cell declares: generic or not
	vars     map[string]*ast.Ident // variables and constants its declarations declare
	declPos  token.Pos             // of the declaration redefinable looks at
	changes  map[string]override   // declarations that differ from the session's, see checkSame
	methods  bool                  // the cell declares methods
	comms    map[ast.Stmt]bool     // the communications of select cases
	labeled  map[ast.Stmt]bool     // statements with a label
	late     bool                  // the cell's earlier statements have run (lateComposites)
}

// rewrite computes the cell's edits. It returns the types and the
// signatures of functions and methods the cell changes, which need the
// session rebuilt (see rebuild.go). The error is a scanner.ErrorList for the constructs gonote
// cannot run correctly.
func (e *Engine) rewrite(c *cell, count int) (map[string]override, error) {
	rw := &rewriter{e: e, c: c, count: count, generics: map[string]bool{}, vars: map[string]*ast.Ident{}, comms: map[ast.Stmt]bool{}, labeled: map[ast.Stmt]bool{},
		changes: map[string]override{}}
	for _, s := range c.segs {
		if s.kind != segDecl {
			continue
		}
		for _, d := range s.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					rw.generics[d.Name.Name] = d.Type.TypeParams != nil
				}
				rw.methods = rw.methods || d.Recv != nil
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							rw.vars[n.Name] = n
						}
					}
				}
			}
		}
	}
	for i := range c.segs {
		s := &c.segs[i]
		rw.s = s
		switch s.kind {
		case segStmt:
			var wrapped []ast.Stmt
			for _, st := range s.stmts {
				wrap := needsFunc(st)
				if wrap {
					rw.insertStmts(st.Pos(), "func() { ")
					wrapped = append(wrapped, st)
					if rw.c.wrapped == nil {
						rw.c.wrapped = map[[2]int]bool{}
					}
					p := rw.c.fset.Position(st.Pos())
					rw.c.wrapped[[2]int{p.Line, p.Column}] = true
				}
				rw.genericDefine(st)
				ast.Inspect(st, rw.visit)
			}
			rw.chanStmts(s.stmts)
			rw.compiledComposites(s.stmts)
			for _, st := range wrapped {
				rw.insert(st.End(), " }()") // after every other edit at the end
			}
		case segDecl:
			for _, d := range s.file.Decls {
				rw.genericDefine(d)
				rw.redefinable(d)
				ast.Inspect(d, rw.visit)
			}
		}
	}
	sort.SliceStable(c.edits, func(i, j int) bool { return c.edits[i].off < c.edits[j].off })
	if len(rw.errs) > 0 {
		return nil, rw.errs
	}
	return rw.changes, nil
}

// off returns the cell offset of pos.
func (rw *rewriter) off(pos token.Pos) int {
	return rw.c.fset.Position(pos).Offset + rw.s.base
}

func (rw *rewriter) replace(from, to token.Pos, text string) {
	rw.c.edits = append(rw.c.edits, edit{off: rw.off(from), end: rw.off(to), text: text})
}

// blank removes n from its segment, keeping its lines.
func (rw *rewriter) blank(n ast.Node) {
	text := rw.text(n)
	rw.c.edits = append(rw.c.edits, edit{off: rw.off(n.Pos()), end: rw.off(n.End()), text: strings.Repeat("\n", strings.Count(text, "\n")), blank: true})
}

func (rw *rewriter) insert(at token.Pos, text string) {
	o := rw.off(at)
	rw.c.edits = append(rw.c.edits, edit{off: o, end: o, text: text})
}

// insertStmts inserts statements before the statement that starts at at.
func (rw *rewriter) insertStmts(at token.Pos, text string) {
	o := rw.off(at)
	rw.c.edits = append(rw.c.edits, edit{off: o, end: o, text: text, before: true, stmt: true})
}

// insertBefore inserts text that belongs to the statement starting at at:
// where one segment of the cell ends and the next begins, it goes to the next.
func (rw *rewriter) insertBefore(at token.Pos, text string) {
	o := rw.off(at)
	rw.c.edits = append(rw.c.edits, edit{off: o, end: o, text: text, before: true})
}

func (rw *rewriter) text(n ast.Node) string {
	return rw.c.src[rw.off(n.Pos()):rw.off(n.End())]
}

func (rw *rewriter) errorf(pos token.Pos, format string, args ...any) {
	rw.errs.Add(rw.c.fset.Position(pos), fmt.Sprintf(format, args...))
}

// builtin says whether id is the predeclared name, not one a cell declared.
func (rw *rewriter) builtin(id *ast.Ident, names ...string) bool {
	return id.Obj == nil && slices.Contains(names, id.Name) && !rw.e.bound(id.Name)
}

func (rw *rewriter) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.GoStmt:
		rw.goStmt(n)
	case *ast.CallExpr:
		rw.builtinCall(n)
		rw.spreadPackageVar(n)
		rw.mainCall(n)
	case *ast.SelectorExpr:
		if rw.methodExpr(n) {
			return false
		}
	case *ast.LabeledStmt:
		rw.labeled[n.Stmt] = true
	case *ast.SelectStmt:
		rw.selectStmt(n)
	case *ast.BlockStmt:
		rw.chanStmts(n.List)
	case *ast.CaseClause:
		rw.chanStmts(n.Body)
	case *ast.CommClause:
		rw.chanStmts(n.Body)
	case *ast.RangeStmt:
		if rw.rangeFunc(n) {
			return true
		}
		if rw.rangeChan(n) {
			rw.insert(n.Body.Lbrace+1, tickCall)
			return true
		}
		rw.insert(n.Body.Lbrace+1, tickCall)
		rw.rangeInt(n)
		if n.Tok == token.DEFINE {
			rw.perIteration(n.Body, false, n.Key, n.Value)
		}
	case *ast.ForStmt:
		rw.insert(n.Body.Lbrace+1, tickCall)
		if as, ok := n.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			rw.perIteration(n.Body, true, as.Lhs...)
		}
	}
	return true
}

// goStmt makes the goroutine of a go statement recover a panic and report
// it (with the cell line of the go statement) instead of ending the
// process. The goroutine stays yaegi's own: calling an interpreted closure
// from a goroutine of compiled code while its cell goes on corrupts yaegi's
// frames. go func(...) { ... }(args) gets a deferred recover at the top of
// the literal; go f(x, y) becomes
//
//	func() { gonote_g0 := f; gonote_g1 := x; go func() { defer ...; gonote_g0(gonote_g1, 2) }() }()
//
// which evaluates the function and its arguments in place, as the go
// statement does (for go f(x, 2)). Literal arguments stay as they are, so
// that an untyped constant still takes the parameter's type. The receiver
// of go x.M(...) is evaluated by the goroutine (see below): reassigning x
// right after the go statement is the one case that differs from Go.
func (rw *rewriter) goStmt(g *ast.GoStmt) {
	line := rw.c.fset.Position(g.Pos()).Line - lineOffset
	id := rw.e.sites.add(site{rw.count, line, strings.TrimSpace(rw.c.lineText(line))})
	guard := fmt.Sprintf(" defer func() { if r := recover(); r != nil { %s.GoPanic(%d, r) } }();", rtName, id)
	call := g.Call
	if fl, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		rw.insert(fl.Body.Lbrace+1, guard)
		return
	}
	var decl []string
	hoist := func(x ast.Expr) {
		name := fmt.Sprintf("gonote_g%d", len(decl))
		decl = append(decl, name)
		rw.replace(x.Pos(), x.End(), name)
	}
	var values []ast.Expr
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if !rw.builtin(fn, builtins...) {
			values = append(values, call.Fun) // a builtin has no function value
		}
	case *ast.SelectorExpr:
		// A method value x.M or a package's function: yaegi evaluates the
		// receiver of a method value when it is called, not when it is
		// made, and hoisting x instead would lose the address of x for a
		// pointer method; so the goroutine evaluates x.M when it starts.
	default:
		values = append(values, call.Fun)
	}
	for _, a := range call.Args {
		if _, lit := ast.Unparen(a).(*ast.BasicLit); !lit {
			values = append(values, a)
		}
	}
	var texts []string
	for _, v := range values {
		texts = append(texts, rw.text(v))
		hoist(v)
	}
	// The variables live in a function's frame: yaegi loses variables of a
	// block at the top level of a cell when a goroutine outlives the cell.
	prefix := "func() { "
	for i := range decl {
		prefix += decl[i] + " := " + texts[i] + "; "
	}
	rw.replace(g.Go, g.Go+2, prefix+"go func() {"+guard)
	rw.insert(call.End(), " }() }()")
}

// builtinCall redirects clear, min and max to the session's implementations.
func (rw *rewriter) builtinCall(call *ast.CallExpr) {
	fn, ok := call.Fun.(*ast.Ident)
	if !ok || !rw.builtin(fn, "clear", "min", "max") {
		return
	}
	if fn.Name == "clear" {
		rw.replace(fn.Pos(), fn.End(), rtName+".Clear")
		return
	}
	rw.replace(fn.Pos(), fn.End(), "gonote_"+fn.Name)
	// The generic stand-in takes its type from the first argument, where the
	// builtin takes it from all: put a typed argument, or a floating-point
	// constant, first. min and max do not depend on the order.
	anchor := -1
	for i, a := range call.Args {
		if _, lit := ast.Unparen(a).(*ast.BasicLit); !lit {
			anchor = i
			break
		}
	}
	if anchor < 0 {
		for i, a := range call.Args {
			if l, ok := ast.Unparen(a).(*ast.BasicLit); ok && l.Kind == token.FLOAT {
				anchor = i
				break
			}
		}
	}
	if anchor > 0 {
		a, b := call.Args[0], call.Args[anchor]
		rw.replace(a.Pos(), a.End(), rw.text(b))
		rw.replace(b.Pos(), b.End(), rw.text(a))
	}
	if len(call.Args) == 0 {
		return
	}
	// All constants: yaegi cannot infer a type parameter from an untyped
	// constant, so give the first the constant's default type.
	first := call.Args[max(anchor, 0)]
	if l, ok := ast.Unparen(first).(*ast.BasicLit); ok {
		typ := map[token.Token]string{token.INT: "int", token.FLOAT: "float64", token.CHAR: "rune", token.STRING: "string"}[l.Kind]
		if anchor > 0 {
			// The swap above moved it to the front.
			rw.c.edits[len(rw.c.edits)-2].text = typ + "(" + rw.text(first) + ")"
		} else if typ != "" {
			rw.replace(first.Pos(), first.End(), typ+"("+rw.text(first)+")")
		}
	}
}

// rangeInt turns a range over an integer into a three-clause loop.
func (rw *rewriter) rangeInt(r *ast.RangeStmt) {
	if r.Value != nil || !rw.isInt(r.X, 0) {
		return
	}
	x := "(" + rw.text(r.X) + ")"
	if strings.Contains(x, "\n") {
		return
	}
	k := "gonote_k"
	tok := ":="
	if r.Key != nil {
		k = rw.text(r.Key)
		tok = r.Tok.String()
	}
	from := r.Range
	if r.Key != nil {
		from = r.Key.Pos()
	}
	rw.replace(from, r.X.End(), fmt.Sprintf("%s %s 0*%s; %[1]s < %[4]s; %[1]s++", k, tok, x, x))
}

var basicTypes = append([]string{"float32", "float64", "string", "bool", "complex64", "complex128", "any", "error"}, intTypes...)

var intTypes = []string{"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte", "rune"}

// isInt says whether x is an integer expression, as far as the syntax and
// the session's variables tell.
func (rw *rewriter) isInt(x ast.Expr, depth int) bool {
	if depth > 8 {
		return false
	}
	switch x := x.(type) {
	case *ast.BasicLit:
		return x.Kind == token.INT || x.Kind == token.CHAR
	case *ast.ParenExpr:
		return rw.isInt(x.X, depth+1)
	case *ast.UnaryExpr:
		return rw.isInt(x.X, depth+1)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR, token.SHL, token.SHR, token.AND_NOT:
			return rw.isInt(x.X, depth+1) || rw.isInt(x.Y, depth+1)
		}
	case *ast.CallExpr:
		if fn, ok := x.Fun.(*ast.Ident); ok && fn.Obj == nil {
			return slices.Contains([]string{"len", "cap"}, fn.Name) && !rw.e.bound(fn.Name) || slices.Contains(intTypes, fn.Name)
		}
	case *ast.Ident:
		if x.Obj == nil {
			if v := rw.vars[x.Name]; v != nil && v.Obj != nil {
				x = v
			} else {
				return rw.e.sessionInt(x.Name)
			}
		}
		switch d := x.Obj.Decl.(type) {
		case *ast.AssignStmt:
			if len(d.Lhs) == len(d.Rhs) {
				for i, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj == x.Obj {
						return rw.isInt(d.Rhs[i], depth+1)
					}
				}
			}
		case *ast.ValueSpec:
			if t, ok := d.Type.(*ast.Ident); ok {
				return slices.Contains(intTypes, t.Name)
			}
			for i, n := range d.Names {
				if n.Obj == x.Obj && i < len(d.Values) {
					return rw.isInt(d.Values[i], depth+1)
				}
			}
		}
	}
	return false
}

// sessionInt says whether name is a variable or constant of an earlier cell
// holding an integer.
func (e *Engine) sessionInt(name string) bool {
	e.symMu.RLock()
	kind := e.names[name]
	e.symMu.RUnlock()
	if kind != "var" && kind != "const" {
		return false
	}
	v, err := e.yi.Eval(name)
	if err != nil || !v.IsValid() {
		return false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// perIteration gives the loop variables vars a copy per iteration when the
// body captures them in a closure or takes their address. yaegi shares one
// variable across iterations (Go before 1.22), and miscompiles i := i, so
// the body's uses are renamed to a copy made at the top of the body. In a
// three-clause loop (threeClause) the copy would hide changes the body makes
// to the variable from the loop's post statement, so that case is refused.
func (rw *rewriter) perIteration(body *ast.BlockStmt, threeClause bool, vars ...ast.Expr) {
	objs := map[*ast.Object]string{}
	for _, v := range vars {
		if id, ok := v.(*ast.Ident); ok && id.Obj != nil && id.Name != "_" {
			objs[id.Obj] = id.Name
		}
	}
	if len(objs) == 0 || !captures(body, objs) {
		return
	}
	if threeClause {
		for obj, name := range objs {
			if p := assigns(body, obj); p.IsValid() {
				rw.errorf(p, "loop variable %s is captured by a closure and changed in the loop body: "+
					"gonote cannot give it Go 1.22 per-iteration semantics here; copy it into a new variable for the closure", name)
				return
			}
		}
	}
	var decl strings.Builder
	for obj, name := range objs {
		fmt.Fprintf(&decl, " gonote_%s := %[1]s;", name)
		ast.Inspect(body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Obj == obj {
				rw.replace(id.Pos(), id.End(), "gonote_"+name)
			}
			return true
		})
	}
	rw.insert(body.Lbrace+1, decl.String())
}

// captures says whether a function literal in body uses one of objs, or
// body takes the address of one.
func captures(body ast.Node, objs map[*ast.Object]string) bool {
	found := false
	uses := func(n ast.Node) bool {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Obj != nil && objs[id.Obj] != "" {
				found = true
			}
			return !found
		})
		return found
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			uses(n)
			return false
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				uses(n.X)
			}
		}
		return !found
	})
	return found
}

// assigns returns the position of a statement in body that changes obj.
func assigns(body ast.Node, obj *ast.Object) token.Pos {
	var at token.Pos
	is := func(x ast.Expr) bool {
		id, ok := x.(*ast.Ident)
		return ok && id.Obj == obj
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if slices.ContainsFunc(n.Lhs, is) && n.Tok != token.DEFINE {
				at = n.Pos()
			}
		case *ast.IncDecStmt:
			if is(n.X) {
				at = n.Pos()
			}
		}
		return !at.IsValid()
	})
	return at
}

// applyEdits returns src[start:end] of the cell with the edits inside it.
func (c *cell) applyEdits(start, end int) string {
	return c.edited(start, end, false)
}

// declarationText returns the text of a declaration that runs away from its
// segment, from start to end: applyEdits without the edit that blanks it.
func (c *cell) declarationText(start, end int) string {
	return c.edited(start, end, true)
}

func (c *cell) edited(start, end int, own bool) string {
	var b strings.Builder
	at := start
	for _, ed := range c.edits {
		if ed.off < start || ed.end > end || ed.off < at || own && ed.blank && ed.off == start && ed.end == end {
			continue
		}
		// An insertion on the boundary of two segments belongs to one of them.
		if ed.off == ed.end && (ed.off == end && ed.before || ed.off == start && !ed.before && start > 0) {
			continue
		}
		b.WriteString(c.src[at:ed.off])
		if ed.textFn != nil {
			b.WriteString(ed.textFn())
		} else {
			b.WriteString(ed.text)
		}
		at = ed.end
	}
	b.WriteString(c.src[at:end])
	return b.String()
}

// genericDefine refuses a top-level variable initialised directly by a call
// of a generic function: yaegi v0.16.1 panics or, worse, stores a zero value
// for x := g(y) and var x = g(y) at the top level, while it computes g(y)
// right inside functions and inside larger expressions.
func (rw *rewriter) genericDefine(n ast.Node) {
	var values []ast.Expr
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok == token.DEFINE {
			values = n.Rhs
		}
	case *ast.DeclStmt:
		rw.genericDefine(n.Decl)
	case *ast.GenDecl:
		if n.Tok == token.VAR {
			for _, sp := range n.Specs {
				values = append(values, sp.(*ast.ValueSpec).Values...)
			}
		}
	}
	for _, v := range values {
		if rw.e.hasGenericCall(v, rw.generics) {
			rw.errorf(v.Pos(), "yaegi cannot initialise a variable at the top level of a cell directly from a call of a generic function (%s): "+
				"convert the result, e.g. x := int(min(a, b)), or compute it inside a function", rw.text(v))
		}
	}
}

// genericCall says whether x is a call of min, max or a generic function a
// cell declared (local lists the current cell's functions).
func (e *Engine) genericCall(x ast.Expr, local map[string]bool) bool {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	fun := call.Fun
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	id, ok := fun.(*ast.Ident)
	if !ok {
		return false
	}
	if g, ok := local[id.Name]; ok {
		return g
	}
	if (id.Name == "min" || id.Name == "max") && !e.bound(id.Name) {
		return true
	}
	e.symMu.RLock()
	defer e.symMu.RUnlock()
	return e.generic[id.Name]
}

// redefinable turns a function declaration into the assignment of a function
// literal to a variable of the function's type, so that redefining the
// function reaches its callers: yaegi binds a call of a declared function
// once, when the caller is compiled. The variable is declared (by a
// declaration run before the segment) when the session has no function of
// that name and type yet; the declaration itself becomes the statement
// f = func(x T) R { ... }, run after the rest of its segment. Generic
// functions, methods, init and main stay declarations. A type, or the
// signature of a function or method, that differs from an earlier cell's is
// a change (see checkSame): yaegi would silently keep the first type (yaegi
// #1673) and the calls compiled against the first signature, so the session
// is rebuilt. Var declarations with values also run as statements in a cell
// that declares methods, which exist only after the segment, and in a
// rebuild, which compiles them without running them.
func (rw *rewriter) redefinable(d ast.Decl) {
	rw.declPos = d.Pos()
	switch d := d.(type) {
	case *ast.GenDecl:
		if d.Tok == token.VAR && (hasValues(d) && (rw.e.replay != nil || rw.methods) || rw.usesVariable(d)) {
			// It runs as a statement, after the functions of the segment
			// are assigned.
			rw.blank(d)
			pos := rw.c.fset.Position(d.Pos())
			rw.s.postVar = append(rw.s.postVar, postAssign{
				from: rw.off(d.Pos()), to: rw.off(d.End()),
				line: pos.Line - lineOffset, col: pos.Column,
			})
			return
		}
		if d.Tok == token.TYPE {
			for _, sp := range d.Specs {
				ts := sp.(*ast.TypeSpec)
				rw.checkSame("type "+ts.Name.Name, ts, "type "+ts.Name.Name, "")
			}
		}
		return
	case *ast.FuncDecl:
		if d.Recv != nil {
			if len(d.Recv.List) == 1 {
				rw.method(d)
			}
			return
		}
		if rw.e.replay != nil && d.Name.Name == "init" {
			rw.blank(d) // yaegi runs it when declared: a rebuild must not run it again
			return
		}
		if d.Type.TypeParams != nil || d.Body == nil || slices.Contains([]string{"init", "_"}, d.Name.Name) {
			return
		}
		v := funcVar(d.Name.Name)
		if v == mainVar {
			rw.c.mainLine = rw.c.fset.Position(d.Pos()).Line - lineOffset
		}
		typ := "func" + rw.signature(d.Type)
		key := "func " + d.Name.Name
		rw.e.symMu.RLock()
		isFunc, oldType := rw.e.names[v] == "func", rw.e.funcType[v]
		rw.e.symMu.RUnlock()
		declare := func(typ string) {
			if !isFunc || oldType != typ {
				pos := rw.c.fset.Position(d.Pos())
				rw.s.pre = append(rw.s.pre, preDecl{
					src:  "\n" + pad(pos.Line-lineOffset, pos.Column) + "var " + v + " " + typ,
					name: v, typ: typ,
				})
			}
		}
		if o, ok := rw.e.replay[key]; ok && o.text != typ {
			// In a rebuild, the function has the signature a later cell
			// gave it: this declaration of an older one only declares it.
			declare(o.text)
			rw.blank(d)
			return
		}
		if isFunc && oldType != typ && rw.e.replay == nil {
			rw.changes[key] = override{text: typ, what: key}
		}
		declare(typ)
		// The declaration leaves the segment (its lines stay, blank) and
		// runs after it as an assignment statement.
		rw.blank(d)
		pos := rw.c.fset.Position(d.Pos())
		rw.s.post = append(rw.s.post, postAssign{
			prefix: v + " = func",
			line:   pos.Line - lineOffset,
			col:    pos.Column,
			name:   d.Name.Name,
			from:   rw.off(d.Type.Params.Pos()),
			to:     rw.off(d.End()),
			stub:   v + " = " + typ,
		})
	}
}

// mainVar holds a cell's func main: yaegi runs a function named main after
// every later evaluation, while a cell that declares main runs it once, as
// go run does (see Engine.runCell), and later cells may call main().
const mainVar = "gonote_main"

// funcVar returns the name of the variable that holds the cell function
// name (see redefinable).
func funcVar(name string) string {
	if name == "main" {
		return mainVar
	}
	return name
}

// methodExpr replaces a method expression T.M or (*T).M of a method that an
// earlier cell declared on a cell type by the variable the method forwards
// to (see method), which has the expression's type: yaegi v0.16.1 calls a
// method expression with one argument too many. It reports whether it did.
func (rw *rewriter) methodExpr(sel *ast.SelectorExpr) bool {
	recv := ast.Unparen(sel.X)
	if st, ok := recv.(*ast.StarExpr); ok {
		recv = st.X
	}
	id, ok := recv.(*ast.Ident)
	if !ok || id.Obj != nil {
		return false
	}
	rw.e.symMu.RLock()
	isType := rw.e.names[id.Name] == "type"
	text, isMethod := rw.e.declText["method "+id.Name+"."+sel.Sel.Name]
	rw.e.symMu.RUnlock()
	// The receiver written in the expression must be the method's: the
	// variable's type starts with it.
	if !isType || !isMethod || !strings.HasPrefix(text, "func ("+rw.text(ast.Unparen(sel.X))+") ") {
		return false
	}
	rw.replace(sel.Pos(), sel.End(), "gonote_m_"+id.Name+"_"+sel.Sel.Name)
	return true
}

// mainCall makes a call of the cells' func main call mainVar.
func (rw *rewriter) mainCall(call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Name != "main" || id.Obj != nil && id.Obj.Kind != ast.Fun {
		return
	}
	generic, declared := rw.generics["main"]
	rw.e.symMu.RLock()
	inSession := rw.e.names[mainVar] == "func"
	rw.e.symMu.RUnlock()
	if declared && !generic || inSession {
		rw.replace(id.Pos(), id.End(), mainVar)
	}
}

// usesVariable says whether d refers to a variable of the session or a
// function that this cell declares (which redefinable turns into a
// variable): yaegi v0.16.1 rejects a top-level var declaration whose
// initialiser reads another top-level variable ("variable definition
// loop"), while it runs the same declaration as a statement.
func (rw *rewriter) usesVariable(d *ast.GenDecl) bool {
	found := false
	ast.Inspect(d, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		if generic, declared := rw.generics[id.Name]; declared {
			found = !generic
			return !found
		}
		rw.e.symMu.RLock()
		kind := rw.e.names[id.Name]
		generic := rw.e.generic[id.Name]
		rw.e.symMu.RUnlock()
		found = kind == "var" || kind == "func" && !generic
		return !found
	})
	return found
}

// method makes a method redefinable: the method forwards to a variable
// holding a function literal with the receiver as first parameter, so that
// a later cell changes the method by assigning the variable. The method
// leaves its segment (its lines stay, blank); after the segment, the first
// time, a declaration of the variable and of the forwarding method runs,
// then the assignment of the literal. A method of a generic type is checked
// as a type is (checkSame); so is the signature of the others.
func (rw *rewriter) method(d *ast.FuncDecl) {
	recv := d.Recv.List[0]
	tname := typeName(recv.Type)
	key := "method " + tname + "." + d.Name.Name
	what := "method " + d.Name.Name + " of " + tname
	if _, generic := ast.Unparen(recv.Type).(*ast.IndexExpr); generic || tname == "?" || d.Body == nil || d.Type.TypeParams != nil {
		rw.checkSame(key, d, what, "")
		return
	}
	if st, ok := recv.Type.(*ast.StarExpr); ok {
		if _, generic := st.X.(*ast.IndexExpr); generic {
			rw.checkSame(key, d, what, "")
			return
		}
	}
	recvType := rw.text(recv.Type)
	sig := rw.signature(d.Type)
	v := "gonote_m_" + tname + "_" + d.Name.Name
	rw.e.symMu.RLock()
	_, declared := rw.e.declText[key]
	rw.e.symMu.RUnlock()
	decl, ft := rw.forwarder(d, v, recvType, sig)
	// The signature, receiver included, is what must not change.
	if rw.checkSameText(key, "func ("+recvType+") "+d.Name.Name+sig, what, d, decl) {
		return
	}
	if !declared {
		rw.s.postDecl = append(rw.s.postDecl, decl)
	}
	rw.blank(d)
	name := "_"
	if len(recv.Names) == 1 {
		name = recv.Names[0].Name
	}
	sep := ", "
	if d.Type.Params.NumFields() == 0 {
		sep = ""
	}
	pos := rw.c.fset.Position(d.Pos())
	rw.s.post = append(rw.s.post, postAssign{
		prefix: v + " = func(" + name + " " + recvType + sep,
		from:   rw.off(d.Type.Params.Opening + 1),
		to:     rw.off(d.End()),
		line:   pos.Line - lineOffset,
		col:    pos.Column,
		name:   tname + "." + d.Name.Name,
		stub:   v + " = " + ft,
	})
}

// forwarder returns the declarations of method d's variable v and of the
// method forwarding to it, and v's type.
func (rw *rewriter) forwarder(d *ast.FuncDecl, v, recvType, sig string) (decl, ft string) {
	var params, args []string
	n := 0
	for _, f := range d.Type.Params.List {
		t := strings.Join(strings.Fields(rw.text(f.Type)), " ")
		for range max(1, len(f.Names)) {
			p := fmt.Sprintf("gonote_p%d", n)
			n++
			params = append(params, p+" "+t)
			if strings.HasPrefix(t, "...") {
				p += "..."
			}
			args = append(args, p)
		}
	}
	call := v + "(" + strings.Join(append([]string{"gonote_recv"}, args...), ", ") + ")"
	if d.Type.Results.NumFields() > 0 {
		call = "return " + call
	}
	_, results, _ := strings.Cut(sig, ") ")
	_, inner, _ := strings.Cut(sig, "(")
	inner, _, _ = strings.Cut(inner, ")")
	ft = "func(" + strings.Join(append([]string{recvType}, strings.Split(inner, ", ")...), ", ")
	if inner == "" {
		ft = "func(" + recvType
	}
	ft += ") " + results
	return fmt.Sprintf("\nvar %s %s\nfunc (gonote_recv %s) %s(%s) %s { %s }",
		v, ft, recvType, d.Name.Name, strings.Join(params, ", "), results, call), ft
}

// checkSame records the text of declaration n under key, or notes a change
// when an earlier cell declared key differently. While the session is
// rebuilt, a declaration that a later cell changed is replaced by the new
// one: a type or generic method in place, the method of a forwarding
// variable (decl, see method) by the new declarations without a body, which
// the changing cell assigns. It reports whether it replaced n.
func (rw *rewriter) checkSame(key string, n ast.Node, what, decl string) bool {
	return rw.checkSameText(key, strings.Join(strings.Fields(rw.text(n)), " "), what, n, decl)
}

// checkSameText is checkSame with n's text given.
func (rw *rewriter) checkSameText(key, text, what string, n ast.Node, decl string) bool {
	if o, ok := rw.e.replay[key]; ok && o.text != text {
		rw.e.symMu.RLock()
		_, declared := rw.e.declText[key]
		rw.e.symMu.RUnlock()
		switch {
		case o.decl == "":
			rw.replace(n.Pos(), n.End(), o.src)
		case !declared:
			rw.blank(n)
			rw.s.postDecl = append(rw.s.postDecl, o.decl)
		default:
			rw.blank(n)
		}
		rw.s.texts = append(rw.s.texts, [2]string{key, o.text})
		return true
	}
	rw.e.symMu.RLock()
	old, ok := rw.e.declText[key]
	rw.e.symMu.RUnlock()
	if ok && old != text {
		if rw.e.replay != nil {
			rw.errorf(rw.declPos, "%s is defined differently by an earlier cell", what)
			return false
		}
		rw.changes[key] = override{src: rw.text(n), text: text, decl: decl, what: what}
	}
	rw.s.texts = append(rw.s.texts, [2]string{key, text})
	return false
}

// hasValues says whether a var declaration initialises a variable.
func hasValues(d *ast.GenDecl) bool {
	return slices.ContainsFunc(d.Specs, func(sp ast.Spec) bool {
		vs, ok := sp.(*ast.ValueSpec)
		return ok && len(vs.Values) > 0
	})
}

// typeName returns the name of a receiver type: T for T, *T and T[P].
func typeName(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.StarExpr:
		return typeName(x.X)
	case *ast.IndexExpr:
		return typeName(x.X)
	case *ast.IndexListExpr:
		return typeName(x.X)
	case *ast.Ident:
		return x.Name
	}
	return "?"
}

// signature returns the parameter and result types of t without names:
// "(int, string) error", the identity of the function variable's type.
func (rw *rewriter) signature(t *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return out
		}
		for _, f := range fl.List {
			ts := strings.Join(strings.Fields(rw.text(f.Type)), " ")
			for range max(1, len(f.Names)) {
				out = append(out, ts)
			}
		}
		return out
	}
	sig := "(" + strings.Join(list(t.Params), ", ") + ")"
	if res := list(t.Results); len(res) == 1 {
		sig += " " + res[0]
	} else if len(res) > 1 {
		sig += " (" + strings.Join(res, ", ") + ")"
	}
	return sig
}

// hasGenericCall says whether x calls a generic function (see genericCall)
// other than inside a function literal or as the operand of a conversion to
// a basic type, where yaegi gets its value right.
func (e *Engine) hasGenericCall(x ast.Expr, local map[string]bool) bool {
	return someOutsideFuncLits(x, func(n ast.Node) (found, descend bool) {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return false, true
		}
		if id, ok := call.Fun.(*ast.Ident); ok && id.Obj == nil && slices.Contains(basicTypes, id.Name) && !e.bound(id.Name) {
			return false, false
		}
		return e.genericCall(call, local), true
	})
}

// rangeFunc rewrites a range over an iterator function into a call of it
// with the loop body as the yield function, when the session can tell the
// iterator's type without running anything: seq is a variable or function of
// an earlier cell, or a call of one or of a bound function. It reports
// whether it did; a body that returns or jumps out of the loop is refused
// with an error saying how to write it.
func (rw *rewriter) rangeFunc(r *ast.RangeStmt) bool {
	t := rw.e.exprType(r.X, false)
	if t == nil || t.Kind() != reflect.Func || t.NumIn() != 1 || t.NumOut() != 0 {
		return false
	}
	y := t.In(0)
	if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool || y.NumIn() > 2 {
		return false
	}
	if r.Tok == token.ASSIGN {
		rw.errorf(r.Pos(), "range over a function with = is not supported here: use := (gonote calls the iterator with the loop body as its yield function)")
		return true
	}
	vars := []ast.Expr{r.Key, r.Value}
	params := make([]string, y.NumIn())
	for i := range params {
		name := "_"
		if id, ok := vars[i].(*ast.Ident); ok && vars[i] != nil {
			name = id.Name
		}
		typ := y.In(i).String()
		if strings.Contains(typ, "main.") || strings.Contains(typ, "interp.") {
			return false
		}
		params[i] = name + " " + typ
	}
	if bad := rw.yieldBody(r.Body); bad.IsValid() {
		rw.errorf(bad, "return, goto, defer and labelled break or continue in the body of a range over a function are not supported by gonote: "+
			"collect what the loop finds in a variable and act on it after the loop")
		return true
	}
	from := r.For
	rw.replace(from, r.Body.Lbrace+1, rw.text(r.X)+"(func("+strings.Join(params, ", ")+") bool {")
	rw.replace(r.Body.Rbrace, r.Body.Rbrace+1, "; return true })")
	return true
}

// yieldBody rewrites the break and continue statements of a range-over-func
// body into returns of the yield function, and returns the position of a
// statement it cannot rewrite.
func (rw *rewriter) yieldBody(body *ast.BlockStmt) token.Pos {
	var bad token.Pos
	var walk func(n ast.Node, inLoop, inSwitch bool)
	walk = func(n ast.Node, inLoop, inSwitch bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if bad.IsValid() {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt, *ast.DeferStmt, *ast.LabeledStmt:
				bad = n.Pos()
			case *ast.ForStmt:
				walk(n.Body, true, false)
				return false
			case *ast.RangeStmt:
				walk(n.Body, true, false)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				var b *ast.BlockStmt
				switch n := n.(type) {
				case *ast.SwitchStmt:
					b = n.Body
				case *ast.TypeSwitchStmt:
					b = n.Body
				case *ast.SelectStmt:
					b = n.Body
				}
				walk(b, inLoop, true)
				return false
			case *ast.BranchStmt:
				if n.Label != nil || n.Tok == token.GOTO {
					bad = n.Pos()
					return false
				}
				switch {
				case n.Tok == token.BREAK && !inLoop && !inSwitch:
					rw.replace(n.Pos(), n.End(), "return false")
				case n.Tok == token.CONTINUE && !inLoop:
					rw.replace(n.Pos(), n.End(), "return true")
				}
			}
			return true
		})
	}
	for _, st := range body.List {
		walk(st, false, false)
	}
	return bad
}

// exprType returns the type of x when the session can tell it without
// running anything: a name of an earlier cell or a bound package, or a call
// of a function so named (its first result). Otherwise nil. With ran, the
// names the cell itself declares count too: its earlier statements have run
// (see lateComposites).
func (e *Engine) exprType(x ast.Expr, ran bool) reflect.Type {
	call, isCall := ast.Unparen(x).(*ast.CallExpr)
	name := x
	if isCall {
		name = call.Fun
	}
	if !isName(name) {
		return nil
	}
	id := selectorRoot(name).(*ast.Ident)
	if id.Obj != nil && !ran {
		return nil // declared by this cell: not run yet
	}
	e.symMu.RLock()
	kind := e.names[id.Name]
	_, isPkg := e.pkgs[id.Name]
	e.symMu.RUnlock()
	if !isPkg && kind != "var" && kind != "func" {
		return nil
	}
	v, err := e.yi.Eval(exprText(name))
	if err != nil || !v.IsValid() {
		return nil
	}
	t := v.Type()
	if !isCall {
		return t
	}
	if t.Kind() != reflect.Func || t.NumOut() == 0 {
		return nil
	}
	return t.Out(0)
}

// Channel operations. yaegi stops a cell that waits on a channel only with
// its own interrupt, which stops every goroutine of the session; so the
// channel statements of cells wait on the interrupt too (see block.go):
//
//   - A select without a default case gets a case for the interrupt and runs
//     in a loop that repeats it when the interrupt was meant for another
//     goroutine: for gonote_sw := true; gonote_sw; { gonote_sw = false; select
//     { ...; case <-gonote_rt.Intr(): gonote_sw = gonote_rt.Woken() } }. The
//     repeat evaluates the channel and value expressions again, which only
//     goroutines other than the interrupted cell's can see.
//   - select {} waits for the interrupt only.
//   - A send statement sends through gonote_rt.Send (see Engine.sendBuffer).
//   - A receive that a statement evaluates before any call (<-ch, v, ok :=
//     <-ch, fmt.Println(<-ch), if v := <-ch; ...) receives through
//     gonote_rt.Recv before the statement, which keeps the type of v (see
//     Engine.recv).
//   - A range over a channel receives the same way at each iteration.
//
// A receive after a call in its statement (f(g(), <-ch)), in a loop's
// condition, and sync.Mutex are not covered; they still need yaegi's
// interrupt.

// chanStmts rewrites the channel statements of a statement list.
func (rw *rewriter) chanStmts(list []ast.Stmt) {
	for _, st := range list {
		if rw.comms[st] {
			continue
		}
		switch st := st.(type) {
		case *ast.ExprStmt:
			rw.hoistRecvs(st, st.X)
		case *ast.AssignStmt:
			rw.hoistRecvs(st, nodes(append(st.Lhs[:len(st.Lhs):len(st.Lhs)], st.Rhs...))...)
		case *ast.ReturnStmt:
			rw.hoistRecvs(st, nodes(st.Results)...)
		case *ast.IfStmt:
			rw.hoistRecvs(st, st.Init, st.Cond)
		case *ast.SwitchStmt:
			rw.hoistRecvs(st, st.Init, st.Tag)
		case *ast.SendStmt:
			c, b := rw.tmp("gonote_sc"), rw.tmp("gonote_sb")
			rw.insertStmts(st.Pos(), fmt.Sprintf("%s := %s; %s := %s.SendBuffer(&%[1]s); ", c, rw.text(st.Chan), b, rtName))
			rw.replace(st.Chan.Pos(), st.Chan.End(), c)
			rw.insert(st.End(), fmt.Sprintf("; %s.Send(%s); %s = nil", rtName, b, c))
		}
	}
}

// hoistRecvs makes the receives that statement st evaluates first, in the
// given parts (as an if's Init and Cond), go through Recv before st: v, ok
// := <-ch, fmt.Println(<-ch), x := <-a + <-b, if v := <-ch; v > 0. It takes
// receives in the order Go evaluates them; an operand with a call before a
// receive is evaluated before st too (hoistValue), f(g(), <-ch); it stops at
// && and ||, and at a call it cannot move, so that hoisting changes no order
// and runs no receive that would not run.
func (rw *rewriter) hoistRecvs(st ast.Stmt, parts ...ast.Node) {
	for _, p := range parts {
		if p == nil || reflect.ValueOf(p).IsNil() {
			continue
		}
		if rw.hoistUntilCall(st, p) {
			return
		}
	}
}

// hoistUntilCall hoists the receives of x that come before any call (or
// && or ||) and reports whether it met one.
func (rw *rewriter) hoistUntilCall(st ast.Stmt, x ast.Node) (stop bool) {
	ast.Inspect(x, func(n ast.Node) bool {
		if stop {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			// The function and the arguments are evaluated before the call.
			if !containsCall(n.Fun) {
			args:
				for i, a := range n.Args {
					switch {
					case containsRecv(a) || !containsCall(a):
						if rw.hoistUntilCall(st, a) {
							break args
						}
					case !rw.effectCall(a):
						// Builtins and conversions: nothing to keep in order.
					case rw.hoistableBefore(a, n.Args[i+1:]...):
						rw.hoistValue(st, a)
					default:
						break args
					}
				}
			}
			stop = true
			return false
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				rw.hoistUntilCall(st, n.X)
				stop = true
				return false
			}
			if !containsRecv(n.X) && containsCall(n.X) && containsRecv(n.Y) {
				if rw.effectCall(n.X) {
					if !rw.hoistableBefore(n.X, n.Y) {
						stop = true
						return false
					}
					rw.hoistValue(st, n.X)
				}
				stop = rw.hoistUntilCall(st, n.Y)
				return false
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				rw.hoistRecv(st, n)
				return false
			}
		}
		return true
	})
	return stop
}

// hoistableBefore says whether x, an operand with a call, can be evaluated
// before its statement (hoistValue) so that a receive in the operands after
// it can be too: x receives nothing itself and calls no generic function
// (yaegi gets x := g(y) wrong at the top level).
func (rw *rewriter) hoistableBefore(x ast.Expr, after ...ast.Expr) bool {
	if containsRecv(x) || rw.e.hasGenericCall(x, nil) {
		return false
	}
	return slices.ContainsFunc(after, func(y ast.Expr) bool { return containsRecv(y) })
}

// orderFree are the builtins and conversions whose order of evaluation
// cannot matter (see effectCall).
var orderFree = append([]string{"len", "cap", "real", "imag", "complex", "min", "max", "new", "make", "append"}, basicTypes...)

// effectCall says whether x calls a function, other than in a function
// literal: not a conversion to a basic type or one of the builtins whose
// order of evaluation cannot matter (and whose constant results must stay
// untyped: len("ab") + <-c).
func (rw *rewriter) effectCall(x ast.Node) bool {
	return someOutsideFuncLits(x, func(n ast.Node) (found, descend bool) {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return false, true
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		return !ok || !rw.builtin(id, orderFree...), true
	})
}

// hoistValue evaluates x into a new variable before statement st, and puts
// the variable in x's place: x with the edits inside it, so that the other
// rewrites of x still apply.
func (rw *rewriter) hoistValue(st ast.Stmt, x ast.Expr) {
	v := rw.tmp("gonote_hv")
	c, from, to := rw.c, rw.off(x.Pos()), rw.off(x.End())
	at := rw.off(st.Pos())
	c.edits = append(c.edits,
		edit{off: at, end: at, before: true, stmt: true, textFn: func() string { return v + " := " + c.declarationText(from, to) + "; " }},
		edit{off: from, end: to, text: v, blank: true})
}

// containsRecv says whether x receives from a channel, other than in a
// function literal.
func containsRecv(x ast.Node) bool {
	return someOutsideFuncLits(x, func(n ast.Node) (found, descend bool) {
		u, ok := n.(*ast.UnaryExpr)
		return ok && u.Op == token.ARROW, true
	})
}

// someOutsideFuncLits says whether test finds a node of x, looking
// everywhere but in function literals, whose bodies run later if at all,
// and below nodes where test says not to descend.
func someOutsideFuncLits(x ast.Node, test func(n ast.Node) (found, descend bool)) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit || found {
			return false
		}
		var descend bool
		found, descend = test(n)
		return !found && descend
	})
	return found
}

func nodes(xs []ast.Expr) []ast.Node {
	ns := make([]ast.Node, len(xs))
	for i, x := range xs {
		ns[i] = x
	}
	return ns
}

// containsCall says whether x calls something.
func containsCall(x ast.Node) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		_, call := n.(*ast.CallExpr)
		found = found || call
		return !found
	})
	return found
}

// hoistRecv receives u's channel through Recv before statement st and puts
// the received value in u's place. As the one value of a two-value
// definition or assignment (v, ok := <-ch), u also gives ok.
func (rw *rewriter) hoistRecv(st ast.Stmt, u *ast.UnaryExpr) {
	c, k := rw.tmp("gonote_rc"), rw.tmp("gonote_rk")
	rw.insertStmts(st.Pos(), fmt.Sprintf("%s := %s; %s := %s.Recv(&%[1]s); _ = %[3]s; ", c, rw.text(u.X), k, rtName))
	rw.replace(u.X.Pos(), u.X.End(), c)
	if as := rw.commaOK(st, u); as {
		// (<-c), k: yaegi assigns a wrong second value for <-c, k.
		rw.insertBefore(u.Pos(), "(")
		rw.insert(u.End(), "), "+k)
	}
	if _, ret := st.(*ast.ReturnStmt); !ret {
		rw.insert(st.End(), fmt.Sprintf("; %s = nil", c))
	}
}

// commaOK says whether u is the one value of a two-value assignment: st
// itself or an if's or switch's init.
func (rw *rewriter) commaOK(st ast.Stmt, u *ast.UnaryExpr) bool {
	var as *ast.AssignStmt
	switch st := st.(type) {
	case *ast.AssignStmt:
		as = st
	case *ast.IfStmt:
		as, _ = st.Init.(*ast.AssignStmt)
	case *ast.SwitchStmt:
		as, _ = st.Init.(*ast.AssignStmt)
	}
	return as != nil && len(as.Lhs) == 2 && len(as.Rhs) == 1 && as.Rhs[0] == ast.Expr(u)
}

// selectStmt lets an interrupt end a select that would block.
func (rw *rewriter) selectStmt(s *ast.SelectStmt) {
	for _, cl := range s.Body.List {
		cc := cl.(*ast.CommClause)
		if cc.Comm == nil {
			return // a default case: it never blocks
		}
		rw.comms[cc.Comm] = true
	}
	if len(s.Body.List) == 0 {
		rw.replace(s.Pos(), s.End(), fmt.Sprintf("for { <-%s.Intr(); %[1]s.Woken() }", rtName))
		return
	}
	for _, cl := range s.Body.List {
		for _, st := range cl.(*ast.CommClause).Body {
			if hasContinue(st) {
				return // the loop around the select would take the continue
			}
		}
	}
	var hoisted strings.Builder
	if !rw.labeled[s] {
		for _, cl := range s.Body.List {
			if send, ok := cl.(*ast.CommClause).Comm.(*ast.SendStmt); ok && rw.readsMemory(send.Value) {
				v := rw.tmp("gonote_sv")
				fmt.Fprintf(&hoisted, "%s := %s; ", v, rw.text(send.Value))
				rw.replace(send.Value.Pos(), send.Value.End(), v)
			}
		}
	}
	w := rw.tmp("gonote_sw")
	rw.insertStmts(s.Pos(), fmt.Sprintf("%sfor %s := true; %[2]s; { %[2]s = false; ", hoisted.String(), w))
	rw.insert(s.Body.Rbrace, fmt.Sprintf("; case <-%s.Intr(): %s = %[1]s.Woken(); ", rtName, w))
	rw.insert(s.End(), " }")
}

// readsMemory says whether x is an expression that reads a field, an element
// or through a pointer and computes more: yaegi sends a wrong value for such
// a send case of a select (w.n + k sends k), so selectStmt evaluates it
// before the select, as Go does on entering one. Such an expression has a
// type of its own, so the variable it goes to keeps it.
func (rw *rewriter) readsMemory(x ast.Expr) bool {
	switch ast.Unparen(x).(type) {
	case *ast.Ident, *ast.BasicLit, *ast.SelectorExpr, *ast.IndexExpr, *ast.StarExpr, *ast.CallExpr:
		return false // a single read or a call works
	}
	return someOutsideFuncLits(x, func(n ast.Node) (found, descend bool) {
		switch n := n.(type) {
		case *ast.IndexExpr, *ast.StarExpr:
			return true, true
		case *ast.SelectorExpr:
			id, ok := n.X.(*ast.Ident)
			return !ok || id.Obj != nil || !rw.e.isPackage(id.Name), true
		}
		return false, true
	})
}

// hasContinue says whether st holds a continue without a label that is not
// inside a loop or function of its own.
func hasContinue(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if n.Tok == token.CONTINUE && n.Label == nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// rangeChan turns a range over a channel into a loop of receives through
// Recv: for k := range ch { body } becomes
//
//	for gonote_src := ch; ; { gonote_rc := gonote_src; if !gonote_rt.Recv(&gonote_rc) { break }; k := <-gonote_rc; body }
func (rw *rewriter) rangeChan(r *ast.RangeStmt) bool {
	if r.Value != nil || !rw.isChan(r.X, 0) {
		return false
	}
	src, c := rw.tmp("gonote_src"), rw.tmp("gonote_rc")
	recv := fmt.Sprintf("%s := %s; if !%s.Recv(&%[1]s) { break }; ", c, src, rtName)
	switch {
	case r.Key == nil:
	case r.Tok == token.DEFINE:
		recv += fmt.Sprintf("%s := <-%s; ", rw.text(r.Key), c)
	default:
		recv += fmt.Sprintf("%s = <-%s; ", rw.text(r.Key), c)
	}
	rw.replace(r.For, r.Body.Lbrace+1, fmt.Sprintf("for %s := %s; ; { %s", src, rw.text(r.X), recv))
	return true
}

// isChan says whether x is a channel, as far as the syntax and the session's
// variables tell.
func (rw *rewriter) isChan(x ast.Expr, depth int) bool {
	x = ast.Unparen(x)
	if call, ok := x.(*ast.CallExpr); ok && len(call.Args) > 0 {
		if fn, ok := call.Fun.(*ast.Ident); ok && rw.builtin(fn, "make") {
			_, isChan := call.Args[0].(*ast.ChanType)
			return isChan
		}
	}
	id, ok := x.(*ast.Ident)
	if !ok || depth > 8 {
		return false
	}
	if id.Obj == nil {
		if v := rw.vars[id.Name]; v != nil && v.Obj != nil {
			id = v
		} else {
			t := rw.e.exprType(id, false)
			return t != nil && t.Kind() == reflect.Chan
		}
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.AssignStmt:
		if len(d.Lhs) == len(d.Rhs) {
			for i, l := range d.Lhs {
				if l, ok := l.(*ast.Ident); ok && l.Obj == id.Obj {
					return rw.isChan(d.Rhs[i], depth+1)
				}
			}
		}
	case *ast.ValueSpec:
		if _, ok := d.Type.(*ast.ChanType); ok {
			return true
		}
		for i, n := range d.Names {
			if n.Obj == id.Obj && i < len(d.Values) {
				return rw.isChan(d.Values[i], depth+1)
			}
		}
	case *ast.Field:
		_, ok := d.Type.(*ast.ChanType)
		return ok
	}
	return false
}

// tmp returns a new name for a variable of the rewrite, unique in the
// session: yaegi confuses a variable of a block with a global of its name.
func (rw *rewriter) tmp(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, rw.e.tmps.Add(1))
}

// compiledComposites works around yaegi v0.16.1 failing on a top-level
// definition that indexes a slice, map or array of a type it got from
// compiled code: x := strings.Fields(s) then r := x[0] fails with "constant
// definition loop", while the same type written in the cell works. So at the
// top level of a cell, x := f(...) converts f's result to its type written
// out, and x[i] converts x when x is a call or a variable. Where the type
// comes from a variable of the same cell (x.Shape() with x := ..., or x
// itself), the conversion waits until the statement runs (lateComposites).
// The values keep their Go types.
func (rw *rewriter) compiledComposites(list []ast.Stmt) {
	convert := func(x ast.Expr) {
		if !rw.convertToOwnType(x, unnamedComposite) && usesCellName(x) {
			rw.s.late = append(rw.s.late, x)
		}
	}
	for _, st := range list {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && len(as.Lhs) == len(as.Rhs) {
			for _, x := range as.Rhs {
				if _, call := ast.Unparen(x).(*ast.CallExpr); call {
					convert(x)
				}
			}
		}
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.BlockStmt:
				return false // yaegi indexes such values right inside blocks
			case *ast.IndexExpr:
				switch x := ast.Unparen(n.X).(type) {
				case *ast.CallExpr:
					convert(x)
				case *ast.Ident:
					// Only a value compiled code made: []Celsius{...}
					// has the reflect type []float64, but yaegi gets it
					// right, and a conversion would lose its methods.
					convert(x)
				}
			}
			return true
		})
	}
}

// typeText returns the Go spelling of t in a cell, if the cell can spell it:
// composites of predeclared types and of named types of packages the session
// imported under their own names.
func (e *Engine) typeText(t reflect.Type) (string, bool) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), true
		}
		text := t.String()
		pkg, _, _ := strings.Cut(text, ".")
		e.symMu.RLock()
		path := e.pkgs[pkg]
		e.symMu.RUnlock()
		return text, path == t.PkgPath() && !strings.Contains(text, "[")
	}
	switch t.Kind() {
	case reflect.Slice:
		elem, ok := e.typeText(t.Elem())
		return "[]" + elem, ok
	case reflect.Array:
		elem, ok := e.typeText(t.Elem())
		return fmt.Sprintf("[%d]%s", t.Len(), elem), ok
	case reflect.Pointer:
		elem, ok := e.typeText(t.Elem())
		return "*" + elem, ok
	case reflect.Map:
		key, ok1 := e.typeText(t.Key())
		elem, ok2 := e.typeText(t.Elem())
		return "map[" + key + "]" + elem, ok1 && ok2
	}
	return "", false
}

// needsFunc says whether a compound statement at the top level of a cell must
// run inside func() { ... }(). yaegi v0.16.1 keeps the values of a top-level
// statement, its block's variables and the results of every call in it, in
// the session's frame for as long as the session lives: a loop over batches
// at the top level kept its last batch, graph and loader's epoch alive (31
// MB after 07-training), where a function's frame goes with the call. It also
// loses the variables of a two-value definition in a block at the top level
// (n, err := f() in a loop body: "undefined: n"), and not inside a function.
// The statement's own variables are local to it anyway; one that defers,
// returns or jumps out with goto is left alone, since a function would
// change what those do.
func needsFunc(st ast.Stmt) bool {
	switch st.(type) {
	case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
		*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
	default:
		return false
	}
	unsafe := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt, *ast.ReturnStmt:
			unsafe = true
		case *ast.BranchStmt:
			unsafe = unsafe || n.Tok == token.GOTO
		}
		return !unsafe
	})
	return !unsafe
}

// spreadPackageVar converts a package's slice variable spread into a call,
// f(pkg.Names...), to its type written out: yaegi v0.16.1 panics converting
// the slice to its element type otherwise.
func (rw *rewriter) spreadPackageVar(call *ast.CallExpr) {
	if !call.Ellipsis.IsValid() || len(call.Args) == 0 {
		return
	}
	last := ast.Unparen(call.Args[len(call.Args)-1])
	sel, ok := last.(*ast.SelectorExpr)
	if !ok {
		return
	}
	if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Obj != nil || !rw.e.isPackage(pkg.Name) {
		return
	}
	rw.convertToOwnType(sel, func(t reflect.Type) bool { return t.Kind() == reflect.Slice })
}

// convertToOwnType wraps x, whose type the session knows (see exprType), in
// a conversion to that type written out, when want accepts the type and the
// cell can spell it: how the rewriter hands yaegi a value it would
// otherwise mishandle, without changing its Go type. It reports whether it
// did.
func (rw *rewriter) convertToOwnType(x ast.Expr, want func(reflect.Type) bool) bool {
	if id, ok := x.(*ast.Ident); ok {
		rw.e.symMu.RLock()
		compiled := rw.e.compiled[id.Name]
		rw.e.symMu.RUnlock()
		if !compiled {
			return false
		}
	}
	t := rw.e.exprType(x, rw.late)
	if t == nil || !want(t) {
		return false
	}
	text, ok := rw.e.typeText(t)
	if ok {
		rw.insertBefore(x.Pos(), text+"(")
		rw.insert(x.End(), ")")
	}
	return ok
}

// unnamedComposite says whether t is a slice, map or array type without a
// name, which yaegi mishandles when compiled code made the value (see
// compiledComposites).
func unnamedComposite(t reflect.Type) bool {
	k := t.Kind()
	return t.Name() == "" && (k == reflect.Slice || k == reflect.Map || k == reflect.Array)
}

// usesCellName says whether x's name (f in f(), x in x.M()) is one the cell
// declares.
func usesCellName(x ast.Expr) bool {
	if call, ok := ast.Unparen(x).(*ast.CallExpr); ok {
		x = call.Fun
	}
	id, ok := selectorRoot(x).(*ast.Ident)
	return ok && id.Obj != nil
}

// lateComposites does compiledComposites's conversions of segment s that
// need a value an earlier statement of the cell has made, now that it has
// run.
func (e *Engine) lateComposites(c *cell, s *segment) {
	if len(s.late) == 0 {
		return
	}
	rw := &rewriter{e: e, c: c, s: s, late: true}
	for _, x := range s.late {
		rw.convertToOwnType(x, unnamedComposite)
	}
	sort.SliceStable(c.edits, func(i, j int) bool { return c.edits[i].off < c.edits[j].off })
}
