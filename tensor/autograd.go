package tensor

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// This file holds the autograd engine: grad mode, the graph nodes that ops
// record, and the backward pass. The gradient rules themselves live in
// grad_rules.go; every op records its node through record (or viewOf for
// views), the one place where the graph grows.
//
// The design follows PyTorch's: a node is a function from the gradient of
// its output to the gradients of its inputs, and it points to the nodes
// that produced those inputs (edges). A leaf that requires grad gets an
// AccumulateGrad node, made on first use, that adds into its Grad. Tensors
// point to the node that produced them (their GradFn); a node never points
// back to a tensor except to the values it saved for its rule, so in-place
// operations can hand a tensor a new history without creating cycles.

// gradDisabled counts the NoGrad scopes that are open; grad mode is on when
// it is zero. Grad mode is process-wide, not per goroutine.
var gradDisabled atomic.Int32

// IsGradEnabled reports whether operations record the autograd graph, like
// torch.is_grad_enabled. It is false inside [NoGrad].
func IsGradEnabled() bool { return gradDisabled.Load() == 0 }

// NoGrad runs fn with graph recording turned off, like PyTorch's
// `with torch.no_grad():`: results of operations run inside do not require
// grad, and leaves that require grad may be changed in place (as optimizers
// do). Grad mode is restored when fn returns or panics.
func NoGrad(fn func()) {
	gradDisabled.Add(1)
	defer gradDisabled.Add(-1)
	fn()
}

// EnableGrad runs fn with graph recording turned on, even inside [NoGrad],
// like PyTorch's `with torch.enable_grad():`.
func EnableGrad(fn func()) {
	old := gradDisabled.Swap(0)
	defer gradDisabled.Store(old)
	fn()
}

// setGradEnabled sets grad mode and returns a function that restores it.
func setGradEnabled(on bool) (restore func()) {
	old := gradDisabled.Load()
	if on {
		gradDisabled.Store(0)
	} else {
		gradDisabled.Store(old + 1)
	}
	return func() { gradDisabled.Store(old) }
}

// warnHandler receives warnings (such as the one for reading Grad of a
// non-leaf tensor); by default they go to standard error.
var warnHandler atomic.Value // func(string)

// SetWarningHandler routes the package's warnings, PyTorch's UserWarnings,
// to fn instead of standard error; nil restores the default. The kernel
// uses it to show warnings in the cell's stderr stream.
func SetWarningHandler(fn func(msg string)) {
	if fn == nil {
		fn = func(msg string) { fmt.Fprintln(os.Stderr, msg) }
	}
	warnHandler.Store(fn)
}

func warn(msg string) {
	fn, _ := warnHandler.Load().(func(string))
	if fn == nil {
		fmt.Fprintln(os.Stderr, msg)
		return
	}
	fn(msg)
}

var nonLeafWarning sync.Once

// node is one recorded operation: the backward function of its output.
type node struct {
	name  string                    // PyTorch's name, as in "MulBackward0"
	next  []*node                   // per input, the node its gradient goes to; nil for none
	apply func(g *Tensor) []*Tensor // gradients of the inputs, one per next entry (nil: none)

	saved    []savedTensor // values apply reads, checked against in-place writes
	hasSaved bool          // whether apply needs saved values (so it cannot run after release)
	released bool          // whether a backward pass without retain freed the saved values

	leaf *Tensor // for AccumulateGrad: the leaf whose Grad receives the gradient

	inShapes [][]int // the shapes of the inputs, which their gradients must have

	retain *Tensor                      // a non-leaf whose Grad is kept (RetainGrad)
	hooks  []func(grad *Tensor) *Tensor // tensor hooks, run on the gradient before use
}

// savedTensor is a tensor a rule keeps, with the version it had then.
type savedTensor struct {
	t       *Tensor
	version int64
	owner   string // GradFn name of the tensor when saved ("" for a leaf)
}

// Node describes a recorded operation for inspection and drawing: its name
// and the nodes its inputs came from.
type Node struct{ n *node }

// Name returns the node's name, as in "MulBackward0" or "AccumulateGrad".
func (n *Node) Name() string { return n.n.name }

// String returns the node's name in PyTorch's repr style, as in
// "<MulBackward0>".
func (n *Node) String() string { return "<" + n.n.name + ">" }

// NextFunctions returns the nodes the gradients of the node's inputs go to,
// nil for inputs that need none, like PyTorch's grad_fn.next_functions.
func (n *Node) NextFunctions() []*Node {
	out := make([]*Node, len(n.n.next))
	for i, m := range n.n.next {
		if m != nil {
			out[i] = &Node{m}
		}
	}
	return out
}

// Variable returns the leaf tensor of an AccumulateGrad node, nil for
// other nodes.
func (n *Node) Variable() *Tensor { return n.n.leaf }

// version returns t's version counter value: the number of in-place writes
// to its storage through t or its views.
func (t *Tensor) versionValue() int64 {
	if t.version == nil {
		return 0
	}
	return *t.version
}

// Version returns the tensor's version counter, which in-place operations
// on it or on any view of its storage increase, like PyTorch's _version.
func (t *Tensor) Version() int64 { return t.versionValue() }

// counter returns t's version counter, creating it so views can share it.
func (t *Tensor) counter() *int64 {
	if t.version == nil {
		t.version = new(int64)
	}
	return t.version
}

// RequiresGrad reports whether gradients are computed for t: it is a leaf
// marked with RequiresGrad_, or the result of an op on such tensors
// recorded in grad mode.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad || t.gradFn != nil }

// RequiresGrad_ sets whether autograd records operations on the leaf t
// and returns t. requires defaults to true. It panics with a RuntimeError
// for a non-float tensor and for turning it off on a non-leaf tensor, as in
// PyTorch.
func (t *Tensor) RequiresGrad_(requires ...bool) *Tensor {
	on := len(requires) == 0 || requires[0]
	if t.gradFn != nil {
		if on {
			return t
		}
		fail(RuntimeError, "requires_grad_", "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
	}
	if on && !t.dtype.IsFloat() {
		fail(RuntimeError, "requires_grad_", "only Tensors of floating point and complex dtype can require gradients")
	}
	t.requiresGrad = on
	return t
}

// IsLeaf reports whether t is a leaf of the graph: it was not produced by a
// recorded op (it has no GradFn). Tensors that do not require grad are
// leaves, as in PyTorch.
func (t *Tensor) IsLeaf() bool { return t.gradFn == nil }

// GradFn returns the node that produced t, or nil for a leaf. Its Name is
// PyTorch's, as in "MulBackward0".
func (t *Tensor) GradFn() *Node {
	if t.gradFn == nil {
		return nil
	}
	return &Node{t.gradFn}
}

// Grad returns the gradient accumulated in t by backward passes, or nil
// when there is none yet. Only leaves (and tensors marked with RetainGrad)
// get one; reading it on another tensor returns nil and warns once, as
// PyTorch does.
func (t *Tensor) Grad() *Tensor {
	if t.gradFn != nil && !t.retainsGrad {
		nonLeafWarning.Do(func() {
			warn("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. (gonote: use RetainGrad().)")
		})
	}
	return t.grad
}

// SetGrad replaces t's gradient by g (nil clears it), like assigning
// x.grad in PyTorch. It panics with a RuntimeError when g's shape differs
// from t's.
func (t *Tensor) SetGrad(g *Tensor) {
	if g != nil && !sameShape(g.shape, t.shape) {
		fail(RuntimeError, "grad", "assigned grad has data of a different size")
	}
	t.grad = g
}

// SetData makes t hold src's data (storage, shape, dtype, device) in place,
// like PyTorch's t.data = src: t stays the same tensor, a leaf that requires
// grad goes on requiring it, and whatever holds t (a module, an optimizer)
// sees the new data. Moving a model to a device is built on it (nn.To).
func (t *Tensor) SetData(src *Tensor) {
	t.buf, t.dtype, t.offset = src.buf, src.dtype, src.offset
	t.shape = append([]int{}, src.shape...)
	t.strides = append([]int{}, src.strides...)
	t.version = src.counter()
	t.isView = src.isView
}

// RetainGrad makes a backward pass store the gradient of the non-leaf t in
// its Grad, like PyTorch's retain_grad. It is a no-op for leaves and
// panics for a tensor that does not require grad.
func (t *Tensor) RetainGrad() {
	if !t.RequiresGrad() {
		fail(RuntimeError, "retain_grad", "can't retain_grad on Tensor that has requires_grad=False")
	}
	if t.gradFn == nil {
		return
	}
	t.retainsGrad = true
	t.gradFn.retain = t
}

// RegisterHook registers hook to run on the gradient of t when a backward
// pass computes it: a non-nil result replaces the gradient. It panics for
// a tensor that does not require grad.
func (t *Tensor) RegisterHook(hook func(grad *Tensor) *Tensor) {
	if !t.RequiresGrad() {
		fail(RuntimeError, "register_hook", "cannot register a hook on a tensor that doesn't require gradient")
	}
	n := t.edge()
	n.hooks = append(n.hooks, hook)
}

// Detach returns a tensor that shares t's storage (and version counter)
// but has no history and does not require grad, like PyTorch's detach.
func (t *Tensor) Detach() *Tensor {
	return &Tensor{buf: t.buf, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset,
		version: t.counter(), isView: t.isView}
}

// Detach_ removes t's history in place, making it a leaf that does not
// require grad, and returns t. It panics with PyTorch's RuntimeError for a
// view of a tensor that requires grad.
func (t *Tensor) Detach_() *Tensor {
	if t.isView && t.gradFn != nil {
		fail(RuntimeError, "detach_", "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
	}
	t.gradFn = nil
	t.requiresGrad = false
	t.retainsGrad = false
	return t
}

// plain returns a view of t without autograd metadata, for computing an
// op's forward pass without recording its internal steps.
func (t *Tensor) plain() *Tensor {
	if t == nil || !t.RequiresGrad() {
		return t
	}
	return &Tensor{buf: t.buf, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset, version: t.version}
}

// edge returns the node t's gradient goes to: its GradFn, its
// AccumulateGrad node for a leaf that requires grad, or nil.
func (t *Tensor) edge() *node {
	switch {
	case t == nil:
		return nil
	case t.gradFn != nil:
		return t.gradFn
	case t.requiresGrad:
		if t.accum == nil {
			t.accum = &node{name: "AccumulateGrad", leaf: t}
		}
		return t.accum
	}
	return nil
}

// needsGrad reports whether an op on these inputs records a node.
func needsGrad(inputs ...*Tensor) bool {
	if !IsGradEnabled() {
		return false
	}
	for _, x := range inputs {
		if x != nil && x.RequiresGrad() {
			return true
		}
	}
	return false
}

// record makes out the result of a recorded op: when grad mode is on and
// one of inputs requires grad, it attaches a node named name whose apply
// maps out's gradient to the inputs' gradients. saved lists the tensors
// apply reads (checked against in-place writes, freed after backward). It
// returns out.
func record(name string, out *Tensor, inputs []*Tensor, apply func(g *Tensor) []*Tensor, saved ...*Tensor) *Tensor {
	if !needsGrad(inputs...) {
		return out
	}
	n := &node{name: name, apply: apply, next: make([]*node, len(inputs)), hasSaved: len(saved) > 0,
		inShapes: make([][]int, len(inputs))}
	for i, x := range inputs {
		n.next[i] = x.edge()
		if x != nil {
			n.inShapes[i] = x.shape
		}
	}
	for _, s := range saved {
		owner := ""
		if s == out {
			owner = name
		} else if s.gradFn != nil {
			owner = s.gradFn.name
		}
		n.saved = append(n.saved, savedTensor{t: s, version: s.versionValue(), owner: owner})
	}
	out.gradFn = n
	return out
}

// wants reports whether input i of the node being recorded needs a
// gradient; rules use it to skip work and saved values.
func wants(x *Tensor) bool { return x != nil && x.RequiresGrad() }

// checkInPlace panics, as PyTorch does, when t may not be written in place
// while grad mode is on: it is a leaf that requires grad (or a view of
// one).
func (t *Tensor) checkInPlace() {
	if !IsGradEnabled() {
		return
	}
	if t.viewOfLeaf && t.gradFn != nil {
		fail(RuntimeError, "inplace", "a view of a leaf Variable that requires grad is being used in an in-place operation.")
	}
	if t.gradFn != nil {
		return
	}
	if t.requiresGrad {
		if t.isView {
			fail(RuntimeError, "inplace", "a view of a leaf Variable that requires grad is being used in an in-place operation.")
		}
		fail(RuntimeError, "inplace", "a leaf Variable that requires grad is being used in an in-place operation.")
	}
}

// didInPlace finishes an in-place write of t: it increases the version
// counter and, when r (the out-of-place result written into t) carries a
// history, makes it t's. In-place ops on views of tensors in the graph are
// not supported: they panic rather than give wrong gradients.
func (t *Tensor) didInPlace(op string, r *Tensor) {
	*t.counter()++
	if r == nil || r.gradFn == nil {
		if t.gradFn != nil && IsGradEnabled() {
			fail(RuntimeError, op, "%s: gonote's autograd does not support this in-place operation on a tensor that requires grad; use the out-of-place form", op)
		}
		return
	}
	if t.isView {
		fail(RuntimeError, op, "%s: gonote's autograd does not support in-place operations on views of tensors in the graph; use the out-of-place form (or Clone first)", op)
	}
	if r.dtype != t.dtype {
		r = r.toDType(t.dtype) // t's history must produce t's dtype
	}
	t.gradFn = r.gradFn
	t.requiresGrad = false
}

// backwardOptions configures one backward pass.
type backwardOptions struct {
	retain, create, allowUnused bool
}

// BackwardOptions configures [Tensor.BackwardOpts] and [Grad]. The zero
// value frees the graph after the pass, like PyTorch's defaults.
type BackwardOptions struct {
	// RetainGraph keeps the saved values so that another backward pass
	// can run through the same graph (retain_graph=True).
	RetainGraph bool
	// CreateGraph records the backward pass itself, so the gradients it
	// computes have a history and can be differentiated again (for
	// second derivatives). It implies RetainGraph.
	CreateGraph bool
	// AllowUnused makes Grad return nil for inputs the outputs do not
	// depend on instead of panicking (allow_unused=True).
	AllowUnused bool
}

// Backward computes the gradient of the scalar t with respect to the
// leaves of its graph and adds it to their Grad, like PyTorch's
// loss.backward(). The graph's saved values are freed afterwards; use
// [Tensor.BackwardOpts] to keep them. It panics with PyTorch's
// RuntimeError when t has more than one element ("grad can be implicitly
// created only for scalar outputs"), does not require grad, or its graph
// was already freed by an earlier pass.
func (t *Tensor) Backward() { t.BackwardOpts(nil, BackwardOptions{}) }

// BackwardWith is Backward for a non-scalar t: grad, of t's shape, is the
// gradient of the final result with respect to t (what PyTorch's
// t.backward(grad) takes).
func (t *Tensor) BackwardWith(grad *Tensor) { t.BackwardOpts(grad, BackwardOptions{}) }

// BackwardOpts is Backward with a gradient (nil for a scalar t) and
// options: RetainGraph (retain_graph=True) and CreateGraph.
func (t *Tensor) BackwardOpts(grad *Tensor, opts BackwardOptions) {
	runBackward([]*Tensor{t}, []*Tensor{grad}, nil, backwardOptions{
		retain: opts.RetainGraph || opts.CreateGraph, create: opts.CreateGraph})
}

// Grad returns the gradients of the sum of outputs with respect to inputs,
// like torch.autograd.grad, without touching the inputs' Grad. gradOutputs
// (nil, or one per output, nil entries for scalars) weight the outputs.
// With opts.CreateGraph the results have a history, for higher
// derivatives. It panics with PyTorch's RuntimeError when an input is not
// used by the outputs (unless opts.AllowUnused, which gives nil for it).
func Grad(outputs, inputs, gradOutputs []*Tensor, opts BackwardOptions) []*Tensor {
	if gradOutputs == nil {
		gradOutputs = make([]*Tensor, len(outputs))
	}
	if len(gradOutputs) != len(outputs) {
		fail(RuntimeError, "grad", "grad requires one gradient per output, but got %d outputs and %d gradients", len(outputs), len(gradOutputs))
	}
	for _, x := range inputs {
		if !x.RequiresGrad() {
			fail(RuntimeError, "grad", "One of the differentiated Tensors does not require grad")
		}
	}
	return runBackward(outputs, gradOutputs, inputs, backwardOptions{
		retain: opts.RetainGraph || opts.CreateGraph, create: opts.CreateGraph, allowUnused: opts.AllowUnused})
}

// runBackward is the engine: it sorts the graph below roots topologically
// and runs each node once, in reverse order, with the sum of the gradients
// flowing into it. When inputs is nil, leaves accumulate into Grad;
// otherwise the gradients reaching inputs are returned.
func runBackward(roots, grads, inputs []*Tensor, o backwardOptions) []*Tensor {
	restore := setGradEnabled(o.create)
	defer restore()
	pending := map[*node]*Tensor{}
	var rootNodes []*node
	for i, r := range roots {
		n := r.edge()
		if n == nil {
			fail(RuntimeError, "backward", "element %d of tensors does not require grad and does not have a grad_fn", i)
		}
		g := grads[i]
		if g == nil {
			if r.Numel() != 1 {
				fail(RuntimeError, "backward", "grad can be implicitly created only for scalar outputs")
			}
			g = OnesLike(r.plain())
		} else if !sameShape(g.shape, r.shape) {
			fail(RuntimeError, "backward", "Mismatch in shape: grad_output[%d] has a shape of %s and output[%d] has a shape of %s.", i, shapeString(g.shape), i, shapeString(r.shape))
		}
		if !o.create {
			g = g.plain()
		}
		pending[n] = addGrad(pending[n], g)
		rootNodes = append(rootNodes, n)
	}
	var captureAt map[*node]int
	var captured []*Tensor
	if inputs != nil {
		captureAt = map[*node]int{}
		captured = make([]*Tensor, len(inputs))
		for i, x := range inputs {
			captureAt[x.edge()] = i
		}
	}
	order := topoSort(rootNodes)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		g := pending[n]
		delete(pending, n)
		if g == nil {
			continue
		}
		for _, h := range n.hooks {
			if r := h(g); r != nil {
				g = r
			}
		}
		if n.retain != nil && inputs == nil {
			n.retain.grad = accumulate(n.retain.grad, g, o.create)
		}
		if k, ok := captureAt[n]; ok {
			captured[k] = addGrad(captured[k], g)
		}
		if n.leaf != nil {
			if inputs == nil {
				n.leaf.grad = accumulate(n.leaf.grad, g, o.create)
			}
			continue
		}
		if n.released && n.hasSaved {
			fail(RuntimeError, "backward", "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
		}
		for _, s := range n.saved {
			if v := s.t.versionValue(); v != s.version {
				which := ""
				if s.owner != "" {
					which = ", which is output 0 of " + s.owner + ","
				}
				fail(RuntimeError, "backward", "one of the variables needed for gradient computation has been modified by an inplace operation: [%s %s]%s is at version %d; expected version %d instead. Hint: gonote ops ending in _ write in place; use the out-of-place op or Clone() the tensor first.",
					legacyTypeName(s.t.dtype), shapeString(s.t.shape), which, v, s.version)
			}
		}
		gs := n.apply(g)
		for j, m := range n.next {
			if m != nil && j < len(gs) && gs[j] != nil {
				if !sameShape(gs[j].shape, n.inShapes[j]) {
					fail(RuntimeError, "backward", "Function %s returned an invalid gradient at index %d - got %s but expected shape compatible with %s",
						n.name, j, shapeString(gs[j].shape), shapeString(n.inShapes[j]))
				}
				pending[m] = addGrad(pending[m], gs[j])
			}
		}
		if !o.retain {
			n.released = true
			n.saved = nil
			if n.hasSaved {
				n.apply = nil
			}
		}
	}
	if inputs == nil {
		return nil
	}
	for i, c := range captured {
		if c == nil && !o.allowUnused {
			fail(RuntimeError, "grad", "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
		}
		if c != nil && !o.create {
			captured[i] = c.plain()
		}
	}
	return captured
}

// topoSort returns the nodes reachable from roots so that every node comes
// before the nodes its gradients flow into (depth-first post-order,
// reversed by the caller), like micrograd's build_topo.
func topoSort(roots []*node) []*node {
	var order []*node
	visited := map[*node]bool{}
	type frame struct {
		n *node
		i int
	}
	for _, r := range roots {
		if visited[r] {
			continue
		}
		visited[r] = true
		stack := []frame{{r, 0}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.i < len(f.n.next) {
				m := f.n.next[f.i]
				f.i++
				if m != nil && !visited[m] {
					visited[m] = true
					stack = append(stack, frame{m, 0})
				}
				continue
			}
			order = append(order, f.n)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}

// addGrad returns a + b, where a may be nil.
func addGrad(a, b *Tensor) *Tensor {
	if a == nil {
		return b
	}
	return a.Add(b)
}

// accumulate adds g into the gradient old of a tensor: in place without
// create_graph, as a recorded sum with it. A new gradient never aliases g.
func accumulate(old, g *Tensor, create bool) *Tensor {
	if create {
		if old == nil {
			return g
		}
		return old.Add(g)
	}
	if old == nil {
		return g.plain().Clone()
	}
	if old.RequiresGrad() {
		return old.Add(g)
	}
	return old.Add_(g)
}

func sameShape(a, b []int) bool {
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
