package dkim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
)

// zone is a resolver the test provides: TXT records by name.
type zone map[string][]string

func (z zone) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := z[strings.ToLower(name)]; ok {
		return v, nil
	}
	if name == "down._domainkey.example.gov.co" {
		return nil, &net.DNSError{Err: "timeout", Name: name, IsTimeout: true, IsTemporary: true}
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

type key struct {
	signer crypto.Signer
	record string
}

func rsaKey(t testing.TB) key {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return key{k, "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)}
}

func edKey(t *testing.T) key {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key{priv, "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}
}

func sign(t testing.TB, raw, domain, selector string, k key, bodyLen bool) string {
	t.Helper()
	var out bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: selector, Signer: k.signer,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}, BodyCanonicalization: dkim.CanonicalizationRelaxed}
	if err := dkim.Sign(&out, strings.NewReader(raw), opts); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if bodyLen { // a signature that covers only the first bytes of the body
		s = strings.Replace(s, "DKIM-Signature: ", "DKIM-Signature: l=10; ", 1)
	}
	return s
}

func message(from, subject, body string) string {
	return "From: " + from + "\r\nTo: soporte.oti@example.gov.co\r\nSubject: " + subject +
		"\r\nDate: Mon, 02 Mar 2026 10:00:00 -0500\r\nMessage-ID: <m1@example.gov.co>\r\n\r\n" + body + "\r\n"
}

func TestVerify(t *testing.T) {
	agency, attacker, edk, other := rsaKey(t), rsaKey(t), edKey(t), rsaKey(t)
	dns := zone{
		"sel._domainkey.example.gov.co":   {agency.record},
		"ed._domainkey.example.gov.co":    {edk.record},
		"sel._domainkey.attacker.example": {attacker.record},
		"sel._domainkey.gov.co":           {other.record},
	}
	plain := message("Juan Gómez <jgomez@example.gov.co>", "Re: [OTI-1] Impresora", "#resolver Cambié el tóner.")
	sub := message("Juan <jgomez@oti.example.gov.co>", "Re: [OTI-1]", "#cerrar")
	cases := []struct {
		name, raw, from string
		ok              bool
		reason          string
	}{
		{"valid rsa", sign(t, plain, "example.gov.co", "sel", agency, false), "example.gov.co", true, "dkim=pass header.d=example.gov.co"},
		{"valid ed25519", sign(t, plain, "example.gov.co", "ed", edk, false), "example.gov.co", true, "dkim=pass"},
		{"relaxed: parent signs for a subdomain", sign(t, sub, "example.gov.co", "sel", agency, false), "oti.example.gov.co", true, "dkim=pass"},
		{"body changed", strings.Replace(sign(t, plain, "example.gov.co", "sel", agency, false), "Cambié el tóner", "Cerré el caso", 1),
			"example.gov.co", false, "body hash did not verify"},
		{"header changed", strings.Replace(sign(t, plain, "example.gov.co", "sel", agency, false), "Subject: Re: [OTI-1]", "Subject: Re: [OTI-2]", 1),
			"example.gov.co", false, "signature did not verify"},
		{"wrong key for the domain", sign(t, plain, "example.gov.co", "sel", attacker, false), "example.gov.co", false, "fail"},
		{"unaligned domain", sign(t, plain, "attacker.example", "sel", attacker, false), "example.gov.co", false, "not aligned"},
		{"public suffix signs", sign(t, plain, "gov.co", "sel", other, false), "example.gov.co", false, "not aligned"},
		{"no signature", plain, "example.gov.co", false, "no signature"},
		{"body length tag", sign(t, plain, "example.gov.co", "sel", agency, true), "example.gov.co", false, "body length"},
		{"no key published", sign(t, plain, "example.gov.co", "nokey", agency, false), "example.gov.co", false, "permerror"},
		{"dns down", sign(t, plain, "example.gov.co", "down", agency, false), "example.gov.co", false, "temperror"},
		{"second From field", "From: mallory@attacker.example\r\n" + sign(t, plain, "example.gov.co", "sel", agency, false),
			"example.gov.co", false, "2 From fields"},
		{"From of another domain", sign(t, plain, "example.gov.co", "sel", agency, false), "proveedor.example.com", false, "not aligned"},
	}
	v := &Verifier{Resolver: dns}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, why := v.Verify(context.Background(), []byte(c.raw), c.from)
			if ok != c.ok || !strings.Contains(why, c.reason) {
				t.Errorf("Verify = %v, %q; want %v and %q", ok, why, c.ok, c.reason)
			}
		})
	}
}

func TestAligned(t *testing.T) {
	cases := []struct {
		d, from string
		want    bool
	}{
		{"example.gov.co", "example.gov.co", true},
		{"example.gov.co", "oti.example.gov.co", true},
		{"mail.example.gov.co", "example.gov.co", true}, // relaxed: same organizational domain
		{"gov.co", "example.gov.co", false},
		{"co", "example.co", false},
		{"example.com", "example.com.co", false},
		{"otherexample.gov.co", "example.gov.co", false},
		{"", "example.gov.co", false},
	}
	for _, c := range cases {
		if got := aligned(c.d, c.from); got != c.want {
			t.Errorf("aligned(%q, %q) = %v, want %v", c.d, c.from, got, c.want)
		}
	}
}

func TestVerifyHonoursTheTimeout(t *testing.T) {
	k := rsaKey(t)
	raw := sign(t, message("a@example.gov.co", "x", "y"), "example.gov.co", "sel", k, false)
	v := &Verifier{Resolver: blocking{}, Timeout: 1}
	ok, why := v.Verify(context.Background(), []byte(raw), "example.gov.co")
	if ok || !strings.Contains(why, "temperror") {
		t.Errorf("Verify = %v, %q", ok, why)
	}
}

// blocking answers when the lookup's context ends, as a resolver whose
// server does not answer.
type blocking struct{}

func (blocking) LookupTXT(ctx context.Context, name string) ([]string, error) {
	<-ctx.Done()
	return nil, &net.DNSError{Err: errors.Join(ctx.Err()).Error(), Name: name, IsTimeout: true, IsTemporary: true}
}

// wrapped is a resolver that wraps its errors, as a caching or logging
// resolver does: a temporary one stays temporary.
type wrapped struct{ err error }

func (w wrapped) LookupTXT(_ context.Context, name string) ([]string, error) {
	return nil, fmt.Errorf("resolver cache: %w", w.err)
}

// Check tells a temporary failure, worth asking again later, from a final
// one; only an aligned signature's lookup makes it temporary.
func TestCheckTellsTemporaryFailures(t *testing.T) {
	k := rsaKey(t)
	plain := message("Juan <jgomez@example.gov.co>", "Re: [OTI-1]", "#cerrar")
	aligned := sign(t, plain, "example.gov.co", "sel", k, false)
	unaligned := sign(t, plain, "attacker.example", "sel", k, false)
	temp := &net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}
	cases := []struct {
		name      string
		res       Resolver
		raw       string
		temporary bool
	}{
		{"dns down", zone{}, strings.Replace(aligned, "s=sel", "s=down", 1), true},
		{"wrapped temporary error", wrapped{temp}, aligned, true},
		{"wrapped deadline", wrapped{context.DeadlineExceeded}, aligned, true},
		{"no such key", zone{}, aligned, false},
		{"wrapped not found", wrapped{&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}, aligned, false},
		{"unaligned signature's dns down", wrapped{temp}, unaligned, false},
		{"no signature", wrapped{temp}, plain, false},
		{"lookup times out", blocking{}, aligned, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := (&Verifier{Resolver: c.res, Timeout: time.Millisecond}).Check(context.Background(), []byte(c.raw), "example.gov.co")
			if r.OK || r.Temporary != c.temporary {
				t.Errorf("Check = %+v, want temporary %v", r, c.temporary)
			}
		})
	}
	r := (&Verifier{Resolver: zone{"sel._domainkey.example.gov.co": {k.record}}}).Check(context.Background(), []byte(aligned), "example.gov.co")
	if !r.OK || r.Temporary {
		t.Errorf("valid: %+v", r)
	}
}
