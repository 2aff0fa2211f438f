package mailin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

// What the database does per message, without the end-to-end backlog
// benchmark: the intake takes generated messages against the real test
// PostgreSQL, and the database's own counters (pg_stat_database, the WAL
// position) say how many rows it inserted and updated and how many bytes of
// WAL it wrote, per message. No figure here is a time.

// dbCounters is what the database counted so far.
type dbCounters struct {
	inserted, updated, commits int64
	buffers                    int64 // shared buffers read or found (blks_read + blks_hit): pages touched
	wal                        int64 // bytes of WAL since the cluster started (pg_current_wal_insert_lsn)
}

// counters reads the database's counters. The pool holds one connection
// (newWorkEnv), the one the intake used: its pending statistics are flushed
// first (pg_stat_force_next_flush, PostgreSQL 15), at the end of that
// statement's transaction, before the next reads them.
func (e *env) counters() dbCounters {
	e.t.Helper()
	if _, err := e.db.Exec(`SELECT pg_stat_force_next_flush()`); err != nil {
		e.t.Fatal(err)
	}
	var c dbCounters
	err := e.db.QueryRow(`SELECT tup_inserted, tup_updated, xact_commit, blks_read + blks_hit,
		pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint
		FROM pg_stat_database WHERE datname = current_database()`).Scan(&c.inserted, &c.updated, &c.commits, &c.buffers, &c.wal)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// newWorkEnv is newEnv with one database connection, so that counters
// reads statistics the intake's own backend flushed.
func newWorkEnv(t testing.TB) *env {
	e := newEnv(t)
	e.db.SetMaxOpenConns(1)
	return e
}

// workRequest is the i-th generated new request: its own sender, a few
// lines of text and a 6 KB attachment that does not compress (random
// bytes), so that its
// raw source is stored out of line (TOAST), as most real requests are.
func workRequest(i int) string {
	data := make([]byte, 6<<10)
	var seed [32]byte
	seed[0], seed[1] = byte(i), byte(i>>8)
	rand.NewChaCha8(seed).Read(data) // the same message for the same i
	b64 := base64.StdEncoding.EncodeToString(data)
	var att strings.Builder
	for len(b64) > 76 {
		att.WriteString(b64[:76] + "\r\n")
		b64 = b64[76:]
	}
	att.WriteString(b64 + "\r\n")
	return fmt.Sprintf("From: Usuario %d <u%d@example.gov.co>\r\nTo: %s\r\nSubject: Solicitud %d\r\nMessage-ID: <w%d@example.gov.co>\r\n"+
		"Date: Mon, 02 Mar 2026 10:00:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"+
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuenos días, el equipo %d no enciende desde esta mañana.\r\nGracias.\r\n"+
		"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"foto%d.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--b--\r\n",
		i, i, desk, i, i, i, i, att.String())
}

// workReply is a comment on the i-th request's ticket, by its thread.
func workReply(i int) string {
	return mail(fmt.Sprintf("u%d@example.gov.co", i), desk, fmt.Sprintf("Re: Solicitud %d", i), fmt.Sprintf("w%d.re@example.gov.co", i),
		fmt.Sprintf("In-Reply-To: <w%d@example.gov.co>\r\n", i), "Sigue igual, gracias.")
}

// handleAll hands raws to Handle in batches of size from UID first on.
func (e *env) handleAll(raws []string, size int, first uint32) {
	e.t.Helper()
	for lo := 0; lo < len(raws); lo += size {
		var batch []imapin.Fetched
		for j, raw := range raws[lo:min(lo+size, len(raws))] {
			batch = append(batch, imapin.Fetched{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: first + uint32(lo+j),
				Size: int64(len(raw)), Raw: []byte(raw)})
		}
		out, err := e.in.Handle(context.Background(), batch)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, o := range out {
			if o.Quarantine || o.Later {
				e.t.Fatalf("uid %d: %+v", o.UID, o)
			}
		}
	}
}

// BenchmarkIntakeDatabaseWork reports, per message, the rows PostgreSQL
// inserted and updated and the WAL bytes it wrote while the intake took
// 500 new requests in batches of 100 (a backlog), 500 one at a time
// (batches of one), 500 requests of text only (1 KB, no attachment) in
// batches of 100, and 500 replies one at a time (through process).
//
//	go test -run '^$' -bench IntakeDatabaseWork -benchtime 1x ./mailin/
func BenchmarkIntakeDatabaseWork(b *testing.B) {
	const n = 500
	requests, plain, replies := make([]string, n), make([]string, n), make([]string, n)
	for i := range n {
		requests[i], replies[i] = workRequest(i), workReply(i)
		plain[i] = mail(fmt.Sprintf("Usuario %d <u%d@example.gov.co>", i, i), desk, fmt.Sprintf("Solicitud %d", i),
			fmt.Sprintf("p%d@example.gov.co", i), "", strings.Repeat("El equipo no enciende desde esta mañana. ", 20))
	}
	for _, c := range []struct {
		name    string
		before  []string // handled first, not counted
		counted []string
		size    int
	}{
		{"requests/batch100", nil, requests, 100},
		{"requests/alone", nil, requests, 1},
		{"plain/batch100", nil, plain, 100},
		{"replies/alone", requests, replies, 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			var sum dbCounters
			for range b.N {
				b.StopTimer()
				e := newWorkEnv(b)
				e.handleAll(c.before, 100, 1)
				start := e.counters()
				b.StartTimer()
				e.handleAll(c.counted, c.size, 10000)
				b.StopTimer()
				end := e.counters()
				sum.inserted += end.inserted - start.inserted
				sum.updated += end.updated - start.updated
				sum.commits += end.commits - start.commits - 2 // less the counters' own reads
				sum.wal += end.wal - start.wal
				sum.buffers += end.buffers - start.buffers
			}
			per := float64(b.N * len(c.counted))
			b.ReportMetric(float64(sum.inserted)/per, "tup_ins/msg")
			b.ReportMetric(float64(sum.updated)/per, "tup_upd/msg")
			b.ReportMetric(float64(sum.wal)/per, "wal_B/msg")
			b.ReportMetric(float64(sum.commits)/per, "commits/msg")
			b.ReportMetric(float64(sum.buffers)/per, "buf/msg")
		})
	}
}

// countWrites has the database note every committed write of a message
// row (a test table and trigger, in this test's own database).
func (e *env) countWrites() {
	e.t.Helper()
	_, err := e.db.Exec(`CREATE TABLE test_message_writes (id bigint NOT NULL, op text NOT NULL);
		CREATE FUNCTION test_note_message_write() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			INSERT INTO test_message_writes VALUES (NEW.id, TG_OP);
			RETURN NULL;
		END $$;
		CREATE TRIGGER test_message_writes AFTER INSERT OR UPDATE ON messages
			FOR EACH ROW EXECUTE FUNCTION test_note_message_write();`)
	if err != nil {
		e.t.Fatal(err)
	}
}

// rewritten lists the inbound messages whose subject matches like and whose
// row was written more than once, with how it was written.
func (e *env) rewritten(like string) []string {
	e.t.Helper()
	var out []string
	err := e.db.Select(&out, `SELECT m.subject || ': ' || string_agg(w.op, ', ' ORDER BY w.op) FROM messages m
		JOIN test_message_writes w ON w.id = m.id
		WHERE m.direction = 'in' AND m.subject LIKE $1 GROUP BY m.id, m.subject HAVING count(*) <> 1 ORDER BY m.id`, like)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// TestANewRequestIsWrittenOnce: the row that keeps a new request is
// inserted whole, once its ticket exists, never stored raw and then
// rewritten: in a run of a batch, alone (a batch of one), through process,
// and when it follows up a closed ticket.
func TestANewRequestIsWrittenOnce(t *testing.T) {
	e := newEnv(t)
	e.countWrites()
	id := e.open() // alone: a batch of one
	e.handleAll([]string{workRequest(1), workRequest(2), workRequest(3)}, 3, 100)
	if _, err := e.in.HandleByProcess(context.Background(), fetched([]batchMessage{{"by process", workRequest(4), false}}, 200)); err != nil {
		t.Fatal(err)
	}
	jg := tickets.ActorOf(roster.People[0])
	for _, c := range []tickets.Command{{Kind: tickets.CmdClassify, Level: 1}, {Kind: tickets.CmdResolve}, {Kind: tickets.CmdClose}} {
		if _, _, err := e.in.Service.Apply(context.Background(), id, c, jg); err != nil {
			t.Fatal(err)
		}
	}
	e.deliver(mail("ana@example.gov.co", desk, "Re: Ayúdame", "again@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n", "Volvió a fallar."))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 6 {
		t.Fatalf("%d tickets, want 6", n)
	}
	if n := e.count(`SELECT count(*) FROM test_message_writes w JOIN messages m ON m.id = w.id
		WHERE m.direction = 'in' AND m.ticket_id IS NOT NULL`); n < 6 {
		t.Fatalf("%d writes of requests noted, want at least 6: the trigger does not see them", n)
	}
	if got := e.rewritten("%"); len(got) > 0 {
		t.Errorf("requests written more than once:\n%s", strings.Join(got, "\n"))
	}
	// Every other kind is written once too, and a message seen again not
	// at all.
	for _, raw := range []string{
		workReply(1), // a comment
		mail("robot@example.gov.co", desk, "Fuera de la oficina", "auto@example.gov.co", "Auto-Submitted: auto-replied\r\nIn-Reply-To: <w2@example.gov.co>\r\n", "Vuelvo."),
		"To: " + desk + "\r\nSubject: sin remitente\r\nMessage-ID: <nofrom@example.gov.co>\r\n\r\nhola\r\n", // quarantined
		workRequest(3), // the same message again
	} {
		e.deliver(raw)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 9 {
		t.Fatalf("%d inbound messages, want 9", n)
	}
	if got := e.rewritten("%"); len(got) > 0 {
		t.Errorf("messages written more than once:\n%s", strings.Join(got, "\n"))
	}
}

// holdFirst holds the first notification its replica queues until
// release is closed: a transaction that has stored its message and has
// not committed.
type holdFirst struct {
	service.Notifier
	reached, release chan struct{}
	once             sync.Once
}

func (h *holdFirst) Notify(ctx context.Context, tx *sqlx.Tx, c service.Change) error {
	h.once.Do(func() {
		close(h.reached)
		<-h.release
	})
	return h.Notifier.Notify(ctx, tx, c)
}

// TestAMessageStoredMeanwhileIsNotDoubled: another replica stores a
// message (and does not commit yet) after this one's batch asked what is
// stored. This replica's insert of the message waits for the other's
// commit, then finds it stored: its batch is rolled back and handled one
// message at a time, where the message is a duplicate. One row, one
// ticket or comment, whether the message opens a ticket in a run or is a
// reply (process).
func TestAMessageStoredMeanwhileIsNotDoubled(t *testing.T) {
	request := workRequest(7)
	for _, c := range []struct {
		name    string
		shared  string   // the message both replicas take
		others  []string // taken with it by this replica
		tickets int
		events  string // of the shared message: kinds
	}{
		{"a new request in a run", request, []string{workRequest(8)}, 2, "opened"},
		{"a reply", workReply(7), nil, 1, "commented"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			if c.events == "commented" {
				e.handleAll([]string{request}, 1, 1)
			}
			var logs bytes.Buffer
			e.in.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			outcomes := map[string]int{}
			e.in.OnMessage = func(outcome, _ string) { outcomes[outcome]++ }

			// The other replica: the same database, its own transaction.
			other := *e.in
			svc := *e.in.Service
			hold := &holdFirst{Notifier: svc.Notifier, reached: make(chan struct{}), release: make(chan struct{})}
			svc.Notifier = hold
			other.Service, other.OnMessage, other.Logger = &svc, nil, nil
			otherDone := make(chan error, 1)
			go func() {
				_, err := other.Handle(context.Background(), []imapin.Fetched{{Account: "default", Mailbox: "Copia", UIDValidity: 3, UID: 1,
					Raw: []byte(c.shared)}})
				otherDone <- err
			}()
			<-hold.reached

			var (
				out  []imapin.Outcome
				err  error
				done = make(chan struct{})
			)
			batch := fetched([]batchMessage{{"shared", c.shared, false}}, 50)
			batch = append(batch, fetched(func() (ms []batchMessage) {
				for _, o := range c.others {
					ms = append(ms, batchMessage{"other", o, false})
				}
				return ms
			}(), 51)...)
			go func() {
				out, err = e.in.Handle(context.Background(), batch)
				close(done)
			}()
			// This replica waits on the other's row lock before the other
			// commits: its batch did not see the message stored.
			for waiting := 0; waiting == 0; {
				select {
				case <-done:
					t.Fatalf("handled before the other replica committed: %v %v", out, err)
				default:
				}
				if err := e.db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
					t.Fatal(err)
				}
				time.Sleep(5 * time.Millisecond)
			}
			close(hold.release)
			if err := <-otherDone; err != nil {
				t.Fatal(err)
			}
			<-done
			if err != nil || len(out) != len(batch) {
				t.Fatalf("Handle: %v %v", out, err)
			}
			want := map[string]int{"duplicate": 1}
			if len(c.others) > 0 {
				want["opened"] = len(c.others)
				if !strings.Contains(logs.String(), mailin.ErrStoredMeanwhile.Error()) {
					t.Errorf("the batch was not rolled back for the message stored meanwhile; log:\n%s", logs.String())
				}
			}
			if fmt.Sprint(outcomes) != fmt.Sprint(want) {
				t.Errorf("outcomes %v, want %v", outcomes, want)
			}
			if n := e.count(`SELECT count(*) FROM tickets`); n != c.tickets {
				t.Errorf("%d tickets, want %d", n, c.tickets)
			}
			if n := e.count(`SELECT count(*) FROM messages WHERE direction = 'in' AND raw = $1`, []byte(c.shared)); n != 1 {
				t.Errorf("%d rows keep the shared message, want 1", n)
			}
			if n := e.count(`SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_row WHERE m.raw = $1 AND e.kind = $2`,
				[]byte(c.shared), c.events); n != 1 {
				t.Errorf("%d %q events of the shared message, want 1", n, c.events)
			}
		})
	}
}
