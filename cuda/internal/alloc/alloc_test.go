package alloc

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fakeDevice hands out addresses from a counter and fails past its capacity.
type fakeDevice struct {
	capacity, used int64
	next           uintptr
	live           map[uintptr]int64
	allocs, frees  int
}

func newFake(capacity int64) *fakeDevice {
	return &fakeDevice{capacity: capacity, next: 1 << 20, live: map[uintptr]int64{}}
}

func (f *fakeDevice) Alloc(size int64) (uintptr, error) {
	if f.used+size > f.capacity {
		return 0, fmt.Errorf("cuMemAlloc: %w", ErrOutOfMemory)
	}
	f.used += size
	p := f.next
	f.next += uintptr(size)
	f.live[p] = size
	f.allocs++
	return p, nil
}

func (f *fakeDevice) Free(p uintptr) error {
	size, ok := f.live[p]
	if !ok {
		return errors.New("double free")
	}
	delete(f.live, p)
	f.used -= size
	f.frees++
	return nil
}

func (f *fakeDevice) MemInfo() (int64, int64) { return f.capacity - f.used, f.capacity }

func TestRoundSize(t *testing.T) {
	for _, c := range [][2]int64{{0, 512}, {1, 512}, {512, 512}, {513, 1024}, {1 << 20, 1 << 20}, {1<<20 + 1, 2 << 20}, {5 << 20, 6 << 20}} {
		if got := RoundSize(c[0]); got != c[1] {
			t.Errorf("RoundSize(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

func TestReuse(t *testing.T) {
	dev := newFake(1 << 30)
	a := New(dev, Options{})
	b1, _ := a.Alloc(1000)
	a.Free(b1)
	b2, _ := a.Alloc(900) // same 1024-byte class
	if b2.Ptr != b1.Ptr || dev.allocs != 1 {
		t.Fatalf("the cached block was not reused: %v %v, %d device allocations", b1.Ptr, b2.Ptr, dev.allocs)
	}
	// A small request does not take a large cached block, and a large one
	// does not take a block more than twice its size.
	big, _ := a.Alloc(10 << 20)
	a.Free(big)
	s, _ := a.Alloc(100)
	if s.Ptr == big.Ptr {
		t.Fatal("a small request took a large block")
	}
	l, _ := a.Alloc(3 << 20)
	if l.Ptr == big.Ptr {
		t.Fatal("a 4 MiB request took a 10 MiB block")
	}
	l2, _ := a.Alloc(9 << 20)
	if l2.Ptr != big.Ptr {
		t.Fatal("a 10 MiB request did not reuse the 10 MiB block")
	}
	a.Free(b2)
	a.Free(b2) // double free is ignored
	st := a.Stats()
	if st.Frees != 3 {
		t.Fatalf("frees %d, want 3", st.Frees)
	}
}

func TestStats(t *testing.T) {
	dev := newFake(1 << 30)
	a := New(dev, Options{})
	x, _ := a.Alloc(4 << 20)
	y, _ := a.Alloc(512)
	st := a.Stats()
	if st.Allocated != 4<<20+512 || st.Reserved != st.Allocated || st.MaxAllocated != st.Allocated {
		t.Fatalf("%+v", st)
	}
	a.Free(x)
	st = a.Stats()
	if st.Allocated != 512 || st.Reserved != 4<<20+512 || st.MaxAllocated != 4<<20+512 {
		t.Fatalf("after free: %+v", st)
	}
	a.ResetPeakStats()
	if st := a.Stats(); st.MaxAllocated != 512 {
		t.Fatalf("after reset: %+v", st)
	}
	if err := a.EmptyCache(); err != nil {
		t.Fatal(err)
	}
	st = a.Stats()
	if st.Reserved != 512 || dev.used != 512 || st.DeviceFrees != 1 {
		t.Fatalf("after EmptyCache: %+v, device has %d", st, dev.used)
	}
	a.Free(y)
}

func TestOOMRetryAndError(t *testing.T) {
	dev := newFake(10 << 20)
	reclaimed := 0
	var a *Allocator
	var held []*Block
	a = New(dev, Options{Index: 0, Reclaim: func() {
		reclaimed++
		for _, b := range held {
			a.Free(b)
		}
		held = nil
	}})
	// Fill the device with cached blocks: the next allocation must empty
	// the cache and succeed.
	for i := 0; i < 4; i++ {
		b, err := a.Alloc(2 << 20)
		if err != nil {
			t.Fatal(err)
		}
		a.Free(b)
		_ = b
	}
	var bs []*Block
	for i := 0; i < 4; i++ {
		b, _ := a.Alloc(2 << 20)
		bs = append(bs, b)
	}
	for _, b := range bs {
		a.Free(b)
	}
	b, err := a.Alloc(8 << 20) // 4 cached 2 MiB blocks must go
	if err != nil {
		t.Fatalf("no retry after emptying the cache: %v", err)
	}
	if st := a.Stats(); st.Retries != 1 {
		t.Fatalf("retries %d", st.Retries)
	}
	// Blocks held by dropped tensors come back through Reclaim.
	held = []*Block{b}
	c, err := a.Alloc(8 << 20)
	if err != nil || reclaimed != 2 || c.Ptr != b.Ptr {
		t.Fatalf("reclaim: err %v, reclaimed %d", err, reclaimed)
	}
	_, err = a.Alloc(20 << 20)
	var oom *OOMError
	if !errors.As(err, &oom) {
		t.Fatalf("err %v, want an *OOMError", err)
	}
	want := "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 10.00 MiB total capacity; 8.00 MiB already allocated; 2.00 MiB free; 8.00 MiB reserved in total by gonote)"
	if err.Error() != want {
		t.Fatalf("message\n%s\nwant\n%s", err, want)
	}
	if st := a.Stats(); st.OOMs != 1 {
		t.Fatalf("ooms %d", st.OOMs)
	}
}

func TestPressure(t *testing.T) {
	dev := newFake(1 << 40)
	n := 0
	a := New(dev, Options{Pressure: func() { n++ }, PressureBytes: 10 << 20})
	for i := 0; i < 10; i++ {
		b, _ := a.Alloc(2 << 20)
		a.Free(b)
	}
	if n != 2 {
		t.Fatalf("pressure called %d times, want 2", n)
	}
}

func TestFormatSize(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{100, "100 bytes"}, {2048, "2.00 KiB"}, {3 << 20, "3.00 MiB"}, {20 << 30, "20.00 GiB"}} {
		if got := FormatSize(c.n); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if !strings.Contains((&OOMError{Requested: 1 << 30}).Error(), "Tried to allocate 1.00 GiB") {
		t.Error("OOM text")
	}
}
