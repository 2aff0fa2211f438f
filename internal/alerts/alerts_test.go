package alerts

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var t0 = time.Date(2026, 3, 2, 15, 3, 0, 0, time.UTC) // 10:03 in Bogotá

func watcher(db *sqlx.DB, c *fakeClock) *Watcher {
	bogota, _ := time.LoadLocation("America/Bogota")
	return &Watcher{DB: db, Admins: []string{"admin@example.gov.co", "Jefe.OTI@example.gov.co"}, QuietAfter: 15 * time.Minute,
		Location: bogota, From: "soporte.oti@example.gov.co", FromName: "Mesa de servicio OTI", Now: c.now}
}

type sent struct {
	Kind, Recipient, Subject, Body string
}

func outbox(t *testing.T, db *sqlx.DB) []sent {
	t.Helper()
	var out []sent
	if err := db.Select(&out, `SELECT o.kind, o.recipient, m.subject, m.body FROM outbox o JOIN messages m ON m.id = o.message_row ORDER BY o.id`); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestQuietMailboxIsToldOnceAndItsRecoveryOnce(t *testing.T) {
	db := pgtest.New(t)
	c := &fakeClock{t: t0}
	w := watcher(db, c)
	ctx := context.Background()
	box := Observation{Kind: KindIMAP, Name: "default/INBOX", Failing: true, Since: t0, Error: "imap: dial tcp 10.0.0.5:993: connection refused"}
	step := func(at time.Duration, obs ...Observation) {
		t.Helper()
		c.set(t0.Add(at))
		if err := w.Apply(ctx, obs); err != nil {
			t.Fatal(err)
		}
	}
	later := box
	later.Since = t0.Add(10 * time.Minute) // a later error: the failure still started at t0
	step(0, box)
	step(10*time.Minute, later)
	if n := len(outbox(t, db)); n != 0 {
		t.Fatalf("%d emails before quiet_after", n)
	}
	step(16*time.Minute, later)
	step(20*time.Minute, later)
	got := outbox(t, db)
	if len(got) != 2 {
		t.Fatalf("%d emails, want one per administrator: %+v", len(got), got)
	}
	for _, e := range got {
		if e.Kind != "alert_down" || e.Subject != "[ticketd] No se puede leer el buzón INBOX de la cuenta default desde las 10:03 del 2/03/2026" ||
			!strings.Contains(e.Body, "connection refused") || !strings.Contains(e.Body, "(16 min sin servicio)") ||
			!strings.Contains(e.Body, "Mesa de servicio OTI") {
			t.Errorf("alert = %+v", e)
		}
	}
	if got[1].Recipient != "jefe.oti@example.gov.co" {
		t.Errorf("recipient %q", got[1].Recipient)
	}
	fs, err := Failures(ctx, db)
	if err != nil || len(fs) != 1 || !fs[0].FailingSince.Equal(t0) || fs[0].AlertedAt == nil {
		t.Errorf("failures = %+v, %v", fs, err)
	}

	// It works again: one email each, then nothing more.
	step(30*time.Minute, Observation{Kind: KindIMAP, Name: "default/INBOX"})
	step(31*time.Minute, Observation{Kind: KindIMAP, Name: "default/INBOX"})
	got = outbox(t, db)
	if len(got) != 4 || got[2].Kind != "alert_up" || got[3].Kind != "alert_up" {
		t.Fatalf("after recovery: %+v", got)
	}
	if !strings.Contains(got[2].Subject, "El buzón INBOX de la cuenta default funciona de nuevo") ||
		!strings.Contains(got[2].Body, "Estuvo sin servicio desde las 10:03 del 2/03/2026 (30 min)") {
		t.Errorf("recovery = %+v", got[2])
	}
	if fs, _ := Failures(ctx, db); len(fs) != 0 {
		t.Errorf("still failing: %+v", fs)
	}
}

// A short failure that mends before quiet_after tells nobody.
func TestShortFailureTellsNobody(t *testing.T) {
	db := pgtest.New(t)
	c := &fakeClock{t: t0}
	w := watcher(db, c)
	ctx := context.Background()
	w.Apply(ctx, []Observation{{Kind: KindSMTP, Failing: true, Since: t0, Error: "dial tcp: i/o timeout"}})
	c.set(t0.Add(5 * time.Minute))
	w.Apply(ctx, []Observation{{Kind: KindSMTP}})
	c.set(t0.Add(30 * time.Minute))
	w.Apply(ctx, []Observation{{Kind: KindSMTP}})
	if got := outbox(t, db); len(got) != 0 {
		t.Errorf("emails: %+v", got)
	}
}

// Several replicas watch at once: each email goes out once.
func TestReplicasTellOnce(t *testing.T) {
	db := pgtest.New(t)
	c := &fakeClock{t: t0}
	ctx := context.Background()
	smtp := Observation{Kind: KindSMTP, Failing: true, Since: t0, Error: "smtp: dial tcp 10.0.0.6:587: no route to host"}
	if err := watcher(db, c).Apply(ctx, []Observation{smtp}); err != nil {
		t.Fatal(err)
	}
	c.set(t0.Add(20 * time.Minute))
	run := func(o Observation) {
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := watcher(db, c).Apply(ctx, []Observation{o}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	run(smtp)
	c.set(t0.Add(25 * time.Minute))
	run(Observation{Kind: KindSMTP})
	got := outbox(t, db)
	if len(got) != 4 {
		t.Fatalf("%d emails, want 2 alerts and 2 recoveries: %+v", len(got), got)
	}
	if !strings.HasPrefix(got[0].Subject, "[ticketd] No se puede enviar correo desde las 10:03") {
		t.Errorf("subject %q", got[0].Subject)
	}
}

func TestEnglishAlert(t *testing.T) {
	db := pgtest.New(t)
	c := &fakeClock{t: t0}
	w := watcher(db, c)
	w.Lang = "en"
	ctx := context.Background()
	o := Observation{Kind: KindIMAP, Name: "default/INBOX", Failing: true, Since: t0, Error: "imap: authenticate xoauth2: invalid_grant"}
	w.Apply(ctx, []Observation{o})
	c.set(t0.Add(15 * time.Minute))
	w.Apply(ctx, []Observation{o})
	got := outbox(t, db)
	if len(got) != 2 || got[0].Subject != "[ticketd] Mailbox INBOX of account default cannot be read since 10:03 on 2026-03-02" ||
		!strings.Contains(got[0].Body, "invalid_grant") {
		t.Errorf("alert = %+v", got)
	}
}
