package interp

import (
	"go/scanner"
	"go/token"
	"strings"
)

// IsComplete says whether code is ready to run: "complete", "incomplete" with
// the indent of the next line (4 spaces per open bracket), or "invalid" when
// no further lines can make it valid Go.
func (e *Engine) IsComplete(code string) (status, indent string) {
	code = stripMagics(code)
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var errs []string
	var s scanner.Scanner
	s.Init(file, []byte(code), func(_ token.Position, msg string) { errs = append(errs, msg) }, 0)
	var stack []token.Token
	last := token.ILLEGAL // last token other than an automatic semicolon
	for {
		_, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue
		}
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, t)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			open := map[token.Token]token.Token{token.RPAREN: token.LPAREN, token.RBRACK: token.LBRACK, token.RBRACE: token.LBRACE}[t]
			if len(stack) == 0 || stack[len(stack)-1] != open {
				return "invalid", ""
			}
			stack = stack[:len(stack)-1]
		}
		last = t
	}
	indent = strings.Repeat("    ", len(stack))
	for _, msg := range errs {
		switch msg {
		case "raw string literal not terminated", "comment not terminated":
			return "incomplete", indent
		}
	}
	if len(errs) > 0 {
		return "invalid", ""
	}
	if len(stack) > 0 || continues(last) {
		return "incomplete", indent
	}
	if _, err := parseCell(code); err != nil {
		return "invalid", ""
	}
	return "complete", ""
}

// continues says whether a line ending in t needs another line: binary and
// assignment operators, commas, dots and keywords that start a construct.
func continues(t token.Token) bool {
	switch t {
	case token.BREAK, token.CONTINUE, token.FALLTHROUGH, token.RETURN:
		return false
	case token.COMMA, token.PERIOD, token.COLON, token.ARROW, token.NOT, token.TILDE,
		token.ASSIGN, token.DEFINE, token.ELLIPSIS:
		return true
	}
	return t.IsKeyword() || t.IsOperator() && t.Precedence() > 0 ||
		token.ADD_ASSIGN <= t && t <= token.AND_NOT_ASSIGN
}

// stripMagics blanks the magic lines (%name, !cmd) at the top of a cell,
// which are complete as they are; the Go code after them decides.
func stripMagics(code string) string {
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "%") && !strings.HasPrefix(t, "!") {
			break
		}
		lines[i] = ""
	}
	return strings.Join(lines, "\n")
}
