// Package install writes and removes gonote's Jupyter kernelspec: a directory
// holding kernel.json and logos, found by Jupyter under share/jupyter/kernels.
//
// It follows `ipykernel install` and jupyter_client for flags and locations,
// and writes the files itself because a kernelspec is three small files and
// the tools that write them are Python.
package install

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// DefaultName is the kernelspec name used when none is given.
const DefaultName = "gonote"

// DefaultDisplayName is the name frontends show for the kernel unless told otherwise.
const DefaultDisplayName = "Go (gonote)"

// systemDataDir is the first entry of jupyter_core's SYSTEM_JUPYTER_PATH on Unix,
// where jupyter_client installs when neither --user nor --prefix is given.
// A variable so tests can point it elsewhere.
var systemDataDir = "/usr/local/share/jupyter"

// sysPrefix returns Python's sys.prefix; a variable so tests need no Python.
var sysPrefix = pythonSysPrefix

// Options says where a kernelspec goes. At most one of User, SysPrefix and
// Prefix may be set; with none, it goes to the system-wide location. The zero
// value means the system-wide location and DefaultName.
type Options struct {
	User      bool   // per-user data directory
	SysPrefix bool   // the prefix of the system Python (/usr/bin/python3)
	Prefix    string // PREFIX/share/jupyter/kernels
	Name      string // kernelspec name; DefaultName if empty
}

// kernelNameRE is jupyter_client's rule for kernel names.
var kernelNameRE = regexp.MustCompile(`^[a-z0-9._-]+$`)

// kernelName lowercases and checks a name as jupyter_client does; it also
// rejects "." and "..", which would make the directory a parent of the kernels.
func kernelName(name string) (string, error) {
	if name == "" {
		return DefaultName, nil
	}
	name = strings.ToLower(name)
	if !kernelNameRE.MatchString(name) || name == "." || name == ".." {
		return "", fmt.Errorf("invalid kernel name %q: use letters, digits, '.', '_' and '-'", name)
	}
	return name, nil
}

// Dir returns the kernelspec directory for opts, like jupyter_client: with
// JUPYTER_DATA_DIR set, --user and the default both use JUPYTER_DATA_DIR/kernels;
// --user otherwise uses $XDG_DATA_HOME/jupyter (~/.local/share/jupyter);
// --sys-prefix and --prefix use PREFIX/share/jupyter/kernels; the default is
// /usr/local/share/jupyter/kernels.
func Dir(opts Options) (string, error) {
	dir, _, err := resolve(opts)
	return dir, err
}

// resolve is Dir that also reports whether dir is a system-wide location,
// where a permission error deserves a hint to use --user.
func resolve(opts Options) (dir string, system bool, err error) {
	name, err := kernelName(opts.Name)
	if err != nil {
		return "", false, err
	}
	n := 0
	for _, set := range []bool{opts.User, opts.SysPrefix, opts.Prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "", false, errors.New("--user, --sys-prefix and --prefix are mutually exclusive")
	}
	var data string
	switch {
	case opts.Prefix != "":
		data = filepath.Join(opts.Prefix, "share", "jupyter")
	case opts.SysPrefix:
		p, err := sysPrefix()
		if err != nil {
			return "", false, err
		}
		data, system = filepath.Join(p, "share", "jupyter"), true
	case os.Getenv("JUPYTER_DATA_DIR") != "":
		data = os.Getenv("JUPYTER_DATA_DIR")
	case opts.User:
		if data, err = userDataDir(); err != nil {
			return "", false, err
		}
	default:
		data, system = systemDataDir, true
	}
	dir, err = filepath.Abs(filepath.Join(data, "kernels", name))
	if err != nil {
		return "", false, err
	}
	return dir, system, nil
}

// userDataDir is jupyter_core's jupyter_data_dir on Linux without JUPYTER_DATA_DIR.
func userDataDir() (string, error) {
	if xdg := os.Getenv("XDG_DATA_HOME"); xdg != "" {
		return filepath.Join(xdg, "jupyter"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("--user: %w", err)
	}
	// jupyter_core resolves symlinks in the home directory; do the same so
	// the path printed is the one `jupyter kernelspec list` shows.
	if real, err := filepath.EvalSymlinks(home); err == nil {
		home = real
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// pythonSysPrefix asks Debian's python3 for sys.prefix (usually /usr).
func pythonSysPrefix() (string, error) {
	const python = "/usr/bin/python3"
	out, err := exec.Command(python, "-c", "import sys;print(sys.prefix)").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("--sys-prefix: cannot get sys.prefix from %s (use --prefix DIR instead): %w", python, err)
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("--sys-prefix: %s printed %q, not an absolute sys.prefix (use --prefix DIR instead)", python, p)
	}
	return p, nil
}

// kernelJSON is kernel.json, fields in the order Jupyter documents them.
type kernelJSON struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      struct {
		Debugger bool `json:"debugger"`
	} `json:"metadata"`
}

// KernelSpec returns the kernel.json that starts binary (an absolute path) as
// `binary kernel {connection_file}`. Interrupts come as messages, not signals,
// because the kernel interrupts the running cell itself. env, if not empty, is
// added to the kernel's environment by the frontend.
func KernelSpec(binary, displayName string, env map[string]string) ([]byte, error) {
	if !filepath.IsAbs(binary) {
		return nil, fmt.Errorf("kernel binary %q is not an absolute path", binary)
	}
	if displayName == "" {
		return nil, errors.New("empty display name")
	}
	spec := kernelJSON{
		Argv:          []string{binary, "kernel", "{connection_file}"},
		DisplayName:   displayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           env,
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteSpec writes kernel.json (spec) and the logos into dir, creating it.
// Each file is written to a temporary file and renamed, so Jupyter never reads
// a half-written kernel.json.
func WriteSpec(dir string, spec []byte) error {
	files := map[string][]byte{"kernel.json": spec, "logo-svg.svg": []byte(LogoSVG)}
	for _, size := range []int{32, 64} {
		png, err := LogoPNG(size)
		if err != nil {
			return fmt.Errorf("draw logo: %w", err)
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := writeFile(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces path with data, mode 0644 whatever the umask, so
// other users can read a system-wide kernelspec.
func writeFile(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Remove deletes the kernelspec directory dir. It refuses a directory without
// a kernel.json or whose kernel is not Go, so a wrong --name cannot delete
// another kernel's spec; the error wraps fs.ErrNotExist if nothing is there.
func Remove(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no kernelspec in %s: %w", dir, fs.ErrNotExist)
		}
		return err
	}
	var spec kernelJSON
	if err := json.Unmarshal(data, &spec); err != nil || spec.Language != "go" {
		return fmt.Errorf("%s is not a gonote kernelspec; remove it with `jupyter kernelspec uninstall %s`", dir, filepath.Base(dir))
	}
	return os.RemoveAll(dir)
}

// envFlag collects repeated --env KEY=VALUE flags.
type envFlag map[string]string

func (e envFlag) String() string { return "" }

func (e envFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	e[k] = v
	return nil
}

// newFlagSet returns a flag set with the location flags, filling opts.
func newFlagSet(cmd, usage string, opts *Options, stderr io.Writer) *flag.FlagSet {
	flags := flag.NewFlagSet("gonote "+cmd, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "usage: gonote %s [--user | --sys-prefix | --prefix DIR] [--name NAME]%s\n", cmd, usage)
		flags.PrintDefaults()
	}
	flags.BoolVar(&opts.User, "user", false, "use the per-user Jupyter data directory")
	flags.BoolVar(&opts.SysPrefix, "sys-prefix", false, "use the prefix of /usr/bin/python3 (sys.prefix)")
	flags.StringVar(&opts.Prefix, "prefix", "", "use `DIR`/share/jupyter/kernels")
	flags.StringVar(&opts.Name, "name", DefaultName, "kernelspec `NAME`")
	return flags
}

// parse parses args and rejects positional arguments and an empty --prefix.
func parse(flags *flag.FlagSet, args []string, opts *Options) error {
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	// Options reads an empty Prefix as "not given", so catch --prefix "" here.
	prefixSet := false
	flags.Visit(func(f *flag.Flag) { prefixSet = prefixSet || f.Name == "prefix" })
	if prefixSet && opts.Prefix == "" {
		return errors.New("--prefix needs a directory")
	}
	return nil
}

// Install implements `gonote install`: it writes a kernelspec that runs the
// current binary. Flags follow `ipykernel install`: --user, --sys-prefix,
// --prefix DIR, --name NAME, --display-name TEXT and --env KEY=VALUE
// (repeatable). Usage and flag errors go to stderr; the error says what failed
// (errors.Is(err, flag.ErrHelp) after -h).
func Install(args []string, stdout, stderr io.Writer) error {
	var opts Options
	env := envFlag{}
	flags := newFlagSet("install", " [--display-name TEXT] [--env KEY=VALUE]...", &opts, stderr)
	displayName := flags.String("display-name", DefaultDisplayName, "`TEXT` frontends show for the kernel")
	flags.Var(env, "env", "set `KEY=VALUE` in the kernel's environment (repeatable)")
	if err := parse(flags, args, &opts); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	dir, system, err := resolve(opts)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	binary, err := os.Executable()
	if err == nil {
		// Resolve symlinks so the spec keeps working if a link (e.g. in
		// ~/go/bin) is replaced; the path must be absolute for Jupyter.
		binary, err = filepath.EvalSymlinks(binary)
	}
	if err != nil {
		return fmt.Errorf("install: cannot find the gonote binary: %w", err)
	}
	if len(env) == 0 {
		env = nil
	}
	spec, err := KernelSpec(binary, *displayName, env)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if err := WriteSpec(dir, spec); err != nil {
		if system && errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("install: %w (use --user to install for the current user only)", err)
		}
		return fmt.Errorf("install: %w", err)
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", filepath.Base(dir), dir)
	return nil
}

// Uninstall implements `gonote uninstall`: it removes the kernelspec that
// Install wrote, taking the same --user, --sys-prefix, --prefix and --name
// flags. It is an error if no kernelspec is installed there.
func Uninstall(args []string, stdout, stderr io.Writer) error {
	var opts Options
	flags := newFlagSet("uninstall", "", &opts, stderr)
	if err := parse(flags, args, &opts); err != nil {
		return fmt.Errorf("uninstall: %w", err)
	}
	dir, err := Dir(opts)
	if err != nil {
		return fmt.Errorf("uninstall: %w", err)
	}
	if err := Remove(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("uninstall: kernelspec %s is not installed in %s: %w", filepath.Base(dir), filepath.Dir(dir), fs.ErrNotExist)
		}
		return fmt.Errorf("uninstall: %w", err)
	}
	fmt.Fprintf(stdout, "Removed kernelspec %s from %s\n", filepath.Base(dir), dir)
	return nil
}
