package dkim

import (
	"context"
	"net"
	"strings"
	"testing"
)

// FuzzVerify: any message is judged without a panic, and one nobody signed
// with a published key never passes; with DNS down it never passes either,
// and a temporary failure always names the signature that had it.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("From: a@example.gov.co\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.gov.co; s=sel; h=from; bh=; b=\r\n\r\nx"), "example.gov.co")
	f.Add([]byte("From: a@example.gov.co\nFrom: b@x.co\n\n"), "x.co")
	f.Add([]byte("DKIM-Signature: l=1\r\n"), "")
	f.Add([]byte("From: a@example.gov.co\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.gov.co; s=down; h=from; bh=; b=\r\n\r\nx"), "example.gov.co")
	v := &Verifier{Resolver: zone{}}
	down := &Verifier{Resolver: wrapped{&net.DNSError{Err: "server misbehaving", IsTemporary: true}}}
	f.Fuzz(func(t *testing.T, raw []byte, from string) {
		if ok, why := v.Verify(context.Background(), raw, from); ok {
			t.Fatalf("passed with no key published: %s", why)
		}
		r := down.Check(context.Background(), raw, from)
		if r.OK || (r.Temporary && !strings.Contains(r.Reason, "temperror")) {
			t.Fatalf("with DNS down: %+v", r)
		}
	})
}
