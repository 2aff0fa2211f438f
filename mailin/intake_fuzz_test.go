package mailin_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/mailin/imapin"
)

// FuzzParseAndStore drives the whole intake (parse, classify, match, open
// or comment, notify, store) against PostgreSQL with arbitrary messages:
// Handle never fails for one message, nothing is quarantined because of a
// byte (a "processing failed" quarantine is a bug: the class of NUL,
// invalid UTF-8 and empty-part failures), and the raw source is kept byte
// for byte, once.
//
//	TICKETD_TEST_DATABASE_URL=postgres://…/postgres go test -run '^$' -fuzz FuzzParseAndStore -fuzztime 60s ./mailin
//
// When fuzzing, point TICKETD_TEST_DATABASE_URL at a server: without it
// each fuzz worker process starts a throwaway cluster of its own, and the
// fuzzer ends its workers without letting them stop it. A plain go test
// runs the seeds (the corpora of mailin/email/testdata) on the usual
// throwaway cluster.
func FuzzParseAndStore(f *testing.F) {
	for _, glob := range []string{"email/testdata/*.eml", "email/testdata/machine/*.eml"} {
		paths, err := filepath.Glob(filepath.FromSlash(glob))
		if err != nil || len(paths) == 0 {
			f.Fatalf("no seeds in %s: %v", glob, err)
		}
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(raw)
		}
	}
	head := "From: Ana <ana@example.gov.co>\r\nTo: " + desk + "\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	for _, s := range []string{
		head + "Content-Transfer-Encoding: quoted-printable\r\n\r\nhola=00mundo\r\n",
		head + "Content-Transfer-Encoding: base64\r\n\r\naG9sYQBtdW5kbw==\r\n",
		head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Disposition: attachment; filename=a\x00\xff\r\nContent-ID: <\x00>\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n\r\n--b--\r\n",
		"From: a\x00@b.co\r\nMessage-ID: <\x00\xff@x>\r\nIn-Reply-To: <\xfe@y>\r\nSubject: \x00\xc3\r\n\r\n\x00",
		"From: MAILER-DAEMON <>\r\nSubject: failure notice\r\n\r\nMessage-ID: <\x00@x>\r\n",
		"",
	} {
		f.Add([]byte(s))
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx := context.Background()
		uid := e.uid.Add(1)
		out, err := e.in.Handle(ctx, []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: uid,
			Size: int64(len(raw)), Raw: raw}})
		if err != nil || len(out) != 1 {
			t.Fatalf("Handle: %v %v", out, err)
		}
		if out[0].Quarantine && strings.HasPrefix(out[0].Reason, "processing failed") {
			t.Fatalf("quarantined by a failure: %s", out[0].Reason)
		}
		var stored []byte
		if err := e.db.QueryRow(`SELECT m.raw FROM mailbox_positions p JOIN messages m ON m.id = p.message_row
			WHERE p.uidvalidity = 7 AND p.uid = $1`, int64(uid)).Scan(&stored); err != nil {
			t.Fatalf("reading the stored source: %v", err)
		}
		if !bytes.Equal(stored, raw) {
			t.Fatalf("raw source changed: %q", stored)
		}
	})
}
