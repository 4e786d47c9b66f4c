// Command gonote is a Jupyter kernel for Go.
//
//	gonote kernel CONNECTION_FILE   run the kernel (Jupyter starts it this way)
//	gonote install [flags]          install the kernelspec (see gonote install -h)
//	gonote uninstall [flags]        remove it
//	gonote version                  print the version
//	gonote help                     print this help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	yaegi "github.com/traefik/yaegi/interp"

	"gonote/install"
	"gonote/interp"
	"gonote/interp/symbols"
	"gonote/kernel"
	"gonote/kernel/gcpace"
	"gonote/kernel/prebind"
)

// version is gonote's version; release builds set it with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `usage: gonote <command> [arguments]

commands:
  kernel CONNECTION_FILE   run the kernel (Jupyter starts it this way)
  install [flags]          install the Jupyter kernelspec (gonote install -h for flags)
  uninstall [flags]        remove the kernelspec
  version                  print the version
  help                     print this help
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "kernel":
		return runKernel(rest, stderr)
	case "install", "uninstall":
		f := install.Install
		if cmd == "uninstall" {
			f = install.Uninstall
		}
		if err := f(rest, stdout, stderr); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintln(stderr, "gonote:", err)
			return 1
		}
		return 0
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "gonote %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gonote: unknown command %q\n%s", cmd, usage)
		return 2
	}
}

func runKernel(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("gonote kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: gonote kernel CONNECTION_FILE") }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	conn, err := kernel.ReadConnectionFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "gonote:", err)
		fs.Usage()
		return 1
	}

	// From here on fd 1 and 2 belong to the cells; the kernel logs to a copy of stderr.
	logFile, err := interp.CaptureStdio()
	if err != nil {
		fmt.Fprintln(stderr, "gonote: capturing output:", err)
		return 1
	}
	logger := log.New(logFile, "[gonote] ", log.LstdFlags|log.Lmicroseconds)

	gcpace.Start()
	history, err := kernel.OpenHistory(historyPath())
	if err != nil {
		logger.Printf("history: %v; keeping this session's history in memory", err)
		history, _ = kernel.OpenHistory("")
	}
	engine, err := interp.New(interp.Options{Symbols: []yaegi.Exports{symbols.Symbols}, Log: logger})
	if err != nil {
		logger.Print(err)
		return 1
	}
	k, err := kernel.New(kernel.Config{
		Conn: conn, Engine: engine, History: history, Log: logger,
		Debug: os.Getenv("GONOTE_LOG") == "debug", Version: version,
		Listeners: prebind.Listeners(),
	})
	if err != nil {
		logger.Print(err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go exitWithParent(stop, logger)
	// SIGINT interrupts the running cell, as in IPython; it never ends the kernel.
	sigint := make(chan os.Signal, 1)
	signal.Notify(sigint, os.Interrupt)
	go func() {
		for range sigint {
			k.Interrupt()
		}
	}()
	if err := k.Run(ctx); err != nil {
		logger.Print(err)
		return 1
	}
	return 0
}

// exitWithParent stops the kernel when the frontend that started it dies, as
// ipykernel does: jupyter_client names itself in JPY_PARENT_PID and starts the
// kernel in a session of its own, so no signal reaches a kernel whose frontend
// was killed.
func exitWithParent(stop func(), logger *log.Logger) {
	if os.Getenv("JPY_PARENT_PID") == "" {
		return
	}
	parent := os.Getppid()
	for range time.Tick(time.Second) {
		if os.Getppid() != parent {
			logger.Print("the frontend that started this kernel is gone; exiting")
			stop()
			return
		}
	}
}

// historyPath is where executed cells are kept between sessions: GONOTE_HISTORY,
// else $XDG_DATA_HOME/gonote/history.jsonl (~/.local/share/gonote/history.jsonl).
func historyPath() string {
	if p, ok := os.LookupEnv("GONOTE_HISTORY"); ok {
		return p // empty: keep history in memory only
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "gonote", "history.jsonl")
}
