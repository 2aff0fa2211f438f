package daemon

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/mailsandbox"
	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/mailout"
)

const admin = "admin.oti@example.gov.co"

func alertMail(t *testing.T, imapAddr, smtpAddr string) *mailsandbox.System {
	t.Helper()
	var (
		m   *mailsandbox.System
		err error
	)
	// The port was just released: listening again may take a moment.
	for range 50 {
		m, err = mailsandbox.Start(mailsandbox.Config{IMAPAddr: imapAddr, SMTPAddr: smtpAddr, Logger: discard(),
			Accounts: []mailsandbox.Account{{Address: desk, Password: "x"}, {Address: admin, Password: "x"},
				{Address: "jgomez@example.gov.co", Password: "x"}, {Address: "lperez@example.gov.co", Password: "x"}}})
		if err == nil {
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal(err)
	return nil
}

// The quiet-mailbox alert against a mail server that is stopped and
// started: the administrator is told once that the mailbox cannot be read,
// and once that it works again; /readyz says it meanwhile.
func TestQuietMailboxAlert(t *testing.T) {
	m := alertMail(t, "", "")
	imapAddr, smtpAddr := m.IMAPAddr(), m.SMTPAddr()
	c := testConfig(t, pgtest.URL(t), imapAddr, smtpAddr)
	c.Alerts = config.Alerts{Admins: []string{admin}, QuietAfter: config.Duration{Duration: 2 * time.Second},
		CheckInterval: config.Duration{Duration: 200 * time.Millisecond}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *Daemon, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Config: c, Logger: discard(), Ready: func(d *Daemon) { ready <- d }}) }()
	var d *Daemon
	select {
	case d = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	count := func(q string) int {
		var n int
		if err := d.Parts.DB.Get(&n, q); err != nil {
			t.Fatal(err)
		}
		return n
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(90 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	eventually("the mailbox to be read", func() bool { st := d.mailboxStatus("default", "INBOX"); return st.Connected })

	m.Close() // the mail server stops
	eventually("the alert", func() bool { return count(`SELECT count(*) FROM outbox WHERE kind = 'alert_down'`) == 1 })
	var subject string
	d.Parts.DB.Get(&subject, `SELECT m.subject FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'alert_down'`)
	if !strings.Contains(subject, "No se puede leer el buzón INBOX de la cuenta default") {
		t.Errorf("alert subject %q", subject)
	}
	resp, err := http.Get("http://" + d.AdminAddr() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), `"quiet":{"ok":false,"detail":"imap default/INBOX failing since`) {
		t.Errorf("/readyz = %d %s", resp.StatusCode, body)
	}

	m = alertMail(t, imapAddr, smtpAddr) // and starts again
	defer m.Close()
	eventually("the recovery notice", func() bool { return count(`SELECT count(*) FROM outbox WHERE kind = 'alert_up'`) == 1 })
	eventually("both notices sent", func() bool {
		return count(`SELECT count(*) FROM outbox WHERE kind LIKE 'alert_%' AND status = 'sent' AND recipient = '`+admin+`'`) == 2
	})
	time.Sleep(3 * c.AlertsCheckInterval()) // a few more checks change nothing
	if n := count(`SELECT count(*) FROM outbox WHERE kind LIKE 'alert_%'`); n != 2 {
		t.Errorf("%d alert emails, want 2", n)
	}
	cancel()
	<-done
}

func TestSMTPHealth(t *testing.T) {
	var h smtpHealth
	if h.observation() != nil {
		t.Fatal("an observation before any send")
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h.record(nil, t0)
	if o := h.observation(); o == nil || o.Failing {
		t.Fatalf("after a delivery: %+v", o)
	}
	h.record(&mailout.DeliveryError{Code: 550, Err: errors.New("550 5.1.1 user unknown")}, t0.Add(time.Minute))
	if o := h.observation(); o.Failing {
		t.Errorf("a refused recipient counts as the server failing: %+v", o)
	}
	h.record(errors.New("compose: bad address"), t0.Add(90*time.Second))
	if o := h.observation(); o.Failing {
		t.Errorf("a message that cannot be composed counts as the server failing: %+v", o)
	}
	h.record(&mailout.DeliveryError{Dial: true, ConnLost: true, Err: errors.New("dial tcp: connection refused")}, t0.Add(2*time.Minute))
	h.record(&mailout.DeliveryError{Dial: true, ConnLost: true, Err: errors.New("dial tcp: i/o timeout")}, t0.Add(3*time.Minute))
	if o := h.observation(); !o.Failing || !o.Since.Equal(t0.Add(2*time.Minute)) || o.Error != "dial tcp: i/o timeout" {
		t.Errorf("failing: %+v", o)
	}
	h.record(nil, t0.Add(4*time.Minute))
	if o := h.observation(); o.Failing {
		t.Errorf("after a new delivery: %+v", o)
	}
}

// A grant the token endpoint refuses (here: the client's secret was
// changed) stops the mailbox; after quiet_after the administrator is told
// why.
func TestRevokedGrantRaisesTheAlert(t *testing.T) {
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		w.Write([]byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`))
	}))
	defer endpoint.Close()
	m := alertMail(t, "", "")
	defer m.Close()
	c := testConfig(t, pgtest.URL(t), m.IMAPAddr(), m.SMTPAddr())
	c.Accounts[0].Auth, c.Accounts[0].Password = "xoauth2", ""
	c.OAuth2 = config.OAuth2{Grant: "client_credentials", TokenURL: endpoint.URL, ClientID: "app", ClientSecret: "old secret",
		Scopes: []string{"https://outlook.office365.com/.default"}}
	c.Alerts = config.Alerts{Admins: []string{admin}, QuietAfter: config.Duration{Duration: time.Second},
		CheckInterval: config.Duration{Duration: 200 * time.Millisecond}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *Daemon, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Config: c, Logger: discard(), Ready: func(d *Daemon) { ready <- d }}) }()
	var d *Daemon
	select {
	case d = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	var body string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		d.Parts.DB.Get(&body, `SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'alert_down'`)
		if body != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no alert")
		}
	}
	if !strings.Contains(body, "invalid_client") || !strings.Contains(body, "no logra leer el buzón INBOX de la cuenta default") {
		t.Errorf("alert:\n%s", body)
	}
	cancel()
	<-done
}
