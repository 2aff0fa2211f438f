package mailout

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// BenchmarkNotifyOpen measures the notices of new requests, queued in the
// transaction that opens them (an acknowledgement and a notice per desk
// agent each, rendered and written to the outbox): a batch of 16 as the
// mail intake opens a backlog (OpenMany, PrepareMany), and 16 opened one
// at a time (Open, Notify). It reports requests per second; the service's
// own work is the same in both.
//
// In those two no inbound message is stored, so the desk notices print
// no request ("sin texto"). "batch/with-request" passes each request's
// record as the intake knows it (OpenRequest.Known), so that they print
// the long request as they do in a real backlog.
//
//	go test -run '^$' -bench BenchmarkNotifyOpen ./mailout/
func BenchmarkNotifyOpen(b *testing.B) {
	const batch = 16
	for _, mode := range []string{"batch", "one-at-a-time", "batch/with-request"} {
		one, known := mode == "one-at-a-time", mode == "batch/with-request"
		name := mode
		b.Run(name, func(b *testing.B) {
			db := pgtest.New(b)
			n := &Notifier{Renderer: newTestRenderer(b), Roster: viewRoster, Tag: "OTI", MaxPerHour: 20, MaxPerDay: 100,
				Desk: DeskInfo{Name: "Mesa de Servicio", Address: testDesk}}
			now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
			svc := &service.Service{DB: db, Roster: viewRoster, Notifier: n, Tag: "OTI", Lang: "es",
				Now: func() time.Time { return now }}
			k := 0
			requests := func() []service.OpenRequest {
				rs := make([]service.OpenRequest, batch)
				for i := range rs {
					k++
					rs[i] = service.OpenRequest{Requester: fmt.Sprintf("persona%d@example.gov.co", k), RequesterName: "Ana Suárez",
						Subject: fmt.Sprintf("La impresora del piso %d no imprime", k), Body: benchBody()}
					if known {
						body := fmt.Sprintf("Solicitud %d.\n", k) + rs[i].Body
						rs[i].Body = body
						rs[i].Known = &store.TicketRecord{Body: body, HasRequest: true, Thread: []string{fmt.Sprintf("b%d@mail.example", k)}}
					}
				}
				return rs
			}
			cpu0 := processCPU(b)
			for b.Loop() {
				now = now.Add(time.Second)
				rs := requests()
				err := svc.InTx(context.Background(), func(tx *service.Tx) error {
					if !one {
						_, err := tx.OpenMany(rs, nil)
						return err
					}
					for _, r := range rs {
						if _, _, err := tx.Open(r); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			var rows int
			if err := db.Get(&rows, `SELECT count(*) FROM outbox`); err != nil {
				b.Fatal(err)
			}
			if want := 3 * batch * b.N; rows != want {
				b.Fatalf("%d outbox rows, want %d", rows, want)
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "requests/s")
			// This process's CPU time (not PostgreSQL's) per request: what
			// the notices cost ticketd, less swayed than the elapsed time by
			// what else the machine runs.
			b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(batch*b.N), "cpu-µs/request")
		})
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
