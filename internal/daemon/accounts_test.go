package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/mailsandbox"
	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets/store"
)

const providerBox = "mesa-proveedores@example.gov.co"

// twoAccountsConfig reads the desk's mailbox on one server and a
// provider-facing mailbox on another, each with its own credentials and
// default service.
func twoAccountsConfig(t *testing.T, dbURL, deskIMAP, providerIMAP, smtpAddr string) *config.Config {
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
[[services]]
name = "garantias"
level = 1
[[imap]]
name = "soporte"
address = %q
tls = "none"
username = %q
password = "x"
poll_interval = "1s"
[[imap]]
name = "proveedores"
address = %q
tls = "none"
username = %q
password = "y"
service = "garantias"
poll_interval = "1s"
[smtp]
address = %q
tls = "none"
username = %q
password = "x"
[timers]
interval = "1h"
[admin]
address = "127.0.0.1:0"
`, dbURL, desk, deskIMAP, desk, providerIMAP, providerBox, smtpAddr, desk)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Two accounts on two in-process IMAP servers are read apart: both
// INBOXes start at UID 1 and neither message hides the other; the metrics
// and the stored state show each account; when one server stops, the
// other account is still read and /readyz names the one that fails.
func TestSeveralAccountsAreReadApart(t *testing.T) {
	deskMail := mail(t)
	provider, err := mailsandbox.Start(mailsandbox.Config{Accounts: []mailsandbox.Account{{Address: providerBox, Password: "y"}},
		Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer provider.Close()
	c := twoAccountsConfig(t, pgtest.URL(t), deskMail.IMAPAddr(), provider.IMAPAddr(), deskMail.SMTPAddr())
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
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + d.AdminAddr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.Parts.DB.Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	eventually("both accounts connected", func() bool {
		return d.mailboxStatus("soporte", "INBOX").Connected && d.mailboxStatus("proveedores", "INBOX").Connected
	})
	_, metrics := get("/metrics")
	for _, want := range []string{`ticketd_imap_connected{account="soporte",mailbox="INBOX"} 1`,
		`ticketd_imap_connected{account="proveedores",mailbox="INBOX"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	msg := func(id, subject string) []byte {
		return []byte("From: ana@example.gov.co\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + "@x>\r\n\r\nTexto de " + id + ".\r\n")
	}
	if err := deskMail.Deliver("ana@example.gov.co", []string{desk}, msg("d1", "No imprime")); err != nil {
		t.Fatal(err)
	}
	if err := provider.Deliver("ana@example.gov.co", []string{providerBox}, msg("p1", "Garantía del portátil")); err != nil {
		t.Fatal(err)
	}
	eventually("a ticket from each account", func() bool { return count(`SELECT count(*) FROM tickets`) == 2 })
	if n := count(`SELECT count(*) FROM mailbox_positions WHERE mailbox = 'INBOX' AND uid = 1`); n != 2 {
		t.Errorf("%d positions at INBOX UID 1, want one per account", n)
	}
	if n := count(`SELECT count(*) FROM tickets WHERE service = 'garantias'`); n != 1 {
		t.Errorf("%d tickets with the provider account's service, want 1", n)
	}

	// The same message in both mailboxes is one request, not two.
	both := msg("both", "Pantalla rota")
	deskMail.Deliver("ana@example.gov.co", []string{desk}, both)
	provider.Deliver("ana@example.gov.co", []string{providerBox}, both)
	eventually("both copies handled", func() bool {
		return count(`SELECT count(*) FROM mailbox_positions WHERE uid = 2`) == 2
	})
	if n := count(`SELECT count(*) FROM tickets`); n != 3 {
		t.Errorf("%d tickets after one message in both mailboxes, want 3", n)
	}

	// The provider's server stops: the desk's account is still read.
	provider.Close()
	eventually("the provider account to fail", func() bool {
		st := d.mailboxStatus("proveedores", "INBOX")
		return !st.Connected && st.LastError != ""
	})
	if err := deskMail.Deliver("ana@example.gov.co", []string{desk}, msg("d2", "Sin red")); err != nil {
		t.Fatal(err)
	}
	eventually("the desk's account still read", func() bool { return count(`SELECT count(*) FROM tickets`) == 4 })
	if !d.mailboxStatus("soporte", "INBOX").Connected {
		t.Error("the desk's account is not connected while the other fails")
	}
	_, metrics = get("/metrics")
	for _, want := range []string{`ticketd_imap_connected{account="soporte",mailbox="INBOX"} 1`,
		`ticketd_imap_connected{account="proveedores",mailbox="INBOX"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	code, body := get("/readyz")
	var rz struct {
		Checks map[string]check `json:"checks"`
	}
	json.Unmarshal([]byte(body), &rz)
	if code != 503 || !rz.Checks["imap soporte/INBOX"].OK || rz.Checks["imap proveedores/INBOX"].OK {
		t.Errorf("/readyz = %d %s", code, body)
	}

	// What `ticketd status` prints: each account's mailbox, apart.
	eventually("each account's state stored", func() bool {
		boxes, err := store.Mailboxes(ctx, d.Parts.DB)
		if err != nil {
			t.Fatal(err)
		}
		var deskOK, providerFailing bool
		for _, b := range boxes {
			deskOK = deskOK || (b.Account == "soporte" && b.Mailbox == "INBOX" && b.Holder == d.ID && b.LastSuccess != nil)
			providerFailing = providerFailing || (b.Account == "proveedores" && b.Mailbox == "INBOX" && b.LastError != "")
		}
		return deskOK && providerFailing
	})
	cancel()
	<-done
}

// mailboxStatus is what this process knows of account's mailbox.
func (d *Daemon) mailboxStatus(account, mailbox string) imapin.Status {
	for _, st := range d.pollerStatus() {
		if st.Account == account && st.Mailbox == mailbox {
			return st.Status
		}
	}
	return imapin.Status{}
}
