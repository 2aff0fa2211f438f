package sandbox

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/tickets/service"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func start(t *testing.T) *Sandbox {
	t.Helper()
	sb, err := Start(context.Background(), Options{Dir: t.TempDir(), DatabaseURL: pgtest.URL(t),
		IMAPAddr: "127.0.0.1:0", SMTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Stop)
	return sb
}

// TestPeopleUseTheSandbox drives the sandbox as a user would, with an
// ordinary SMTP and IMAP client: a request, its acknowledgement, and a
// specialist's reply with a command that moves the ticket.
func TestPeopleUseTheSandbox(t *testing.T) {
	sb := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ana := sb.Client("ana.suarez@example.gov.co")
	raw := "From: Ana <ana.suarez@example.gov.co>\r\nTo: soporte.oti@example.gov.co\r\nSubject: No abre el correo en Outlook\r\n" +
		"Message-ID: <t1@example.gov.co>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOutlook se cierra al abrir.\r\n"
	if err := ana.Send([]string{"soporte.oti@example.gov.co"}, raw); err != nil {
		t.Fatal(err)
	}
	ack, err := ana.WaitFor(ctx, "[OTI-1] Recibimos su solicitud")
	if err != nil {
		t.Fatal(err)
	}
	if len(ack.InReplyTo) == 0 || ack.InReplyTo[0] != "t1@example.gov.co" {
		t.Errorf("acknowledgement does not answer the request: %v", ack.InReplyTo)
	}
	// The catalogue routes "correo"/"outlook" to the specialist at level 2.
	lperez := sb.Client("lperez@example.gov.co")
	assigned, err := lperez.WaitFor(ctx, "[OTI-1] Caso asignado")
	if err != nil {
		t.Fatal(err)
	}
	if err := lperez.Reply(assigned, "#resolver Se reparó el perfil de Outlook."); err != nil {
		t.Fatal(err)
	}
	if _, err := ana.WaitFor(ctx, "[OTI-1] Su solicitud fue resuelta"); err != nil {
		t.Fatal(err)
	}
	tk, err := store.GetTicket(ctx, sb.Daemon.Parts.DB, 1)
	if err != nil || tk.State != "resuelto" || tk.Level != 2 {
		t.Errorf("ticket = %+v, %v", tk, err)
	}
	// A forged command (no reply token) from a desk agent's address, who
	// could otherwise close a resolved ticket, does not move it.
	forged := "From: jgomez@example.gov.co\r\nTo: soporte.oti@example.gov.co\r\nSubject: Re: [OTI-1]\r\nIn-Reply-To: <t1@example.gov.co>\r\n" +
		"Message-ID: <forged@example.com>\r\n\r\n#cerrar\r\n"
	if err := sb.Mail.Deliver("jgomez@example.gov.co", []string{"soporte.oti@example.gov.co"}, []byte(forged)); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Client("jgomez@example.gov.co").WaitFor(ctx, "Resultado de sus comandos"); err != nil {
		t.Fatal(err)
	}
	if tk, _ := store.GetTicket(ctx, sb.Daemon.Parts.DB, 1); tk.State != "resuelto" {
		t.Errorf("a forged command closed the ticket")
	}
}

// TestWalkthroughEndsClosed runs the walkthrough twice on one sandbox, as a
// newcomer running the README's command twice would (the sandbox keeps its
// mail and database between runs).
func TestWalkthroughEndsClosed(t *testing.T) {
	sb := start(t)
	for i, ref := range []string{"OTI-1", "OTI-2"} {
		var evs []WalkEvent
		if err := sb.Walkthrough(context.Background(), func(e WalkEvent) { evs = append(evs, e) }); err != nil {
			t.Fatalf("walkthrough %d: %v", i+1, err)
		}
		last := evs[len(evs)-1]
		if last.Kind != WalkDone || last.Ref != ref || last.Detail == nil || last.Detail.State != "cerrado" {
			t.Fatalf("walkthrough %d ends with %+v", i+1, last)
		}
		acts := service.Activities(*last.Detail)
		if !slices.Contains(acts, 11) || !slices.Contains(acts, 12) {
			t.Errorf("walkthrough %d: activities %v lack the closure", i+1, acts)
		}
		var subjects []string
		settled := 0
		for _, e := range evs {
			if e.Kind == WalkSettled {
				settled++
				if e.Ref != ref {
					t.Errorf("walkthrough %d settled on %s", i+1, e.Ref)
				}
			}
			for _, m := range e.Sent {
				subjects = append(subjects, m.Subject)
			}
		}
		if settled != 6 {
			t.Errorf("walkthrough %d: %d steps settled, want 6", i+1, settled)
		}
		all := strings.Join(subjects, "\n")
		for _, want := range []string{"[" + ref + "] Case assigned (Level 3)", "[" + ref + "] Su caso fue reabierto"} {
			if !strings.Contains(all, want) {
				t.Errorf("walkthrough %d: no notification %q among\n%s", i+1, want, all)
			}
		}
	}
}

// TestConfigFileForTheCommandLine: the sandbox writes the configuration it
// runs with where the command line can read it, stages are told in order.
func TestConfigFileForTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	var stages []Stage
	sb, err := Start(context.Background(), Options{Dir: dir, DatabaseURL: pgtest.URL(t),
		IMAPAddr: "127.0.0.1:0", SMTPAddr: "127.0.0.1:0", Progress: func(s Stage) { stages = append(stages, s) }})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()
	if want := filepath.Join(dir, ConfigFile); sb.ConfigPath != want {
		t.Errorf("ConfigPath = %q, want %q", sb.ConfigPath, want)
	}
	c, err := config.Load(sb.ConfigPath)
	if err != nil {
		t.Fatalf("the written configuration does not load: %v", err)
	}
	if c.Database.URL != sb.DBURL || len(c.Accounts) != 1 || c.Accounts[0].Address != sb.Mail.IMAPAddr() || c.SMTP.Address != sb.Mail.SMTPAddr() {
		t.Errorf("written configuration: database %q, imap %+v, smtp %q", c.Database.URL, c.Accounts, c.SMTP.Address)
	}
	// With a database of its own there is no PostgreSQL stage.
	if !slices.Equal(stages, []Stage{StageMail, StageTicketd}) {
		t.Errorf("stages = %v", stages)
	}
}

// TestPostgresKeepsItsPort: the private PostgreSQL comes back on the port
// of its first start, and says so clearly when another program took it.
func TestPostgresKeepsItsPort(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c, err := startPostgres(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	first := c.Port
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c, err = startPostgres(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != first {
		t.Errorf("second start on port %d, first on %d", c.Port, first)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(first)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = startPostgres(ctx, dir)
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != first || pe.File != filepath.Join(dir, portFile) {
		t.Errorf("with the port taken: %v", err)
	}
}
