package interp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gonote/kernel"
)

// magics runs the magic lines (%name ... and !cmd) at the top of a cell. It
// returns the Go code that follows them, with the magic lines blanked so
// that cell lines keep their numbers, or done with the reply when nothing is
// left to run or a magic failed or took the rest of the cell.
func (e *Engine) magics(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) (code string, reply kernel.ExecuteReply, done bool) {
	lines := strings.Split(req.Code, "\n")
	ran := false
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "%") && !strings.HasPrefix(t, "!") {
			break
		}
		ran = true
		rest := strings.Repeat("\n", i+1) + strings.Join(lines[i+1:], "\n")
		if strings.HasPrefix(t, "!") {
			if xerr := e.shell(ctx, strings.TrimSpace(t[1:]), out); xerr != nil {
				return "", kernel.ExecuteReply{Err: xerr}, true
			}
			lines[i] = ""
			continue
		}
		name, arg, _ := strings.Cut(t, " ")
		arg = strings.TrimSpace(arg)
		switch strings.TrimPrefix(name, "%") {
		case "help", "%help":
			reply.Payload = append(reply.Payload, map[string]any{
				"source": "page", "start": 0, "data": map[string]any{"text/plain": e.helpText()},
			})
		case "time", "%time":
			if arg != "" {
				rest = strings.Repeat("\n", i) + strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " \t"))+len(name)+1) + arg
			}
			r := e.timeCell(ctx, rest, req.Count, out)
			r.Payload = append(reply.Payload, r.Payload...)
			return "", r, true
		case "timeit", "%timeit":
			// "%timeit [-n N] [-r R] stmt" times stmt; with no statement after the
			// options it times the rest of the cell, like IPython's %%timeit.
			body, timesCell := arg, onlyTimeitOptions(arg)
			if timesCell {
				body = arg + "\n" + strings.Join(lines[i+1:], "\n")
			}
			if xerr := e.timeit(ctx, body, out); xerr != nil {
				return "", kernel.ExecuteReply{Err: xerr, Payload: reply.Payload}, true
			}
			if timesCell {
				return "", reply, true
			}
		case "env":
			if xerr := envMagic(arg, out); xerr != nil {
				return "", kernel.ExecuteReply{Err: xerr}, true
			}
		case "who":
			out.Stream("stdout", e.who())
		case "reset":
			if err := e.reset(); err != nil {
				return "", kernel.ExecuteReply{Err: internalError(err)}, true
			}
			out.Stream("stdout", "fresh session\n")
		case "cd":
			if xerr := cdMagic(arg, out); xerr != nil {
				return "", kernel.ExecuteReply{Err: xerr}, true
			}
		default:
			return "", kernel.ExecuteReply{Err: usageError(fmt.Sprintf("unknown magic %s (known: %s)", name, strings.Join(magicNames, ", ")))}, true
		}
		lines[i] = ""
	}
	code = strings.Join(lines, "\n")
	if ran && strings.TrimSpace(code) == "" {
		return "", reply, true
	}
	if ran && len(reply.Payload) > 0 {
		// %help followed by code: run it here to keep the payload.
		res, xerr := e.run(ctx, code, req.Count)
		return "", kernel.ExecuteReply{Result: res, Err: xerr, Payload: reply.Payload}, true
	}
	return code, kernel.ExecuteReply{}, false
}

var magicNames = []string{"%help", "%time", "%timeit", "%env", "%who", "%reset", "%cd", "!cmd"}

func usageError(msg string) *kernel.ExecError {
	return &kernel.ExecError{Name: "UsageError", Value: msg, Traceback: []string{"UsageError: " + msg}}
}

// timeCell runs code and prints its wall and CPU time, as IPython's %time.
func (e *Engine) timeCell(ctx context.Context, code string, count int, out kernel.Output) kernel.ExecuteReply {
	cpu0 := cpuTime()
	start := time.Now()
	res, xerr := e.run(ctx, code, count)
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	e.flush()
	out.Stream("stdout", fmt.Sprintf("CPU time: %s\nWall time: %s\n", fmtDuration(cpu), fmtDuration(wall)))
	return kernel.ExecuteReply{Result: res, Err: xerr}
}

// cpuTime is the process's user plus system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fmtDuration writes d with 3 significant digits in IPython's units.
func fmtDuration(d time.Duration) string {
	s := d.Seconds()
	for _, u := range []struct {
		name  string
		scale float64
	}{{"s", 1}, {"ms", 1e-3}, {"µs", 1e-6}, {"ns", 1e-9}} {
		if s >= u.scale || u.name == "ns" {
			return strconv.FormatFloat(s/u.scale, 'g', 3, 64) + " " + u.name
		}
	}
	return d.String()
}

// onlyTimeitOptions reports whether arg holds nothing but %timeit's -n and -r
// options (or nothing at all).
func onlyTimeitOptions(arg string) bool {
	f := strings.Fields(arg)
	for len(f) >= 2 && (f[0] == "-n" || f[0] == "-r") {
		f = f[2:]
	}
	return len(f) == 0
}

// timeit times body, a list of statements, as IPython's %timeit: it is
// compiled once into a function, the loop count n grows until a run takes
// 0.2 s, and 7 runs report the mean and standard deviation per loop.
//
// As in IPython, -n N fixes the loop count and -r R the number of runs.
func (e *Engine) timeit(ctx context.Context, body string, out kernel.Output) *kernel.ExecError {
	n, runs := 0, 7
	for {
		f := strings.Fields(body)
		if len(f) < 2 || (f[0] != "-n" && f[0] != "-r") {
			break
		}
		v, err := strconv.Atoi(f[1])
		if err != nil || v < 1 {
			return usageError(fmt.Sprintf("%%timeit: %s wants a positive count, got %q", f[0], f[1]))
		}
		if f[0] == "-n" {
			n = v
		} else {
			runs = v
		}
		body = strings.TrimSpace(body)[len(f[0]):]
		body = strings.TrimSpace(body)[len(f[1]):]
	}
	c, err := parseCell(body)
	if err != nil {
		return compileError(c, err)
	}
	for _, s := range c.segs {
		if s.kind != segStmt {
			return usageError("%timeit takes statements, not declarations or imports")
		}
	}
	if _, err := e.rewrite(c, 0); err != nil {
		return compileError(c, err)
	}
	for _, path := range e.implicitImports(c) {
		if xerr := e.importImplicitly(ctx, c, path); xerr != nil {
			return xerr
		}
	}
	src := ";\ngonote_timeit := func() {" + c.applyEdits(0, len(c.src)) + "\n}"
	if _, err := e.eval(ctx, src); err != nil {
		return e.evalError(ctx, c, err)
	}
	fv, err := e.yi.Eval("gonote_timeit")
	if err != nil || fv.Kind() != reflect.Func {
		return internalError(fmt.Errorf("timeit: %v", err))
	}
	var xerr *kernel.ExecError
	loop := func(n int) time.Duration {
		defer func() {
			if r := recover(); r != nil {
				xerr = &kernel.ExecError{Name: "panic", Value: fmt.Sprint(r), Traceback: []string{"panic: " + fmt.Sprint(r)}}
			}
		}()
		start := time.Now()
		for range n {
			fv.Call(nil)
		}
		return time.Since(start)
	}
	for n == 0 {
		n = 1
		d := loop(n)
		if xerr != nil {
			return xerr
		}
		if ctx.Err() != nil {
			return interrupted()
		}
		for d < 200*time.Millisecond && n < 1e9 {
			n *= 10
			if d = loop(n); xerr != nil {
				return xerr
			}
			if ctx.Err() != nil {
				return interrupted()
			}
		}
	}
	per := make([]float64, 0, runs)
	for range runs {
		d := loop(n)
		if xerr != nil {
			return xerr
		}
		if ctx.Err() != nil {
			return interrupted()
		}
		per = append(per, d.Seconds()/float64(n))
	}
	mean, std := meanStd(per)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	out.Stream("stdout", fmt.Sprintf("%s ± %s per loop (mean ± std. dev. of %d runs, %d loop%s each)\n",
		fmtDuration(time.Duration(mean*1e9)), fmtDuration(time.Duration(std*1e9)), runs, n, plural))
	return nil
}

func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)))
}

// envMagic lists, shows or sets environment variables.
func envMagic(arg string, out kernel.Output) *kernel.ExecError {
	switch {
	case arg == "":
		env := os.Environ()
		sort.Strings(env)
		out.Stream("stdout", strings.Join(env, "\n")+"\n")
	case strings.ContainsAny(arg, "= "):
		name, val, _ := strings.Cut(arg, "=")
		if !strings.Contains(arg, "=") {
			name, val, _ = strings.Cut(arg, " ")
		}
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if err := os.Setenv(name, val); err != nil {
			return usageError(fmt.Sprintf("%%env: %v", err))
		}
		out.Stream("stdout", fmt.Sprintf("env: %s=%s\n", name, val))
	default:
		v, ok := os.LookupEnv(arg)
		if !ok {
			return usageError(fmt.Sprintf("%%env: environment variable %s is not set", arg))
		}
		out.Stream("stdout", v+"\n")
	}
	return nil
}

// cdMagic changes the kernel's working directory; no argument shows it.
func cdMagic(arg string, out kernel.Output) *kernel.ExecError {
	if arg != "" {
		if arg == "~" || strings.HasPrefix(arg, "~/") {
			home, _ := os.UserHomeDir()
			arg = home + arg[1:]
		}
		if err := os.Chdir(arg); err != nil {
			return usageError(fmt.Sprintf("%%cd: %v", err))
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return usageError(fmt.Sprintf("%%cd: %v", err))
	}
	out.Stream("stdout", wd+"\n")
	return nil
}

// who lists the session's variables with their types.
func (e *Engine) who() string {
	e.symMu.RLock()
	var names []string
	for n, kind := range e.names {
		if kind == "var" {
			names = append(names, n)
		}
	}
	e.symMu.RUnlock()
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		v, err := e.yi.Eval(n)
		if err != nil || !v.IsValid() {
			continue
		}
		typ := e.cellTypeName(n, v)
		if typ == "" {
			typ = v.Type().String()
		}
		fmt.Fprintf(&b, "%-12s %s\n", n, typ)
	}
	if b.Len() == 0 {
		return "no variables\n"
	}
	return b.String()
}

// shell runs cmd with sh -c, streaming its output to the cell as it comes;
// an interrupt kills its process group.
func (e *Engine) shell(ctx context.Context, cmd string, out kernel.Output) *kernel.ExecError {
	c := exec.Command("/bin/sh", "-c", cmd)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Stdout = streamTo{out, "stdout"}
	c.Stderr = streamTo{out, "stderr"}
	c.Stdin = nil
	if err := c.Start(); err != nil {
		return usageError(fmt.Sprintf("!%s: %v", cmd, err))
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			syscall.Kill(-c.Process.Pid, syscall.SIGINT)
			select {
			case <-done:
			case <-time.After(2 * time.Second):
				syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
			}
		case <-done:
		}
	}()
	err := c.Wait()
	close(done)
	if ctx.Err() != nil {
		return interrupted()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		out.Stream("stderr", fmt.Sprintf("!%s: %v\n", cmd, ee))
		return nil // like IPython, a failing command does not fail the cell
	}
	if err != nil {
		return usageError(fmt.Sprintf("!%s: %v", cmd, err))
	}
	return nil
}

// streamTo writes to a stream of the cell, unbuffered: live output.
type streamTo struct {
	out  kernel.Output
	name string
}

func (w streamTo) Write(p []byte) (int, error) {
	w.out.Stream(w.name, string(p))
	return len(p), nil
}

var _ io.Writer = streamTo{}
