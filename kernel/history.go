package kernel

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
)

// History keeps the executed cells of this and earlier sessions, like IPython's
// history database. Each kernel start opens a new numbered session. Entries are
// appended to a JSON-lines file (one object per line) so that concurrent kernels
// only ever append; an empty path keeps the history in memory.
type History struct {
	mu      sync.Mutex
	file    *os.File // opened for appending; nil keeps the history in memory
	session int
	entries []HistoryEntry
}

// HistoryEntry is one executed cell.
type HistoryEntry struct {
	Session int    `json:"session"`
	Line    int    `json:"line"`
	Input   string `json:"input,omitempty"`
	Output  string `json:"output,omitempty"`
}

// maxHistory bounds what is loaded from earlier sessions.
const maxHistory = 10000

// OpenHistory loads the history file at path and starts a new session in it.
func OpenHistory(path string) (*History, error) {
	h := &History{session: 1}
	if path == "" {
		return h, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	// The lock makes reading the last session number and claiming the next one atomic
	// between kernels started at the same moment.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	last := 0
	for sc.Scan() {
		var e HistoryEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // a torn line from a crashed writer; skip it
		}
		last = max(last, e.Session)
		if e.Line > 0 {
			h.entries = append(h.entries, e)
		}
	}
	if len(h.entries) > maxHistory {
		h.entries = append([]HistoryEntry(nil), h.entries[len(h.entries)-maxHistory:]...)
	}
	h.session = last + 1
	// A line-0 record claims the session number.
	if err := writeHistoryLine(f, HistoryEntry{Session: h.session}); err != nil {
		f.Close()
		return nil, err
	}
	h.file = f // kept open: every stored cell appends to it
	return h, nil
}

func writeHistoryLine(f *os.File, e HistoryEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return err
}

// Session is the number of the current session.
func (h *History) Session() int { return h.session }

// Add records cell line of the current session.
func (h *History) Add(line int, input, output string) error {
	e := HistoryEntry{Session: h.session, Line: line, Input: input, Output: output}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, e)
	if h.file == nil {
		return nil
	}
	return writeHistoryLine(h.file, e)
}

// HistoryQuery is the content of a history_request.
type HistoryQuery struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// Query answers a history request with entries as the protocol lists them:
// [session, line, input] or, with Output, [session, line, [input, output]].
func (h *History) Query(q HistoryQuery) ([]any, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var found []HistoryEntry
	switch q.HistAccessType {
	case "tail":
		found = lastN(h.entries, q.N)
	case "range":
		session := q.Session
		if session <= 0 { // 0 is this session, -1 the one before, ...
			session += h.session
		}
		for _, e := range h.entries {
			if e.Session == session && e.Line >= q.Start && (q.Stop == nil || e.Line < *q.Stop) {
				found = append(found, e)
			}
		}
	case "search":
		re, err := globRegexp(q.Pattern)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		// Walk backwards so unique keeps the latest occurrence, then restore order.
		for i := len(h.entries) - 1; i >= 0; i-- {
			e := h.entries[i]
			if !re.MatchString(e.Input) || (q.Unique && seen[e.Input]) {
				continue
			}
			seen[e.Input] = true
			found = append(found, e)
			if q.N > 0 && len(found) == q.N {
				break
			}
		}
		for i, j := 0, len(found)-1; i < j; i, j = i+1, j-1 {
			found[i], found[j] = found[j], found[i]
		}
	default:
		return nil, errors.New("hist_access_type must be tail, range or search")
	}
	out := make([]any, 0, len(found))
	for _, e := range found {
		if q.Output {
			var output any // null when the cell had no result, as IPython sends
			if e.Output != "" {
				output = e.Output
			}
			out = append(out, []any{e.Session, e.Line, []any{e.Input, output}})
		} else {
			out = append(out, []any{e.Session, e.Line, e.Input})
		}
	}
	return out, nil
}

func lastN(entries []HistoryEntry, n int) []HistoryEntry {
	if n <= 0 || n > len(entries) {
		n = len(entries)
	}
	return entries[len(entries)-n:]
}

// globRegexp turns an IPython history glob ("*" any text, "?" one character,
// "[...]" a class) into a regexp matching the whole input.
func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	rs := []rune(glob)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j == len(rs) {
				b.WriteString(`\[`)
				continue
			}
			class := string(rs[i+1 : j])
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.Compile(b.String())
}
