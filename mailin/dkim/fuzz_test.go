package dkim

import (
	"context"
	"testing"
)

// FuzzVerify: any message is judged without a panic, and one nobody signed
// with a published key never passes.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("From: a@example.gov.co\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.gov.co; s=sel; h=from; bh=; b=\r\n\r\nx"), "example.gov.co")
	f.Add([]byte("From: a@example.gov.co\nFrom: b@x.co\n\n"), "x.co")
	f.Add([]byte("DKIM-Signature: l=1\r\n"), "")
	v := &Verifier{Resolver: zone{}}
	f.Fuzz(func(t *testing.T, raw []byte, from string) {
		if ok, why := v.Verify(context.Background(), raw, from); ok {
			t.Fatalf("passed with no key published: %s", why)
		}
	})
}
