// Package prebind binds a kernel's TCP ports before the Go runtime starts.
//
// A frontend connects to the kernel's ports right after launching it. When
// nothing listens yet, ZeroMQ waits its reconnect interval (100 ms) before
// trying again, and a Go binary of gonote's size takes longer than the
// frontend to reach main. So a C constructor, which the dynamic loader runs
// before the Go runtime, reads the connection file named on the command line
// of `gonote kernel FILE` and binds and listens on its TCP ports; the
// frontend's connections then wait in the listen queue until the kernel
// accepts them. Where anything is unusual (another command, ipc, an address
// that is not IPv4, a port that cannot be bound) it binds nothing, and the
// kernel binds as usual.
package prebind

import (
	"net"
	"os"
)

// Listeners returns the listeners bound before start-up, by port, and forgets
// them: the caller owns them. It returns nil when none were bound.
func Listeners() map[int]net.Listener {
	bound := take()
	if len(bound) == 0 {
		return nil
	}
	ls := make(map[int]net.Listener, len(bound))
	for port, fd := range bound {
		f := os.NewFile(uintptr(fd), "prebound port")
		l, err := net.FileListener(f) // a duplicate of fd
		f.Close()
		if err == nil {
			ls[port] = l
		}
	}
	return ls
}
