package mailsandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// mailboxState is what a client caches about a mailbox and must find again
// after a restart.
type mailboxState struct {
	UIDValidity uint32
	UIDNext     imap.UID
	Subscribed  bool
	Messages    []string // "uid flags internaldate body"
}

// snapshot reads all of a's mailboxes over IMAP.
func snapshot(t *testing.T, s *System, a Account) map[string]mailboxState {
	t.Helper()
	c := dialIMAP(t, s, a, nil)
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]mailboxState)
	for _, lb := range list {
		st, err := c.Status(lb.Mailbox, &imap.StatusOptions{UIDValidity: true, UIDNext: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		ms := mailboxState{UIDValidity: st.UIDValidity, UIDNext: st.UIDNext, Subscribed: slices.Contains(lb.Attrs, imap.MailboxAttrSubscribed)}
		for _, m := range mailbox(t, c, lb.Mailbox) {
			flags := make([]string, len(m.Flags))
			for i, f := range m.Flags {
				flags[i] = string(f)
			}
			slices.Sort(flags)
			ms.Messages = append(ms.Messages, fmt.Sprintf("%d %v %s %q", m.UID, flags, m.InternalDate.UTC().Format(time.RFC3339), body(m)))
		}
		out[lb.Mailbox] = ms
	}
	return out
}

func TestPersistKeepsMailboxesUIDsAndFlags(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Accounts: []Account{support, ana}, Persist: dir, Logger: testLogger()}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		raw := message(ana.Address, support.Address, fmt.Sprintf("caso %d", i), fmt.Sprintf("p%d@x", i), "cuerpo ñ\n")
		if err := s.Deliver(ana.Address, []string{support.Address}, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Deliver(support.Address, []string{ana.Address}, message(support.Address, ana.Address, "acuse", "ack@x", "ok\n")); err != nil {
		t.Fatal(err)
	}

	// A client works on the support mailbox: flags, a gap in the UIDs in the
	// middle and at the end, a new folder reached by MOVE, a folder created
	// and deleted (which spends a UIDVALIDITY), an unsubscribed folder.
	c, err := imapclient.DialInsecure(s.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { return c.Login(support.Address, support.Password).Wait() },
		func() error { return c.Create("Temporal", nil).Wait() },
		func() error { return c.Delete("Temporal").Wait() },
		func() error { return c.Create("Procesados", nil).Wait() },
		func() error { return c.Subscribe("Procesados").Wait() },
		func() error { return c.Unsubscribe("Trash").Wait() },
		func() error { _, err := c.Select("INBOX", nil).Wait(); return err },
		func() error {
			return c.Store(imap.UIDSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen, "$Ticketd"}, Silent: true}, nil).Close()
		},
		func() error {
			return c.Store(imap.UIDSetNum(3, 5), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close()
		},
		func() error { return c.Expunge().Close() },
		func() error { _, err := c.Move(imap.UIDSetNum(1), "Procesados").Wait(); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("client step %d: %v", i, err)
		}
	}
	c.Close()

	before := map[string]map[string]mailboxState{
		support.Address: snapshot(t, s, support),
		ana.Address:     snapshot(t, s, ana),
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, a := range []Account{support, ana} {
		fi, err := os.Stat(filepath.Join(dir, a.Address+".json"))
		if err != nil {
			t.Fatalf("no saved file for %s: %v", a.Address, err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("saved mail is readable by others: %v", perm)
		}
	}

	s2 := startSystem(t, cfg)
	for _, a := range []Account{support, ana} {
		after := snapshot(t, s2, a)
		for name, want := range before[a.Address] {
			got, ok := after[name]
			if !ok {
				t.Errorf("%s: mailbox %q lost", a.Address, name)
				continue
			}
			if got.UIDValidity != want.UIDValidity || got.UIDNext != want.UIDNext || got.Subscribed != want.Subscribed {
				t.Errorf("%s %q: UIDVALIDITY %d UIDNEXT %d subscribed %v; want %d %d %v", a.Address, name,
					got.UIDValidity, got.UIDNext, got.Subscribed, want.UIDValidity, want.UIDNext, want.Subscribed)
			}
			if strings.Join(got.Messages, "\n") != strings.Join(want.Messages, "\n") {
				t.Errorf("%s %q messages:\n got %q\nwant %q", a.Address, name, got.Messages, want.Messages)
			}
		}
		if len(after) != len(before[a.Address]) {
			t.Errorf("%s: %d mailboxes after restart, %d before", a.Address, len(after), len(before[a.Address]))
		}
	}
	// The mailboxes still work: new mail gets the next UID.
	if err := s2.Deliver(ana.Address, []string{support.Address}, message(ana.Address, support.Address, "x", "p6@x", "x\n")); err != nil {
		t.Fatal(err)
	}
	msgs := inbox(t, s2, support)
	if last := msgs[len(msgs)-1].UID; last != before[support.Address]["INBOX"].UIDNext {
		t.Errorf("new message got UID %d, want %d", last, before[support.Address]["INBOX"].UIDNext)
	}
}

func TestPersistSaveAndAddAccount(t *testing.T) {
	dir := t.TempDir()
	s, err := Start(Config{Accounts: []Account{support}, Persist: dir, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAccount(ana); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(support.Address, []string{ana.Address}, message(support.Address, ana.Address, "uno", "s1@x", "x\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := s.Deliver(support.Address, []string{ana.Address}, message(support.Address, ana.Address, "dos", "s2@x", "x\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); !errors.Is(err, ErrClosed) {
		t.Errorf("Save after Close = %v, want ErrClosed", err)
	}

	// ana is not in the config this time: her file is left alone until she
	// is added, then loaded.
	s2 := startSystem(t, Config{Accounts: []Account{support}, Persist: dir})
	if err := s2.AddAccount(ana); err != nil {
		t.Fatal(err)
	}
	if n := len(inbox(t, s2, ana)); n != 2 {
		t.Errorf("ana has %d messages after reload, want 2 (Close saves after Save)", n)
	}
}

func TestPersistRefusesUnreadableFile(t *testing.T) {
	cases := []struct {
		name, content string
	}{
		{"not json", "{"},
		{"unknown version", `{"version": 99, "address": "soporte.oti@example.gov.co"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, support.Address+".json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Start(Config{Accounts: []Account{support}, Persist: dir, Logger: testLogger()})
			if err == nil {
				s.Close()
				t.Fatal("Start accepted a file it cannot read; Close would have overwritten it")
			}
			if got, _ := os.ReadFile(path); string(got) != tc.content {
				t.Error("unreadable file was changed")
			}
		})
	}
}

func TestRestoreToleratesOddFiles(t *testing.T) {
	cases := []struct {
		name      string
		saved     savedAccount
		wantBoxes []string
		wantUIDs  map[string][]imap.UID
	}{
		{
			name: "unsorted and duplicate UIDs",
			saved: savedAccount{Mailboxes: []savedMailbox{{Name: "INBOX", UIDValidity: 1, UIDNext: 10, Messages: []savedMessage{
				{UID: 7, Raw: []byte("Subject: b\r\n\r\n")},
				{UID: 4, Raw: []byte("Subject: a\r\n\r\n")},
				{UID: 7, Raw: []byte("Subject: c\r\n\r\n")},
			}}}},
			wantBoxes: []string{"Drafts", "INBOX", "Sent", "Trash"},
			wantUIDs:  map[string][]imap.UID{"INBOX": {4, 7, 8}},
		},
		{
			name: "same name twice, empty name, zero UIDs",
			saved: savedAccount{Mailboxes: []savedMailbox{
				{Name: "Archivo", UIDValidity: 3, Messages: []savedMessage{{UID: 0, Raw: []byte("x")}}},
				{Name: "Archivo", UIDValidity: 5},
				{Name: ""},
				{Name: burnMailbox},
			}},
			wantBoxes: []string{"Archivo", "Drafts", "INBOX", "Sent", "Trash"},
			wantUIDs:  map[string][]imap.UID{"Archivo": {1}},
		},
		{
			name: "absurd UIDs are not honoured past the bound",
			saved: savedAccount{Mailboxes: []savedMailbox{{Name: "INBOX", UIDValidity: 4_000_000_000, UIDNext: 4_000_000_000, Messages: []savedMessage{
				{UID: 3_999_999_999, Raw: []byte("x")},
			}}}},
			wantBoxes: []string{"Drafts", "INBOX", "Sent", "Trash"},
			wantUIDs:  map[string][]imap.UID{"INBOX": {maxBurnUIDs + 1}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.saved.Version = savedVersion
			tc.saved.Address = support.Address
			data, err := json.Marshal(tc.saved)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, support.Address+".json"), data, 0o600); err != nil {
				t.Fatal(err)
			}
			s := startSystem(t, Config{Accounts: []Account{support}, Persist: dir})
			snap := snapshot(t, s, support)
			var boxes []string
			for name := range snap {
				boxes = append(boxes, name)
			}
			slices.Sort(boxes)
			if !slices.Equal(boxes, tc.wantBoxes) {
				t.Errorf("mailboxes %v, want %v", boxes, tc.wantBoxes)
			}
			for name, want := range tc.wantUIDs {
				var got []imap.UID
				for _, m := range snap[name].Messages {
					var uid imap.UID
					fmt.Sscan(m, &uid)
					got = append(got, uid)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s UIDs %v, want %v", name, got, want)
				}
			}
		})
	}
}
