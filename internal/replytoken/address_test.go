package replytoken

import (
	"strings"
	"testing"
	"time"
)

func TestAddress(t *testing.T) {
	tests := []struct {
		name    string
		base    string
		token   string
		want    string
		wantErr string
	}{
		{name: "plain", base: "soporte.oti@example.gov.co", token: "abc234", want: "soporte.oti+abc234@example.gov.co"},
		{name: "keeps the base's case", base: "Soporte.OTI@Example.gov.co", token: "abc", want: "Soporte.OTI+abc@Example.gov.co"},
		{name: "trailing dot of domain dropped", base: "soporte@example.gov.co.", token: "abc", want: "soporte+abc@example.gov.co"},
		{name: "exactly 64 octets", base: strings.Repeat("s", 31) + "@x.co", token: strings.Repeat("t", 32), want: strings.Repeat("s", 31) + "+" + strings.Repeat("t", 32) + "@x.co"},
		{name: "65 octets", base: strings.Repeat("s", 32) + "@x.co", token: strings.Repeat("t", 32), wantErr: "limit 64"},
		{name: "base already has plus", base: "soporte+oti@example.gov.co", token: "abc", wantErr: "already has"},
		{name: "no at", base: "soporte.example.gov.co", token: "abc", wantErr: "not local@domain"},
		{name: "empty local", base: "@example.gov.co", token: "abc", wantErr: "not local@domain"},
		{name: "empty domain", base: "soporte@", token: "abc", wantErr: "not local@domain"},
		{name: "two ats", base: "a@b@example.gov.co", token: "abc", wantErr: "not local@domain"},
		{name: "display name form", base: "Soporte <soporte@example.gov.co>", token: "abc", wantErr: "not a plain address"},
		{name: "empty token", base: "soporte@example.gov.co", token: "", wantErr: "empty token"},
		{name: "token with plus", base: "soporte@example.gov.co", token: "a+b", wantErr: "character"},
		{name: "token with at", base: "soporte@example.gov.co", token: "a@b", wantErr: "character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Address(tc.base, tc.token)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Address = %q, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Address = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	const base = "soporte.oti@example.gov.co"
	tests := []struct {
		name   string
		addr   string
		base   string
		want   string
		wantOK bool
	}{
		{name: "plain", addr: "soporte.oti+abc234@example.gov.co", want: "abc234", wantOK: true},
		{name: "case-folded local part", addr: "soporte.oti+abc234@example.gov.co", base: "Soporte.OTI@example.gov.co", want: "abc234", wantOK: true},
		{name: "upper-cased by a server", addr: "SOPORTE.OTI+ABC234@EXAMPLE.GOV.CO", want: "ABC234", wantOK: true},
		{name: "angle brackets", addr: " <soporte.oti+abc@example.gov.co> ", want: "abc", wantOK: true},
		{name: "domain trailing dot", addr: "soporte.oti+abc@example.gov.co.", want: "abc", wantOK: true},
		{name: "no token", addr: "soporte.oti@example.gov.co"},
		{name: "empty token", addr: "soporte.oti+@example.gov.co"},
		{name: "other domain", addr: "soporte.oti+abc@example.gov.co.evil.com"},
		{name: "parent domain", addr: "soporte.oti+abc@gov.co"},
		{name: "other mailbox", addr: "ventas+abc@example.gov.co"},
		{name: "mailbox sharing a prefix", addr: "soporte.otix+abc@example.gov.co"},
		{name: "shorter mailbox", addr: "soporte+abc@example.gov.co"},
		{name: "second plus", addr: "soporte.oti+abc+def@example.gov.co"},
		{name: "quoted local part", addr: `"soporte.oti+abc"@example.gov.co`},
		{name: "display name form", addr: "Soporte <soporte.oti+abc@example.gov.co>"},
		{name: "empty", addr: ""},
		{name: "just at", addr: "@"},
		{name: "base is invalid", addr: "soporte+x+abc@example.gov.co", base: "soporte+x@example.gov.co"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.base
			if b == "" {
				b = base
			}
			got, ok := Extract(tc.addr, b)
			if ok != tc.wantOK || got != tc.want {
				t.Fatalf("Extract(%q) = %q, %v; want %q, %v", tc.addr, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// The whole path: sign, put in Reply-To, a server folds the case of the
// address, extract, verify.
func TestAddressExtractVerify(t *testing.T) {
	s := mustSigner(t, 0, Key{4, secretB})
	const base = "Soporte.OTI@Example.gov.co"
	now := time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC)
	addr, err := Address(base, s.Sign(31337, "Luz.Rojas@Entidad.gov.co", now))
	if err != nil {
		t.Fatal(err)
	}
	for _, seen := range []string{addr, strings.ToLower(addr), strings.ToUpper(addr)} {
		tok, ok := Extract(seen, base)
		if !ok {
			t.Fatalf("Extract(%q) failed", seen)
		}
		id, err := s.Verify(tok, "luz.rojas@entidad.gov.co", now.Add(time.Hour))
		if err != nil || id != 31337 {
			t.Fatalf("Verify(%q) = %d, %v", tok, id, err)
		}
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("soporte.oti+abc@example.gov.co", "soporte.oti@example.gov.co")
	f.Add("<SOPORTE.OTI+ABC@EXAMPLE.GOV.CO>", "soporte.oti@example.gov.co")
	f.Add("a+@b", "a@b")
	f.Add("@@", "@")
	f.Add("\"x+y\"@z", "x@z")
	f.Fuzz(func(t *testing.T, addr, base string) {
		tok, ok := Extract(addr, base)
		if !ok {
			if tok != "" {
				t.Fatalf("not ok but token %q", tok)
			}
			return
		}
		if tok == "" {
			t.Fatal("ok with empty token")
		}
		// What Extract accepts, Address can build back (up to case and
		// the length limit, which Extract does not enforce).
		rebuilt, err := Address(base, tok)
		if err != nil {
			if strings.Contains(err.Error(), "limit") {
				return
			}
			t.Fatalf("Address(%q, %q): %v", base, tok, err)
		}
		if back, ok := Extract(rebuilt, base); !ok || back != tok {
			t.Fatalf("Extract(Address) = %q, %v; want %q", back, ok, tok)
		}
	})
}
