package interp

import (
	"bytes"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// pkgDocs caches the documentation of standard library packages read from
// GOROOT's sources, by import path; a nil entry means none (no sources).
var pkgDocs sync.Map // string -> *doc.Package

// goroot returns the directory of the Go sources the kernel was built with,
// or "" when they are not on this machine.
func goroot() string {
	for _, dir := range []string{os.Getenv("GOROOT"), runtime.GOROOT()} { //nolint:staticcheck // the build's GOROOT is what we want
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, "src", "fmt")); err == nil && fi.IsDir() {
			return dir
		}
	}
	return ""
}

var gorootDir = sync.OnceValue(goroot)

// packageDoc parses the documentation of the standard library package path,
// or returns nil.
func packageDoc(path string) *doc.Package {
	if d, ok := pkgDocs.Load(path); ok {
		return d.(*doc.Package)
	}
	var pd *doc.Package
	if root := gorootDir(); root != "" {
		fset := token.NewFileSet()
		dir := filepath.Join(root, "src", filepath.FromSlash(path))
		entries, _ := os.ReadDir(dir)
		var files []*ast.File
		for _, en := range entries {
			n := en.Name()
			if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
			if err == nil && !strings.HasSuffix(f.Name.Name, "_test") {
				files = append(files, f)
			}
		}
		if len(files) > 0 {
			pd, _ = doc.NewFromFiles(fset, files, path)
			if pd != nil {
				pd.Filenames = nil
			}
			docFsets.Store(path, fset)
		}
	}
	pkgDocs.Store(path, pd)
	return pd
}

var docFsets sync.Map // import path -> *token.FileSet of its doc.Package

// symbolDoc returns the declaration and doc comment of name in the standard
// library package path ("func ToUpper(s string) string\n\nToUpper returns
// ..."), or "" when the sources are not there.
func symbolDoc(path, name string) string {
	pd := packageDoc(path)
	if pd == nil {
		return ""
	}
	fs, _ := docFsets.Load(path)
	fset := fs.(*token.FileSet)
	render := func(decl ast.Node, text string) string {
		var b bytes.Buffer
		if fd, ok := decl.(*ast.FuncDecl); ok {
			fd = &ast.FuncDecl{Recv: fd.Recv, Name: fd.Name, Type: fd.Type} // no body
			decl = fd
		}
		(&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, fset, decl)
		return b.String() + "\n\n" + strings.TrimSpace(text)
	}
	for _, f := range pd.Funcs {
		if f.Name == name {
			return render(f.Decl, f.Doc)
		}
	}
	for _, t := range pd.Types {
		if t.Name == name {
			return render(t.Decl, t.Doc)
		}
		for _, f := range t.Funcs {
			if f.Name == name {
				return render(f.Decl, f.Doc)
			}
		}
		for _, v := range append(t.Vars, t.Consts...) {
			if slices.Contains(v.Names, name) {
				return render(v.Decl, v.Doc)
			}
		}
	}
	for _, v := range append(pd.Vars, pd.Consts...) {
		if slices.Contains(v.Names, name) {
			return render(v.Decl, v.Doc)
		}
	}
	return ""
}
