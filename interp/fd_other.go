//go:build !linux

package interp

import (
	"errors"
	"os"
)

var errNoCapture = errors.New("fd capture is only implemented on linux")

func dupCloexec(fd int) (int, error) { return -1, errNoCapture }

func redirect(fd int) (*os.File, error) { return nil, errNoCapture }

func writeFd(fd int, b []byte) error { return errNoCapture }
