package mailsandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func dialSMTP(s *System) (*smtp.Client, error) {
	c, err := smtp.Dial(s.SMTPAddr())
	if err != nil {
		return nil, err
	}
	if err := c.Hello("cliente.test"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func TestSMTPAuth(t *testing.T) {
	s := startSystem(t, Config{})
	cases := []struct {
		name     string
		auth     sasl.Client
		wantCode int
	}{
		{"plain", sasl.NewPlainClient("", ana.Address, ana.Password), 0},
		{"plain with identity equal to user", sasl.NewPlainClient(ana.Address, ana.Address, ana.Password), 0},
		{"plain username in other case", sasl.NewPlainClient("", "ANA.Perez@Example.gov.co", ana.Password), 0},
		{"login", sasl.NewLoginClient(ana.Address, ana.Password), 0},
		{"plain wrong password", sasl.NewPlainClient("", ana.Address, "nope"), 535},
		{"plain password of another account", sasl.NewPlainClient("", ana.Address, support.Password), 535},
		{"plain unknown user", sasl.NewPlainClient("", "nadie@example.gov.co", "x"), 535},
		{"plain identity of someone else", sasl.NewPlainClient(support.Address, ana.Address, ana.Password), 535},
		{"login wrong password", sasl.NewLoginClient(ana.Address, "nope"), 535},
		{"unknown mechanism", sasl.NewAnonymousClient("x"), 504},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dialSMTP(s)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := smtpCode(c.Auth(tc.auth)); got != tc.wantCode {
				t.Fatalf("AUTH reply %d, want %d", got, tc.wantCode)
			}
		})
	}
}

func TestSMTPAdvertises(t *testing.T) {
	s := startSystem(t, Config{})
	c, err := dialSMTP(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, mech := range []string{"PLAIN", "LOGIN"} {
		if !c.SupportsAuth(mech) {
			t.Errorf("AUTH %s not advertised", mech)
		}
	}
	if size, ok := c.MaxMessageSize(); !ok || size != MaxMessageBytes {
		t.Errorf("SIZE = %d, %v; want %d", size, ok, MaxMessageBytes)
	}
	for _, ext := range []string{"8BITMIME", "SMTPUTF8", "PIPELINING"} {
		if ok, _ := c.Extension(ext); !ok {
			t.Errorf("%s not advertised", ext)
		}
	}
}

func TestSMTPRecipientPolicy(t *testing.T) {
	s := startSystem(t, Config{})
	cases := []struct {
		name     string
		authed   bool
		rcpt     string
		wantCode int
		wantEnh  smtp.EnhancedCode
	}{
		{"local, no auth (as an MX)", false, support.Address, 0, smtp.EnhancedCode{}},
		{"plus-address, no auth", false, "soporte.oti+abc@example.gov.co", 0, smtp.EnhancedCode{}},
		{"other case, no auth", false, "ANA.PEREZ@EXAMPLE.GOV.CO", 0, smtp.EnhancedCode{}},
		{"account in another domain, no auth", false, provider.Address, 0, smtp.EnhancedCode{}},
		{"unknown local, no auth", false, "nadie@example.gov.co", 550, smtp.EnhancedCode{5, 1, 1}},
		{"unknown local, auth", true, "nadie@example.gov.co", 550, smtp.EnhancedCode{5, 1, 1}},
		{"unknown plus base", true, "nadie+tok@example.gov.co", 550, smtp.EnhancedCode{5, 1, 1}},
		{"empty plus base", true, "+tok@example.gov.co", 550, smtp.EnhancedCode{5, 1, 1}},
		{"foreign, no auth", false, "alguien@gmail.example", 554, smtp.EnhancedCode{5, 7, 1}},
		{"foreign, auth (captured)", true, "alguien@gmail.example", 0, smtp.EnhancedCode{}},
		{"quoted local part with a space", true, `"ana perez"@example.gov.co`, 501, smtp.EnhancedCode{5, 1, 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dialSMTP(s)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.authed {
				if err := c.Auth(plain(ana)); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Mail(ana.Address, nil); err != nil {
				t.Fatal(err)
			}
			err = c.Rcpt(tc.rcpt, nil)
			if got := smtpCode(err); got != tc.wantCode {
				t.Fatalf("RCPT reply %d (%v), want %d", got, err, tc.wantCode)
			}
			var se *smtp.SMTPError
			if errors.As(err, &se) && se.EnhancedCode != tc.wantEnh {
				t.Errorf("enhanced code %v, want %v", se.EnhancedCode, tc.wantEnh)
			}
		})
	}
}

func TestSMTPRefusedRecipientDoesNotBlockOthers(t *testing.T) {
	s := startSystem(t, Config{})
	c, err := dialSMTP(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail(ana.Address, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("nadie@example.gov.co", nil); smtpCode(err) != 550 {
		t.Fatalf("unknown RCPT: %v", err)
	}
	if err := c.Rcpt(support.Address, nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, string(message(ana.Address, support.Address, "x", "p@x", "x\n")))
	if err := w.Close(); err != nil {
		t.Fatalf("DATA: %v", err)
	}
	if n := len(inbox(t, s, support)); n != 1 {
		t.Errorf("support INBOX has %d, want 1", n)
	}
}

func TestSMTPSizeLimit(t *testing.T) {
	s := startSystem(t, Config{})
	t.Run("declared SIZE too big", func(t *testing.T) {
		c, err := dialSMTP(s)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = c.Mail(ana.Address, &smtp.MailOptions{Size: MaxMessageBytes + 1})
		if smtpCode(err) != 552 {
			t.Fatalf("MAIL SIZE=%d: %v, want 552", MaxMessageBytes+1, err)
		}
	})
	t.Run("data too big", func(t *testing.T) {
		line := strings.Repeat("x", 998) + "\r\n"
		var big bytes.Buffer
		big.WriteString("Subject: big\r\n\r\n")
		for big.Len() <= MaxMessageBytes {
			big.WriteString(line)
		}
		err := submit(s, plain(ana), ana.Address, []string{support.Address}, big.Bytes())
		if smtpCode(err) != 552 {
			t.Fatalf("oversized DATA: %v, want 552", err)
		}
	})
	t.Run("just under the limit", func(t *testing.T) {
		raw := []byte("Subject: ok\r\n\r\n" + strings.Repeat(strings.Repeat("y", 998)+"\r\n", (MaxMessageBytes-100)/1000))
		if err := submit(s, plain(ana), ana.Address, []string{support.Address}, raw); err != nil {
			t.Fatalf("message under the limit refused: %v", err)
		}
	})
	if n := len(inbox(t, s, support)); n != 1 {
		t.Errorf("support INBOX has %d, want only the message under the limit", n)
	}
}

func TestIMAPAuth(t *testing.T) {
	s := startSystem(t, Config{})
	cases := []struct {
		name      string
		login     func(*imapclient.Client) error
		wantError bool
	}{
		{"LOGIN", func(c *imapclient.Client) error { return c.Login(support.Address, support.Password).Wait() }, false},
		{"LOGIN other case", func(c *imapclient.Client) error {
			return c.Login("Soporte.OTI@EXAMPLE.gov.co", support.Password).Wait()
		}, false},
		{"AUTHENTICATE PLAIN", func(c *imapclient.Client) error { return c.Authenticate(plain(support)) }, false},
		{"LOGIN wrong password", func(c *imapclient.Client) error { return c.Login(support.Address, "nope").Wait() }, true},
		{"LOGIN unknown user", func(c *imapclient.Client) error { return c.Login("nadie@example.gov.co", "x").Wait() }, true},
		{"LOGIN plus-address is not a username", func(c *imapclient.Client) error {
			return c.Login("soporte.oti+x@example.gov.co", support.Password).Wait()
		}, true},
		{"AUTHENTICATE PLAIN wrong password", func(c *imapclient.Client) error {
			return c.Authenticate(sasl.NewPlainClient("", support.Address, "nope"))
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := imapclient.DialInsecure(s.IMAPAddr(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = tc.login(c)
			if (err != nil) != tc.wantError {
				t.Fatalf("login error = %v, want error: %v", err, tc.wantError)
			}
			if err == nil {
				if _, err := c.Select("INBOX", nil).Wait(); err != nil {
					t.Errorf("select after login: %v", err)
				}
			}
		})
	}
}

func TestLoginServer(t *testing.T) {
	type step struct {
		resp      []byte
		challenge string
		done      bool
		err       bool
	}
	cases := []struct {
		name  string
		steps []step
		user  string // what reached authenticate, if it was called
		pass  string
	}{
		{"initial response", []step{
			{[]byte("ana"), "Password:", false, false},
			{[]byte("pw"), "", true, false},
		}, "ana", "pw"},
		{"no initial response", []step{
			{nil, "Username:", false, false},
			{[]byte("ana"), "Password:", false, false},
			{[]byte("pw"), "", true, false},
		}, "ana", "pw"},
		{"empty initial response is none", []step{
			{[]byte{}, "Username:", false, false},
			{[]byte("ana"), "Password:", false, false},
			{[]byte("wrong"), "", true, true},
		}, "ana", "wrong"},
		{"talking after done", []step{
			{[]byte("ana"), "Password:", false, false},
			{[]byte("pw"), "", true, false},
			{[]byte("more"), "", false, true},
		}, "ana", "pw"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var gotUser, gotPass string
			l := &loginServer{authenticate: func(u, p string) error {
				gotUser, gotPass = u, p
				if p != "pw" {
					return fmt.Errorf("bad password")
				}
				return nil
			}}
			for i, st := range tc.steps {
				ch, done, err := l.Next(st.resp)
				if string(ch) != st.challenge || done != st.done || (err != nil) != st.err {
					t.Fatalf("step %d: Next(%q) = %q, %v, %v; want %q, %v, err %v", i, st.resp, ch, done, err, st.challenge, st.done, st.err)
				}
			}
			if gotUser != tc.user || gotPass != tc.pass {
				t.Errorf("authenticate(%q, %q), want (%q, %q)", gotUser, gotPass, tc.user, tc.pass)
			}
		})
	}
}
