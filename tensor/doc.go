// Package tensor is gonote's PyTorch-style tensor library: n-dimensional
// arrays with PyTorch's names, semantics, error messages and printing, for
// Go notebooks and Go programs.
//
//	x := tensor.Randn(2, 3)
//	y := x.Matmul(x.T()).Add(1)      // tensor or Go number operands
//	y.Sum(1, tensor.KeepDim)        // reductions over dims
//	fmt.Println(x.I(":, 1:"))        // NumPy-style indexing, a view
//
// # Tensors, storage and views
//
// A [Tensor] is a buffer on a device plus a dtype, a shape, strides and an
// offset. View operations (View, Reshape when possible, Transpose, T,
// Permute, Expand, Squeeze, Unsqueeze, Slice, Narrow, Select, Index, I,
// Split, Chunk) return tensors on the same buffer, so writes through one
// are seen by the other, as in PyTorch. [FromSlice] and the accessors
// ([Tensor.Float32s] and friends) share memory with Go slices like
// torch.from_numpy and Tensor.numpy; [New] copies like torch.tensor.
//
// # Dtypes and promotion
//
// The dtypes are Float32 (the default), Float64, Int64, Int32, Uint8 and
// Bool. Binary operations follow PyTorch's type promotion: a Go number
// takes part as a float (Float32), an integer (Int64) or a bool, and only
// raises the result's category, never its size within a category (an Int32
// tensor plus 2.5 is Float32, a Uint8 tensor plus 300 stays Uint8). Div is
// true division, so integer inputs give Float32. See [PromoteTypes].
//
// # Arguments
//
// Where PyTorch takes "a tensor or a number", methods take any: a *Tensor
// or a Go number (int, float64, bool, ...). Shapes and dims are variadic
// ints; negative dims count from the end. Reductions take their dims
// followed by options: x.Sum(0, 1, tensor.KeepDim), x.Var(0,
// tensor.Correction(0)). The exported API has no generic functions or
// types, so the whole package binds into the yaegi interpreter.
//
// # Errors
//
// Misuse (mismatched shapes, dtypes or devices, an index out of range, an
// allocation larger than the available memory) panics with an [*Error]
// whose Kind names the Python exception PyTorch raises and whose Msg is
// PyTorch's message. The gonote kernel shows it as "RuntimeError: ...".
// Library code can turn these panics into errors with [Catch]. Files
// (SaveNpy, LoadNpy) return errors instead.
//
// # Autograd
//
// Operations record a graph when grad mode is on and an input requires
// grad, as in PyTorch: x.RequiresGrad_() marks a leaf, loss.Backward()
// (or BackwardWith(grad), BackwardOpts with RetainGraph/CreateGraph)
// accumulates gradients into the leaves' Grad, [Grad] computes gradients
// functionally (with CreateGraph for second derivatives), [NoGrad] and
// [EnableGrad] switch recording for a function's duration, and
// [Tensor.Detach] shares storage without history. Results print their node
// as grad_fn=<MulBackward0> (see [Tensor.GradFn]); [Graph] draws the graph.
// Every differentiable op has one rule in grad_rules.go, written with
// tensor ops; composite ops (Mean, Var, Norm, ...) are differentiated
// through the primitives they use and show PyTorch's name for the whole.
// In-place ops bump a version counter shared by views; a backward pass that
// needs a value changed since it was saved panics with PyTorch's message,
// and in-place writes to leaves that require grad panic while grad mode is
// on. SVD and Eigh have no rules yet: they panic when an input
// requires grad, rather than cut the graph silently; Det's rule needs an
// invertible matrix. In-place ops on
// views of tensors in the graph (PyTorch's CopySlices) are refused too.
// Grad mode is process-wide, not per goroutine. [SetWarningHandler]
// routes PyTorch's UserWarnings (such as reading Grad of a non-leaf).
//
// # Devices and backends
//
// Every operation is written once, here, on the primitives of
// gonote/tensor/backend; the CPU backend (gonote/tensor/cpu) is always
// built and a CUDA backend registers itself under the cuda build tag.
// Device strings are "cpu", "cuda" and "cuda:N". Without a CUDA backend,
// [CudaAvailable] is false and To("cuda") panics with a RuntimeError that
// says how to build one.
//
// # Printing
//
// [Tensor.String] prints exactly like PyTorch's repr (precision 4,
// summarisation past 1000 elements, the scientific switch, line wrapping
// at 80 columns), except that dtypes print with gonote's names:
// dtype=float64 rather than dtype=torch.float64. [SetPrintOptions] changes
// the defaults.
//
// # Interop
//
// Go slices: [FromSlice] and [Tensor.Float32s] (and Float64s, Int64s,
// Int32s, Uint8s, Bools) share memory. gonum: [FromDense] and
// [Tensor.Dense]. Images: [FromImage] gives Uint8 HWC RGB like cv2.imread
// plus cvtColor, [Tensor.ToImage] goes back, and [Tensor.Resize] (CHW) and
// [Tensor.ResizeHWC] interpolate bilinearly like F.interpolate and
// cv2.resize. Files: [Tensor.SaveNpy] and
// [LoadNpy] read and write NumPy's .npy format, [SaveSafetensors] and
// [LoadSafetensors] the safetensors format, and [Tensor.WriteCSV]
// writes CSV. The .npy code is written here rather than taken from
// github.com/sbinet/npyio because it is short and moves bytes directly
// between the file and the six tensor buffer types, where npyio decodes
// through reflection into Go values and would add a module.
//
// # Differences from PyTorch
//
//   - Random streams are gonote's own (PCG): ManualSeed makes runs
//     repeatable, but the numbers differ from PyTorch's for the same seed.
//   - Empty returns zeroed memory.
//   - I accepts negative steps with NumPy's meaning; PyTorch rejects them.
//   - MaskedFill and MaskedSelect require Bool masks (PyTorch 1.13 still
//     accepts others with a deprecation warning).
//   - Clone always returns a contiguous tensor.
//   - Transcendental functions (Exp, Tanh, ...) are computed in float64
//     and rounded, so float32 results may differ from PyTorch's vectorised
//     kernels in the last bit.
//   - Topk orders tied values by index; PyTorch leaves their order open.
package tensor
