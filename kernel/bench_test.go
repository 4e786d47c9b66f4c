package kernel

import "testing"

// BenchmarkExecuteRoundTrip is the kernel's share of a trivial cell's round trip:
// request to reply and idle over real ZeroMQ sockets, with an engine that does nothing.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	c := startKernel(b, &fakeEngine{})
	for b.Loop() {
		c.execute("result 1", nil)
	}
}
