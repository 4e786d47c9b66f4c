package install

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// paths holds the sandbox directories that stand in for real locations.
type paths struct {
	home, xdg, jdd, sys, pyPrefix string
}

// sandbox points every location Install can reach into temporary
// directories, so no test touches the real home or /usr/local.
func sandbox(t *testing.T) paths {
	t.Helper()
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := paths{home: home, xdg: t.TempDir(), jdd: t.TempDir(), sys: t.TempDir(), pyPrefix: t.TempDir()}
	t.Setenv("HOME", p.home)
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("JUPYTER_DATA_DIR", "")
	oldSys, oldPrefix := systemDataDir, sysPrefix
	systemDataDir = p.sys
	sysPrefix = func() (string, error) { return p.pyPrefix, nil }
	t.Cleanup(func() { systemDataDir, sysPrefix = oldSys, oldPrefix })
	return p
}

func TestDir(t *testing.T) {
	p := sandbox(t)
	systemDataDir = "/usr/local/share/jupyter" // only computed here, never written
	prefix := t.TempDir()
	k := func(data, name string) string { return filepath.Join(data, "kernels", name) }
	tests := []struct {
		name     string
		opts     Options
		jdd, xdg bool   // set JUPYTER_DATA_DIR, XDG_DATA_HOME
		want     string // directory, or error text if wantErr
		wantErr  bool
	}{
		{name: "default", want: "/usr/local/share/jupyter/kernels/gonote"},
		{name: "default JUPYTER_DATA_DIR", jdd: true, want: k(p.jdd, "gonote")},
		{name: "default ignores XDG", xdg: true, want: "/usr/local/share/jupyter/kernels/gonote"},
		{name: "user", opts: Options{User: true}, want: k(filepath.Join(p.home, ".local/share/jupyter"), "gonote")},
		{name: "user XDG_DATA_HOME", opts: Options{User: true}, xdg: true, want: k(filepath.Join(p.xdg, "jupyter"), "gonote")},
		{name: "user JUPYTER_DATA_DIR", opts: Options{User: true}, jdd: true, xdg: true, want: k(p.jdd, "gonote")},
		{name: "sys-prefix", opts: Options{SysPrefix: true}, want: k(filepath.Join(p.pyPrefix, "share/jupyter"), "gonote")},
		{name: "sys-prefix ignores JUPYTER_DATA_DIR", opts: Options{SysPrefix: true}, jdd: true, want: k(filepath.Join(p.pyPrefix, "share/jupyter"), "gonote")},
		{name: "prefix", opts: Options{Prefix: prefix}, want: k(filepath.Join(prefix, "share/jupyter"), "gonote")},
		{name: "prefix ignores JUPYTER_DATA_DIR", opts: Options{Prefix: prefix}, jdd: true, want: k(filepath.Join(prefix, "share/jupyter"), "gonote")},
		{name: "name lowercased", opts: Options{Prefix: prefix, Name: "My-Go_1.0"}, want: k(filepath.Join(prefix, "share/jupyter"), "my-go_1.0")},
		{name: "user and prefix", opts: Options{User: true, Prefix: prefix}, wantErr: true, want: "mutually exclusive"},
		{name: "user and sys-prefix", opts: Options{User: true, SysPrefix: true}, wantErr: true, want: "mutually exclusive"},
		{name: "sys-prefix and prefix", opts: Options{SysPrefix: true, Prefix: prefix}, wantErr: true, want: "mutually exclusive"},
		{name: "name with slash", opts: Options{Name: "a/b"}, wantErr: true, want: "invalid kernel name"},
		{name: "name dot dot", opts: Options{Name: ".."}, wantErr: true, want: "invalid kernel name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.jdd {
				t.Setenv("JUPYTER_DATA_DIR", p.jdd)
			}
			if tt.xdg {
				t.Setenv("XDG_DATA_HOME", p.xdg)
			}
			got, err := Dir(tt.opts)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Dir(%+v) = %q, %v; want error containing %q", tt.opts, got, err, tt.want)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Dir(%+v) = %q, %v; want %q", tt.opts, got, err, tt.want)
			}
		})
	}
}

func TestDirSysPrefixFails(t *testing.T) {
	sandbox(t)
	sysPrefix = func() (string, error) { return "", errors.New("--sys-prefix: no python") }
	if _, err := Dir(Options{SysPrefix: true}); err == nil || !strings.Contains(err.Error(), "no python") {
		t.Fatalf("Dir with failing sys.prefix: err = %v", err)
	}
}

func TestPythonSysPrefix(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	p, err := pythonSysPrefix()
	if err != nil || !filepath.IsAbs(p) {
		t.Fatalf("pythonSysPrefix() = %q, %v; want an absolute path", p, err)
	}
}

func TestKernelSpec(t *testing.T) {
	tests := []struct {
		name, binary, display string
		env                   map[string]string
		wantErr               string
	}{
		{name: "plain", binary: "/opt/bin/gonote", display: "Go (gonote)"},
		{name: "env", binary: "/opt/bin/gonote", display: "Go", env: map[string]string{"GONOTE_LOG": "debug", "A": "1"}},
		{name: "relative binary", binary: "gonote", display: "Go", wantErr: "not an absolute path"},
		{name: "empty display name", binary: "/opt/bin/gonote", wantErr: "empty display name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := KernelSpec(tt.binary, tt.display, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("kernel.json does not parse: %v\n%s", err, b)
			}
			want := map[string]any{
				"argv":           []any{tt.binary, "kernel", "{connection_file}"},
				"display_name":   tt.display,
				"language":       "go",
				"interrupt_mode": "message",
				"metadata":       map[string]any{"debugger": false},
			}
			if tt.env != nil {
				env := map[string]any{}
				for k, v := range tt.env {
					env[k] = v
				}
				want["env"] = env
			}
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(want)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Fatalf("kernel.json = %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}

func TestArgErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name      string
		uninstall bool
		args      []string
		want      string // in the error
		usage     bool   // usage printed to stderr
	}{
		{name: "user and prefix", args: []string{"--user", "--prefix", dir}, want: "mutually exclusive"},
		{name: "user and sys-prefix", args: []string{"--user", "--sys-prefix"}, want: "mutually exclusive"},
		{name: "sys-prefix and prefix", args: []string{"--sys-prefix", "--prefix=" + dir}, want: "mutually exclusive"},
		{name: "unknown flag", args: []string{"--bogus"}, want: "flag provided but not defined", usage: true},
		{name: "positional", args: []string{"--user", "extra"}, want: `unexpected argument "extra"`, usage: true},
		{name: "env without =", args: []string{"--prefix", dir, "--env", "NOEQ"}, want: "KEY=VALUE", usage: true},
		{name: "empty prefix", args: []string{"--prefix", ""}, want: "--prefix needs a directory"},
		{name: "bad name", args: []string{"--prefix", dir, "--name", "a b"}, want: "invalid kernel name"},
		{name: "empty display name", args: []string{"--prefix", dir, "--display-name", ""}, want: "empty display name"},
		{name: "uninstall unknown flag", uninstall: true, args: []string{"--display-name", "x"}, want: "flag provided but not defined", usage: true},
		{name: "uninstall exclusive", uninstall: true, args: []string{"--user", "--prefix", dir}, want: "mutually exclusive"},
		{name: "uninstall positional", uninstall: true, args: []string{"gonote"}, want: "unexpected argument", usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sandbox(t)
			var stdout, stderr bytes.Buffer
			run := Install
			if tt.uninstall {
				run = Uninstall
			}
			err := run(tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.usage != strings.Contains(stderr.String(), "usage: gonote") {
				t.Errorf("usage printed = %v, want %v; stderr:\n%s", !tt.usage, tt.usage, stderr.String())
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("files written to %s after an error", dir)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	err := Install([]string{"-h"}, &bytes.Buffer{}, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for _, f := range []string{"-user", "-sys-prefix", "-prefix DIR", "-name NAME", "-display-name TEXT", "-env KEY=VALUE"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("usage lacks %q:\n%s", f, stderr.String())
		}
	}
}

func TestRoundTrip(t *testing.T) {
	binary, err := os.Executable()
	if err == nil {
		binary, err = filepath.EvalSymlinks(binary)
	}
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		jdd  bool
		dir  func(p paths, prefix string) string
	}{
		{"prefix", []string{"--prefix", "PREFIX"}, false, func(p paths, prefix string) string { return filepath.Join(prefix, "share/jupyter") }},
		{"user", []string{"--user"}, false, func(p paths, _ string) string { return filepath.Join(p.home, ".local/share/jupyter") }},
		{"user JUPYTER_DATA_DIR", []string{"--user"}, true, func(p paths, _ string) string { return p.jdd }},
		{"default", nil, false, func(p paths, _ string) string { return p.sys }},
		{"default JUPYTER_DATA_DIR", nil, true, func(p paths, _ string) string { return p.jdd }},
		{"sys-prefix", []string{"--sys-prefix"}, false, func(p paths, _ string) string { return filepath.Join(p.pyPrefix, "share/jupyter") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sandbox(t)
			if tt.jdd {
				t.Setenv("JUPYTER_DATA_DIR", p.jdd)
			}
			prefix := t.TempDir()
			loc := slices.Clone(tt.args)
			if i := slices.Index(loc, "PREFIX"); i >= 0 {
				loc[i] = prefix
			}
			loc = append(loc, "--name", "GoTest")
			dir := filepath.Join(tt.dir(p, prefix), "kernels", "gotest")

			var stdout, stderr bytes.Buffer
			args := append(slices.Clone(loc), "--display-name", "Go test", "--env", "A=1", "--env", "B=x=y")
			for range 2 { // a second install replaces the first
				stdout.Reset()
				if err := Install(args, &stdout, &stderr); err != nil {
					t.Fatalf("Install(%q): %v\nstderr: %s", args, err, stderr.String())
				}
			}
			if want := "Installed kernelspec gotest in " + dir + "\n"; stdout.String() != want {
				t.Fatalf("stdout = %q, want %q", stdout.String(), want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
				info, err := e.Info()
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode() != 0o644 {
					t.Errorf("%s mode = %v, want -rw-r--r--", e.Name(), info.Mode())
				}
			}
			if want := []string{"kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}; !slices.Equal(names, want) {
				t.Errorf("files = %q, want %q", names, want)
			}
			var spec kernelJSON
			data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &spec); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(spec.Argv, []string{binary, "kernel", "{connection_file}"}) || spec.DisplayName != "Go test" ||
				spec.Env["A"] != "1" || spec.Env["B"] != "x=y" || len(spec.Env) != 2 {
				t.Errorf("kernel.json = %s", data)
			}

			stdout.Reset()
			if err := Uninstall(loc, &stdout, &stderr); err != nil {
				t.Fatalf("Uninstall(%q): %v", loc, err)
			}
			if want := "Removed kernelspec gotest from " + dir + "\n"; stdout.String() != want {
				t.Errorf("stdout = %q, want %q", stdout.String(), want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s still there after Uninstall: %v", dir, err)
			}
			err = Uninstall(loc, &stdout, &stderr)
			if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "not installed") {
				t.Errorf("second Uninstall: err = %v, want not installed", err)
			}
		})
	}
}

func TestRemoveRefusesOtherKernels(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "python3")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), []byte(`{"argv":["python3"],"language":"python"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); err == nil || !strings.Contains(err.Error(), "not a gonote kernelspec") {
		t.Fatalf("Remove = %v, want refusal", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("Remove deleted another kernel's spec: %v", err)
	}
}

func TestPermissionHint(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write to read-only directories")
	}
	p := sandbox(t)
	if err := os.Chmod(p.sys, 0o555); err != nil {
		t.Fatal(err)
	}
	err := Install(nil, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "--user") {
		t.Fatalf("Install into read-only system dir: err = %v, want a permission error suggesting --user", err)
	}
}

// TestJupyterFindsSpec checks with Debian's jupyter that the spec is where
// Jupyter looks and that it parses.
func TestJupyterFindsSpec(t *testing.T) {
	const jupyter = "/usr/bin/jupyter"
	if _, err := os.Stat(jupyter); err != nil {
		t.Skip("no " + jupyter)
	}
	p := sandbox(t)
	t.Setenv("JUPYTER_DATA_DIR", p.jdd)
	t.Setenv("JUPYTER_CONFIG_DIR", t.TempDir())
	t.Setenv("JUPYTER_RUNTIME_DIR", t.TempDir())
	var stdout bytes.Buffer
	if err := Install([]string{"--user", "--name", "gonote-test"}, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, jupyter, "kernelspec", "list", "--json").Output()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string     `json:"resource_dir"`
			Spec        kernelJSON `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("parse kernelspec list: %v\n%s", err, out)
	}
	ks, ok := list.Kernelspecs["gonote-test"]
	if !ok {
		t.Fatalf("jupyter does not list gonote-test:\n%s", out)
	}
	if want := filepath.Join(p.jdd, "kernels", "gonote-test"); ks.ResourceDir != want {
		t.Errorf("resource_dir = %q, want %q", ks.ResourceDir, want)
	}
	if ks.Spec.Language != "go" || ks.Spec.DisplayName != DefaultDisplayName || !filepath.IsAbs(ks.Spec.Argv[0]) {
		t.Errorf("spec as jupyter reads it: %+v", ks.Spec)
	}
}
