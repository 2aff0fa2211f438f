package authres

import (
	"strings"
	"testing"
)

func TestVerified(t *testing.T) {
	const mx = "mail.example.gov.co"
	tests := []struct {
		name       string
		headers    []string // top to bottom
		trustedID  string
		fromDomain string
		wantOK     bool
		wantReason string // a substring
	}{
		{
			name:       "Gmail dmarc pass",
			headers:    []string{gmail},
			trustedID:  "mx.google.com",
			fromDomain: "example.gov.co",
			wantOK:     true, wantReason: "dmarc=pass header.from=example.gov.co",
		},
		{
			name:       "Gmail, authserv-id case differs",
			headers:    []string{gmail},
			trustedID:  "MX.Google.COM",
			fromDomain: "Example.Gov.Co.",
			wantOK:     true, wantReason: "dmarc=pass",
		},
		{
			name:       "Gmail dkim by header.i only, dmarc absent",
			headers:    []string{"mx.google.com; dkim=pass header.i=@example.gov.co header.s=20230601 header.b=abc; spf=pass smtp.mailfrom=a@example.gov.co"},
			trustedID:  "mx.google.com",
			fromDomain: "example.gov.co",
			wantOK:     true, wantReason: "dkim=pass header.d=example.gov.co",
		},
		{
			name:       "Microsoft 365 without authserv-id",
			headers:    []string{microsoft365},
			trustedID:  NoAuthServID,
			fromDomain: "proveedor.com.co",
			wantOK:     true, wantReason: "dmarc=pass",
		},
		{
			name:       "Microsoft 365 field is not trusted by a named id",
			headers:    []string{microsoft365},
			trustedID:  "outlook.com",
			fromDomain: "proveedor.com.co",
			wantReason: "no Authentication-Results from outlook.com",
		},
		{
			name:       "Microsoft 365 spoof of our own domain",
			headers:    []string{microsoftFail},
			trustedID:  NoAuthServID,
			fromDomain: "example.gov.co",
			wantReason: "dmarc=fail",
		},
		{
			name:       "OpenDKIM then OpenDMARC lines, topmost decides",
			headers:    []string{openDMARC, openDKIM},
			trustedID:  mx,
			fromDomain: "proveedor.com",
			wantOK:     true, wantReason: "dmarc=pass",
		},
		{
			name:       "OpenDKIM alone",
			headers:    []string{openDKIM},
			trustedID:  mx,
			fromDomain: "proveedor.com",
			wantOK:     true, wantReason: "dkim=pass header.d=proveedor.com",
		},
		{
			name:       "rspamd",
			headers:    []string{rspamd},
			trustedID:  mx,
			fromDomain: "x.co",
			wantOK:     true,
		},
		{
			name:       "dkim by the organisational domain for a subdomain",
			headers:    []string{mx + "; dkim=pass header.d=example.gov.co"},
			trustedID:  mx,
			fromDomain: "oti.example.gov.co",
			wantOK:     true, wantReason: "dkim=pass header.d=example.gov.co",
		},
		{
			name:       "dkim by a subdomain does not cover the parent",
			headers:    []string{mx + "; dkim=pass header.d=oti.example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "no aligned pass",
		},
		{
			name:       "dkim by a look-alike suffix",
			headers:    []string{mx + "; dkim=pass header.d=ample.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "no aligned pass",
		},
		{
			name:       "dkim by a bare top-level label",
			headers:    []string{mx + "; dkim=pass header.d=co"},
			trustedID:  mx,
			fromDomain: "example.co",
			wantReason: "no aligned pass",
		},
		{
			name:       "dkim pass by a third party",
			headers:    []string{mx + "; dkim=pass header.d=mailchimp.com; spf=pass smtp.mailfrom=bounce.mailchimp.com"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "dkim=pass d=mailchimp.com",
		},
		{
			name:       "dkim fail",
			headers:    []string{mx + "; dkim=fail reason=\"signature verification failed\" header.d=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "dkim=fail d=example.gov.co",
		},
		{
			name:       "one failing and one aligned passing signature",
			headers:    []string{mx + "; dkim=fail header.d=example.gov.co; dkim=pass header.d=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantOK:     true,
		},
		{
			name:       "dmarc fail wins over a dkim pass by the parent domain",
			headers:    []string{mx + "; dkim=pass header.d=example.gov.co; dmarc=fail (p=reject adkim=s) header.from=oti.example.gov.co"},
			trustedID:  mx,
			fromDomain: "oti.example.gov.co",
			wantReason: "dmarc=fail header.from=oti.example.gov.co",
		},
		{
			name:       "dmarc pass for another domain does not count",
			headers:    []string{mx + "; dmarc=pass header.from=evil.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "no dkim or dmarc result",
		},
		{
			name:       "spf pass alone",
			headers:    []string{mx + "; spf=pass smtp.mailfrom=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "only spf=pass",
		},
		{
			name:       "none",
			headers:    []string{mx + "; none"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "no dkim or dmarc result",
		},
		{
			name:       "missing header",
			headers:    nil,
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "no Authentication-Results from " + mx,
		},
		{
			name:       "forged pass from another authserv-id is ignored",
			headers:    []string{mx + "; dkim=fail header.d=example.gov.co", "evil.example; dmarc=pass header.from=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "dkim=fail",
		},
		{
			name:       "forged pass from another authserv-id above ours is ignored",
			headers:    []string{"evil.example; dmarc=pass header.from=example.gov.co", mx + "; dmarc=fail header.from=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "dmarc=fail",
		},
		{
			name:       "only a forged header, other id",
			headers:    []string{"evil.example; dmarc=pass header.from=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "no Authentication-Results from " + mx,
		},
		{
			name:       "forged header with our id below ours is ignored",
			headers:    []string{mx + "; dmarc=fail header.from=example.gov.co", mx + "; dmarc=pass header.from=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "dmarc=fail",
		},
		{
			name:       "id-less forgery is not trusted under a named id",
			headers:    []string{"dmarc=pass header.from=example.gov.co", mx + "; spf=pass smtp.mailfrom=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "only spf=pass",
		},
		{
			name:       "named id is not trusted under NoAuthServID",
			headers:    []string{mx + "; dmarc=pass header.from=example.gov.co"},
			trustedID:  NoAuthServID,
			fromDomain: "example.gov.co",
			wantReason: "no Authentication-Results",
		},
		{
			name:       "quoted \"(none)\" id is not NoAuthServID",
			headers:    []string{`"(none)"; dmarc=pass header.from=example.gov.co`},
			trustedID:  NoAuthServID,
			fromDomain: "example.gov.co",
			wantReason: "no Authentication-Results",
		},
		{
			name:       "unreadable trusted field stops the search",
			headers:    []string{mx + "; dkim=pass (broken header.d=example.gov.co", mx + "; dmarc=pass header.from=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantReason: "unreadable",
		},
		{
			name:       "unreadable foreign field is skipped",
			headers:    []string{"evil.example; dkim=pass (broken", mx + "; dmarc=pass header.from=example.gov.co"},
			trustedID:  mx,
			fromDomain: "example.gov.co",
			wantOK:     true,
		},
		{
			name:       "IDN From domain in U-label, result in A-label",
			headers:    []string{mx + "; dmarc=pass header.from=xn--bogot-1qa.gov.co"},
			trustedID:  mx,
			fromDomain: "bogotá.gov.co",
			wantOK:     true,
		},
		{
			name:       "no trusted id configured",
			headers:    []string{gmail},
			trustedID:  " ",
			fromDomain: "example.gov.co",
			wantReason: "no trusted authserv-id",
		},
		{
			name:       "no From domain",
			headers:    []string{gmail},
			trustedID:  "mx.google.com",
			fromDomain: "",
			wantReason: "no From domain",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, reason := Verified(tc.headers, tc.trustedID, tc.fromDomain)
			if ok != tc.wantOK {
				t.Fatalf("Verified = %v (%s), want %v", ok, reason, tc.wantOK)
			}
			if reason == "" || !strings.Contains(reason, tc.wantReason) {
				t.Fatalf("reason = %q, want containing %q", reason, tc.wantReason)
			}
		})
	}
}

func FuzzVerified(f *testing.F) {
	f.Add(gmail, "mx.google.com", "example.gov.co")
	f.Add(microsoft365, NoAuthServID, "proveedor.com.co")
	f.Add(openDKIM, "mail.example.gov.co", "proveedor.com")
	f.Add("x; dkim=pass header.i=@", "x", "@")
	f.Fuzz(func(t *testing.T, header, trustedID, fromDomain string) {
		ok, reason := Verified([]string{header}, trustedID, fromDomain)
		if reason == "" {
			t.Fatal("empty reason")
		}
		if !ok {
			return
		}
		// A pass always rests on a dkim or dmarc pass in a field that
		// matched the trusted id.
		res, err := Parse(header)
		if err != nil || !matchesID(res.AuthServID, trustedID) {
			t.Fatalf("pass (%s) without a trusted field: %+v, %v", reason, res, err)
		}
		if !strings.HasPrefix(reason, "dmarc=pass") && !strings.HasPrefix(reason, "dkim=pass") {
			t.Fatalf("pass with reason %q", reason)
		}
	})
}

func BenchmarkVerifiedGmail(b *testing.B) {
	headers := []string{gmail}
	for b.Loop() {
		if ok, _ := Verified(headers, "mx.google.com", "example.gov.co"); !ok {
			b.Fatal("not verified")
		}
	}
}
