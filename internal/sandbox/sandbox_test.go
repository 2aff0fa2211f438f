package sandbox

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

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
		var out bytes.Buffer
		if err := sb.Walkthrough(context.Background(), &out); err != nil {
			t.Fatalf("walkthrough %d: %v\n%s", i+1, err, out.String())
		}
		s := out.String()
		for _, want := range []string{"caso " + ref + ": estado cerrado", "11 Cierre definitivo; 12 Fin", "Case assigned (Level 3)", "Su caso fue reabierto"} {
			if !strings.Contains(s, want) {
				t.Errorf("walkthrough %d: the timeline lacks %q:\n%s", i+1, want, s)
			}
		}
	}
}
