package nn

import (
	"fmt"
	"sort"
	"strings"

	"gonote/tensor"
)

// Save writes m's state dict (parameters and buffers, see [StateDict]) to
// the file at path in the safetensors format, which PyTorch reads with
// safetensors.torch.load_file and load_state_dict.
func Save(m Module, path string) error {
	sd := map[string]*tensor.Tensor{}
	for _, e := range StateDict(m) {
		sd[e.Name] = e.Tensor
	}
	return tensor.SaveSafetensors(path, sd, map[string]string{"format": "pt"})
}

// Load reads a safetensors file written by [Save] or by PyTorch and copies
// its tensors into m's parameters and buffers, without recording a graph.
// Like PyTorch's strict load_state_dict it returns an error, changing
// nothing, when names are missing or unexpected, or when a shape differs;
// dtypes are converted.
func Load(m Module, path string) error {
	file, _, err := tensor.LoadSafetensors(path)
	if err != nil {
		return err
	}
	sd := StateDict(m)
	var missing, unexpected, mismatch []string
	known := map[string]bool{}
	for _, e := range sd {
		known[e.Name] = true
		t, ok := file[e.Name]
		if !ok {
			missing = append(missing, `"`+e.Name+`"`)
			continue
		}
		if !equalShape(t.Shape(), e.Tensor.Shape()) {
			mismatch = append(mismatch, fmt.Sprintf("size mismatch for %s: copying a param with shape %s from checkpoint, the shape in current model is %s.", e.Name, torchSize(t.Shape()), torchSize(e.Tensor.Shape())))
		}
	}
	for name := range file {
		if !known[name] {
			unexpected = append(unexpected, `"`+name+`"`)
		}
	}
	sort.Strings(unexpected)
	if len(missing)+len(unexpected)+len(mismatch) > 0 {
		var b strings.Builder
		b.WriteString("nn: Error(s) in loading state_dict:")
		if len(missing) > 0 {
			b.WriteString(" Missing key(s) in state_dict: " + strings.Join(missing, ", ") + ".")
		}
		if len(unexpected) > 0 {
			b.WriteString(" Unexpected key(s) in state_dict: " + strings.Join(unexpected, ", ") + ".")
		}
		for _, s := range mismatch {
			b.WriteString(" " + s)
		}
		return fmt.Errorf("%s", b.String())
	}
	tensor.NoGrad(func() {
		for _, e := range sd {
			e.Tensor.Copy_(file[e.Name])
		}
	})
	return nil
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// torchSize formats a shape as PyTorch prints it: torch.Size([3, 8]).
func torchSize(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return "torch.Size([" + strings.Join(parts, ", ") + "])"
}
