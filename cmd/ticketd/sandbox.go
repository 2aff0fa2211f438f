package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/ticketd/ticketd/internal/sandbox"
)

// cmdSandbox is `ticketd sandbox`: the whole service desk on this machine.
func (a *app) cmdSandbox(ctx context.Context, args []string) error {
	fs := a.newFlags("sandbox", a.t("syn.sandbox"))
	walk := fs.Bool("walkthrough", false, a.t("flag.walkthrough"))
	reset := fs.Bool("reset", false, a.t("flag.reset"))
	dir := fs.String("dir", ".sandbox", a.t("flag.dir"))
	dbURL := fs.String("database-url", "", a.t("flag.database_url"))
	imapAddr := fs.String("imap", "", a.t("flag.imap"))
	smtpAddr := fs.String("smtp", "", a.t("flag.smtp"))
	verbose := fs.Bool("verbose", false, a.t("flag.verbose"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	o := sandbox.Options{Dir: *dir, Reset: *reset, DatabaseURL: *dbURL, IMAPAddr: *imapAddr, SMTPAddr: *smtpAddr,
		Progress: func(s sandbox.Stage) { fmt.Fprintln(a.stdout, a.t(stageKeys[s])) }}
	if *verbose {
		o.Log, o.LogLevel = a.stderr, slog.LevelInfo
	}
	sb, err := sandbox.Start(ctx, o)
	var pe *sandbox.PortInUseError
	if errors.As(err, &pe) {
		return a.fail(1, "err.sandbox_port", pe.Port, pe.File)
	}
	if errors.Is(err, sandbox.ErrNoPostgres) {
		return a.fail(1, "err.sandbox_no_postgres")
	}
	if err != nil {
		return a.fail(1, "err.sandbox", err)
	}
	cfg := a.relative(sb.ConfigPath)
	if *walk {
		defer sb.Stop()
		fmt.Fprintf(a.stdout, "%s\n\n", a.t("walk.ready"))
		if err := sb.Walkthrough(ctx, a.printWalk); err != nil {
			return a.fail(1, "err.walkthrough", err)
		}
		fmt.Fprintf(a.stdout, "\n%s\n", a.t("walk.after", selfCommand(), cfg))
		return nil
	}
	a.printSandbox(sb, cfg)
	fmt.Fprintf(a.stdout, "\n%s\n", a.t("out.sandbox_running", *dir))
	sb.Wait(ctx)
	return nil
}

var stageKeys = map[sandbox.Stage]string{
	sandbox.StagePostgres: "stage.postgres",
	sandbox.StageMail:     "stage.mail",
	sandbox.StageTicketd:  "stage.ticketd",
}

// selfCommand is how the reader ran this command line, to print commands
// they can run as printed: go run's binary lives in a go-build folder.
func selfCommand() string {
	exe := os.Args[0]
	if strings.Contains(exe, "go-build") {
		return "go run ./cmd/ticketd"
	}
	return exe
}

// relative is path as the reader would type it from here.
func (a *app) relative(path string) string {
	if abs, err := filepath.Abs("."); err == nil {
		if rel, err := filepath.Rel(abs, path); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return path
}

func (a *app) printSandbox(sb *sandbox.Sandbox, cfg string) {
	host := func(addr string) (string, string) {
		i := strings.LastIndexByte(addr, ':')
		return addr[:i], addr[i+1:]
	}
	ih, ip := host(sb.Mail.IMAPAddr())
	sh, sp := host(sb.Mail.SMTPAddr())
	fmt.Fprintf(a.stdout, "\n  %s\n", a.t("out.sandbox_imap", ih, ip))
	fmt.Fprintf(a.stdout, "  %s\n", a.t("out.sandbox_smtp", sh, sp))
	fmt.Fprintf(a.stdout, "  %s\n", a.t("out.sandbox_db", sb.DBURL))
	if addr := sb.Daemon.AdminAddr(); addr != "" {
		fmt.Fprintf(a.stdout, "  %s\n", a.t("out.sandbox_admin", addr))
	}
	fmt.Fprintf(a.stdout, "\n  %s\n", a.t("out.sandbox_accounts", sandbox.Password))
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "    %s\t%s\t%s\n", sandbox.Desk.Address, sandbox.Desk.Name, a.t("role.mailbox"))
	for _, p := range sandbox.People {
		role := a.t("role." + p.Role)
		if p.Alias != "" {
			role = a.t("out.sandbox_alias", role, p.Alias)
		}
		fmt.Fprintf(w, "    %s\t%s\t%s\n", p.Address, p.Name, role)
	}
	w.Flush()
	fmt.Fprintf(a.stdout, "\n  %s\n", a.t("out.sandbox_cli", selfCommand(), cfg))
}

// printWalk tells one moment of the walkthrough, each line within width.
func (a *app) printWalk(e sandbox.WalkEvent) {
	w := a.stdout
	switch e.Kind {
	case sandbox.WalkRequest:
		fmt.Fprintln(w, a.t("walk.title"))
		fmt.Fprintln(w)
		line(w, "%d. %s", e.Step, a.t("walk.request", sandboxName(e.From), sandbox.Desk.Address))
		line(w, "      │ %s: %s", a.t("walk.subject"), e.Subject)
	case sandbox.WalkReply:
		line(w, "%d. %s", e.Step, a.t("walk."+e.Key))
		line(w, "   %s", a.t("walk.replies", sandboxName(e.From), e.Subject))
		for _, l := range e.Lines {
			line(w, "      │ %s", l)
		}
	case sandbox.WalkSettled:
		who := a.t("walk.desk")
		if e.Assignee != "" {
			who = sandboxName(e.Assignee)
		}
		line(w, "   → %s", a.t("walk.settled", e.Ref, stateWord(a.lang, e.State), e.Level, who))
		for _, m := range e.Sent {
			var to []string
			for _, addr := range m.To {
				to = append(to, sandboxName(addr))
			}
			line(w, "      ✉ %s: %s", strings.Join(to, ", "), m.Subject)
		}
		fmt.Fprintln(w)
	case sandbox.WalkDone:
		fmt.Fprintf(w, "$ ticketd tickets show %s\n\n", e.Ref)
		writeDetail(w, a.lang, sandboxName, *e.Detail)
	}
}

// sandboxName is the name of a sandbox account, or the address.
func sandboxName(addr string) string {
	for _, p := range sandbox.People {
		if strings.EqualFold(p.Address, addr) {
			return p.Name
		}
	}
	if strings.EqualFold(sandbox.Desk.Address, addr) {
		return sandbox.Desk.Name
	}
	return addr
}
