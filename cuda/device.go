//go:build cuda

package cuda

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"gorgonia.org/cu"

	"gonote/cuda/internal/alloc"
	"gonote/cuda/internal/dl"
	"gonote/cuda/kernels"
	"gonote/tensor"
)

// device is the state of one GPU. Fields below worker are used only on
// the worker goroutine.
type device struct {
	index int
	calls chan *call
	alloc *alloc.Allocator
	sms   int

	// Worker-only state.
	ctx    cu.CUContext
	stream cu.Stream
	mods   map[string]cu.Module
	fns    map[string]cu.Function
	blas   *cublasHandle
	noBlas bool
}

// call is one request to a worker.
type call struct {
	f    func()
	done chan any // the panic value, or nil
}

var callPool = sync.Pool{New: func() any { return &call{done: make(chan any, 1)} }}

var (
	devMu   sync.Mutex
	devices []*device // by index, created on first use
	count   = -1
)

// numDevices returns the number of CUDA devices.
func numDevices() int {
	devMu.Lock()
	defer devMu.Unlock()
	if count < 0 {
		n, err := cu.NumDevices()
		if err != nil {
			n = 0
		}
		count = n
		devices = make([]*device, n)
	}
	return count
}

// dev returns device i, starting its worker on first use.
func dev(i int) *device {
	if i < 0 || i >= numDevices() {
		fail("CUDA error: invalid device ordinal (device %d requested, %d available)", i, numDevices())
	}
	devMu.Lock()
	defer devMu.Unlock()
	if d := devices[i]; d != nil {
		return d
	}
	d := &device{index: i, calls: make(chan *call)}
	ready := make(chan error)
	go d.work(ready)
	if err := <-ready; err != nil {
		fail("CUDA error: cannot start device %d: %v", i, err)
	}
	d.alloc = alloc.New(rawMemory{d}, alloc.Options{Index: i, Reclaim: reclaim, Pressure: func() { go runtime.GC() }})
	devices[i] = d
	return d
}

// work is the device's worker: it makes the primary context current on a
// locked OS thread and runs calls until the process ends.
func (d *device) work(ready chan<- error) {
	runtime.LockOSThread()
	err := func() error {
		dv, err := cu.GetDevice(d.index)
		if err != nil {
			return err
		}
		if d.ctx, err = dv.RetainPrimaryCtx(); err != nil {
			return err
		}
		if err := cu.SetCurrentContext(d.ctx); err != nil {
			return err
		}
		if d.sms, err = dv.Attribute(cu.MultiprocessorCount); err != nil {
			return err
		}
		d.stream, err = cu.MakeStream(cu.NonBlocking)
		d.mods = map[string]cu.Module{}
		d.fns = map[string]cu.Function{}
		return err
	}()
	ready <- err
	if err != nil {
		return
	}
	for c := range d.calls {
		c.done <- run(c.f)
	}
}

func run(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// do runs f on the device's worker and waits for it; a panic in f is
// re-raised in the caller.
func (d *device) do(f func()) {
	c := callPool.Get().(*call)
	c.f = f
	d.calls <- c
	p := <-c.done
	c.f = nil
	callPool.Put(c)
	if p != nil {
		panic(p)
	}
}

// fail panics with a tensor RuntimeError, which the kernel shows like
// PyTorch's.
func fail(format string, args ...any) {
	panic(&tensor.Error{Kind: tensor.RuntimeError, Op: "cuda", Msg: fmt.Sprintf(format, args...)})
}

// check panics with a RuntimeError for a failed CUDA call.
func check(err error) {
	if err != nil {
		fail("CUDA error: %v", err)
	}
}

// moduleOf maps each kernel entry to the module defining it.
var moduleOf = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for mod, es := range kernels.Entries() {
		for e := range es {
			m[e] = mod
		}
	}
	return m
})

// fn returns the kernel named name, loading (JIT-compiling) its module on
// first use. Worker only.
func (d *device) fn(name string) cu.Function {
	if f, ok := d.fns[name]; ok {
		return f
	}
	modName, ok := moduleOf()[name]
	if !ok {
		panic("cuda: no kernel " + name)
	}
	mod, ok := d.mods[modName]
	if !ok {
		var err error
		mod, err = cu.LoadData(kernels.Modules()[modName])
		if err != nil {
			fail("CUDA error: loading the %s kernels: %v", modName, err)
		}
		d.mods[modName] = mod
	}
	f, err := mod.Function(name)
	check(err)
	d.fns[name] = f
	return f
}

// launch runs kernel name over a grid with params (a pointer to a geom
// struct). Worker only.
func (d *device) launch(name string, gx, gy, gz, threads int, params unsafe.Pointer) {
	check(launch(d.fn(name), gx, gy, gz, threads, d.stream, params))
}

// sync waits for the device's stream. Worker only.
func (d *device) sync() { check(d.stream.Synchronize()) }

// rawMemory adapts the driver's allocation calls to alloc.Device.
type rawMemory struct{ d *device }

func (m rawMemory) Alloc(size int64) (p uintptr, err error) {
	m.d.do(func() {
		var dp cu.DevicePtr
		dp, err = cu.MemAlloc(size)
		if err != nil {
			// Requests beyond the device's memory may fail with another
			// code than OutOfMemory; they are out of memory all the same.
			_, total, _ := cu.MemInfo()
			if err == cu.OutOfMemory || size > total {
				err = fmt.Errorf("cuMemAlloc: %w", alloc.ErrOutOfMemory)
			}
		}
		p = uintptr(dp)
	})
	return p, err
}

func (m rawMemory) Free(p uintptr) (err error) {
	m.d.do(func() {
		m.d.sync() // queued kernels may still use the block
		err = cu.MemFree(cu.DevicePtr(p))
	})
	return err
}

func (m rawMemory) MemInfo() (free, total int64) {
	m.d.do(func() { free, total, _ = cu.MemInfo() })
	return free, total
}

// reclaim runs the garbage collector so that the cleanups of unreachable
// buffers return their blocks, and gives the cleanup goroutine a moment.
func reclaim() {
	runtime.GC()
	for i := 0; i < 10; i++ {
		before := freedCount.Load()
		time.Sleep(2 * time.Millisecond)
		if freedCount.Load() == before {
			break
		}
	}
}

// blasNotice is printed once when cuBLAS cannot be loaded.
var blasOnce sync.Once
var blasLib *cublas

// blasHandle returns the device's cuBLAS handle, or nil without cuBLAS.
// Worker only.
func (d *device) blasHandle() *cublasHandle {
	if d.blas != nil || d.noBlas {
		return d.blas
	}
	blasOnce.Do(func() {
		var ok bool
		blasLib, ok = openCublas(dl.Candidates(os.Getenv, filepath.Glob))
		if !ok {
			fmt.Fprintf(os.Stderr, "gonote: cuBLAS not found (tried libcublas.so.13/.12/.11 and $%s), so matmul uses gonote's slower CUDA kernel\n", dl.EnvVar)
		}
	})
	if blasLib == nil {
		d.noBlas = true
		return nil
	}
	h, err := blasLib.newHandle(d.stream)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gonote: %v; matmul uses gonote's slower CUDA kernel\n", err)
		d.noBlas = true
		return nil
	}
	d.blas = h
	return h
}
