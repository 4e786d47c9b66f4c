package interp

import (
	"context"
	"fmt"
	"go/constant"
	"go/token"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"gonote/interp/gostd"
	"gonote/kernel"
)

// pkgIndex lists the packages cells can import and their exported
// members, from yaegi's symbol tables.
type pkgIndex struct {
	byName  map[string][]string                 // package name -> import paths
	names   map[string]string                   // import path -> package name
	members map[string]map[string]reflect.Value // import path -> exported symbols
}

// newIndex indexes symbol tables keyed "import/path/name".
func newIndex(tables ...yaegi.Exports) *pkgIndex {
	ix := &pkgIndex{byName: map[string][]string{}, names: map[string]string{}, members: map[string]map[string]reflect.Value{}}
	for _, table := range tables {
		for key, syms := range table {
			dir, name := path.Split(key)
			dir = strings.TrimSuffix(dir, "/")
			if dir == "" || strings.HasPrefix(dir, "github.com/traefik/yaegi/") {
				continue // "." holds yaegi's MapTypes; yaegi's own package
			}
			m := ix.members[dir]
			if m == nil {
				m = map[string]reflect.Value{}
				ix.members[dir] = m
				ix.names[dir] = name
				ix.byName[name] = append(ix.byName[name], dir)
			}
			for s, v := range syms {
				if token.IsExported(s) {
					m[s] = v
				}
			}
		}
	}
	for _, paths := range ix.byName { // shortest first: "rand" is math/rand
		sort.Slice(paths, func(i, j int) bool {
			return len(paths[i]) < len(paths[j]) || len(paths[i]) == len(paths[j]) && paths[i] < paths[j]
		})
	}
	return ix
}

// stdlibTables are the packages every engine binds: yaegi's tables, then
// the tables regenerated with gonote's toolchain, which win where both have
// a package.
var stdlibTables = []yaegi.Exports{stdlib.Symbols, gostd.Symbols, {"os/exec/exec": unrestricted.Symbols["os/exec/exec"]}}

// stdlibIndex is shared by engines without Options.Symbols.
var stdlibIndex = sync.OnceValue(func() *pkgIndex { return newIndex(stdlibTables...) })

// index returns the index of what this engine's cells can import.
func (e *Engine) index() *pkgIndex {
	e.indexOnce.Do(func() {
		if len(e.opts.Symbols) == 0 {
			e.pkgIndex = stdlibIndex()
		} else {
			e.pkgIndex = newIndex(append(stdlibTables[:len(stdlibTables):len(stdlibTables)], e.opts.Symbols...)...)
		}
	})
	return e.pkgIndex
}

// packageName is the name a package is known by after importing path.
func (e *Engine) packageName(importPath string) string {
	if name, ok := e.index().names[importPath]; ok {
		return name // math/rand/v2 is rand
	}
	return path.Base(importPath)
}

// resolvePackage returns the import paths a package name in a cell may
// stand for: the session's import of that name, or else stdlib packages.
func (e *Engine) resolvePackage(name string) []string {
	e.symMu.RLock()
	p, ok := e.pkgs[name]
	e.symMu.RUnlock()
	if ok {
		return []string{p}
	}
	return e.index().byName[name]
}

var (
	keywords = []string{"break", "case", "chan", "const", "continue", "default", "defer", "else",
		"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package",
		"range", "return", "select", "struct", "switch", "type", "var"}
	builtins = []string{"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len",
		"make", "max", "min", "new", "panic", "print", "println", "real", "recover",
		"any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32", "float64",
		"int", "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16",
		"uint32", "uint64", "uintptr", "true", "false", "iota", "nil"}
)

// Complete lists completions for the identifier or pkg.Member before cursor,
// a rune offset into code. See kernel.Engine.
func (e *Engine) Complete(code string, cursor int) kernel.Completion {
	end := runeToByte(code, cursor)
	start, qual, word := wordBefore(code, end)
	res := kernel.Completion{Matches: []string{}, CursorStart: cursor, CursorEnd: cursor, Metadata: map[string]any{}}
	var matches []string
	switch {
	case start > 0 && code[start-1] == '.' && qual == "":
		// after an expression that is not a name: nothing known
	case qual != "":
		start -= len(qual) + 1
		for _, m := range e.members(qual) {
			if strings.HasPrefix(m, word) {
				matches = append(matches, qual+"."+m)
			}
		}
	case word != "":
		add := func(names ...string) {
			for _, n := range names {
				if strings.HasPrefix(n, word) {
					matches = append(matches, n)
				}
			}
		}
		add(keywords...)
		add(builtins...)
		for name := range e.index().byName {
			add(name)
		}
		e.symMu.RLock()
		for name := range e.names {
			add(name)
		}
		for name := range e.pkgs {
			add(name)
		}
		e.symMu.RUnlock()
	}
	slices.Sort(matches)
	res.Matches = slices.Compact(append(res.Matches, matches...))
	res.CursorStart = utf8.RuneCountInString(code[:start])
	return res
}

// members lists what can follow "qual.": a package's exported names, or the
// fields and methods of a cell variable's value.
func (e *Engine) members(qual string) []string {
	var out []string
	for _, p := range e.resolvePackage(qual) {
		for name := range e.index().members[p] {
			out = append(out, name)
		}
	}
	if len(out) > 0 {
		return out
	}
	v, ok := e.peek(qual)
	if !ok {
		return nil
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	t := v.Type()
	for i := 0; i < t.NumMethod(); i++ {
		out = append(out, t.Method(i).Name)
	}
	// Methods of interpreted types are not in reflect's view of the value:
	// take those cells declared for the variable's type, when the cell
	// that declared the variable said which it is.
	e.symMu.RLock()
	if typ := e.varType[qual]; typ != "" {
		for key := range e.declText {
			if m, ok := strings.CutPrefix(key, "method "+typ+"."); ok {
				out = append(out, m)
			}
		}
	}
	e.symMu.RUnlock()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			out = append(out, fieldName(t.Field(i).Name))
		}
	}
	return out
}

// fieldName undoes yaegi's renaming of unexported fields of interpreted
// structs ("x" becomes "Xx" so that reflect may set it).
func fieldName(s string) string {
	if r, _ := utf8.DecodeRuneInString(s[min(1, len(s)):]); strings.HasPrefix(s, "X") && (unicode.IsLower(r) || r == '_') {
		return s[1:]
	}
	return s
}

// peek evaluates a cell-declared variable when the interpreter is idle; it
// never waits for a running cell.
func (e *Engine) peek(name string) (v reflect.Value, ok bool) {
	e.symMu.RLock()
	kind := e.names[name]
	e.symMu.RUnlock()
	if kind != "var" && kind != "const" && kind != "func" {
		return v, false
	}
	select {
	case <-e.ready:
	default:
		return v, false
	}
	if e.yi == nil || !e.mu.TryLock() {
		return v, false
	}
	defer e.mu.Unlock()
	if e.stuck != 0 {
		return v, false // the interpreter is not free
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	v, err := e.eval(context.Background(), ";\n"+name)
	return v, err == nil && v.IsValid()
}

// Inspect describes the stdlib symbol or cell variable at cursor: its type,
// and for variables a summary of the value. See kernel.Engine.
func (e *Engine) Inspect(code string, cursor, detail int) kernel.Inspection {
	pos := runeToByte(code, cursor)
	start, qual, word := wordBefore(code, pos)
	if start > 0 && code[start-1] == '.' && qual == "" {
		return kernel.Inspection{Data: map[string]any{}}
	}
	// Extend to the whole identifier under the cursor.
	for _, r := range code[pos:] {
		if !isIdentRune(r) {
			break
		}
		word += string(r)
	}
	if word == "" {
		return kernel.Inspection{Data: map[string]any{}}
	}
	var text string
	if qual != "" {
		for _, p := range e.resolvePackage(qual) {
			if v, ok := e.index().members[p][word]; ok {
				text = describeSymbol(qual+"."+word, v)
				if d := symbolDoc(p, word); d != "" {
					text += "\n\n" + d
				}
				break
			}
		}
	} else if v, ok := e.peek(word); ok {
		text = describeValue(word, v, e.cellTypeName(word, v))
	} else if paths := e.resolvePackage(word); len(paths) > 0 {
		text = fmt.Sprintf("package %s: import %q", word, paths[0])
	} else {
		e.symMu.RLock()
		kind, ok := e.names[word]
		e.symMu.RUnlock()
		if ok {
			text = kind + " " + word
		}
	}
	if text == "" {
		return kernel.Inspection{Data: map[string]any{}}
	}
	return kernel.Inspection{Found: true, Data: map[string]any{"text/plain": text}}
}

// describeSymbol renders a symbol of a yaegi table: types are stored as nil
// pointers, variables as addressable values, untyped constants as
// constant.Value.
func describeSymbol(name string, v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Func:
		return fmt.Sprintf("func %s: %s", name, v.Type())
	case v.CanAddr():
		return fmt.Sprintf("var %s %s", name, v.Type())
	case v.Kind() == reflect.Pointer && v.IsNil():
		t := v.Type().Elem()
		return fmt.Sprintf("type %s %s", name, t.Kind())
	case v.Type().Implements(reflect.TypeFor[constant.Value]()):
		return fmt.Sprintf("const %s = %s", name, v.Interface().(constant.Value).ExactString())
	default:
		return fmt.Sprintf("const %s %s = %v", name, v.Type(), v)
	}
}

// describeValue renders a cell variable as "name type = value", shortened,
// and a function as "func name: type". typ names the type when the reflect
// type cannot ("" to use it).
func describeValue(name string, v reflect.Value, typ string) string {
	if v.Kind() == reflect.Func {
		return fmt.Sprintf("func %s: %s", name, v.Type())
	}
	text, _ := formatValue(v)
	if len(text) > 500 {
		text = text[:500] + "…"
	}
	if typ == "" {
		typ = v.Type().String()
	}
	return fmt.Sprintf("%s %s = %s", name, typ, text)
}

// cellTypeName returns the name of the cell type of variable name, as its
// declaration shows it (l := &Lin{...} is a *Lin), when yaegi's reflect
// type for it is an unnamed struct; otherwise "".
func (e *Engine) cellTypeName(name string, v reflect.Value) string {
	e.symMu.RLock()
	typ := e.varType[name]
	isType := e.names[typ] == "type"
	e.symMu.RUnlock()
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		t, typ = t.Elem(), "*"+typ
	}
	if !isType || t.Kind() != reflect.Struct || t.Name() != "" {
		return ""
	}
	return typ
}

// wordBefore finds the identifier ending at byte offset end and the
// qualifier before it ("strings" in "strings.To"); start is the byte offset
// of the identifier.
func wordBefore(code string, end int) (start int, qual, word string) {
	start = end
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= n
	}
	word = code[start:end]
	if start > 0 && code[start-1] == '.' {
		q := start - 1
		for q > 0 {
			r, n := utf8.DecodeLastRuneInString(code[:q])
			if !isIdentRune(r) {
				break
			}
			q -= n
		}
		qual = code[q : start-1]
		if q > 0 && code[q-1] == '.' {
			qual = "" // a.b.c: not a package or variable
		}
	}
	return start, qual, word
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// runeToByte converts a rune offset into code to a byte offset.
func runeToByte(code string, cursor int) int {
	if cursor <= 0 {
		return 0
	}
	i := 0
	for off := range code {
		if i == cursor {
			return off
		}
		i++
	}
	return len(code)
}
