package mailsandbox

import (
	"errors"
	"testing"
)

func TestSplitAndBaseAddress(t *testing.T) {
	cases := []struct {
		name, addr    string
		local, domain string
		splitOK       bool
		base          string
		baseOK        bool
	}{
		{"plain", "ana@example.gov.co", "ana", "example.gov.co", true, "", false},
		{"plus token", "soporte.oti+r1.AbC@example.gov.co", "soporte.oti+r1.AbC", "example.gov.co", true, "soporte.oti@example.gov.co", true},
		{"two plus signs keep the first split", "a+b+c@d", "a+b+c", "d", true, "a@d", true},
		{"empty detail", "a+@d", "a+", "d", true, "a@d", true},
		{"plus at start has no base", "+tok@d", "+tok", "d", true, "", false},
		{"quoted local part with at sign", `"a@b"@d`, `"a@b"`, "d", true, "", false},
		{"no at sign", "postmaster", "", "", false, "", false},
		{"empty local", "@d", "", "", false, "", false},
		{"empty domain", "a@", "", "", false, "", false},
		{"empty", "", "", "", false, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			local, domain, ok := splitAddress(tc.addr)
			if local != tc.local || domain != tc.domain || ok != tc.splitOK {
				t.Errorf("splitAddress = %q, %q, %v; want %q, %q, %v", local, domain, ok, tc.local, tc.domain, tc.splitOK)
			}
			base, ok := baseAddress(tc.addr)
			if base != tc.base || ok != tc.baseOK {
				t.Errorf("baseAddress = %q, %v; want %q, %v", base, ok, tc.base, tc.baseOK)
			}
		})
	}
}

func TestValidAccountAddress(t *testing.T) {
	cases := []struct {
		name, addr, want string
		ok               bool
	}{
		{"plain", "ana@example.gov.co", "ana@example.gov.co", true},
		{"trimmed and lowercased", "  Ana.Perez@Example.GOV.co ", "ana.perez@example.gov.co", true},
		{"with plus", "a+b@d.co", "a+b@d.co", true},
		{"display name", "Ana <ana@d.co>", "", false},
		{"angle brackets", "<ana@d.co>", "", false},
		{"space inside", "ana perez@d.co", "", false},
		{"quoted", `"ana"@d.co`, "", false},
		{"slash", "a/b@d.co", "", false},
		{"backslash", `a\b@d.co`, "", false},
		{"control", "a\x01@d.co", "", false},
		{"no domain", "ana", "", false},
		{"two at signs", "a@b@c", "", false},
		{"empty", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := validAccountAddress(tc.addr)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("validAccountAddress(%q) = %q, %v; want %q, ok %v", tc.addr, got, err, tc.want, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBadAddress) {
				t.Errorf("error %v does not wrap ErrBadAddress", err)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	s := startSystem(t, Config{})
	cases := []struct {
		name, addr string
		wantAcct   string // canonical address of the mailbox, "" for captured
		wantErr    error
	}{
		{"exact", "soporte.oti@example.gov.co", "soporte.oti@example.gov.co", nil},
		{"case", "SOPORTE.oti@Example.Gov.Co", "soporte.oti@example.gov.co", nil},
		{"spaces around", " ana.perez@example.gov.co ", "", ErrBadAddress},
		{"plus", "soporte.oti+r1.xyz@example.gov.co", "soporte.oti@example.gov.co", nil},
		{"plus in other case", "Soporte.Oti+TOK@EXAMPLE.GOV.CO", "soporte.oti@example.gov.co", nil},
		{"account in a second local domain", "MESA+x@proveedor.com.co", "mesa@proveedor.com.co", nil},
		{"unknown local", "nadie@example.gov.co", "", ErrUnknownRecipient},
		{"unknown local with plus", "nadie+x@example.gov.co", "", ErrUnknownRecipient},
		{"unknown in second local domain", "otro@proveedor.com.co", "", ErrUnknownRecipient},
		{"foreign", "someone@gmail.example", "", nil},
		{"foreign with plus", "soporte.oti+x@gmail.example", "", nil},
		{"subdomain is foreign", "ana.perez@sub.example.gov.co", "", nil},
		{"no domain", "soporte.oti", "", ErrBadAddress},
		{"empty", "", "", ErrBadAddress},
		{"newline", "ana.perez@example.gov.co\n", "", ErrBadAddress},
		{"angle bracket", "<ana.perez@example.gov.co>", "", ErrBadAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.resolve(tc.addr)
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("resolve(%q) error %v, want %v", tc.addr, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			got := ""
			if r.acct != nil {
				got = r.acct.canon
			}
			if got != tc.wantAcct {
				t.Errorf("resolve(%q) = mailbox %q, want %q", tc.addr, got, tc.wantAcct)
			}
			if r.addr != tc.addr {
				t.Errorf("resolved recipient %q lost the address as given %q", r.addr, tc.addr)
			}
		})
	}
}
