package kernel

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestHistoryFile: sessions are numbered across kernel starts and earlier
// sessions' cells can be queried from a later one.
func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gonote", "history.jsonl")
	first, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	first.Add(1, "x := 6", "")
	first.Add(2, "x * 7", "42")
	second, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if first.Session() != 1 || second.Session() != 2 {
		t.Fatalf("sessions %d, %d; want 1, 2", first.Session(), second.Session())
	}
	second.Add(1, "x * 7", "42")
	stop := 3
	cases := []struct {
		q    HistoryQuery
		want []any
	}{
		{HistoryQuery{HistAccessType: "range", Session: -1, Start: 1, Stop: &stop, Output: true},
			[]any{[]any{1, 1, []any{"x := 6", nil}}, []any{1, 2, []any{"x * 7", "42"}}}},
		{HistoryQuery{HistAccessType: "tail", N: 2}, []any{[]any{1, 2, "x * 7"}, []any{2, 1, "x * 7"}}},
		{HistoryQuery{HistAccessType: "search", Pattern: "x ?*", Unique: true}, []any{[]any{1, 1, "x := 6"}, []any{2, 1, "x * 7"}}},
		{HistoryQuery{HistAccessType: "search", Pattern: "x := [0-9]"}, []any{[]any{1, 1, "x := 6"}}},
	}
	for _, c := range cases {
		got, err := second.Query(c.q)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: got %v (%v), want %v", c.q, got, err, c.want)
		}
	}
	if _, err := second.Query(HistoryQuery{HistAccessType: "sideways"}); err == nil {
		t.Error("an unknown hist_access_type is accepted")
	}
}
