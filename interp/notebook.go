package interp

import (
	"context"
	"fmt"
	"go/ast"
	"reflect"
	"sort"
	"strings"

	"gonote/display"
	"gonote/kernel"
)

// implicitImports returns the import paths of packages a cell uses by name
// without importing them, so that `fmt.Println(x)` works in a cell of its own as
// in most notebooks. A name the cell or the session declares, or that an import
// already binds, is left alone; an ambiguous name takes the shortest path
// ("rand" is math/rand), and an explicit import picks another.
func (e *Engine) implicitImports(c *cell) []string {
	declared := map[string]bool{}
	var used []string
	walked := map[*ast.File]bool{} // the statements of a run share a file
	for _, s := range c.segs {
		if s.file == nil || walked[s.file] {
			continue
		}
		walked[s.file] = true
		for _, spec := range s.file.Imports {
			if spec.Name != nil {
				declared[spec.Name.Name] = true
			} else {
				declared[e.packageName(strings.Trim(spec.Path.Value, "`\""))] = true
			}
		}
		ast.Inspect(s.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if n.Obj != nil && n.Obj.Decl != nil {
					declared[n.Name] = true
				}
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil {
					used = append(used, id.Name)
				}
			}
			return true
		})
	}
	var paths []string
	seen := map[string]bool{}
	for _, name := range used {
		if seen[name] || declared[name] || e.bound(name) {
			continue
		}
		seen[name] = true
		if candidates := e.index().byName[name]; len(candidates) > 0 {
			paths = append(paths, candidates[0])
		}
	}
	return paths
}

// bound reports whether name is a package imported in the session or a name a
// cell declared.
func (e *Engine) bound(name string) bool {
	e.symMu.RLock()
	defer e.symMu.RUnlock()
	_, isPkg := e.pkgs[name]
	_, isName := e.names[name]
	return isPkg || isName
}

// isPackage reports whether name names a package: one imported in the
// session, or one a cell can use without importing it.
func (e *Engine) isPackage(name string) bool {
	e.symMu.RLock()
	_, isPkg := e.pkgs[name]
	_, isName := e.names[name]
	e.symMu.RUnlock()
	return isPkg || !isName && len(e.index().byName[name]) > 0
}

// importImplicitly imports path under its own name for cell c.
func (e *Engine) importImplicitly(ctx context.Context, c *cell, path string) *kernel.ExecError {
	if _, err := e.eval(ctx, fmt.Sprintf("import %q", path)); err != nil {
		return e.evalError(ctx, c, err)
	}
	e.noteImport("", path)
	return nil
}

// resultBundle is what a user expression's value shows: display's bundle for a
// tensor or a display.Renderer, else its text.
func resultBundle(v reflect.Value) *kernel.Bundle {
	if b, ok := richBundle(v); ok {
		return b
	}
	text, ok := formatValue(v)
	if !ok {
		return nil
	}
	return &kernel.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}
}

// interpretedBundle renders the session variable name when its value's type,
// declared in a cell, has a MIMEBundle method: yaegi hands such values to
// compiled code without their methods, so the interpreter calls the method.
func (e *Engine) interpretedBundle(name string, v reflect.Value) (*kernel.Bundle, bool) {
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Type().PkgPath() != "" || isNil(v) {
		return nil, false // compiled types are display's business
	}
	call := ";\nfunc() [2]map[string]any { d, m := " + name + ".MIMEBundle(); return [2]map[string]any{d, m} }()"
	if e.compile(call) != nil {
		if v.Kind() <= reflect.Complex128 || v.Kind() == reflect.String {
			// Most such values are plain numbers and strings: spare every
			// cell that shows one seven compilations (a named number type
			// with an HTML method renders through MIMEBundle only).
			return nil, false
		}
		return e.formatBundle(name) // no MIMEBundle: single formats, or text
	}
	r, err := e.yi.Eval(call)
	if err != nil {
		text := fmt.Sprintf("<value not displayable: MIMEBundle panicked: %v>", panicValue(err))
		return &kernel.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}, true
	}
	pair, ok := r.Interface().([2]map[string]any)
	if !ok {
		return nil, false
	}
	data := pair[0]
	if data == nil {
		data = map[string]any{}
	}
	if _, ok := data["text/plain"]; !ok {
		data["text/plain"] = e.valueText(name)
	}
	return &kernel.Bundle{Data: data, Metadata: pair[1]}, true
}

// formatMethods are the methods of display's single-format interfaces
// (display.HTMLRenderer, ...), with their results' types and MIME types.
var formatMethods = []struct{ method, result, mime string }{
	{"HTML", "string", "text/html"},
	{"Markdown", "string", "text/markdown"},
	{"Latex", "string", "text/latex"},
	{"SVG", "string", "image/svg+xml"},
	{"PNG", "[]byte", "image/png"},
	{"JPEG", "[]byte", "image/jpeg"},
	{"JSON", "any", "application/json"},
}

// formatBundle renders the session variable name, of a type declared in a
// cell, through the single-format methods its type has, as display.Bundle
// does for compiled types; ok is false when it has none.
func (e *Engine) formatBundle(name string) (*kernel.Bundle, bool) {
	b := &kernel.Bundle{Data: map[string]any{}, Metadata: map[string]any{}}
	for _, f := range formatMethods {
		call := fmt.Sprintf(";\nfunc() %s { return %s.%s() }()", f.result, name, f.method)
		if e.compile(call) != nil {
			continue
		}
		r, err := e.yi.Eval(call)
		if err != nil {
			b.Data["text/plain"] = fmt.Sprintf("<value not displayable: %s panicked: %v>", f.method, panicValue(err))
			return b, true
		}
		switch x := r.Interface().(type) {
		case []byte:
			var img display.Renderer = display.PNG(x)
			if f.mime == "image/jpeg" {
				img = display.JPEG(x)
			}
			data, metadata := img.MIMEBundle()
			b.Data[f.mime] = data[f.mime]
			for k, v := range metadata {
				b.Metadata[k] = v
			}
		default:
			b.Data[f.mime] = x
		}
	}
	if len(b.Data) == 0 {
		return nil, false
	}
	b.Data["text/plain"] = e.valueText(name)
	return b, true
}

// richBundle is display's bundle of v when display shows it as more than text.
func richBundle(v reflect.Value) (*kernel.Bundle, bool) {
	x, ok := rich(v)
	if !ok {
		return nil, false
	}
	data, metadata := display.Bundle(x)
	return &kernel.Bundle{Data: data, Metadata: metadata}, true
}

// publisher sends display.Show and display.Clear to the running cell, or to the
// last one for goroutines that outlive their cell.
type publisher struct{ e *Engine }

func (p publisher) Display(data, metadata map[string]any, displayID string, update bool) {
	if out := p.e.output(); out != nil {
		p.e.flush() // text printed before the display shows before it
		out.Display(kernel.Bundle{Data: data, Metadata: metadata}, displayID, update)
	}
}

func (p publisher) ClearOutput(wait bool) {
	if out := p.e.output(); out != nil {
		p.e.flush()
		out.ClearOutput(wait)
	}
}

func (e *Engine) helpText() string {
	var b strings.Builder
	b.WriteString(`gonote: Go cells on yaegi

Cells are Go: statements, declarations and imports in any order. Standard-library
packages need no import (fmt.Println(x) just works); the value of the last
expression is shown. Shift-Tab inspects, Tab completes, the stop button interrupts.

Magics (lines at the top of a cell; Go code may follow them):
  %help              this text
  %time [code]       wall and CPU time of code, or of the rest of the cell
  %timeit [code]     run code (a statement list) repeatedly: mean ± std per loop
  %env [NAME[=VAL]]  list, show or set environment variables
  %who               the session's variables with their types
  %reset             a fresh session (goroutines of the old one keep running)
  %cd [DIR]          change (or show) the working directory
  !CMD               run a shell command with live output

Packages (import path):
`)
	ix := e.index()
	paths := make([]string, 0, len(ix.names))
	for p := range ix.names {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		b.WriteString("  " + p + "\n")
	}
	return b.String()
}
