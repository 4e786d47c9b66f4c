//go:build cuda

package main

// This file is compiled only with the cuda build tag (`make build-cuda`):
// it links the CUDA backend, which registers device type "cuda" with
// package tensor/backend, and makes `gonote install` install this binary as
// a kernel of its own, "Go (gonote, CUDA)" named gonote-cuda, next to the
// CPU build's "Go (gonote)".

import (
	"os"

	_ "gonote/cuda"
)

// cudaInstallDefaults are put before the user's flags, so that the user's
// --name or --display-name, parsed later, win.
var cudaInstallDefaults = map[string][]string{
	"install":   {"--name=gonote-cuda", "--display-name=Go (gonote, CUDA)"},
	"uninstall": {"--name=gonote-cuda"},
}

func init() {
	if len(os.Args) > 1 {
		if d, ok := cudaInstallDefaults[os.Args[1]]; ok {
			os.Args = append(append([]string{os.Args[0], os.Args[1]}, d...), os.Args[2:]...)
		}
	}
}
