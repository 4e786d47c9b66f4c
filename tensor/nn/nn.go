// Package nn holds neural-network building blocks on package tensor, in
// PyTorch's torch.nn shape: layers (Linear, Conv2d, BatchNorm2d, ...),
// activations, losses, the functional forms of all of them, PyTorch's
// default initialisations, and Save/Load of a model's weights in the
// safetensors format.
//
// # Modules
//
// A [Module] is anything with Forward(x) *tensor.Tensor: the layers of this
// package and the learner's own structs alike.
//
//	type MLP struct {
//		L1, L2 *nn.Linear
//	}
//
//	func (m *MLP) Forward(x *tensor.Tensor) *tensor.Tensor {
//		return m.L2.Forward(m.L1.Forward(x).Relu())
//	}
//
// The package functions [Parameters], [NamedParameters], [StateDict],
// [Train], [Eval] and [ZeroGrad] find a module's parameters the way
// PyTorch's module registration does, by walking its exported fields:
// fields holding structs (or pointers, slices, arrays and string-keyed
// maps of them) are submodules, and *tensor.Tensor fields that require
// grad are parameters. Interpreted types work the same, through yaegi's
// interface wrappers. A field's
// name in state dicts is the field name with its leading capitals lowered
// (field L1 gives "l1.weight", FC2 "fc2.bias"), or the value of an
// `nn:"name"` struct tag. Sequential names its children "0", "1", ... like PyTorch, so
// the state dict of an nn.Sequential matches torch.nn.Sequential's.
//
// # Functional forms
//
// Each layer and loss has a function doing the same computation with
// explicit weights in package [gonote/tensor/nn/functional] (Linear,
// Conv2d, MaxPool2d, LayerNorm, CrossEntropy, ...), like
// torch.nn.functional; the loss modules here (CrossEntropyLoss, ...) wrap
// them.
//
// # Errors
//
// Shape mistakes panic with *tensor.Error values, as in package tensor;
// Save and Load return errors.
package nn

import (
	"reflect"
	"sort"
	"strings"
	"unicode"

	"gonote/tensor"
)

// A Module maps an input tensor to an output tensor, like torch.nn.Module's
// forward. Layers of this package and structs written in a notebook are
// modules.
type Module interface {
	Forward(x *tensor.Tensor) *tensor.Tensor
}

// ModuleFunc adapts a function to a [Module] without parameters.
type ModuleFunc func(x *tensor.Tensor) *tensor.Tensor

// Forward returns f(x).
func (f ModuleFunc) Forward(x *tensor.Tensor) *tensor.Tensor { return f(x) }

// NamedTensor is a tensor with its dotted name in a state dict, as in
// "0.weight".
type NamedTensor struct {
	Name   string
	Tensor *tensor.Tensor
}

// stateful is implemented by the layers of this package: they list their
// own parameters and buffers (running statistics) in PyTorch's order.
type stateful interface {
	ownState() (params, buffers []NamedTensor)
}

// trainable is implemented by layers whose behaviour depends on training
// mode (Dropout, BatchNorm).
type trainable interface {
	setTraining(on bool)
}

// visit walks m's submodules depth-first, calling fn with each module
// (m itself first) and its name prefix ("" or "l1.").
func visit(m any, prefix string, fn func(m any, prefix string)) {
	walk(m, prefix, fn, map[uintptr]bool{})
}

func walk(m any, prefix string, fn func(m any, prefix string), seen map[uintptr]bool) {
	if m == nil {
		return
	}
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
	}
	fn(m, prefix)
	if c, ok := m.(interface{ children() []NamedModule }); ok {
		for _, ch := range c.children() {
			walk(ch.Module, prefix+ch.Name+".", fn, seen)
		}
		return
	}
	if _, ok := m.(stateful); ok {
		return
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if f.Name == "IValue" && f.Type.Kind() == reflect.Interface {
			// yaegi wraps an interpreted value satisfying Module in a
			// struct whose IValue field holds it: look through it.
			if !fv.IsNil() {
				walk(fv.Interface(), prefix, fn, seen)
			}
			continue
		}
		walkValue(fv, prefix+fieldName(f), fn, seen)
	}
}

var tensorType = reflect.TypeOf((*tensor.Tensor)(nil))

// walkValue walks a field value: a struct or pointer to one (a module,
// whether or not Go sees its Forward method, as for interpreted types), or
// a slice, array or string-keyed map of them (named by index or key).
func walkValue(fv reflect.Value, name string, fn func(m any, prefix string), seen map[uintptr]bool) {
	if !fv.CanInterface() || fv.Type() == tensorType {
		return
	}
	switch fv.Kind() {
	case reflect.Slice, reflect.Array:
		for j := 0; j < fv.Len(); j++ {
			walkValue(fv.Index(j), name+"."+itoa(j), fn, seen)
		}
		return
	case reflect.Map:
		keys := fv.MapKeys()
		sort.Slice(keys, func(a, b int) bool { return keys[a].String() < keys[b].String() })
		for _, k := range keys {
			if k.Kind() == reflect.String {
				walkValue(fv.MapIndex(k), name+"."+k.String(), fn, seen)
			}
		}
		return
	case reflect.Pointer, reflect.Interface:
		if fv.IsNil() {
			return
		}
		e := fv.Elem()
		if e.Kind() == reflect.Pointer && !e.IsNil() {
			e = e.Elem()
		}
		if e.Kind() != reflect.Struct {
			return
		}
	case reflect.Struct:
	default:
		return
	}
	walk(fv.Interface(), name+".", fn, seen)
}

// directTensors lists the *tensor.Tensor fields of a user struct.
func directTensors(m any) []NamedTensor {
	if s, ok := m.(stateful); ok {
		p, _ := s.ownState()
		return p
	}
	v := reflect.ValueOf(m)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []NamedTensor
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if x, ok := v.Field(i).Interface().(*tensor.Tensor); ok && x != nil && x.RequiresGrad() {
			out = append(out, NamedTensor{fieldName(f), x})
		}
	}
	return out
}

func fieldName(f reflect.StructField) string {
	if tag := f.Tag.Get("nn"); tag != "" {
		return tag
	}
	return lowerFirst(f.Name)
}

// lowerFirst lowers a Go name's leading capitals the way Go spells
// unexported names: "Conv1" becomes "conv1", "FC1" "fc1", "URLMap" "urlMap".
func lowerFirst(name string) string {
	r := []rune(name)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) && unicode.IsLower(r[n]) {
		n--
	}
	for i := 0; i < n; i++ {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// NamedParameters returns m's parameters with their dotted names, in
// field order, like PyTorch's named_parameters. A tensor reachable twice
// is listed once.
func NamedParameters(m Module) []NamedTensor {
	var out []NamedTensor
	seen := map[*tensor.Tensor]bool{}
	visit(m, "", func(mod any, prefix string) {
		for _, p := range directTensors(mod) {
			if !seen[p.Tensor] {
				seen[p.Tensor] = true
				out = append(out, NamedTensor{prefix + p.Name, p.Tensor})
			}
		}
	})
	return out
}

// Parameters returns m's parameters (see [NamedParameters]), what an
// optimizer is built on.
func Parameters(m Module) []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, p := range NamedParameters(m) {
		out = append(out, p.Tensor)
	}
	return out
}

// StateDict returns m's parameters and buffers (such as BatchNorm's
// running statistics) by name, like PyTorch's state_dict, in a stable
// order. The tensors are m's own, not copies.
func StateDict(m Module) []NamedTensor {
	var out []NamedTensor
	visit(m, "", func(mod any, prefix string) {
		if s, ok := mod.(stateful); ok {
			p, b := s.ownState()
			for _, x := range append(p, b...) {
				out = append(out, NamedTensor{prefix + x.Name, x.Tensor})
			}
			return
		}
		for _, p := range directTensors(mod) {
			out = append(out, NamedTensor{prefix + p.Name, p.Tensor})
		}
	})
	return out
}

// Train puts m and its submodules in training mode (on defaults to true),
// which Dropout and BatchNorm observe, like PyTorch's module.train().
func Train(m Module, on ...bool) {
	mode := len(on) == 0 || on[0]
	visit(m, "", func(mod any, _ string) {
		if t, ok := mod.(trainable); ok {
			t.setTraining(mode)
		}
	})
}

// Eval puts m in evaluation mode, like PyTorch's module.eval().
func Eval(m Module) { Train(m, false) }

// ZeroGrad clears the gradients of m's parameters (sets them to nil, as
// PyTorch 2's zero_grad does by default).
func ZeroGrad(m Module) {
	for _, p := range Parameters(m) {
		p.SetGrad(nil)
	}
}

// To moves m's parameters and buffers to a device ("cpu", "cuda", a
// tensor.Device) or converts them to a dtype, in place, like PyTorch's
// model.to(device), and returns m. The tensors stay the same ones, so an
// optimizer made before keeps working (move a model before making its
// optimizer, as in PyTorch, for the optimizer's own state to be on the
// device too). Gradients move with their parameters.
func To(m Module, deviceOrDType any) Module {
	tensor.NoGrad(func() {
		for _, p := range StateDict(m) {
			moved := p.Tensor.Detach().To(deviceOrDType)
			if moved.Device() == p.Tensor.Device() && moved.DType() == p.Tensor.DType() {
				continue
			}
			g := p.Tensor.Grad()
			p.Tensor.SetData(moved)
			if g != nil {
				p.Tensor.SetGrad(g.To(deviceOrDType))
			}
		}
	})
	return m
}

// NamedModule is a child module with its name, as in Sequential.
type NamedModule struct {
	Name   string
	Module Module
}

// Sequential runs its modules in order, like torch.nn.Sequential; its
// children are named "0", "1", ....
type Sequential struct {
	Layers []Module
}

// NewSequential returns a Sequential of the given modules.
func NewSequential(layers ...Module) *Sequential { return &Sequential{Layers: layers} }

// Forward passes x through each module in turn.
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Append adds a module at the end and returns s.
func (s *Sequential) Append(m Module) *Sequential {
	s.Layers = append(s.Layers, m)
	return s
}

func (s *Sequential) children() []NamedModule {
	out := make([]NamedModule, len(s.Layers))
	for i, l := range s.Layers {
		out[i] = NamedModule{itoa(i), l}
	}
	return out
}

// Parameters returns the model's parameters, like model.parameters(); the
// package function [Parameters] does the same for any Module, also for
// types declared in cells, which need not write these methods.
func (s *Sequential) Parameters() []*tensor.Tensor { return Parameters(s) }

// NamedParameters returns the parameters with their dotted names, like
// model.named_parameters().
func (s *Sequential) NamedParameters() []NamedTensor { return NamedParameters(s) }

// Train puts the model in training mode (on defaults to true), like
// model.train().
func (s *Sequential) Train(on ...bool) { Train(s, on...) }

// Eval puts the model in evaluation mode, like model.eval().
func (s *Sequential) Eval() { Eval(s) }

// ZeroGrad clears the parameters' gradients, like model.zero_grad().
func (s *Sequential) ZeroGrad() { ZeroGrad(s) }

// To moves the model to a device or dtype in place and returns it, like
// model.to(device).
func (s *Sequential) To(deviceOrDType any) *Sequential {
	To(s, deviceOrDType)
	return s
}

// String lists the layers, like PyTorch's module repr.
func (s *Sequential) String() string {
	var b strings.Builder
	b.WriteString("Sequential(\n")
	for i, l := range s.Layers {
		b.WriteString("  (" + itoa(i) + "): " + describe(l) + "\n")
	}
	b.WriteString(")")
	return b.String()
}

func describe(m Module) string {
	if s, ok := m.(interface{ String() string }); ok {
		return strings.ReplaceAll(s.String(), "\n", "\n  ")
	}
	return reflect.TypeOf(m).String()
}
