package interp

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	yaegi "github.com/traefik/yaegi/interp"
)

func TestComplete(t *testing.T) {
	e := newEngine(t)
	execute(e, "myVariable := 3\ntype myType struct{ Alpha, beta int }\nmv := myType{1, 2}\nfunc myFunc() {}\nimport str \"strings\"\ntype tvT struct{}\nfunc (tvT) Greet() string { return \"hi\" }\ntv := tvT{}", nil)
	tests := []struct {
		code        string
		cursor      int // -1: end of code
		want        string
		start, end  int // rune offsets, -1: cursor
		wantMissing string
	}{
		{code: "strings.To", cursor: -1, want: "strings.ToUpper", start: 0, end: -1},
		{code: "x := strings.To", cursor: -1, want: "strings.ToLower", start: 5, end: -1},
		{code: "é := 1; strings.Rep", cursor: -1, want: "strings.Repeat", start: 8, end: -1},
		{code: "strings.To + 1", cursor: 10, want: "strings.ToTitle", start: 0, end: 10},
		{code: "str.Fie", cursor: -1, want: "str.Fields", start: 0, end: -1},
		{code: "myVa", cursor: -1, want: "myVariable", start: 0, end: -1},
		{code: "x := myF", cursor: -1, want: "myFunc", start: 5, end: -1},
		{code: "fo", cursor: -1, want: "for", start: 0, end: -1},
		{code: "appe", cursor: -1, want: "append", start: 0, end: -1},
		{code: "stri", cursor: -1, want: "strings", start: 0, end: -1},
		{code: "mv.Al", cursor: -1, want: "mv.Alpha", start: 0, end: -1},
		{code: "mv.be", cursor: -1, want: "mv.beta", start: 0, end: -1},
		{code: "f().To", cursor: -1, wantMissing: "f().ToUpper", start: 4, end: -1},
		{code: "tv.Gr", cursor: -1, want: "tv.Greet", start: 0, end: -1},
	}
	for _, tt := range tests {
		cursor := tt.cursor
		if cursor < 0 {
			cursor = utf8.RuneCountInString(tt.code)
		}
		c := e.Complete(tt.code, cursor)
		start, end := tt.start, tt.end
		if start < 0 {
			start = cursor
		}
		if end < 0 {
			end = cursor
		}
		if tt.want != "" && !slices.Contains(c.Matches, tt.want) {
			t.Errorf("Complete(%q, %d) = %v, want %q among them", tt.code, cursor, c.Matches, tt.want)
		}
		if tt.wantMissing != "" && len(c.Matches) > 0 {
			t.Errorf("Complete(%q, %d) = %v, want none", tt.code, cursor, c.Matches)
		}
		if c.CursorStart != start || c.CursorEnd != end {
			t.Errorf("Complete(%q, %d): cursor %d-%d, want %d-%d", tt.code, cursor, c.CursorStart, c.CursorEnd, start, end)
		}
	}
}

// TestCompleteSymbols completes members of a package bound by Options.Symbols.
func TestCompleteSymbols(t *testing.T) {
	e, err := New(Options{Symbols: []yaegi.Exports{{"example.com/gonotetest/gonotetest": {"Hello": reflect.ValueOf(func() {})}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Shutdown(false)
	if c := e.Complete("gonotetest.He", 13); !slices.Contains(c.Matches, "gonotetest.Hello") {
		t.Errorf("got %v", c.Matches)
	}
	if in := e.Inspect("gonotetest.Hello", 12, 0); !in.Found || in.Data["text/plain"] != "func gonotetest.Hello: func()" {
		t.Errorf("got %v", in)
	}
}

func TestInspect(t *testing.T) {
	e := newEngine(t)
	execute(e, "count := 42\nfunc twice(n int) int { return 2 * n }\ntype Lin struct{ W []float64 }\nlin := &Lin{W: []float64{1}}\nvar pt Lin", nil)
	tests := []struct {
		code   string
		cursor int
		want   string // "" means not found
	}{
		{"strings.ToUpper", 10, "func strings.ToUpper: func(string) string"},
		{"x := strings.ToUpper(s)", 15, "func strings.ToUpper: func(string) string"},
		{"math.Pi", 7, "const math.Pi = "},
		{"os.Args", 5, "var os.Args []string"},
		{"strings.Builder", 9, "type strings.Builder struct"},
		{"count", 2, "count int = 42"},
		{"lin", 1, "lin *Lin = &{[1]}"},
		{"pt", 1, "pt Lin = {[]}"},
		{"twice(3)", 1, "func twice: func(int) int"},
		{"strings.ToUpper", 3, `package strings: import "strings"`},
		{"unknownName", 3, ""},
		{"strings.ToUpper", 10, "func strings.ToUpper: func(string) string\n\nfunc ToUpper(s string) string\n\nToUpper returns s with all Unicode letters mapped to their upper case."},
		{"time.Duration", 7, "type time.Duration int64\n\ntype Duration int64\n\nA Duration represents the elapsed time"},
		{"", 0, ""},
	}
	for _, tt := range tests {
		if strings.Contains(tt.want, "\n\n") && gorootDir() == "" {
			continue // no Go sources here: no doc comments
		}
		in := e.Inspect(tt.code, tt.cursor, 0)
		got, _ := in.Data["text/plain"].(string)
		if tt.want == "" {
			if in.Found {
				t.Errorf("Inspect(%q, %d) found %q", tt.code, tt.cursor, got)
			}
			continue
		}
		if !in.Found || !strings.HasPrefix(got, tt.want) {
			t.Errorf("Inspect(%q, %d) = %v %q, want %q", tt.code, tt.cursor, in.Found, got, tt.want)
		}
	}
}
