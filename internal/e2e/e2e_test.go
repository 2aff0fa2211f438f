// Package e2e plays the support procedure by email only, against real
// servers: PostgreSQL, Dovecot holding every mailbox, an SMTP server that
// delivers into Dovecot, and ticketd run in this process.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/service"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	removeBinaries() // the ticketd binaries the fault suite and benchmarks ran
	os.Exit(code)
}

// spanishRequest is what a Spanish mail client sends: an ISO-8859-1
// subject, an HTML body and an attachment with an RFC 2231 file name.
func spanishRequest(from, msgID string) string {
	return "From: =?ISO-8859-1?Q?Ana_Mar=EDa_Su=E1rez?= <" + from + ">\r\n" +
		"To: Mesa de Servicio <" + deskAddr + ">\r\n" +
		"Subject: =?ISO-8859-1?Q?Ay=FAdame=2C_no_imprime?=\r\n" +
		"Message-ID: <" + msgID + ">\r\n" +
		"Date: Mon, 02 Mar 2026 08:15:00 -0500\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"limite\"\r\n\r\n" +
		"--limite\r\n" +
		"Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<html><body><p>Buenos d=EDas,</p><p>La impresora del piso 3 no imprime desde ayer. Adjunto el informe.</p>" +
		"<p>Gracias,<br>Ana Mar=EDa</p></body></html>\r\n" +
		"--limite\r\n" +
		"Content-Type: application/pdf; name=\"informe.pdf\"\r\n" +
		"Content-Disposition: attachment; filename*=UTF-8''informe%20a%C3%B1o.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" +
		"JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK\r\n" +
		"--limite--\r\n"
}

// TestWholeProcedureByEmail is issue 6's scenario: every step by email, as
// people would, and the record and the mailboxes checked at the end.
func TestWholeProcedureByEmail(t *testing.T) {
	w := newWorld(t)
	dbURL := pgtest.URL(t)
	w.ticketd(dbURL, "")
	inbox := func(u string) *mailbox { return &mailbox{w: w, user: u} }

	// 1. The requester writes; she is acknowledged with the ticket number.
	w.send(ana, []string{deskAddr}, spanishRequest(ana, "pedido-1@example.gov.co"))
	ack := inbox(ana).waitFor("[OTI-1] Recibimos su solicitud: Ayúdame, no imprime")
	if ack.InReplyTo[0] != "pedido-1@example.gov.co" {
		t.Errorf("acknowledgement does not thread: In-Reply-To %v", ack.InReplyTo)
	}
	if got := ack.HeaderValue("Auto-Submitted"); got != "auto-replied" {
		t.Errorf("acknowledgement Auto-Submitted = %q", got)
	}
	newCase := inbox(jgomez).waitFor("[OTI-1] Nuevo caso")
	if !strings.Contains(newCase.Text, "informe año.pdf") {
		t.Errorf("the desk's notice does not name the attachment:\n%s", newCase.Text)
	}

	// 2. The desk classifies to level 2 and assigns the specialist.
	w.reply(jgomez, newCase, "#nivel 2\n#asignar lperez\nPor favor revisar la cola de impresión.")
	assigned := inbox(lperez).waitFor("[OTI-1] Caso asignado (Nivel 2)")
	inbox(jgomez).waitFor("[OTI-1] Resultado de sus comandos")
	inbox(ana).waitFor("[OTI-1] Su caso está en Nivel 2")

	// 3. The specialist escalates to the provider (level 3).
	w.reply(lperez, assigned, "#escalar a proveedor1\nEl fusor está dañado; requiere garantía.")
	provCase := inbox(provider).waitFor("[OTI-1]")
	if !strings.Contains(provCase.Subject, "Level 3") {
		t.Errorf("the provider's notice (English) = %q", provCase.Subject)
	}

	// 4. The provider resolves; the requester is told.
	w.reply(provider, provCase, "#resolver Se reemplazó el fusor en garantía.")
	resolved := inbox(ana).waitFor("[OTI-1] Su solicitud fue resuelta")

	// 5. The requester reopens; back at level 1 and the desk is told.
	w.reply(ana, resolved, "#reabrir\nSigue saliendo manchada la hoja.")
	reopenNotice := inbox(jgomez).waitFor("[OTI-1] Caso reabierto")
	inbox(ana).waitFor("[OTI-1] Su caso fue reabierto")

	// 6. The desk resolves and closes.
	w.reply(jgomez, reopenNotice, "#resolver Se limpió el rodillo.\n#cerrar")
	inbox(ana).waitFor("[OTI-1] Caso cerrado")

	// The record: `ticketd tickets show --json` lists the activities in order.
	db := sqlx.MustOpen("postgres", dbURL)
	defer db.Close()
	svc := &service.Service{DB: db, Tag: "OTI"}
	d, err := svc.Show(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(d)
	want := []int{1, 2, 3, 6, 6, 7, 8, 9, 10, 11, 4, 5, 11, 12}
	var acts []int
	for _, e := range d.Events {
		if e.Kind != "commented" && e.Kind != "noted" {
			acts = append(acts, e.Activities...)
		}
	}
	if !slices.Equal(acts, want) {
		t.Errorf("activities = %v, want %v\n%s", acts, want, buf.String())
	}
	if d.State != "cerrado" || d.Level != 1 {
		t.Errorf("final ticket: %s level %d", d.State, d.Level)
	}
	if n := len(d.Messages); n < 8 {
		t.Errorf("only %d messages on record", n)
	}
	var attached bool
	for _, m := range d.Messages {
		for _, a := range m.Attachments {
			attached = attached || a.Filename == "informe año.pdf"
		}
	}
	if !attached {
		t.Error("the request's attachment is not on record")
	}
	checkOutboxRefs(t, db)

	// Every notification arrived exactly once, and threads.
	for _, u := range everyone[1:] {
		seen := map[string]int{}
		for _, m := range inbox(u).list() {
			if m.HeaderValue("X-Ticketd-Loop") == "" {
				continue // a person's own mail
			}
			seen[m.MessageID]++
			if len(m.InReplyTo) == 0 || len(m.References) == 0 {
				t.Errorf("%s: %q does not thread (In-Reply-To %v, References %v)", u, m.Subject, m.InReplyTo, m.References)
			}
			if !strings.Contains(m.Subject, "[OTI-1]") {
				t.Errorf("%s: %q lacks the ticket tag", u, m.Subject)
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s got %s %d times", u, id, n)
			}
		}
	}
}
