// Package sandbox runs the whole service desk on one machine with nothing
// installed but PostgreSQL's server binaries: a private PostgreSQL, a mail
// provider in process (IMAP and SMTP on loopback) with a mailbox for the
// desk and for every person of a sample roster, and ticketd itself
// configured against them. ticketd does not know it is in a sandbox: it
// speaks real IMAP, SMTP and SQL, and so can anyone's mail client. It
// writes no SQL itself: internal/pgcluster creates its database.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/internal/mailsandbox"
	"github.com/ticketd/ticketd/internal/pgcluster"
)

// Domain is the sandbox's mail domain.
const Domain = "example.gov.co"

// Password is every sandbox account's password.
const Password = "sandbox"

// Person is one sandbox account and its role.
type Person struct {
	Address, Name, Role, Alias string
	Levels                     []int
	Lang                       string
}

// Desk is the support mailbox ticketd reads.
var Desk = Person{Address: "soporte.oti@" + Domain, Name: "Mesa de Servicio OTI", Role: "buzón de soporte (ticketd)"}

// People are the sample roster and a requester.
var People = []Person{
	{Address: "ana.suarez@" + Domain, Name: "Ana María Suárez", Role: "solicitante"},
	{Address: "jgomez@" + Domain, Name: "Juan Gómez", Role: "mesa", Alias: "jgomez", Levels: []int{1}},
	{Address: "mrojas@" + Domain, Name: "María Rojas", Role: "mesa", Alias: "mrojas", Levels: []int{1}},
	{Address: "lperez@" + Domain, Name: "Luis Pérez", Role: "especialista", Alias: "lperez", Levels: []int{2, 3}},
	{Address: "sitio1@" + Domain, Name: "Carlos Díaz", Role: "sitio", Alias: "sitio1", Levels: []int{2}},
	{Address: "soporte@proveedor.example.com", Name: "Proveedor de Equipos S.A.S.", Role: "proveedor", Alias: "proveedor1", Levels: []int{2, 3}, Lang: "en"},
}

// Options shape a sandbox.
type Options struct {
	Dir         string // kept between runs: the PostgreSQL cluster and the mailboxes
	Reset       bool   // start from scratch
	DatabaseURL string // use this database instead of a private cluster
	IMAPAddr    string // default 127.0.0.1:1143 (a free port when taken)
	SMTPAddr    string // default 127.0.0.1:1587
	AdminAddr   string // default 127.0.0.1:0 (a free port)
	Log         io.Writer
	LogLevel    slog.Level
	// Progress, when set, is told each stage as it begins, so that whoever
	// waits knows what is happening (the first start of PostgreSQL takes
	// a while).
	Progress func(Stage)
}

// Stage is one step of Start.
type Stage int

// The stages of Start, in order.
const (
	StagePostgres Stage = iota // creating or starting the private PostgreSQL
	StageMail                  // starting the IMAP and SMTP servers
	StageTicketd               // writing the configuration and starting ticketd
)

// ConfigFile is the configuration file the sandbox writes in its folder,
// the same one ticketd runs with: the command line can use it as it is.
const ConfigFile = "ticketd.toml"

// portFile remembers the private PostgreSQL's port between runs, so that
// the database's address in ConfigFile stays the same.
const portFile = "postgres.port"

// DefaultPostgresPort is the private PostgreSQL's port on its first start
// when it is free (any free port otherwise); later starts keep the port
// of the first.
const DefaultPostgresPort = 15432

// ErrNoPostgres is PostgreSQL's server binaries (initdb, pg_ctl) not found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries")

// PortInUseError is the remembered PostgreSQL port taken by another
// program.
type PortInUseError struct {
	Port int
	File string // where the port is remembered
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d of the sandbox's PostgreSQL (kept in %s) is in use by another program", e.Port, e.File)
}

// Sandbox is a running sandbox.
type Sandbox struct {
	Mail       *mailsandbox.System
	Config     *config.Config
	Daemon     *daemon.Daemon
	DBURL      string
	ConfigPath string // the configuration file written for the command line

	cluster *pgcluster.Cluster
	cancel  context.CancelFunc
	done    chan error
}

// Start brings everything up and returns once ticketd runs.
func Start(ctx context.Context, o Options) (*Sandbox, error) {
	if o.Dir == "" {
		o.Dir = ".sandbox"
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if o.Reset {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("reset: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "mail"), 0o755); err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(orDiscard(o.Log), &slog.HandlerOptions{Level: o.LogLevel}))
	progress := o.Progress
	if progress == nil {
		progress = func(Stage) {}
	}
	s := &Sandbox{}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()

	s.DBURL = o.DatabaseURL
	if s.DBURL == "" {
		progress(StagePostgres)
		c, err := startPostgres(ctx, dir)
		if err != nil {
			return nil, err
		}
		s.cluster = c
		if err := c.EnsureDatabase(ctx, "ticketd"); err != nil {
			return nil, fmt.Errorf("PostgreSQL for the sandbox: %w", err)
		}
		s.DBURL = c.URL("ticketd")
	}

	progress(StageMail)
	accounts := []mailsandbox.Account{{Address: Desk.Address, Password: Password, Name: Desk.Name}}
	for _, p := range People {
		accounts = append(accounts, mailsandbox.Account{Address: p.Address, Password: Password, Name: p.Name})
	}
	mail, err := mailsandbox.Start(mailsandbox.Config{Domain: Domain, Accounts: accounts, Logger: log.With("component", "mail"),
		IMAPAddr: pickAddr(o.IMAPAddr, "127.0.0.1:1143"), SMTPAddr: pickAddr(o.SMTPAddr, "127.0.0.1:1587"),
		Persist: filepath.Join(dir, "mail")})
	if err != nil {
		return nil, fmt.Errorf("mail servers: %w", err)
	}
	s.Mail = mail

	admin := o.AdminAddr
	if admin == "" {
		admin = "127.0.0.1:0"
	}
	progress(StageTicketd)
	text := configText(s.DBURL, mail.IMAPAddr(), mail.SMTPAddr(), admin)
	c, err := config.Parse([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("sandbox configuration: %w", err)
	}
	s.Config = c
	s.ConfigPath = filepath.Join(dir, ConfigFile)
	if err := os.WriteFile(s.ConfigPath, []byte(text), 0o600); err != nil {
		return nil, fmt.Errorf("writing the sandbox's configuration: %w", err)
	}
	c.Path = s.ConfigPath

	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.done = make(chan error, 1)
	ready := make(chan *daemon.Daemon, 1)
	go func() {
		s.done <- daemon.Run(rctx, daemon.Options{Config: c, Logger: log, Ready: func(d *daemon.Daemon) { ready <- d },
			ShutdownTimeout: 10 * time.Second, LeaseRetry: 500 * time.Millisecond})
	}()
	select {
	case d := <-ready:
		s.Daemon = d
	case err := <-s.done:
		if err == nil {
			err = errors.New("ticketd stopped at start")
		}
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ok = true
	return s, nil
}

// Stop shuts ticketd, the mail servers (saving the mailboxes) and
// PostgreSQL down.
func (s *Sandbox) Stop() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
		s.cancel = nil
	}
	if s.Mail != nil {
		s.Mail.Close()
		s.Mail = nil
	}
	if s.cluster != nil {
		s.cluster.Stop()
		s.cluster = nil
	}
}

// Wait blocks until ctx ends, then stops the sandbox.
func (s *Sandbox) Wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.done:
		s.cancel = nil
	}
	s.Stop()
}

// startPostgres starts the private cluster on the port of its first start,
// kept in portFile, so that its address does not change between runs.
func startPostgres(ctx context.Context, dir string) (*pgcluster.Cluster, error) {
	if _, err := pgcluster.FindBin(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoPostgres, err)
	}
	pf := filepath.Join(dir, portFile)
	port := 0
	if b, err := os.ReadFile(pf); err == nil {
		port, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	remembered := port > 0
	if !remembered {
		port = DefaultPostgresPort
		if !portFree(port) {
			port = 0 // pgcluster picks a free one
		}
	}
	c, err := pgcluster.Start(ctx, filepath.Join(dir, "pg"), port)
	if err != nil {
		if remembered && !portFree(port) {
			return nil, &PortInUseError{Port: port, File: pf}
		}
		return nil, fmt.Errorf("PostgreSQL for the sandbox: %w", err)
	}
	if err := os.WriteFile(pf, []byte(strconv.Itoa(c.Port)+"\n"), 0o644); err != nil {
		c.Stop()
		return nil, fmt.Errorf("PostgreSQL for the sandbox: %w", err)
	}
	return c, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// pickAddr returns want (or def) when that port is free, else a free port.
func pickAddr(want, def string) string {
	if want != "" {
		return want
	}
	l, err := net.Listen("tcp", def)
	if err != nil {
		return "127.0.0.1:0"
	}
	l.Close()
	return def
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// configText is the sandbox's ticketd.toml: the same keys an operator
// writes for a real mailbox.
func configText(dbURL, imapAddr, smtpAddr, admin string) string {
	people := ""
	for _, p := range People {
		if p.Alias == "" {
			continue
		}
		lang := p.Lang
		if lang == "" {
			lang = "es"
		}
		levels := ""
		for i, l := range p.Levels {
			if i > 0 {
				levels += ", "
			}
			levels += strconv.Itoa(l)
		}
		people += fmt.Sprintf("[[people]]\nemail = %q\nname = %q\nrole = %q\nlevels = [%s]\nalias = %q\nlanguage = %q\n\n",
			p.Address, p.Name, p.Role, levels, p.Alias, lang)
	}
	return fmt.Sprintf(`[database]
url = %q

[desk]
name = %q
address = %q
subject_tag = "OTI"
language = "es"

%s
[[services]]
name = "impresoras"
keywords = ["impresora", "impresoras", "no imprime"]
body_keywords = ["tóner", "escáner"]
level = 2
assignee = "sitio1"

[[services]]
name = "correo"
keywords = ["outlook", "buzón", "correo institucional"]
body_keywords = ["outlook", "buzón de correo"]
level = 2
assignee = "lperez"

[imap]
address = %q
tls = "none"
username = %q
password = %q
poll_interval = "5s"

[smtp]
address = %q
tls = "none"
username = %q
password = %q
connections = 2

[timers]
interval = "10s"

[admin]
address = %q
`, dbURL, Desk.Name, Desk.Address, people, imapAddr, Desk.Address, Password, smtpAddr, Desk.Address, Password, admin)
}
