package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"

	yaegi "github.com/traefik/yaegi/interp"
)

// segKind says how yaegi must see a run of top-level items of a cell.
type segKind int

const (
	segStmt   segKind = iota // statements, run in the session's main scope
	segDecl                  // func, method, type, var and const declarations
	segImport                // import declarations, evaluated one spec at a time
)

// segment is one top-level statement, or a run of consecutive declarations or
// imports. yaegi parses a source either as a file (declarations) or as a
// function body (statements), never as a mix, so a cell is cut into segments
// that are evaluated in order. Statements go one at a time because yaegi
// locates a panic only by the first statement of the code it runs.
type segment struct {
	kind      segKind
	start     int    // byte offset of the first token in the cell
	end       int    // byte offset where the next segment starts
	line, col int    // 1-based position of start
	src       string // the source parsed into file; positions are offsets in it
	file      *ast.File
	stmts     []ast.Stmt   // segStmt only
	base      int          // cell offset = base + offset in src
	pre       []preDecl    // declarations to run before the segment, see rewrite.go
	texts     [][2]string  // declarations' texts to record, see rewriter.checkSame
	post      []postAssign // statements to run after the segment
	postDecl  []string     // declarations to run after the segment, before post
	postVar   []postAssign // var declarations to run as statements after post
	late      []ast.Expr   // see lateComposites
}

// postAssign assigns a redefinable function its literal: prefix, then the
// cell's text from offset from to offset to with its edits.
type postAssign struct {
	prefix    string
	from, to  int
	line, col int    // of the declaration in the cell
	name      string // of the function, for tracebacks
	stub      string // "f = func(T) R": what a rebuild assigns when the literal no longer compiles
}

// preDecl declares the variable that holds a redefinable function.
type preDecl struct {
	src       string
	name, typ string
}

// cell is a parsed cell: its source lines and segments.
type cell struct {
	src      string
	lines    []string
	segs     []segment
	fset     *token.FileSet // positions of the segments' files
	edits    []edit         // see rewrite.go; sorted by offset
	mainLine int            // the line of a func main the cell declares, or 0 (see mainVar)
	// wrapped holds the positions, as yaegi reports them (line, column),
	// of the statements the rewriter runs in func() { ... }() (needsFunc):
	// a panic's frame there is the wrapper's call, not a line of the user's.
	wrapped map[[2]int]bool
}

// lineOffset is the number of lines yaegiSource puts before the cell's first
// line; positions yaegi reports are cell lines plus lineOffset.
const lineOffset = 1

// yaegiSource returns the segment's text for yaegi, after a //line
// directive that makes line N of the cell line N+lineOffset there, with the
// same column. (Padding with newlines would do the same at a cost that grows
// with the square of the cell's length: yaegi parses each segment alone.)
// The leading ";" makes yaegi wrap statements in a function body even when
// they start with "func" (a function literal).
func (c *cell) yaegiSource(s segment) string {
	prefix := "\n"
	if s.kind == segStmt {
		prefix = ";\n"
	}
	return prefix + fmt.Sprintf("//line %s:%d:%d\n", yaegi.DefaultSourceName, s.line+lineOffset, s.col) + c.applyEdits(s.start, s.end)
}

// pad returns the text that puts the next byte at line, col.
func pad(line, col int) string {
	return strings.Repeat("\n", line-1) + strings.Repeat(" ", col-1)
}

// lineText returns cell line n (1-based), or "" when out of range.
func (c *cell) lineText(n int) string {
	if n < 1 || n > len(c.lines) {
		return ""
	}
	return c.lines[n-1]
}

// parseCell cuts src into segments and parses each with go/parser so that
// syntax errors are found before any part of the cell runs. The error is a
// scanner.ErrorList whose positions are cell lines plus lineOffset.
func parseCell(src string) (*cell, error) {
	fset := token.NewFileSet()
	src, pkgErr := withoutPackageClause(src)
	c := &cell{src: src, lines: strings.Split(src, "\n"), fset: fset}
	if pkgErr != nil {
		return c, pkgErr
	}
	var runs []segment
	for _, s := range splitItems(src) {
		n := len(runs)
		if n > 0 && runs[n-1].kind == s.kind {
			runs[n-1].end = s.end
			continue
		}
		if n > 0 {
			runs[n-1].end = s.start
		}
		runs = append(runs, s)
	}
	var errs scanner.ErrorList
	for _, s := range runs {
		padding := pad(s.line, s.col)
		header := "package main;\n"
		if s.kind == segStmt {
			header = "package main; func main() {;\n"
		}
		s.src = header + padding + src[s.start:s.end]
		s.base = s.start - len(header) - len(padding)
		var err error
		if s.kind == segStmt {
			s.src += "\n}"
			s.file, err = parser.ParseFile(fset, "", s.src, 0)
		} else {
			s.file, err = parser.ParseFile(fset, "", s.src, parser.DeclarationErrors)
		}
		if el, ok := err.(scanner.ErrorList); ok {
			errs = append(errs, el...)
			continue
		} else if err != nil {
			errs.Add(token.Position{}, err.Error())
			continue
		}
		if s.kind != segStmt {
			c.segs = append(c.segs, s)
			continue
		}
		// One segment per statement; splitItems may have cut a statement
		// at the semicolons of a for, if or switch header.
		base := s.start - len(header) - len(padding) // cell offset = base + offset in s.src
		var stmts []ast.Stmt
		for _, st := range s.file.Decls[0].(*ast.FuncDecl).Body.List {
			if _, empty := st.(*ast.EmptyStmt); !empty {
				stmts = append(stmts, st)
			}
		}
		for i, st := range stmts {
			pos := fset.Position(st.Pos())
			if _, ok := st.(*ast.DeferStmt); ok {
				// yaegi keeps top-level defers and runs them again after every later cell.
				errs.Add(pos, "defer at the top level of a cell is not supported; use it inside a function")
				continue
			}
			one := s
			one.start, one.line, one.col = base+pos.Offset, pos.Line-lineOffset, pos.Column
			if i+1 < len(stmts) {
				one.end = base + fset.Position(stmts[i+1].Pos()).Offset
			}
			one.stmts = []ast.Stmt{st}
			c.segs = append(c.segs, one)
		}
	}
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// token with its offset, as splitItems needs to look ahead.
type tok struct {
	off int
	tok token.Token
}

// splitItems cuts src into top-level items (statements or declarations
// separated by semicolons outside brackets) and classifies each. Scanner
// errors are ignored here: the parse that follows reports them.
func splitItems(src string) []segment {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)
	var toks []tok
	for {
		pos, t, _ := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(pos), t})
	}
	var items []segment
	depth := 0
	start := -1
	for i, t := range toks {
		if start < 0 {
			if t.tok == token.SEMICOLON {
				continue
			}
			start = i
		}
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		case token.SEMICOLON:
			if depth == 0 {
				items = append(items, item(src, toks, start, i))
				start = -1
			}
		}
	}
	if start >= 0 {
		items = append(items, item(src, toks, start, len(toks)))
	}
	return items
}

// item builds the segment for toks[from:to].
func item(src string, toks []tok, from, to int) segment {
	off := toks[from].off
	line := 1 + strings.Count(src[:off], "\n")
	col := off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
	end := len(src)
	if to < len(toks) {
		end = toks[to].off
	}
	return segment{kind: itemKind(toks[from:to]), start: off, end: end, line: line, col: col}
}

// itemKind classifies an item by its first tokens. A "func" starts a
// declaration unless it is a function literal: "func(...) {" or
// "func(...) T {"; a method is "func (recv) Name(".
func itemKind(toks []tok) segKind {
	switch toks[0].tok {
	case token.IMPORT:
		return segImport
	case token.CONST, token.VAR, token.TYPE:
		return segDecl
	case token.FUNC:
	default:
		return segStmt
	}
	if len(toks) < 2 || toks[1].tok == token.IDENT {
		return segDecl
	}
	if toks[1].tok != token.LPAREN {
		return segStmt
	}
	depth := 0
	for i := 1; i < len(toks); i++ {
		switch toks[i].tok {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
			if depth == 0 {
				if i+2 < len(toks) && toks[i+1].tok == token.IDENT &&
					(toks[i+2].tok == token.LPAREN || toks[i+2].tok == token.LBRACK) {
					return segDecl
				}
				return segStmt
			}
		}
	}
	return segStmt
}

// withoutPackageClause blanks the package clause a program pasted whole into
// a cell starts with: cells are package main. Another package is an error.
func withoutPackageClause(src string) (string, error) {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	sc.Init(file, []byte(src), nil, 0)
	pos, tok, _ := sc.Scan()
	if tok != token.PACKAGE {
		return src, nil
	}
	_, tok, name := sc.Scan()
	if tok != token.IDENT || name != "main" {
		var errs scanner.ErrorList
		p := fset.Position(pos)
		errs.Add(token.Position{Line: p.Line + lineOffset, Column: p.Column}, "a cell is part of package main: remove the package clause, or make it package main")
		return src, errs
	}
	start, end := file.Offset(pos), file.Offset(pos)+len("package")
	end = strings.Index(src[end:], name) + end + len(name)
	return src[:start] + strings.Repeat(" ", end-start) + src[end:], nil
}
