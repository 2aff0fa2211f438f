package mailout

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/store"
)

// benchRows is how many notifications one benchmark iteration drains.
const benchRows = 2000

// benchText and benchHTML are bodies of the size of a real case_assigned
// notice (about 3 KB each): the case, its history and the commands.
var (
	benchText = strings.Repeat("El usuario informa que la impresora del piso 3 no imprime desde el lunes; "+
		"se reinició el equipo sin resultado. Historial: abierto, clasificado, escalado.\n", 20)
	benchHTML = "<html><body>" + strings.Repeat("<p>El usuario informa que la impresora del piso 3 no imprime "+
		"desde el lunes; se reinició el equipo sin resultado.</p>\n", 24) + "</body></html>"
)

// BenchmarkOutbox measures delivered notifications per second, end to end:
// claim from PostgreSQL, compose, SMTP to an in-process go-smtp server on
// the loopback, mark sent. "per-message" opens a connection for every
// message, the baseline that batching is measured against.
//
//	go test -run '^$' -bench BenchmarkOutbox -benchtime 3x ./mailout/
func BenchmarkOutbox(b *testing.B) {
	cases := []struct {
		name       string
		conns      int
		perMessage bool
		tls        bool // STARTTLS with a P-256 certificate, as a real relay
	}{
		{"conns=1", 1, false, false},
		{"conns=2", 2, false, false},
		{"conns=4", 4, false, false},
		{"conns=8", 8, false, false},
		{"per-message/conns=1", 1, true, false},
		{"per-message/conns=4", 4, true, false},
		{"starttls/conns=2", 2, false, true},
		{"starttls/per-message/conns=2", 2, true, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			db := pgtest.New(b)
			mode, smtp := plainSMTP, SMTPConfig{TLS: TLSNone}
			if c.tls {
				mode = startTLSSMTP
			}
			f := newFakeSMTP(b, mode)
			f.discard = true
			smtp.Address = f.addr
			if c.tls {
				smtp.TLS, smtp.TLSConfig = TLSStartTLS, tlsRoots(f)
			}
			clock := &testClock{}
			w, err := NewWorker(db, nil, smtp, WorkerConfig{Connections: c.conns, BatchSize: 50,
				PollInterval: 5 * time.Millisecond, Logger: quiet, Now: clock.Now, LoopHeader: testDesk, Tag: "OTI"})
			if err != nil {
				b.Fatal(err)
			}
			w.connPerMessage = c.perMessage
			var elapsed time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				benchQueue(b, db, clock, benchRows)
				target := w.Stats().Sent + benchRows
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				b.StartTimer()
				start := time.Now()
				go func() { done <- w.Run(ctx) }()
				for w.Stats().Sent < target {
					time.Sleep(time.Millisecond)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				cancel()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchRows)/elapsed.Seconds(), "notifications/s")
			b.ReportMetric(float64(f.conns.Load())/float64(b.N*benchRows), "conns/notification")
		})
	}
}

// benchQueue queues n notifications in one transaction, as store.Enqueue
// writes them (message row and outbox row).
func benchQueue(b *testing.B, db *sqlx.DB, clock *testClock, n int) {
	b.Helper()
	tx := db.MustBegin()
	for range n {
		o := testRow(clock)
		o.Subject = fmt.Sprintf("[OTI-%d] Caso asignado: la impresora no imprime", rowSeq.Load())
		o.TextBody, o.HTMLBody = benchText, benchHTML
		if _, err := store.Enqueue(context.Background(), tx, &o); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
