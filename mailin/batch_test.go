package mailin_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/mailin/imapin"
)

// A batch must leave exactly the rows that the same messages leave when
// each is handled alone (a batch of one), and the runs that open new
// requests together exactly the rows of the general path (process). These
// tests run the same batches through Handle, through HandleSequentially
// and through HandleByProcess, each on a database of its own at a fixed
// time, and compare everything the intake writes, row by row.

// batchMessage is one message of a test batch.
type batchMessage struct {
	name   string
	raw    string
	tooBig bool
}

func withAttachment(from, subject, msgID string) string {
	return "From: " + from + "\r\nTo: " + desk + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + msgID + ">\r\n" +
		"Date: Mon, 02 Mar 2026 10:00:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>Buenos d=EDas, adjunto el informe.</p>\r\n" +
		"--b\r\nContent-Type: application/pdf; name=\"informe.pdf\"\r\nContent-Disposition: attachment; filename=\"informe.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=\"logo.png\"\r\nContent-ID: <logo>\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
}

// mixedBatch has every kind of message the intake tells apart: requests
// that only open a ticket (the batch path) and the others (process), in
// an order where each depends on what came before.
func mixedBatch() []batchMessage {
	ms := []batchMessage{
		{"request with attachments", withAttachment("Ana <ana@example.gov.co>", "=?ISO-8859-1?Q?Ay=FAdame=2C_no_enciende?=", "r1@example.gov.co"), false},
		{"request routed by keyword", mail("Pedro <pedro@example.gov.co>", desk, "La impresora no imprime", "r2@example.gov.co", "", "La impresora del piso 3."), false},
		{"reply in the batch's own thread", mail("ana@example.gov.co", desk, "Re: Ayúdame", "r3@example.gov.co", "In-Reply-To: <r1@example.gov.co>\r\n", "Sigue igual."), false},
		{"the same message again", mail("Pedro <pedro@example.gov.co>", desk, "La impresora no imprime", "r2@example.gov.co", "", "La impresora del piso 3."), false},
		{"auto-reply", mail("robot@example.gov.co", desk, "Fuera de la oficina", "r5@example.gov.co", "Auto-Submitted: auto-replied\r\nIn-Reply-To: <r2@example.gov.co>\r\n", "Vuelvo el lunes."), false},
		{"no From", "To: " + desk + "\r\nSubject: sin remitente\r\nMessage-ID: <r6@example.gov.co>\r\n\r\nhola\r\n", false},
		{"subject tag from a stranger", mail("extra@example.gov.co", desk, "[OTI-1] me sumo", "r7@example.gov.co", "", "Yo también."), false},
		{"request by a desk agent", mail("Juan Gómez <jgomez@example.gov.co>", desk, "Mi propio equipo", "r8@example.gov.co", "", "No arranca."), false},
		{"no Message-ID", "From: luis@example.gov.co\r\nTo: " + desk + "\r\nSubject: sin id\r\n\r\nTexto.\r\n", false},
		{"too big", "From: big@example.gov.co\r\nTo: " + desk + "\r\nSubject: grande\r\nMessage-ID: <r10@example.gov.co>\r\n\r\n", true},
		{"reply by References only", mail("pedro@example.gov.co", desk, "Re: impresora", "r11@example.gov.co", "References: <zz@x> <r2@example.gov.co>\r\n", "Ya revisé el papel."), false},
		{"empty subject", mail("Rosa <rosa@example.gov.co>", desk, "", "r12@example.gov.co", "", "El correo no sincroniza desde ayer en la tarde."), false},
		{"a request too large to batch", mail("Marta <marta@example.gov.co>", desk, "Registro adjunto", "r13@example.gov.co", "",
			strings.Repeat("línea del registro de errores\r\n", 40000)), false},
	}
	// One requester past the per-recipient cap (20 an hour): the last
	// acknowledgements are held and put on record.
	for i := range 23 {
		ms = append(ms, batchMessage{fmt.Sprintf("sofia %d", i+1),
			mail("Sofía <sofia@example.gov.co>", desk, fmt.Sprintf("Solicitud %d", i+1), fmt.Sprintf("s%d@example.gov.co", i), "", "Texto."), false})
	}
	return ms
}

func fetched(ms []batchMessage, firstUID uint32) []imapin.Fetched {
	var out []imapin.Fetched
	for i, m := range ms {
		f := imapin.Fetched{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: firstUID + uint32(i),
			Size: int64(len(m.raw)), Raw: []byte(m.raw), TooBig: m.tooBig}
		if m.tooBig {
			f.Size = 50 << 20
		}
		out = append(out, f)
	}
	return out
}

// batchAt is the tests' transaction time. Some rows are stamped with the
// wall clock instead (a quarantine notice has no transaction time to
// carry); the dumps print those as "wall clock".
var batchAt = time.Date(2026, 3, 2, 15, 4, 5, 123456789, time.UTC)

func TestBatchWritesWhatOneAtATimeWrites(t *testing.T) {
	at := batchAt
	batches := [][]imapin.Fetched{
		fetched(mixedBatch(), 1),
		fetched([]batchMessage{
			{"stored before, through another position", withAttachment("Ana <ana@example.gov.co>", "=?ISO-8859-1?Q?Ay=FAdame=2C_no_enciende?=", "r1@example.gov.co"), false},
			{"a participant's new request", mail("ana@example.gov.co", desk, "Otra cosa", "n1@example.gov.co", "", "La pantalla parpadea."), false},
			{"a reply to the first batch", mail("rosa@example.gov.co", desk, "Re: correo", "n2@example.gov.co", "In-Reply-To: <r12@example.gov.co>\r\n", "Gracias."), false},
		}, 100),
	}
	batches = append(batches, batches[1]) // the same UIDs again: handled before
	// mode: "process" (no runs), "sequential" (batches of one), "batch",
	// or "prepared" (Prepare first, as the poller does while the batch
	// before is handled).
	run := func(mode string) (*env, [][]imapin.Outcome) {
		e := newEnv(t)
		e.in.Service.Now = func() time.Time { return at }
		var outs [][]imapin.Outcome
		for _, b := range batches {
			var (
				out []imapin.Outcome
				err error
			)
			switch mode {
			case "process":
				out, err = e.in.HandleByProcess(context.Background(), b)
			case "sequential":
				out, err = e.in.HandleSequentially(context.Background(), b)
			case "prepared":
				b = slices.Clone(b)
				e.in.Prepare(b)
				for _, f := range b {
					if f.Prepared == nil {
						t.Fatalf("uid %d not prepared", f.UID)
					}
				}
				out, err = e.in.Handle(context.Background(), b)
			default:
				out, err = e.in.Handle(context.Background(), b)
			}
			if err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
			outs = append(outs, out)
		}
		return e, outs
	}
	want, wantOut := run("process")
	var got *env
	for _, mode := range []string{"sequential", "batch", "prepared"} {
		g, gotOut := run(mode)
		got = g
		if fmt.Sprint(gotOut) != fmt.Sprint(wantOut) {
			t.Errorf("outcomes differ:\n %s: %v\n through process: %v", mode, gotOut, wantOut)
		}
		for _, table := range dumps {
			w, g := dump(t, want.db, table.query), dump(t, got.db, table.query)
			if len(w) == 0 && table.name != "attachments of messages without a ticket" {
				t.Errorf("%s: nothing written, the scenario does not exercise it", table.name)
			}
			if !slices.Equal(g, w) {
				t.Errorf("%s: %s differ (%d rows, %d through process); first difference:\n%s", mode, table.name, len(g), len(w), firstDiff(g, w))
			}
		}
	}
	// The scenario reaches both paths and the cap.
	if n := got.count(`SELECT count(*) FROM outbox WHERE status = 'held'`); n != 3 {
		t.Errorf("%d notifications held, want 3 (the scenario must cross the cap)", n)
	}
	if n := got.count(`SELECT count(*) FROM tickets WHERE service = 'impresoras'`); n != 1 {
		t.Errorf("%d routed tickets, want 1", n)
	}
}

// dumps are the rows the intake writes, without the ids whose interleaving
// across tables may differ: a message is named by its content hash or its
// Message-ID, an event by its ticket and sequence number. Our own
// Message-IDs are random and compared by shape.
var dumps = []struct{ name, query string }{
	{"tickets", `SELECT id, subject, requester, requester_name, state, level, service, assignee, COALESCE(linked_to, 0),
		lang, created_at, updated_at, level_since, resolved_at, reminded_at FROM tickets ORDER BY id`},
	{"events", `SELECT e.ticket_id, e.seq, e.kind, e.activities, e.actor, e.actor_role, e.level_before, e.level_after,
		e.state_before, e.state_after, e.assignee_before, e.assignee_after, e.service, e.public, e.note, e.requester,
		COALESCE(m.content_hash, m.message_id, ''), e.at
		FROM events e LEFT JOIN messages m ON m.id = e.message_row ORDER BY e.ticket_id, e.seq`},
	{"messages of each ticket, in order", `SELECT ticket_id, direction, message_id, in_reply_to, refs, from_addr, from_name,
		to_addrs, cc_addrs, subject, body, full_text, content_hash, md5(raw), auto_kind, status, reason, created_at
		FROM messages ORDER BY ticket_id NULLS FIRST, id`},
	{"attachments", `SELECT m.content_hash, a.filename, a.content_type, a.content_id, a.inline, a.size, md5(a.data)
		FROM attachments a JOIN messages m ON m.id = a.message_row ORDER BY m.ticket_id, m.id, a.id`},
	{"attachments of messages without a ticket", `SELECT m.content_hash, a.filename FROM attachments a
		JOIN messages m ON m.id = a.message_row WHERE m.ticket_id IS NULL ORDER BY m.id, a.id`},
	{"outbox", `SELECT o.ticket_id, o.kind, o.recipient, o.recipient_name, o.reply_to, m.html_body, o.auto_submitted,
		o.status, o.attempts, o.next_attempt_at, o.last_error, regexp_replace(COALESCE(o.dedup_key, ''), '^ev:[0-9]+:', 'ev:'),
		e.ticket_id, e.seq, o.created_at, m.message_id, m.in_reply_to, m.refs, m.subject, m.body, m.to_addrs
		FROM outbox o JOIN messages m ON m.id = o.message_row LEFT JOIN events e ON e.id = o.event_id
		ORDER BY o.ticket_id NULLS FIRST, o.id`},
	{"positions", `SELECT p.account, p.mailbox, p.uidvalidity, p.uid, COALESCE(m.content_hash, ''), p.quarantine, p.reason
		FROM mailbox_positions p LEFT JOIN messages m ON m.id = p.message_row ORDER BY p.uid`},
	{"cursor", `SELECT account, mailbox, uidvalidity, last_uid, last_success FROM mailbox_state ORDER BY 1, 2`},
}

// ourID matches the Message-IDs the notifier makes: "ticketd.<ticket>.<random>@domain".
var ourID = regexp.MustCompile(`ticketd\.([0-9]+)\.[a-z2-7]+@`)

func dump(t *testing.T, db *sqlx.DB, query string) []string {
	t.Helper()
	rows, err := db.Queryx(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		cols, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteString(" | ")
			}
			switch v := c.(type) {
			case []byte:
				b.Write(v)
			case time.Time:
				if d := v.Sub(batchAt); d < -time.Microsecond || d > time.Microsecond {
					b.WriteString("wall clock")
				} else {
					b.WriteString(v.UTC().Format(time.RFC3339Nano))
				}
			default:
				fmt.Fprint(&b, v)
			}
		}
		out = append(out, ourID.ReplaceAllString(b.String(), "ticketd.$1.*@"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func firstDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("row %d\n got:             %.300s\n through process: %.300s", i, strings.ReplaceAll(g, "\n", " "), strings.ReplaceAll(w, "\n", " "))
		}
	}
	return ""
}

// TestAFailingMessageFailsAloneInItsBatchOfOne: a message whose processing
// fails fails its batch; the batch is then handled one message at a time,
// each a batch of one through the same code, so the others are opened and
// only the failing one is quarantined.
func TestAFailingMessageFailsAloneInItsBatchOfOne(t *testing.T) {
	e := newEnv(t)
	e.in.Service.Notifier = failOn{Notifier: e.in.Service.Notifier, marker: "FALLA"}
	outcomes := map[string]int{}
	e.in.OnMessage = func(outcome, _ string) { outcomes[outcome]++ }
	var ms []batchMessage
	for i := 1; i <= 5; i++ {
		subject := fmt.Sprintf("Caso %d", i)
		if i == 3 {
			subject = "FALLA en la impresora"
		}
		ms = append(ms, batchMessage{subject, mail(fmt.Sprintf("u%d@example.gov.co", i), desk, subject, fmt.Sprintf("f%d@example.gov.co", i), "", "Texto."), false})
	}
	out, err := e.in.Handle(context.Background(), fetched(ms, 1))
	if err != nil || len(out) != 5 {
		t.Fatal(out, err)
	}
	for i, o := range out {
		if failing := i == 2; o.Quarantine != failing || (failing && !strings.HasPrefix(o.Reason, "processing failed")) {
			t.Errorf("message %d: outcome %+v", i+1, o)
		}
	}
	if fmt.Sprint(outcomes) != "map[opened:4 quarantined:1]" {
		t.Errorf("outcomes counted: %v", outcomes)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 4 {
		t.Errorf("%d tickets, want 4", n)
	}
	if n := e.count(`SELECT count(*) FROM mailbox_positions WHERE quarantine`); n != 1 {
		t.Errorf("%d quarantined positions, want 1", n)
	}
	if n := e.count(`SELECT last_uid FROM mailbox_state`); n != 5 {
		t.Errorf("cursor = %d, want 5", n)
	}
}

// TestABatchOfTwoMailboxes: a batch that is not one mailbox's is handled
// as consecutive runs, each asking the database about its own mailbox, and
// each mailbox's cursor moves to its own last UID.
func TestABatchOfTwoMailboxes(t *testing.T) {
	e := newEnv(t)
	var batch []imapin.Fetched
	for i, mb := range []string{"INBOX", "INBOX", "Otra", "INBOX"} {
		raw := mail(fmt.Sprintf("u%d@example.gov.co", i), desk, fmt.Sprintf("Caso %d", i), fmt.Sprintf("m%d@example.gov.co", i), "", "Texto.")
		batch = append(batch, imapin.Fetched{Account: "default", Mailbox: mb, UIDValidity: 7, UID: uint32(10 + i), Raw: []byte(raw)})
	}
	// UID 12 of INBOX was handled before, another message: UID 12 of
	// "Otra" is new all the same.
	before := mail("ana@example.gov.co", desk, "Antes", "antes@example.gov.co", "", "Texto.")
	if _, err := e.in.Handle(context.Background(), []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: 12,
		Raw: []byte(before)}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.in.Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 5 {
		t.Errorf("%d tickets, want 5 (outcomes %v)", n, out)
	}
	for mb, want := range map[string]int{"INBOX": 13, "Otra": 12} {
		if n := e.count(`SELECT last_uid FROM mailbox_state WHERE mailbox = $1`, mb); n != want {
			t.Errorf("%s: cursor %d, want %d", mb, n, want)
		}
	}
	if n := e.count(`SELECT count(*) FROM mailbox_positions`); n != 5 {
		t.Errorf("%d positions, want 5", n)
	}
}
