package kernel

import (
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// preboundTransport is a zmq4 transport whose Listen hands out listeners
// bound before the kernel started (Config.Listeners): zmq4 binds only through
// a transport, by endpoint.
type preboundTransport struct {
	mu        sync.Mutex
	listeners map[string]net.Listener // by address, until Listen takes them
	once      sync.Once
}

var prebound = &preboundTransport{listeners: map[string]net.Listener{}}

const preboundScheme = "gonote-prebound"

// endpoint registers l and returns the endpoint that listens on it.
func (t *preboundTransport) endpoint(l net.Listener) string {
	t.once.Do(func() {
		if err := zmq4.RegisterTransport(preboundScheme, t); err != nil {
			panic(err) // the name is ours; registered once
		}
	})
	addr := l.Addr().String()
	t.mu.Lock()
	t.listeners[addr] = l
	t.mu.Unlock()
	return preboundScheme + "://" + addr
}

func (t *preboundTransport) Listen(_ context.Context, addr string) (net.Listener, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.listeners[addr]
	if !ok {
		return nil, fmt.Errorf("no listener bound before start-up on %s", addr)
	}
	delete(t.listeners, addr)
	return l, nil
}

func (t *preboundTransport) Dial(context.Context, transport.Dialer, string) (net.Conn, error) {
	return nil, fmt.Errorf("%s endpoints are for listening only", preboundScheme)
}

func (t *preboundTransport) Addr(ep string) (string, error) { return ep, nil }
