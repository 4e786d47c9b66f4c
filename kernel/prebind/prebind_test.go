package prebind

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The test binary re-runs itself as `prebind.test kernel FILE`, the command
// line the constructor looks for, and prints the ports it was handed.
func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == "kernel" {
		var ports []int
		for port, l := range Listeners() {
			if l.Addr().(*net.TCPAddr).Port != port {
				fmt.Println("listener on the wrong port", l.Addr())
			}
			ports = append(ports, port)
		}
		slices.Sort(ports)
		fmt.Println(ports)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freePorts(t *testing.T, n int) []int {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	slices.Sort(ports)
	return ports
}

// boundPorts runs the test binary as a kernel with a connection file of conn
// and returns what it printed.
func boundPorts(t *testing.T, conn map[string]any, extra ...string) string {
	file := filepath.Join(t.TempDir(), "kernel.json")
	b, _ := json.MarshalIndent(conn, "", "  ")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(os.Args[0], append([]string{"kernel", file}, extra...)...).CombinedOutput()
	if err != nil && len(extra) == 0 {
		t.Fatalf("%v: %s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestConstructorBindsTheConnectionFilePorts(t *testing.T) {
	if !enabled {
		t.Skip("the constructor is built with cgo on Linux only")
	}
	p := freePorts(t, 5)
	conn := map[string]any{
		"shell_port": p[0], "iopub_port": p[1], "stdin_port": p[2], "control_port": p[3], "hb_port": p[4],
		"ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256",
	}
	if got, want := boundPorts(t, conn), fmt.Sprint(p); got != want {
		t.Errorf("bound %s, want %s", got, want)
	}

	// A port already taken is left for the kernel to report; the others are bound.
	busy, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p[2]))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if got, want := boundPorts(t, conn), fmt.Sprint([]int{p[0], p[1], p[3], p[4]}); got != want {
		t.Errorf("with port %d taken: bound %s, want %s", p[2], got, want)
	}
	busy.Close()

	for name, change := range map[string]func(map[string]any){
		"ipc":  func(c map[string]any) { c["transport"] = "ipc" },
		"ipv6": func(c map[string]any) { c["ip"] = "::1" },
	} {
		c := map[string]any{}
		for k, v := range conn {
			c[k] = v
		}
		change(c)
		if got := boundPorts(t, c); got != "[]" {
			t.Errorf("%s: bound %s, want none", name, got)
		}
	}
	if got := boundPorts(t, conn, "extra"); strings.Contains(got, fmt.Sprint(p[0])) {
		t.Errorf("a usage error bound ports: %s", got)
	}
}
