// Package gostd holds yaegi symbol tables of standard library packages
// regenerated with the Go toolchain that builds gonote, so that cells see
// the symbols added since yaegi's own tables (Go 1.22): strings.Lines,
// bytes.Lines, math/rand/v2, go/version, crypto/sha3, ... The engine binds
// them over yaegi's stdlib tables, which stay for the packages not listed
// here and for fmt, whose entries yaegi adjusts when it binds them.
//
// The tables are produced by `go generate` with yaegi's extract command;
// gostd_test.go checks that they are current. Generic functions are not in
// them: yaegi's extract skips them.
package gostd

import "reflect"

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name gostd bufio bytes context crypto/rand crypto/sha256 crypto/sha3 encoding/base64 encoding/binary encoding/csv encoding/hex encoding/json errors go/version io io/fs log log/slog math math/big math/bits math/rand/v2 net/http net/url os path path/filepath reflect regexp sort strconv strings sync sync/atomic text/tabwriter time unicode unicode/utf16 unicode/utf8

// Symbols maps "import/path/name" to the exported symbols of that package.
var Symbols = map[string]map[string]reflect.Value{}
