//go:build cgo && linux

package prebind

/*
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { maxPorts = 5 };
static int prebound_fd[maxPorts], prebound_port[maxPorts], prebound_n;

// read_file reads up to size-1 bytes of path into buf, NUL-terminated; it
// returns the length or -1.
static int read_file(const char *path, char *buf, int size) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	int n = 0, r;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0) n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

// json_value returns the start of the value of "key" in the flat JSON object
// s, past the colon and blanks, or NULL.
static const char *json_value(const char *s, const char *key) {
	char quoted[64];
	snprintf(quoted, sizeof quoted, "\"%s\"", key);
	const char *p = strstr(s, quoted);
	if (!p) return NULL;
	p += strlen(quoted);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
	if (*p != ':') return NULL;
	p++;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
	return p;
}

// json_string copies the string value of key into out; it returns 0 on success.
static int json_string(const char *s, const char *key, char *out, int size) {
	const char *p = json_value(s, key);
	if (!p || *p != '"') return -1;
	p++;
	int n = 0;
	while (*p && *p != '"' && *p != '\\' && n < size - 1) out[n++] = *p++;
	if (*p != '"') return -1;
	out[n] = 0;
	return 0;
}

__attribute__((constructor)) static void prebind(void) {
	char cmd[4096];
	int n = read_file("/proc/self/cmdline", cmd, sizeof cmd);
	if (n <= 0) return;
	// argv: gonote kernel FILE
	const char *arg1 = cmd + strlen(cmd) + 1;
	if (arg1 >= cmd + n || strcmp(arg1, "kernel") != 0) return;
	const char *file = arg1 + strlen(arg1) + 1;
	if (file >= cmd + n || file[0] == '-' || file[0] == 0) return;
	if (file + strlen(file) + 1 < cmd + n) return; // more arguments: a usage error

	char conf[16384], transport[16], ip[64];
	if (read_file(file, conf, sizeof conf) <= 0) return;
	if (json_string(conf, "transport", transport, sizeof transport) != 0 || strcmp(transport, "tcp") != 0) return;
	if (json_string(conf, "ip", ip, sizeof ip) != 0) return;
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	if (strcmp(ip, "*") == 0 || ip[0] == 0) addr.sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) return;

	static const char *keys[maxPorts] = {"shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"};
	for (int i = 0; i < maxPorts; i++) {
		const char *v = json_value(conf, keys[i]);
		if (!v) continue;
		long port = strtol(v, NULL, 10);
		if (port <= 0 || port > 65535) continue;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		addr.sin_port = htons((unsigned short)port);
		if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, SOMAXCONN) != 0) {
			close(fd);
			continue;
		}
		prebound_fd[prebound_n] = fd;
		prebound_port[prebound_n] = (int)port;
		prebound_n++;
	}
}

static int prebound_count(void) { return prebound_n; }
static int prebound_fd_at(int i) { return prebound_fd[i]; }
static int prebound_port_at(int i) { return prebound_port[i]; }
static void prebound_forget(void) { prebound_n = 0; }
*/
import "C"

const enabled = true

// take returns the bound file descriptors by port and forgets them.
func take() map[int]int {
	n := int(C.prebound_count())
	fds := make(map[int]int, n)
	for i := range n {
		fds[int(C.prebound_port_at(C.int(i)))] = int(C.prebound_fd_at(C.int(i)))
	}
	C.prebound_forget()
	return fds
}
