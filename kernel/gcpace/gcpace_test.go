package gcpace

import (
	"os"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{1 << 20, 1000}, // 3,200 would pass the cap
		{8 << 20, 400},  // 32 MiB after 8 MiB live
		{6 << 20, 534},  // rounded up
		{16 << 20, 200},
		{32 << 20, 100},
		{48 << 20, 67},
		{1 << 30, 50}, // never below 50
	} {
		if got := Percent(c.live); got != c.want {
			t.Errorf("Percent(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

// read returns the current GOGC and the live heap of the last collection.
func read() (gogc int, live uint64) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64()), s[1].Value.Uint64()
}

// collect runs a collection and waits until GOGC is what pace sets for it.
func collect(t *testing.T) int {
	runtime.GC()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		gogc, live := read()
		if gogc == Percent(live) {
			return gogc
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC is %d after a collection with %d bytes live, want %d", gogc, live, Percent(live))
		}
	}
}

func TestStart(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		if Start() {
			t.Fatal("Start paces the collector though GOGC is set")
		}
		t.Skip("GOGC is set")
	}
	if !Start() {
		t.Fatal("Start did not start")
	}
	if gogc := collect(t); gogc <= 100 {
		t.Fatalf("GOGC %d with a test's small heap, want more than 100", gogc)
	}
	big := make([]byte, 256<<20)
	if gogc := collect(t); gogc != 50 { // a second collection: pace ran again
		t.Fatalf("GOGC %d with 256 MiB live, want 50", gogc)
	}
	runtime.KeepAlive(big)
}
