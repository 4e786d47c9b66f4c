package emu

import (
	"os"
	"testing"

	"gonote/cuda/internal/conformance"
	"gonote/cuda/internal/emu/emugen"
	"gonote/cuda/kernels"
	"gonote/tensor/backend"
)

func TestGeneratedFilesAreCurrent(t *testing.T) {
	for name, want := range emugen.Files() {
		got, err := os.ReadFile(name)
		if err != nil || string(got) != want {
			t.Errorf("%s is not current: run go generate ./cuda/internal/emu", name)
		}
	}
}

func TestEveryKernelRegistered(t *testing.T) {
	for _, es := range kernels.Entries() {
		for e := range es {
			if !Has(e) {
				t.Errorf("kernel %s is not registered in the emulator", e)
			}
		}
	}
}

// TestConformance runs the kernels, through package ops, against the CPU
// backend.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("the emulated kernels take a while; skipped with -short")
	}
	conformance.Run(t, Backend{}, conformance.Options{})
}

// The emulator is the "cuda" backend of this test binary.
func init() { backend.Register("cuda", Backend{}) }

// TestTensors runs package tensor's operations and autograd on the
// emulated kernels against the CPU.
func TestTensors(t *testing.T) {
	if testing.Short() {
		t.Skip("the emulated kernels take a while; skipped with -short")
	}
	conformance.RunTensors(t)
}
