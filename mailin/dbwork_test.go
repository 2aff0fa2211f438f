package mailin_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/mailin/imapin"
)

// What the database does per message, without the end-to-end backlog
// benchmark: the intake takes generated messages against the real test
// PostgreSQL, and the database's own counters (pg_stat_database, the WAL
// position) say how many rows it inserted and updated and how many bytes of
// WAL it wrote, per message. No figure here is a time.

// dbCounters is what the database counted so far.
type dbCounters struct {
	inserted, updated, commits int64
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
	err := e.db.QueryRow(`SELECT tup_inserted, tup_updated, xact_commit, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint
		FROM pg_stat_database WHERE datname = current_database()`).Scan(&c.inserted, &c.updated, &c.commits, &c.wal)
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
// lines of text and a 6 KB attachment that does not compress, so that its
// raw source is stored out of line (TOAST), as most real requests are.
func workRequest(i int) string {
	data := make([]byte, 6<<10)
	rand.Read(data)
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
// (batches of one), and 500 replies one at a time (through process).
//
//	go test -run '^$' -bench IntakeDatabaseWork -benchtime 1x ./mailin/
func BenchmarkIntakeDatabaseWork(b *testing.B) {
	const n = 500
	requests, replies := make([]string, n), make([]string, n)
	for i := range n {
		requests[i], replies[i] = workRequest(i), workReply(i)
	}
	for _, c := range []struct {
		name    string
		before  []string // handled first, not counted
		counted []string
		size    int
	}{
		{"requests/batch100", nil, requests, 100},
		{"requests/alone", nil, requests, 1},
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
			}
			per := float64(b.N * len(c.counted))
			b.ReportMetric(float64(sum.inserted)/per, "tup_ins/msg")
			b.ReportMetric(float64(sum.updated)/per, "tup_upd/msg")
			b.ReportMetric(float64(sum.wal)/per, "wal_B/msg")
			b.ReportMetric(float64(sum.commits)/per, "commits/msg")
		})
	}
}
