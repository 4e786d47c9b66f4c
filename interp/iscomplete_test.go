package interp

import "testing"

func TestIsComplete(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		code, status, indent string
	}{
		{"%time", "complete", ""},
		{"!ls -l", "complete", ""},
		{"%time\nfor i := 0; i < 3; i++ {", "incomplete", "    "},
		{"", "complete", ""},
		{"   \n", "complete", ""},
		{"x := 1", "complete", ""},
		{"fmt.Println(\"hi\")", "complete", ""},
		{"import \"fmt\"\nfunc f() {}\nf()", "complete", ""},
		{"for i := 0; i < 3; i++ {\n}", "complete", ""},
		{"// just a comment", "complete", ""},
		{"func f() {", "incomplete", "    "},
		{"func f() {\n\tif x {", "incomplete", "        "},
		{"fmt.Println(", "incomplete", "    "},
		{"x := []int{1, 2,", "incomplete", "    "},
		{"x := 1 +", "incomplete", ""},
		{"x :=", "incomplete", ""},
		{"a, b,", "incomplete", ""},
		{"s := `raw\nstill raw", "incomplete", ""},
		{"/* open comment", "incomplete", ""},
		{"x := strings.", "incomplete", ""},
		{"type T struct", "incomplete", ""},
		{"return", "complete", ""},
		{")", "invalid", ""},
		{"func ) x", "invalid", ""},
		{"f(]", "invalid", ""},
		{"x := \"open", "invalid", ""},
		{"x := 1 1", "invalid", ""},
	}
	for _, tt := range tests {
		status, indent := e.IsComplete(tt.code)
		if status != tt.status || indent != tt.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tt.code, status, indent, tt.status, tt.indent)
		}
	}
}
