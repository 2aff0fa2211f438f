package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

// TestSystemNotesReadInTheReadersLanguage: on a Spanish desk, the intake
// writes what it refused or kept quietly (and the timers and the outbox
// what they did) on the record; `tickets show` words each note in Spanish
// by default and in English with --lang en, naming people by name, and
// --json carries the note's data and its words for the reader.
func TestSystemNotesReadInTheReadersLanguage(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	conf, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if conf.Desk.Language != "es" {
		t.Fatalf("the example desk speaks %q; this test is of a Spanish desk", conf.Desk.Language)
	}
	ctx := context.Background()
	db, err := daemon.OpenDB(ctx, conf.Database.URL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	parts, err := daemon.Build(ctx, conf, db)
	if err != nil {
		t.Fatal(err)
	}
	in := parts.Intake(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	desk := conf.Desk.Address
	var uid atomic.Uint32
	deliver := func(raw string) {
		t.Helper()
		n := uid.Add(1)
		if _, err := in.Handle(ctx, []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 1, UID: n,
			Size: int64(len(raw)), Raw: []byte(raw)}}); err != nil {
			t.Fatalf("Handle: %v", err)
		}
	}
	msg := func(from, to, subject, id, inReplyTo string, headers, body string) string {
		h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 2 Mar 2026 10:00:00 -0500\r\n", from, to, subject, id)
		if inReplyTo != "" {
			h += fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
		}
		return h + headers + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
	}
	token := func(id int64, who string) string {
		a, err := replytoken.Address(desk, parts.Signer.Sign(id, who, time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	// Ticket 1: new, unclassified. Ticket 2: routed by its subject.
	deliver(msg("Ana Suárez <ana@example.gov.co>", desk, "El equipo no enciende", "req1@example.gov.co", "", "", "No enciende desde ayer."))
	deliver(msg("Pedro <pedro@example.gov.co>", desk, "La impresora no imprime", "req2@example.gov.co", "", "", "Sale en blanco."))
	// A verified desk agent closes a ticket that is not resolved: refused.
	deliver(msg("Juan Gómez <jgomez@example.gov.co>", token(1, "jgomez@example.gov.co"), "Re: [OTI-1] El equipo no enciende",
		"c1@example.gov.co", "req1@example.gov.co", "", "#cerrar"))
	// The requester sends a command: only support staff run them.
	deliver(msg("Ana Suárez <ana@example.gov.co>", token(1, "ana@example.gov.co"), "Re: [OTI-1] El equipo no enciende",
		"c2@example.gov.co", "req1@example.gov.co", "", "#nivel 2\r\nYa lo reinicié."))
	// A desk agent's command and comment, not through a reply address.
	deliver(msg("Juan Gómez <jgomez@example.gov.co>", desk, "Re: [OTI-1] El equipo no enciende",
		"c3@example.gov.co", "req1@example.gov.co", "", "#nivel 2"))
	deliver(msg("Juan Gómez <jgomez@example.gov.co>", desk, "Re: [OTI-1] El equipo no enciende",
		"c4@example.gov.co", "req1@example.gov.co", "", "Revisé el cable de poder."))
	// An out-of-office answer in the thread, and a bounce of it.
	deliver(msg("Ana Suárez <ana@example.gov.co>", desk, "Fuera de la oficina", "a1@example.gov.co", "req1@example.gov.co",
		"Auto-Submitted: auto-replied\r\n", "Estoy de vacaciones."))
	deliver("From: MAILER-DAEMON@mx.example.gov.co\r\nTo: " + desk + "\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Message-ID: <b1@mx.example.gov.co>\r\nDate: Mon, 2 Mar 2026 10:00:00 -0500\r\nReferences: <req1@example.gov.co>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.gov.co\r\n\r\n" +
		"Final-Recipient: rfc822; ana@example.gov.co\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <req1@example.gov.co>\r\nSubject: El equipo no enciende\r\n\r\n--B--\r\n")
	// The timers and the outbox write theirs through the service, as
	// internal/daemon and mailout do (their own tests check they do).
	err = parts.Service.InTx(ctx, func(tx *service.Tx) error {
		for _, n := range []tickets.Note{
			{Code: tickets.NoteReminder, Waited: 72 * time.Hour, Level: 1},
			{Code: tickets.NoteDeliveryFailed, Notice: "case_assigned", Address: "sitio1@example.gov.co", Detail: "550 5.1.1 user unknown"},
			{Code: tickets.NoteNoticeHeld, Notice: "command_result", Address: "ana@example.gov.co"},
		} {
			kind := map[tickets.NoteCode]tickets.EventKind{tickets.NoteReminder: tickets.EventReminded,
				tickets.NoteDeliveryFailed: tickets.EventDeliveryFailed, tickets.NoteNoticeHeld: tickets.EventCapped}[n.Code]
			if _, err := tx.RecordNote(1, kind, tickets.System, n, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	es := mustRun(t, append(c, "tickets", "show", "1")...)
	en := mustRun(t, append(c, "-lang", "en", "tickets", "show", "1")...)
	es2 := mustRun(t, append(c, "tickets", "show", "2")...)
	en2 := mustRun(t, append(c, "-lang", "en", "tickets", "show", "2")...)
	for _, tc := range []struct {
		code   tickets.NoteCode
		es, en string // what the note reads in each language
		ticket int
	}{
		{tickets.NoteCommandsRefused, "Comando rechazado; no se aplicó nada del mensaje: #cerrar: el caso está sin clasificar; solo se cierra un",
			"Command refused; nothing of the message was applied: #cerrar: ticket is new, not yet classified; only a", 1},
		{tickets.NoteCommandsOutsider, "Comandos de Ana Suárez no aplicados: solo el personal de soporte ejecuta comandos: #nivel 2",
			"Commands from Ana Suárez not applied: only support staff run commands: #nivel 2", 1},
		{tickets.NoteCommandsUnverified, "Comandos de Juan Gómez no aplicados: no se verificó su identidad (el mensaje no llegó",
			"Commands from Juan Gómez not applied: identity not verified (the message did not come", 1},
		{tickets.NoteUnverifiedKept, "Mensaje de Juan Gómez sin identidad verificada, guardado como interno (el mensaje no",
			"Unverified message from Juan Gómez kept internal (the message did not come through", 1},
		{tickets.NoteAutomaticKept, "Correo automático de Ana Suárez guardado sin avisar a nadie (Auto-Submitted: auto-replied): Fuera",
			"Automatic mail from Ana Suárez kept without notifying anyone (Auto-Submitted: auto-replied):", 1},
		{tickets.NoteBounceReported, "Falla de entrega informada por mailer-daemon@mx.example.gov.co",
			"Delivery failure reported by mailer-daemon@mx.example.gov.co", 1},
		{tickets.NoteReminder, "El caso lleva más de 3 días en el nivel 1", "The ticket has waited more than 3 days at level 1", 1},
		{tickets.NoteDeliveryFailed, "No se pudo entregar el aviso de caso asignado a Carlos Díaz: 550 5.1.1 user unknown",
			"Could not deliver the notice of an assigned ticket to Carlos Díaz: 550 5.1.1 user unknown", 1},
		{tickets.NoteNoticeHeld, "Aviso retenido por el límite de avisos por destinatario: la respuesta a los comandos para Ana Suárez",
			"Notice held back by the per-recipient limit: the answer to the commands to Ana Suárez", 1},
		{tickets.NoteRoutedKeyword, "Clasificado por el catálogo: la palabra «impresora» en el asunto.",
			"Routed by the catalogue: the keyword \"impresora\" in the subject.", 2},
	} {
		gotES, gotEN := es, en
		if tc.ticket == 2 {
			gotES, gotEN = es2, en2
		}
		if !strings.Contains(oneSpaced(gotES), tc.es) {
			t.Errorf("%s: tickets show (Spanish, the default) lacks %q:\n%s", tc.code, tc.es, gotES)
		}
		if !strings.Contains(oneSpaced(gotEN), tc.en) {
			t.Errorf("%s: tickets show --lang en lacks %q:\n%s", tc.code, tc.en, gotEN)
		}
	}
	// The bounce's recipients are read too, and nothing shows a raw word.
	if !strings.Contains(es, "ana@example.gov.co: 5.1.1") {
		t.Errorf("the bounce's recipient is not shown:\n%s", es)
	}
	for _, bad := range []string{"Comando rechazado", "Comandos de", "Falla de entrega", "El caso lleva", "Clasificado por", "sin clasificar"} {
		if strings.Contains(en+en2, bad) {
			t.Errorf("the English record says %q:\n%s", bad, en)
		}
	}
	for _, bad := range []string{"Command refused", "Commands from", "Delivery failure", "waited more", "Routed by", "identity.", "case_assigned", "nuevo;"} {
		if strings.Contains(es+es2, bad) {
			t.Errorf("the Spanish record says %q:\n%s", bad, es)
		}
	}
	// --json: the note's code and arguments, and its words for the reader.
	js := mustRun(t, append(c, "-lang", "en", "tickets", "show", "--json", "1")...)
	for _, w := range []string{`"note_data": {`, `"code": "commands.refused"`, `"code": "close.state"`, `"state": "nuevo"`,
		`"note": "Command refused; nothing of the message was applied: #cerrar: ticket is new, not yet classified; only a resolved ticket is closed"`} {
		if !strings.Contains(js, w) {
			t.Errorf("tickets show --json lacks %s:\n%s", w, js)
		}
	}
}

// oneSpaced joins the lines tickets show wraps, so a note reads as one.
func oneSpaced(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return strings.Join(out, " ")
}
