package mailin_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/mailin/imapin"
)

// FuzzParseAndStore drives the whole intake (parse, classify, match, open
// or comment, notify, store) against PostgreSQL with arbitrary messages:
// Handle never fails for one message, nothing is quarantined because of a
// byte (a "processing failed" quarantine is a bug: the class of NUL,
// invalid UTF-8 and empty-part failures), the raw source is kept byte for
// byte, once, and the same message delivered again is a duplicate of the
// first, with its outcome. Each input meets an empty database (fuzzReset),
// and inputs are not minimized unless -fuzzminimizetime is given
// (minimizeOnlyIfAsked): a run with one worker keeps a steady rate.
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
	minimizeOnlyIfAsked(f)
	e := newEnv(f)
	fresh := newFuzzReset(f, e.db)
	f.Fuzz(func(t *testing.T, raw []byte) {
		// Every input starts from the database as migrated, so that what it
		// covers depends on it alone (see fuzzReset), and is delivered twice
		// at two positions, as a second mailbox or a redelivery would: the
		// duplicate path runs for every input, not only when the fuzzer
		// happens to repeat a Message-ID and content hash.
		fresh.reset(t)
		first := fuzzDeliver(t, e, 1, raw)
		if first.Quarantine && strings.HasPrefix(first.Reason, "processing failed") {
			t.Fatalf("quarantined by a failure: %s", first.Reason)
		}
		second := fuzzDeliver(t, e, 2, raw)
		if second.Quarantine != first.Quarantine || second.Later != first.Later {
			t.Fatalf("the same message again had another outcome: %+v, then %+v", first, second)
		}
		var stored []struct {
			Row int64  `db:"message_row"`
			Raw []byte `db:"raw"`
		}
		if err := e.db.Select(&stored, `SELECT p.message_row, m.raw FROM mailbox_positions p JOIN messages m ON m.id = p.message_row
			WHERE p.uidvalidity = 7 ORDER BY p.uid`); err != nil {
			t.Fatalf("reading the stored source: %v", err)
		}
		if len(stored) != 2 {
			t.Fatalf("two deliveries left %d positions, want 2", len(stored))
		}
		if stored[0].Row != stored[1].Row {
			t.Fatalf("the two positions keep rows %d and %d, want one row", stored[0].Row, stored[1].Row)
		}
		if !bytes.Equal(stored[0].Raw, raw) {
			t.Fatalf("raw source changed: %q", stored[0].Raw)
		}
		var inbound int
		if err := e.db.Get(&inbound, `SELECT count(*) FROM messages WHERE direction = 'in'`); err != nil {
			t.Fatal(err)
		}
		if inbound != 1 {
			t.Fatalf("one message delivered twice is kept %d times", inbound)
		}
	})
}

// minimizeOnlyIfAsked turns the fuzzer's minimizing off unless
// -fuzzminimizetime is given. Every input that widens coverage goes back to
// a worker to be minimized before fuzzing goes on, and Go's minimizer tries
// on the order of n² candidates for an input of n bytes, each keeping every
// new coverage bit or refused: at two deliveries (some 10-20 ms) a try, the
// default 60 s went in full on a message of a few kilobytes, and a
// -parallel 1 run reported "execs: 65 (0/sec)" meanwhile; a 2 s budget
// shrank none of the inputs it was given and still took 2.5 s of every 3.
// Failing inputs are then written as found; to minimize one, move it from
// testdata/fuzz/FuzzParseAndStore to the fuzz cache
// ($(go env GOCACHE)/fuzz/github.com/ticketd/ticketd/mailin/FuzzParseAndStore)
// and fuzz again with -fuzzminimizetime 60s.
func minimizeOnlyIfAsked(f *testing.F) {
	const name = "test.fuzzminimizetime"
	given := false
	flag.Visit(func(fl *flag.Flag) { given = given || fl.Name == name })
	if given {
		return
	}
	if err := flag.Set(name, "0"); err != nil {
		f.Fatalf("setting -%s: %v", name, err)
	}
}

// fuzzDeliver hands raw to the intake at position uid of the fuzz mailbox.
func fuzzDeliver(t *testing.T, e *env, uid uint32, raw []byte) imapin.Outcome {
	t.Helper()
	out, err := e.in.Handle(context.Background(), []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: uid,
		Size: int64(len(raw)), Raw: raw}})
	if err != nil || len(out) != 1 {
		t.Fatalf("Handle: %v %v", out, err)
	}
	return out[0]
}

// fuzzReset empties, before each fuzz input, every table the previous
// input may have written, and restarts their sequences: each input then
// meets the database as migrated, ticket 1 and all.
//
// Without it the database grew with every input, and what an input covered
// depended on the ones before it (a Message-ID and content hash seen
// already is a duplicate; the twenty-first notice to one address in an
// hour is held back). The fuzzer took such a change of state for new
// coverage and gave its only worker the input to minimize: minimizing a
// message of a few kilobytes tries thousands of candidates at a PostgreSQL
// transaction each, none of which could reproduce a coverage that came from
// the state, so the worker spent the whole -fuzzminimizetime (60 s) on it
// and the fuzzer reported "execs: 65 (0/sec)" meanwhile. The same history
// failed the raw-source check for a mutation that only changed a trace
// field of a seed stored before (a duplicate by design, kept once with the
// first source).
//
// The tables and their order come from the catalog, so a migration that
// adds a table needs nothing here. DELETE rather than TRUNCATE: TRUNCATE of
// the dozen tables costs some 40 ms, DELETE of a few rows about one; the
// event log's append-only trigger is disabled only inside the transaction
// that empties it.
type fuzzReset struct {
	db  *sqlx.DB
	sql string
}

func newFuzzReset(f *testing.F, db *sqlx.DB) *fuzzReset {
	f.Helper()
	// Only ever a database pgtest made for this test: the reset deletes
	// every row.
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil || !strings.HasPrefix(name, "ticketd_t_") {
		f.Fatalf("the fuzz reset runs only on a test database of pgtest's, not %q (%v)", name, err)
	}
	// The test database is thrown away: it need not wait for the disk at
	// every commit (the throwaway cluster of pgtest does not either; a
	// server given by TICKETD_TEST_DATABASE_URL may).
	if _, err := db.Exec(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END $$`); err != nil {
		f.Fatal(err)
	}
	db.SetMaxIdleConns(0) // the connections open now still commit synchronously
	db.SetMaxIdleConns(2)

	var tables []string
	if err := db.Select(&tables, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
		ORDER BY c.relname`); err != nil {
		f.Fatal(err)
	}
	var refs []struct {
		From string `db:"from_table"`
		To   string `db:"to_table"`
	}
	if err := db.Select(&refs, `SELECT f.relname AS from_table, t.relname AS to_table
		FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`); err != nil {
		f.Fatal(err)
	}
	var triggered []string
	if err := db.Select(&triggered, `SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`); err != nil {
		f.Fatal(err)
	}
	// A table that has rows now holds what the migrations put there: the
	// reset would lose it.
	for _, tb := range tables {
		var rows bool
		if err := db.Get(&rows, `SELECT EXISTS (SELECT FROM `+pq.QuoteIdentifier(tb)+`)`); err != nil {
			f.Fatal(err)
		}
		if rows {
			f.Fatalf("table %s has rows after the migrations: the fuzz reset would delete them", tb)
		}
	}
	order, err := deleteOrder(tables, refs)
	if err != nil {
		f.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("BEGIN;")
	for _, tb := range triggered {
		b.WriteString("ALTER TABLE " + pq.QuoteIdentifier(tb) + " DISABLE TRIGGER USER;")
	}
	for _, tb := range order {
		b.WriteString("DELETE FROM " + pq.QuoteIdentifier(tb) + ";")
	}
	for _, tb := range triggered {
		b.WriteString("ALTER TABLE " + pq.QuoteIdentifier(tb) + " ENABLE TRIGGER USER;")
	}
	b.WriteString(`SELECT setval(c.oid, 1, false) FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'S';`)
	b.WriteString("COMMIT;")
	return &fuzzReset{db: db, sql: b.String()}
}

func (r *fuzzReset) reset(t *testing.T) {
	t.Helper()
	if _, err := r.db.Exec(r.sql); err != nil {
		t.Fatalf("emptying the database for the next input: %v", err)
	}
}

// deleteOrder orders tables so that each comes before the tables it refers
// to (a table's own rows may refer to each other: one DELETE removes them).
func deleteOrder(tables []string, refs []struct {
	From string `db:"from_table"`
	To   string `db:"to_table"`
}) ([]string, error) {
	referredBy := map[string]int{} // how many other tables still refer to it
	refersTo := map[string][]string{}
	for _, r := range refs {
		if r.From == r.To {
			continue
		}
		referredBy[r.To]++
		refersTo[r.From] = append(refersTo[r.From], r.To)
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		progress := false
		for _, tb := range tables {
			if done[tb] || referredBy[tb] > 0 {
				continue
			}
			done[tb], progress = true, true
			order = append(order, tb)
			for _, to := range refersTo[tb] {
				referredBy[to]--
			}
		}
		if !progress {
			return nil, fmt.Errorf("the tables refer to each other in a cycle: no order to empty them in (left: %d of %v)", len(tables)-len(order), tables)
		}
	}
	return order, nil
}
