//go:build cuda

package cuda

// Tensor-level tests on a GPU: package conformance's op families, MLP and
// CNN autograd and device errors, then the allocator and big copies.

import (
	"errors"
	"strings"
	"testing"

	"gonote/cuda/internal/conformance"
	"gonote/tensor"
	"gonote/tensor/backend"
)

func TestTensors(t *testing.T) { conformance.RunTensors(t) }

// near fails unless the GPU tensor g equals the CPU tensor c within tol.
func near(t *testing.T, what string, g, c *tensor.Tensor, tol float64) {
	t.Helper()
	conformance.Near(t, what, g, c, tol)
}

func TestAllocatorReuseAndOOM(t *testing.T) {
	reclaim() // let earlier tests' garbage go back first
	Synchronize()
	EmptyCache()
	base := MemoryAllocated()
	x := tensor.Zeros(1 << 20).Cuda() // 4 MiB
	if got := MemoryAllocated() - base; got != 4<<20 {
		t.Fatalf("allocated %d more bytes, want %d", got, 4<<20)
	}
	devAllocs := MemoryStats()["device_allocations"]
	x.Free()
	if MemoryAllocated() != base {
		t.Fatalf("Free did not return the memory: %d", MemoryAllocated()-base)
	}
	y := tensor.Zeros(1 << 20).Cuda()
	if MemoryStats()["device_allocations"] != devAllocs {
		t.Error("a block of the same size was not reused from the cache")
	}
	if MemoryReserved() < MemoryAllocated() {
		t.Error("reserved below allocated")
	}
	y.Free()
	EmptyCache()
	if MemoryReserved() != base {
		// Other tests' live tensors stay reserved; only the cache goes.
		t.Logf("reserved after EmptyCache: %d (base %d)", MemoryReserved(), base)
	}
	// More than the device has (4 TiB): a RuntimeError in PyTorch's words.
	err := tensor.Catch(func() { tensor.Ones(1).Cuda().Expand(1 << 40).Contiguous() })
	var te *tensor.Error
	if !errors.As(err, &te) || te.Kind != tensor.RuntimeError || !strings.HasPrefix(te.Msg, "CUDA out of memory. Tried to allocate 4096.00 GiB (GPU 0; ") {
		t.Fatalf("OOM error %v", err)
	}
	if MemoryStats()["num_ooms"] == 0 {
		t.Error("num_ooms not counted")
	}
	// The device still works.
	near(t, "after OOM", tensor.Ones(4).Cuda().Add(1), tensor.Ones(4).Add(1), 0)
}

func TestCopy1GB(t *testing.T) {
	n := 1 << 28 // 2^28 float32 = 1 GiB
	h := make([]float32, n)
	for i := range h {
		h[i] = float32(i % 1000003)
	}
	g := tensor.FromSlice(h).Cuda()
	back := g.CPU().Float32s()
	for i := range h {
		if back[i] != h[i] {
			t.Fatalf("element %d: %v after the round trip, want %v", i, back[i], h[i])
		}
	}
	g.Free()
	// Pinned memory round trip.
	p := Pinned(backend.Float32, 1<<24).([]float32)
	defer FreePinned(p)
	for i := range p {
		p[i] = float32(i)
	}
	q := tensor.FromSlice(p).Cuda().Add(1).CPU().Float32s()
	if q[12345] != 12346 {
		t.Fatalf("pinned round trip: %v", q[12345])
	}
}
