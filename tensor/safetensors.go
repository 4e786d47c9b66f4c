package tensor

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// This file reads and writes the safetensors format (Hugging Face's
// weights format, which torch and the safetensors library read): a uint64
// little-endian header length N, N bytes of JSON mapping each name to its
// dtype, shape and data_offsets (plus an optional "__metadata__" object of
// strings), then the little-endian, row-major data. It is written by hand
// because no Go library for it is in the dependency set, and it is short.

var safetensorsDTypes = map[DType]string{Float32: "F32", Float64: "F64", Int64: "I64", Int32: "I32", Uint8: "U8", Bool: "BOOL"}

type safetensorsEntry struct {
	DType   string `json:"dtype"`
	Shape   []int  `json:"shape"`
	Offsets [2]int `json:"data_offsets"`
}

// WriteSafetensors writes tensors (by name, in sorted order) and metadata
// (may be nil) to w in the safetensors format. Tensors on other devices
// are copied to the CPU first. It returns the first write error.
func WriteSafetensors(w io.Writer, tensors map[string]*Tensor, metadata map[string]string) error {
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var body bytes.Buffer
	for _, n := range names {
		t := tensors[n].Detach().CPU().Contiguous()
		begin := body.Len()
		if err := binary.Write(&body, binary.LittleEndian, hostData(t)); err != nil {
			return fmt.Errorf("tensor: writing safetensors tensor %q: %w", n, err)
		}
		shape := t.Shape()
		if shape == nil {
			shape = []int{}
		}
		header[n] = safetensorsEntry{DType: safetensorsDTypes[t.dtype], Shape: shape, Offsets: [2]int{begin, body.Len()}}
	}
	h, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("tensor: encoding safetensors header: %w", err)
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	if err := binary.Write(w, binary.LittleEndian, uint64(len(h))); err != nil {
		return fmt.Errorf("tensor: writing safetensors: %w", err)
	}
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("tensor: writing safetensors: %w", err)
	}
	if _, err := w.Write(body.Bytes()); err != nil {
		return fmt.Errorf("tensor: writing safetensors: %w", err)
	}
	return nil
}

// hostData returns the elements of the contiguous CPU tensor t as its Go
// slice.
func hostData(t *Tensor) any {
	switch t.dtype {
	case Float32:
		return t.Float32s()
	case Float64:
		return t.Float64s()
	case Int64:
		return t.Int64s()
	case Int32:
		return t.Int32s()
	case Uint8:
		return t.Uint8s()
	}
	return t.Bools()
}

// SaveSafetensors writes tensors to the file at path (see
// [WriteSafetensors]).
func SaveSafetensors(path string, tensors map[string]*Tensor, metadata map[string]string) error {
	var b bytes.Buffer
	if err := WriteSafetensors(&b, tensors, metadata); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("tensor: %w", err)
	}
	return nil
}

// ReadSafetensors reads a safetensors stream and returns its tensors (new
// CPU tensors) by name and its metadata. It returns an error for a
// malformed header, an unsupported dtype (only F32, F64, I64, I32, U8 and
// BOOL are), or data that does not match the shapes.
func ReadSafetensors(r io.Reader) (map[string]*Tensor, map[string]string, error) {
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, nil, fmt.Errorf("tensor: reading safetensors header length: %w", err)
	}
	if n > 100<<20 {
		return nil, nil, fmt.Errorf("tensor: safetensors header of %d bytes is too large", n)
	}
	h := make([]byte, n)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, nil, fmt.Errorf("tensor: reading safetensors header: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(h, &raw); err != nil {
		return nil, nil, fmt.Errorf("tensor: decoding safetensors header: %w", err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("tensor: reading safetensors data: %w", err)
	}
	var meta map[string]string
	out := map[string]*Tensor{}
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, fmt.Errorf("tensor: decoding safetensors metadata: %w", err)
			}
			continue
		}
		var e safetensorsEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, nil, fmt.Errorf("tensor: decoding safetensors entry %q: %w", name, err)
		}
		var dt DType
		found := false
		for d, s := range safetensorsDTypes {
			if s == e.DType {
				dt, found = d, true
			}
		}
		if !found {
			return nil, nil, fmt.Errorf("tensor: safetensors tensor %q has unsupported dtype %s", name, e.DType)
		}
		count := 1
		for _, s := range e.Shape {
			if s < 0 {
				return nil, nil, fmt.Errorf("tensor: safetensors tensor %q has negative size in shape %v", name, e.Shape)
			}
			count *= s
		}
		b, end := e.Offsets[0], e.Offsets[1]
		if b < 0 || end > len(data) || b > end || end-b != count*dt.Size() {
			return nil, nil, fmt.Errorf("tensor: safetensors tensor %q: data_offsets %v do not hold %d elements of %s", name, e.Offsets, count, dt)
		}
		t := empty("load", Device{Type: "cpu"}, dt, e.Shape)
		if err := binary.Read(bytes.NewReader(data[b:end]), binary.LittleEndian, hostData(t)); err != nil {
			return nil, nil, fmt.Errorf("tensor: decoding safetensors tensor %q: %w", name, err)
		}
		out[name] = t
	}
	return out, meta, nil
}

// LoadSafetensors reads the safetensors file at path (see
// [ReadSafetensors]).
func LoadSafetensors(path string) (map[string]*Tensor, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("tensor: %w", err)
	}
	defer f.Close()
	return ReadSafetensors(f)
}
