package dkim

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkVerify is the CPU cost of checking one signed message (RSA
// 2048, a 10 KB body) with DNS answered in memory: what a network lookup
// adds is the resolver's round trip.
func BenchmarkVerify(b *testing.B) {
	k := rsaKey(b)
	raw := []byte(sign(b, message("jgomez@example.gov.co", "Re: [OTI-1]", "#resolver\r\n"+strings.Repeat("Texto de la respuesta. ", 450)),
		"example.gov.co", "sel", k, false))
	v := &Verifier{Resolver: zone{"sel._domainkey.example.gov.co": {k.record}}}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if ok, why := v.Verify(context.Background(), raw, "example.gov.co"); !ok {
			b.Fatal(why)
		}
	}
}
