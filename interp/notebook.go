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
	for _, s := range c.segs {
		if s.file == nil {
			continue
		}
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

// importImplicitly imports path under its own name for cell c.
func (e *Engine) importImplicitly(ctx context.Context, c *cell, path string) *kernel.ExecError {
	if _, err := e.eval(ctx, fmt.Sprintf("import %q", path)); err != nil {
		return e.evalError(ctx, c, err)
	}
	e.symMu.Lock()
	e.imports[" "+path] = true
	e.pkgs[e.packageName(path)] = path
	e.symMu.Unlock()
	return nil
}

// resultBundle is what a cell's final value shows: its own MIME bundle when it
// renders itself (display.Renderer), else its text.
func resultBundle(v reflect.Value) *kernel.Bundle {
	if v.IsValid() && v.CanInterface() {
		if r, ok := v.Interface().(display.Renderer); ok {
			data, metadata := display.Bundle(r)
			return &kernel.Bundle{Data: data, Metadata: metadata}
		}
	}
	text, ok := formatValue(v)
	if !ok {
		return nil
	}
	return &kernel.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}
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

// magic runs a cell that is a magic command (a first line starting with %).
// The full set of magics is issue-sized work of its own; %help is what the
// protocol's pager needs.
func (e *Engine) magic(code string) (kernel.ExecuteReply, bool) {
	line := strings.TrimSpace(code)
	if !strings.HasPrefix(line, "%") {
		return kernel.ExecuteReply{}, false
	}
	name, _, _ := strings.Cut(line, " ")
	switch name {
	case "%help":
		return kernel.ExecuteReply{Payload: []map[string]any{{
			"source": "page", "start": 0, "data": map[string]any{"text/plain": e.helpText()},
		}}}, true
	}
	return kernel.ExecuteReply{Err: &kernel.ExecError{
		Name: "UsageError", Value: fmt.Sprintf("unknown magic %s (known: %%help)", name),
		Traceback: []string{fmt.Sprintf("UsageError: unknown magic %s (known: %%help)", name)},
	}}, true
}

func (e *Engine) helpText() string {
	var b strings.Builder
	b.WriteString(`gonote: Go cells on yaegi

Cells are Go: statements, declarations and imports in any order. Standard-library
packages need no import (fmt.Println(x) just works); the value of the last
expression is shown. Shift-Tab inspects, Tab completes, the stop button interrupts.

Magics:
  %help    this text

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
