package testdovecot

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func TestStartServesEveryUser(t *testing.T) {
	users := []string{"mesa@example.org", "proveedor@otro.example"}
	s := Start(t, users...)
	for _, u := range users {
		t.Run(u, func(t *testing.T) {
			c, err := imapclient.DialInsecure(s.Addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(u, s.Password).Wait(); err != nil {
				t.Fatalf("login: %v", err)
			}
			raw := "Subject: prueba " + u + "\r\n\r\ncuerpo\r\n"
			cmd := c.Append("INBOX", int64(len(raw)), nil)
			cmd.Write([]byte(raw))
			cmd.Close()
			if _, err := cmd.Wait(); err != nil {
				t.Fatalf("append: %v", err)
			}
			data, err := c.Select("INBOX", nil).Wait()
			if err != nil {
				t.Fatal(err)
			}
			// Mailboxes are per user: each sees only its own message.
			if data.NumMessages != 1 || data.UIDValidity == 0 {
				t.Errorf("select = %+v", data)
			}
			for _, cp := range []imap.Cap{imap.CapIdle, imap.CapMove, imap.CapUIDPlus} {
				if !c.Caps().Has(cp) {
					t.Errorf("server lacks %s", cp)
				}
			}
		})
	}
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(users[0], "wrong").Wait(); err == nil {
		t.Error("wrong password accepted")
	}
}

func TestTwoInstancesAndStop(t *testing.T) {
	a := Start(t)
	b := Start(t)
	if a.Addr == b.Addr || a.Dir == b.Dir {
		t.Fatalf("instances share %s / %s", a.Addr, a.Dir)
	}
	a.Stop()
	a.Stop() // idempotent
	if c, err := imapclient.DialInsecure(a.Addr, nil); err == nil {
		err = c.WaitGreeting()
		c.Close()
		if err == nil {
			t.Error("stopped instance still greets")
		}
	}
	c, err := imapclient.DialInsecure(b.Addr, nil)
	if err != nil {
		t.Fatalf("the other instance died too: %v", err)
	}
	defer c.Close()
	if err := c.Login(DefaultUser, b.Password).Wait(); err != nil {
		t.Fatal(err)
	}
}

// recorder captures Skip and Fatal without ending the real test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(f string, args ...any) {
	r.skipped = strings.TrimSpace(fmtS(f, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.failed = strings.TrimSpace(fmtS("%v", args...))
	runtime.Goexit()
}

func fmtS(f string, args ...any) string { return fmt.Sprintf(f, args...) }

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name     string
		require  string
		wantSkip bool
	}{
		{"skips_loudly_by_default", "", true},
		{"fails_when_required", "1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(RequireEnv, tc.require)
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				unavailable(r, errors.New("dovecot binary not found"))
			}()
			<-done
			got := r.failed
			if tc.wantSkip {
				got = r.skipped
				if r.failed != "" {
					t.Fatalf("failed instead of skipping: %s", r.failed)
				}
				if !strings.Contains(got, "SKIPPING") || !strings.Contains(got, RequireEnv) {
					t.Errorf("skip message not loud enough: %s", got)
				}
			} else if r.skipped != "" {
				t.Fatalf("skipped although %s=1: %s", RequireEnv, r.skipped)
			}
			if !strings.Contains(got, "apt-get install -y dovecot-imapd") {
				t.Errorf("message lacks the install hint: %q", got)
			}
		})
	}
}

func TestFindDovecotMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	saved := fallbackPaths
	fallbackPaths = []string{"/nonexistent/dovecot"}
	defer func() { fallbackPaths = saved }()
	if _, _, err := findDovecot(); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("findDovecot() error = %v", err)
	}
}
