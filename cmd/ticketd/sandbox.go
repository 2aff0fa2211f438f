package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/ticketd/ticketd/internal/sandbox"
)

// cmdSandbox is `ticketd sandbox`: the whole service desk on this machine.
func (a *app) cmdSandbox(ctx context.Context, args []string) error {
	fs := a.newFlags("sandbox", "sandbox [--walkthrough] [--reset] [--dir DIR] [--database-url URL] [--verbose]")
	walk := fs.Bool("walkthrough", false, "play the whole procedure by email, print the timeline, and stop")
	reset := fs.Bool("reset", false, "start from scratch (drops the sandbox's database and mailboxes)")
	dir := fs.String("dir", ".sandbox", "folder kept between runs: PostgreSQL's data and the mailboxes")
	dbURL := fs.String("database-url", "", "use this PostgreSQL database instead of a private one")
	imapAddr := fs.String("imap", "", "IMAP listen address (default 127.0.0.1:1143, or a free port)")
	smtpAddr := fs.String("smtp", "", "SMTP listen address (default 127.0.0.1:1587, or a free port)")
	verbose := fs.Bool("verbose", false, "print ticketd's log")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	o := sandbox.Options{Dir: *dir, Reset: *reset, DatabaseURL: *dbURL, IMAPAddr: *imapAddr, SMTPAddr: *smtpAddr}
	if *verbose {
		o.Log, o.LogLevel = a.stderr, slog.LevelInfo
	}
	fmt.Fprintln(a.stdout, "Iniciando el entorno de prueba (PostgreSQL, IMAP, SMTP y ticketd)...")
	sb, err := sandbox.Start(ctx, o)
	if err != nil {
		return fail(1, "%v", err)
	}
	a.printSandbox(sb)
	if *walk {
		defer sb.Stop()
		if err := sb.Walkthrough(ctx, a.stdout); err != nil {
			return fail(1, "recorrido: %v", err)
		}
		return nil
	}
	fmt.Fprintln(a.stdout, "\nEl entorno queda en marcha. Ctrl-C para detenerlo (los buzones y la base de datos se conservan en "+*dir+").")
	sb.Wait(ctx)
	return nil
}

func (a *app) printSandbox(sb *sandbox.Sandbox) {
	host := func(addr string) (string, string) {
		i := strings.LastIndexByte(addr, ':')
		return addr[:i], addr[i+1:]
	}
	ih, ip := host(sb.Mail.IMAPAddr())
	sh, sp := host(sb.Mail.SMTPAddr())
	fmt.Fprintf(a.stdout, "\n  IMAP  %s puerto %s (sin TLS)   SMTP  %s puerto %s (sin TLS, AUTH PLAIN/LOGIN)\n", ih, ip, sh, sp)
	fmt.Fprintf(a.stdout, "  Base de datos  %s\n", sb.DBURL)
	if addr := sb.Daemon.AdminAddr(); addr != "" {
		fmt.Fprintf(a.stdout, "  Administración http://%s/metrics  /readyz  /healthz\n", addr)
	}
	fmt.Fprintf(a.stdout, "\n  Cuentas (usuario = correo, contraseña %q):\n", sandbox.Password)
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "    %s\t%s\t%s\n", sandbox.Desk.Address, sandbox.Desk.Name, sandbox.Desk.Role)
	for _, p := range sandbox.People {
		role := p.Role
		if p.Alias != "" {
			role += " (alias " + p.Alias + ")"
		}
		fmt.Fprintf(w, "    %s\t%s\t%s\n", p.Address, p.Name, role)
	}
	w.Flush()
	fmt.Fprintf(a.stdout, "\n  Con la CLI: TICKETD_DATABASE_URL=%q ticketd -config <archivo> tickets list\n\n", sb.DBURL)
}
