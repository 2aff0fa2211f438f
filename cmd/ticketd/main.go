// Command ticketd runs the support procedure by email: the daemon (run),
// the desk's command line (tickets), migrations, configuration checks,
// template previews and a self-contained sandbox.
//
// This package is wiring only: every rule lives in tickets/, mailin/ and
// mailout/. What it prints comes from messages.go, in the reader's
// language (--lang, TICKETD_LANG; Spanish by default).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/ticketd/ticketd/tickets"
)

// version is set at build time (go build -ldflags "-X main.version=1.2.0");
// without it the module version or VCS revision Go recorded is used.
var version string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit status with a message for stderr, already in
// the reader's language (empty: nothing more to say).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, lang: initialLang(args, os.Getenv), langFlag: langArg(args)}
	return a.exit(a.dispatch(ctx, args))
}

// dispatch reads the global flags and runs the command.
func (a *app) dispatch(ctx context.Context, args []string) error {
	global := a.newFlags("ticketd", a.t("syn.ticketd"))
	showVersion := global.Bool("version", false, a.t("flag.version"))
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(a.stdout, a.t("usage.top"))
			return err
		}
		return a.usageError("", flagProblem(a, err))
	}
	if *showVersion {
		fmt.Fprintln(a.stdout, versionLine())
		return nil
	}
	rest := global.Args()
	if len(rest) == 0 {
		fmt.Fprint(a.stderr, a.t("usage.top"))
		return &exitError{code: 2}
	}
	switch cmd, sub := rest[0], rest[1:]; cmd {
	case "run":
		return a.cmdRun(ctx, sub)
	case "migrate":
		return a.cmdMigrate(ctx, sub)
	case "config":
		return a.cmdConfig(ctx, sub)
	case "tickets", "ticket":
		return a.cmdTickets(ctx, sub)
	case "templates":
		return a.cmdTemplates(ctx, sub)
	case "sandbox":
		return a.cmdSandbox(ctx, sub)
	case "status":
		return a.cmdStatus(ctx, sub)
	case "report":
		return a.cmdReport(ctx, sub)
	case "cuarentena", "quarantine":
		return a.cmdQuarantine(ctx, cmd, sub)
	case "oauth2":
		return a.cmdOAuth2(ctx, sub)
	case "version":
		fs := a.newFlags("version", "version")
		if _, err := parseFlags(fs, sub); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, versionLine())
		return nil
	case "help":
		if len(sub) > 0 && sub[0] != "help" {
			return a.dispatch(ctx, []string{sub[0], "-h"})
		}
		fmt.Fprint(a.stdout, a.t("usage.top"))
		return nil
	default:
		return a.usageError("", a.t("err.unknown_command", cmd))
	}
}

// exit prints what err says on stderr and returns the exit status: 0, 2
// for usage and configuration, 3 for a command the procedure refuses, 1
// for the rest.
func (a *app) exit(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(a.stderr, "ticketd:", ee.msg)
		}
		return ee.code
	}
	var r *tickets.Refusal
	if errors.As(err, &r) {
		fmt.Fprintln(a.stderr, "ticketd:", a.t("err.refused", r.Explain(a.lang)))
		return 3
	}
	fmt.Fprintln(a.stderr, "ticketd:", a.t("err.other", err))
	return 1
}

// usageError is a mistake in how a command was written: the problem and
// where to read the command's help. cmd is "" for the top level.
func (a *app) usageError(cmd, problem string) error {
	help := "ticketd -h"
	if cmd != "" && cmd != "ticketd" {
		help = "ticketd " + cmd + " -h"
	}
	return &exitError{code: 2, msg: problem + "\n" + a.t("help.hint", help)}
}

// versionLine is what --version prints: the version set at build time,
// else the module's version or the VCS revision the build recorded.
func versionLine() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = bi.Main.Version
		if v == "" || v == "(devel)" {
			v = "(devel)"
			var rev, dirty string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "+dirty"
					}
				}
			}
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if rev != "" {
				v = rev + dirty
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return "ticketd " + v + " " + runtime.Version()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
