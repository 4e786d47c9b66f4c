package tensor

import (
	"strconv"
	"strings"

	"gonote/tensor/backend"
	"gonote/tensor/cpu"
)

// ParseDevice parses a device string: "cpu", "cuda" (device 0) or
// "cuda:N". It panics with a RuntimeError for anything else.
func ParseDevice(s string) Device {
	typ, idx, hasIdx := strings.Cut(s, ":")
	switch typ {
	case "cpu":
		if hasIdx && idx != "0" {
			fail(RuntimeError, "device", "Invalid device string: '%s'", s)
		}
		return backend.CPU
	case "cuda":
		n := 0
		if hasIdx {
			v, err := strconv.Atoi(idx)
			if err != nil || v < 0 {
				fail(RuntimeError, "device", "Invalid device string: '%s'", s)
			}
			n = v
		}
		return Device{Type: "cuda", Index: n}
	}
	fail(RuntimeError, "device", "Expected one of cpu, cuda device type at start of device string: %s", s)
	return Device{}
}

// CudaAvailable reports whether this build has a CUDA backend and it sees
// at least one GPU. Without the cuda build tag it is always false.
func CudaAvailable() bool { return DeviceCount() > 0 }

// DeviceCount returns the number of CUDA devices, 0 without a CUDA backend.
func DeviceCount() int {
	b, ok := backend.Lookup("cuda")
	if !ok {
		return 0
	}
	return b.DeviceCount()
}

// To returns t converted to a device or a dtype: arg is a device string
// ("cpu", "cuda", "cuda:1"), a [Device] or a [DType]. It returns t itself
// when nothing changes, and a copy otherwise. Moving to CUDA in a build
// without the CUDA backend panics with a RuntimeError that says how to get
// one.
func (t *Tensor) To(arg any) *Tensor {
	switch a := arg.(type) {
	case string:
		return t.toDevice(ParseDevice(a))
	case Device:
		return t.toDevice(a)
	case DType:
		return t.toDType(a)
	}
	fail(TypeError, "to", "to(): expected a device string, a Device or a DType, but got %T", arg)
	return nil
}

// CPU returns t on the CPU: t itself when it is already there, a copy
// otherwise.
func (t *Tensor) CPU() *Tensor { return t.toDevice(backend.CPU) }

// Cuda returns t on CUDA device index (default 0); see [Tensor.To].
func (t *Tensor) Cuda(index ...int) *Tensor {
	d := Device{Type: "cuda"}
	if len(index) > 0 {
		d.Index = index[0]
	}
	return t.toDevice(d)
}

func (t *Tensor) toDevice(dev Device) *Tensor {
	if dev.Type == "" {
		dev.Type = "cpu"
	}
	if dev == t.Device() {
		return t
	}
	be := backendOf(dev)
	if n := be.DeviceCount(); dev.Index >= n {
		fail(RuntimeError, "to", "CUDA error: invalid device ordinal (device %d requested, %d available)", dev.Index, n)
	}
	c := t.Contiguous()
	if c.offset != 0 || c.buf.Len() != c.Numel() {
		c = t.Clone()
	}
	var host any
	if c.Device().Type == "cpu" {
		host = c.buf.(*cpu.Buffer).Data()
	} else {
		host = cpu.MakeSlice(t.dtype, c.Numel())
		c.be().Download(host, c.buf)
	}
	var buf backend.Buffer
	if dev.Type == "cpu" {
		buf, _ = cpu.Wrap(host)
	} else {
		checkMemory("to", dev, t.dtype, c.Numel())
		buf = be.Upload(dev.Index, host)
	}
	return recordCast(t, &Tensor{buf: buf, dtype: t.dtype, shape: append([]int{}, t.shape...), strides: backend.ContiguousStrides(t.shape)})
}
