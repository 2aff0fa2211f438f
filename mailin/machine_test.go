package mailin_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusAck is the Message-ID the machine corpus's bounces and reports
// return (mailin/email/testdata/machine/SOURCE.md).
const corpusAck = "20260302150000.abc123@soporte.entidad.gov.co"

// TestMachineMailThroughTheIntake delivers every file of the machine
// corpus after a ticket was opened, with the id of that ticket's
// acknowledgement in place of the corpus's: machine mail opens no ticket
// and is answered by nobody, and what refers to the acknowledgement is
// recorded on its ticket; people's mail opens a ticket, acknowledged
// unless it asks for no automatic answer.
func TestMachineMailThroughTheIntake(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("email", "testdata", "machine", "*.eml"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("machine corpus: %d files, %v", len(paths), err)
	}
	// Returned to the desk: a record on the ticket they return.
	returns := map[string]string{
		"postfix-dsn.eml": "delivery_failed", "exim-plain.eml": "delivery_failed", "office365-ndr.eml": "delivery_failed",
		"exchange-ndr-es.eml": "delivery_failed", "gmail-dsn.eml": "delivery_failed", "qmail-plain.eml": "delivery_failed",
		"sendmail-dsn.eml": "delivery_failed", "mailer-daemon-null-from.eml": "delivery_failed", "domino-ndr.eml": "delivery_failed",
		"post-master-plain.eml": "delivery_failed", "arf-abuse.eml": "noted", "arf-no-report-type.eml": "noted",
	}
	// People's mail that asks for no automatic answer.
	noAck := map[string]bool{"human-x-auto-response-suppress.eml": true, "human-workmail-feedback-id.eml": true}
	// One database for the whole corpus (a fresh one each costs more than
	// the corpus): each file is measured by what it adds.
	shared := newEnv(t)
	id := shared.open()
	var ack string
	if err := shared.db.Get(&ack, `SELECT m.message_id FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.kind = 'opened_ack' AND o.ticket_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			e := &env{t: t, db: shared.db, in: shared.in, signer: shared.signer}
			e.uid.Store(uint32(1000 * (i + 1)))
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			outbox := e.count(`SELECT count(*) FROM outbox`)
			before := e.count(`SELECT count(*) FROM tickets`)
			events := map[string]int{}
			for _, k := range []string{"delivery_failed", "noted"} {
				events[k] = e.count(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = $2`, id, k)
			}
			kept := e.count(`SELECT count(*) FROM messages WHERE direction = 'in' AND ticket_id = $1`, id)
			out := e.deliver(strings.ReplaceAll(string(raw), corpusAck, ack))
			if out.Quarantine {
				t.Fatalf("quarantined: %s", out.Reason)
			}
			tickets := e.count(`SELECT count(*) FROM tickets`) - before
			var autoKind, reason string
			if err := e.db.QueryRow(`SELECT auto_kind, reason FROM messages WHERE direction = 'in' ORDER BY id DESC LIMIT 1`).Scan(&autoKind, &reason); err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(name, "human-") {
				if tickets != 1 || autoKind != "" {
					t.Fatalf("a person's mail: %d tickets opened (want 1), auto_kind %q", tickets, autoKind)
				}
				var opened int64
				if err := e.db.Get(&opened, `SELECT max(id) FROM tickets`); err != nil {
					t.Fatal(err)
				}
				acks := e.count(`SELECT count(*) FROM outbox WHERE kind = 'opened_ack' AND ticket_id = $1`, opened)
				desk := e.count(`SELECT count(*) FROM outbox WHERE kind = 'opened_desk' AND ticket_id = $1`, opened)
				if desk != 1 {
					t.Errorf("the desk was told %d times of the new ticket, want once", desk)
				}
				switch {
				case noAck[name] && (acks != 0 || !strings.HasPrefix(reason, "no automatic answer: ")):
					t.Errorf("%d acknowledgements (want none), reason %q", acks, reason)
				case !noAck[name] && acks != 1:
					t.Errorf("%d acknowledgements, want one", acks)
				}
				return
			}
			if tickets != 0 || autoKind == "" || !strings.HasPrefix(reason, "automatic mail: ") {
				t.Fatalf("machine mail: %d tickets opened (want none), auto_kind %q, reason %q", tickets, autoKind, reason)
			}
			if kind, ok := returns[name]; ok {
				if n := e.count(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = $2`, id, kind) - events[kind]; n != 1 {
					t.Errorf("%d %s events on the ticket it returns, want 1", n, kind)
				}
				if n := e.count(`SELECT count(*) FROM messages WHERE direction = 'in' AND ticket_id = $1`, id) - kept; n != 1 {
					t.Errorf("the machine mail is not kept on its ticket")
				}
			}
			// Nobody answers a machine; a bounce tells the desk.
			want := 0
			if returns[name] == "delivery_failed" {
				want = 1
			}
			if added := e.count(`SELECT count(*) FROM outbox`) - outbox; added != want {
				t.Errorf("%d notifications queued, want %d", added, want)
			}
		})
	}
}

// TestAutoResponseSuppressOnAReply: a person's reply that asks for no
// automatic answer is still a comment (the desk is told); only
// acknowledgements are left out, on the one-at-a-time path too.
func TestAutoResponseSuppressOnAReply(t *testing.T) {
	e := newEnv(t)
	e.open()
	e.deliver(mail("ana@example.gov.co", desk, "Re: Ayúdame", "sup1@example.gov.co",
		"In-Reply-To: <req1@example.gov.co>\r\nX-Auto-Response-Suppress: OOF\r\n", "Sigue sin encender."))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented' AND ticket_id = 1`); n != 1 {
		t.Errorf("the reply is not a comment")
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'comment' AND ticket_id = 1`); n == 0 {
		t.Errorf("the desk was not told of the comment")
	}
}

// TestDecodedNULIsNotQuarantined: NUL bytes that appear only once a part
// is decoded (quoted-printable "=00", base64), as in bounce reports and
// Office 365 mail, are stored as U+FFFD; the message opens its ticket and
// its raw source is kept byte for byte.
func TestDecodedNULIsNotQuarantined(t *testing.T) {
	for name, part := range map[string]string{
		"quoted-printable": "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhola=00mundo",
		"base64":           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\naG9sYQBtdW5kbw==",
		"html base64":      "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+aG9sYQBtdW5kbzwvcD4=",
		"invalid utf-8":    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhola=C3=28mundo=ED=A0=80",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			raw := "From: Ana <ana@example.gov.co>\r\nTo: " + desk + "\r\nSubject: Caso con NUL\r\nMessage-ID: <nul@example.gov.co>\r\nMIME-Version: 1.0\r\n" + part + "\r\n"
			if out := e.deliver(raw); out.Quarantine {
				t.Fatalf("quarantined: %s", out.Reason)
			}
			var body string
			var stored []byte
			if err := e.db.QueryRow(`SELECT body, raw FROM messages WHERE direction = 'in'`).Scan(&body, &stored); err != nil {
				t.Fatal(err)
			}
			want := "hola\uFFFDmundo"
			if name == "invalid utf-8" {
				want = "hola\u00c3(mundo" // stray bytes are read as Windows-1252, as in any text part
			}
			if !utf8.ValidString(body) || !strings.Contains(body, want) || string(stored) != raw {
				t.Errorf("body %q; raw kept as it came: %v", body, string(stored) == raw)
			}
			if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'opened_ack'`); n != 1 {
				t.Errorf("no acknowledgement")
			}
		})
	}
}

// TestEmptyAttachmentIsAnEmptyAttachment: an attachment part with an empty
// body (7bit, x-uuencode, base64) is stored with no bytes and the message
// opens its ticket, one at a time and in a batch.
func TestEmptyAttachmentIsAnEmptyAttachment(t *testing.T) {
	e := newEnv(t)
	for i, cte := range []string{"7bit", "x-uuencode", "base64"} {
		raw := "From: ana@example.gov.co\r\nTo: " + desk + "\r\nSubject: adjunto vacío " + cte + "\r\nMessage-ID: <empty" + cte + "@example.gov.co>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nVer adjunto.\r\n" +
			"--b\r\nContent-Type: application/octet-stream; name=\"vacio.bin\"\r\nContent-Disposition: attachment; filename=\"vacio.bin\"\r\n" +
			"Content-Transfer-Encoding: " + cte + "\r\n\r\n\r\n--b--\r\n"
		if i == 2 {
			// In the same message as a reply, which goes one at a time.
			raw = strings.Replace(raw, "Subject: ", "In-Reply-To: <emptyx-uuencode@example.gov.co>\r\nSubject: Re: ", 1)
		}
		if out := e.deliver(raw); out.Quarantine {
			t.Fatalf("%s: quarantined: %s", cte, out.Reason)
		}
	}
	if n := e.count(`SELECT count(*) FROM attachments WHERE filename = 'vacio.bin' AND size = 0 AND length(data) = 0`); n != 3 {
		t.Errorf("%d empty attachments stored, want 3", n)
	}
}
