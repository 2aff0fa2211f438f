package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/mailsandbox"
	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/migrations"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const desk = "soporte.oti@example.gov.co"

func testConfig(t *testing.T, dbURL, imapAddr, smtpAddr string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(fmt.Sprintf(`
[database]
url = %q
[desk]
address = %q
[[people]]
email = "jgomez@example.gov.co"
role = "mesa"
alias = "jgomez"
[[people]]
email = "lperez@example.gov.co"
role = "especialista"
alias = "lperez"
[imap]
address = %q
tls = "none"
username = %q
password = "x"
[smtp]
address = %q
tls = "none"
username = %q
password = "x"
[timers]
auto_close_business_days = 3
reminder_after_level2 = "4h"
interval = "1h"
[admin]
address = "127.0.0.1:0"
`, dbURL, desk, imapAddr, desk, smtpAddr, desk)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mail(t *testing.T) *mailsandbox.System {
	t.Helper()
	m, err := mailsandbox.Start(mailsandbox.Config{Accounts: []mailsandbox.Account{{Address: desk, Password: "x"},
		{Address: "jgomez@example.gov.co", Password: "x"}, {Address: "lperez@example.gov.co", Password: "x"},
		{Address: "ana@example.gov.co", Password: "x"}}, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestRunServesAdminAndStopsGracefully starts ticketd run against a real
// IMAP and SMTP server, checks the admin listener, and stops it.
func TestRunServesAdminAndStopsGracefully(t *testing.T) {
	m := mail(t)
	c := testConfig(t, pgtest.URL(t), m.IMAPAddr(), m.SMTPAddr())
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *Daemon, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Config: c, Logger: discard(), Ready: func(d *Daemon) { ready <- d }}) }()
	var d *Daemon
	select {
	case d = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	base := "http://" + d.AdminAddr()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz = %d %q", code, body)
	}
	// A request flows through, so the counters have something to say.
	raw := "From: ana@example.gov.co\r\nTo: " + desk + "\r\nSubject: hola\r\nMessage-ID: <m1@x>\r\n\r\nNo imprime.\r\n"
	if err := m.Deliver("ana@example.gov.co", []string{desk}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, body := get("/metrics"); strings.Contains(body, `ticketd_notifications_sent_total{kind="opened_ack"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			_, body := get("/metrics")
			t.Fatalf("the acknowledgement was not sent:\n%s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{`ticketd_messages_total{outcome="opened"} 1`, `ticketd_tickets{level="1",state="nuevo"} 1`,
		"ticketd_outbox_pending", "ticketd_pickup_latency_seconds_bucket", "ticketd_send_latency_seconds_bucket",
		`ticketd_imap_connected{account="default",mailbox="INBOX"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	code, body := get("/readyz")
	var rz struct {
		Ready  bool                      `json:"ready"`
		Checks map[string]map[string]any `json:"checks"`
	}
	json.Unmarshal([]byte(body), &rz)
	if code != 200 || !rz.Ready || len(rz.Checks) != 4 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	// SMTP goes away: not ready, and it says which part.
	m.Close()
	d.admin.mu.Lock()
	d.admin.smtpAt = time.Time{}
	d.admin.mu.Unlock()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"smtp":{"ok":false`) {
		t.Errorf("/readyz with SMTP down = %d %s", code, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v on shutdown", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("ticketd did not stop within its shutdown timeout")
	}
}

// TestOneReplicaReadsAMailbox: the lease is held by one session; when it
// ends another takes it.
func TestOneReplicaReadsAMailbox(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	a, err := tryLease(ctx, db, "imap:default/INBOX", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tryLease(ctx, db, "imap:default/INBOX", time.Second); err != errNotHeld {
		t.Fatalf("second replica took a held lease: %v", err)
	}
	other, err := tryLease(ctx, db, "imap:default/Otro", time.Second)
	if err != nil {
		t.Fatalf("another mailbox's lease: %v", err)
	}
	other.release()
	// The holder's session dies (as when its process is killed): the
	// server ends the backend that holds the lock, found by the lock's key
	// (an int8 key is classid, its high half, and objid, its low half).
	key := uint64(leaseKey("imap:default/INBOX"))
	var killed int
	if err := db.GetContext(ctx, &killed, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND classid::int8 = $1 AND objid::int8 = $2`, int64(key>>32), int64(key&0xffffffff)); err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("%d sessions hold the lease, want 1", killed)
	}
	select {
	case <-a.lost:
	case <-time.After(10 * time.Second):
		t.Fatal("the holder did not notice it lost its session")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := tryLease(ctx, db, "imap:default/INBOX", time.Second)
		if err == nil {
			b.release()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no takeover after the holder died: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTimers: a resolved ticket is closed after three Colombian business
// days, not before; a ticket waiting at level 2 gets one reminder.
func TestTimers(t *testing.T) {
	url := pgtest.URL(t)
	c := testConfig(t, url, "127.0.0.1:1", "127.0.0.1:1")
	db, err := OpenDB(context.Background(), url, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := migrations.Apply(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	parts, err := Build(context.Background(), c, db)
	if err != nil {
		t.Fatal(err)
	}
	bogota, _ := time.LoadLocation("America/Bogota")
	// Resolved Friday 2026-03-20 at 10:00; Monday 23 is San José (a holiday).
	resolvedAt := time.Date(2026, 3, 20, 10, 0, 0, 0, bogota)
	clock := resolvedAt
	parts.Service.Now = func() time.Time { return clock }
	ctx := context.Background()
	desk := tickets.ActorOf(parts.Service.Roster.People[0])
	tk, err := parts.Service.Open(ctx, service.OpenRequest{Requester: "ana@example.gov.co", Subject: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []tickets.Command{{Kind: tickets.CmdClassify, Level: 1}, {Kind: tickets.CmdResolve}} {
		if _, _, err := parts.Service.Apply(ctx, tk.ID, cmd, desk); err != nil {
			t.Fatal(err)
		}
	}
	waiting, _ := parts.Service.Open(ctx, service.OpenRequest{Requester: "b@example.gov.co", Subject: "y"})
	lp, _ := parts.Service.Person("lperez")
	parts.Service.Apply(ctx, waiting.ID, tickets.Command{Kind: tickets.CmdClassify, Level: 2, To: lp}, desk)

	d := &Daemon{Parts: parts, log: discard()}
	tm := &timers{d: d}
	tm.cal = nil
	run := func(at time.Time) {
		t.Helper()
		tm.now = func() time.Time { return at }
		clock = at
		if tm.cal == nil {
			tm.cal = newCalendar(c)
		}
		if err := tm.once(ctx); err != nil {
			t.Fatal(err)
		}
	}
	state := func() tickets.State {
		got, _ := store.GetTicket(ctx, db, tk.ID)
		return got.State
	}
	// Tuesday 24, Wednesday 25: one and two business days.
	run(time.Date(2026, 3, 25, 11, 0, 0, 0, bogota))
	if state() != tickets.StateResolved {
		t.Fatalf("closed after two business days")
	}
	// Thursday 26 at 10:00 is three business days (Monday was a holiday).
	run(time.Date(2026, 3, 26, 10, 30, 0, 0, bogota))
	if state() != tickets.StateClosed {
		t.Fatalf("not closed after three business days: %s", state())
	}
	evs, _ := store.Events(ctx, db, tk.ID)
	last := evs[len(evs)-1]
	if last.Actor != "system" || last.Kind != tickets.EventClosed {
		t.Errorf("closure = %s by %s", last.Kind, last.Actor)
	}
	// Why it closed is on record just before, as data worded for each
	// reader, and internal.
	why := evs[len(evs)-2]
	if why.Kind != tickets.EventNoted || why.Public || why.Data == nil || why.Data.Code != tickets.NoteAutoClosed || why.Data.Days != 3 {
		t.Errorf("note before the closure = %s public=%v %+v", why.Kind, why.Public, why.Data)
	}
	if es, en := why.Text("es"), why.Text("en"); !strings.Contains(es, "3 días hábiles") || !strings.Contains(en, "3 business days") {
		t.Errorf("closure note: es %q, en %q", es, en)
	}
	var reminders int
	db.Get(&reminders, `SELECT count(*) FROM events WHERE kind = 'reminded' AND ticket_id = $1`, waiting.ID)
	if reminders != 1 {
		t.Errorf("%d reminders, want 1", reminders)
	}
	// The reminder is on record as data, worded in each reader's language.
	wevs, _ := store.Events(ctx, db, waiting.ID)
	for _, e := range wevs {
		if e.Kind != tickets.EventReminded {
			continue
		}
		if e.Data == nil || e.Data.Code != tickets.NoteReminder || !strings.HasPrefix(e.Note, "El caso lleva más de ") ||
			!strings.HasPrefix(e.Text("en"), "The ticket has waited more than ") {
			t.Errorf("reminder note %v: %q / %q", e.Data, e.Note, e.Text("en"))
		}
	}
	run(time.Date(2026, 3, 27, 10, 30, 0, 0, bogota))
	db.Get(&reminders, `SELECT count(*) FROM events WHERE kind = 'reminded' AND ticket_id = $1`, waiting.ID)
	if reminders != 1 {
		t.Errorf("%d reminders after another run, want still 1", reminders)
	}
	var notices int
	db.Get(&notices, `SELECT count(*) FROM outbox WHERE kind = 'reminder'`)
	if notices != 2 { // the assignee and the one desk agent
		t.Errorf("%d reminder notices, want 2", notices)
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
