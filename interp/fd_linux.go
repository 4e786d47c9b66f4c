package interp

import (
	"os"
	"syscall"
)

// dupCloexec duplicates fd; the copy is not inherited by child processes.
func dupCloexec(fd int) (int, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(nfd)
	return nfd, nil
}

// redirect makes fd the write end of a new pipe and returns the read end.
// Child processes inherit fd, so their output is captured too.
func redirect(fd int) (*os.File, error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	// A larger pipe lets bursts of output wait less on the reader; the
	// default 64 KiB is fine where the kernel refuses (F_SETPIPE_SZ).
	const fSetPipeSz = 1031
	syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[1]), fSetPipeSz, 1<<20)
	if err := syscall.Dup3(p[1], fd, 0); err != nil {
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, err
	}
	syscall.Close(p[1])
	// Non-blocking, the read end is served by Go's poller, not a thread.
	if err := syscall.SetNonblock(p[0], true); err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(p[0]), "capture"), nil
}

// writeFd writes b to fd with one system call, bypassing os.Stdout and
// os.Stderr, which cells may have reassigned.
func writeFd(fd int, b []byte) error {
	_, err := syscall.Write(fd, b)
	return err
}
