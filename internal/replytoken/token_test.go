package replytoken

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	secretA = bytes.Repeat([]byte("a"), 32)
	secretB = bytes.Repeat([]byte("b"), 40)
	secretC = bytes.Repeat([]byte("c"), 32)
	t0      = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
)

func mustSigner(t testing.TB, ttl time.Duration, keys ...Key) *Signer {
	t.Helper()
	s, err := NewSigner(keys, ttl)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

func TestNewSigner(t *testing.T) {
	tests := []struct {
		name    string
		keys    []Key
		ttl     time.Duration
		wantErr string
		wantTTL time.Duration
	}{
		{name: "one key, default ttl", keys: []Key{{1, secretA}}, wantTTL: DefaultTTL},
		{name: "negative ttl means default", keys: []Key{{1, secretA}}, ttl: -time.Hour, wantTTL: DefaultTTL},
		{name: "explicit ttl", keys: []Key{{1, secretA}}, ttl: time.Hour, wantTTL: time.Hour},
		{name: "rotation set", keys: []Key{{2, secretB}, {1, secretA}}, wantTTL: DefaultTTL},
		{name: "no keys", keys: nil, wantErr: "no keys"},
		{name: "short secret", keys: []Key{{1, secretA[:31]}}, wantErr: "at least 32"},
		{name: "empty secret", keys: []Key{{1, nil}}, wantErr: "at least 32"},
		{name: "short second secret", keys: []Key{{1, secretA}, {2, []byte("short")}}, wantErr: "at least 32"},
		{name: "duplicate ids", keys: []Key{{7, secretA}, {7, secretB}}, wantErr: "duplicate key id 7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSigner(tc.keys, tc.ttl)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if s.TTL != tc.wantTTL {
				t.Errorf("TTL = %v, want %v", s.TTL, tc.wantTTL)
			}
		})
	}
}

func TestNewSignerCopiesSecrets(t *testing.T) {
	secret := bytes.Clone(secretA)
	s := mustSigner(t, 0, Key{1, secret})
	tok := s.Sign(42, "ana@example.gov.co", t0)
	secret[0] ^= 0xff // the caller reuses its buffer
	if _, err := s.Verify(tok, "ana@example.gov.co", t0); err != nil {
		t.Fatalf("Verify after caller changed its buffer: %v", err)
	}
}

func TestVerify(t *testing.T) {
	const ttl = 90 * 24 * time.Hour
	s := mustSigner(t, ttl, Key{1, secretA})
	other := mustSigner(t, ttl, Key{1, secretC}) // same id, other secret
	tok := s.Sign(1234, "Ana.Perez@Example.gov.co", t0)

	tests := []struct {
		name   string
		token  string
		email  string
		now    time.Time
		wantID int64
		want   error
	}{
		{name: "round trip", token: tok, email: "Ana.Perez@Example.gov.co", now: t0, wantID: 1234},
		{name: "email case differs", token: tok, email: "ana.perez@example.gov.co", now: t0, wantID: 1234},
		{name: "email with spaces", token: tok, email: "  ana.perez@example.gov.co ", now: t0, wantID: 1234},
		{name: "token upper-cased by a server", token: strings.ToUpper(tok), email: "ana.perez@example.gov.co", now: t0, wantID: 1234},
		{name: "just before expiry", token: tok, email: "ana.perez@example.gov.co", now: t0.Add(ttl - time.Second), wantID: 1234},
		{name: "at expiry", token: tok, email: "ana.perez@example.gov.co", now: t0.Add(ttl), want: ErrExpired},
		{name: "long expired", token: tok, email: "ana.perez@example.gov.co", now: t0.Add(10 * ttl), want: ErrExpired},
		{name: "another person", token: tok, email: "mallory@example.gov.co", now: t0, want: ErrInvalid},
		{name: "another person sharing a prefix", token: tok, email: "ana.perez@example.gov.com", now: t0, want: ErrInvalid},
		{name: "empty email", token: tok, email: "", now: t0, want: ErrInvalid},
		{name: "another ticket's token names that ticket, not this one", token: s.Sign(1235, "ana.perez@example.gov.co", t0), email: "ana.perez@example.gov.co", now: t0, wantID: 1235},
		{name: "signed with another secret", token: other.Sign(1234, "ana.perez@example.gov.co", t0), email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "empty token", token: "", email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "not base32", token: "hello+world", email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "truncated", token: tok[:len(tok)-4], email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "extended", token: tok + "aaaa", email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "line break inside", token: tok[:10] + "\r\n" + tok[10:], email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "huge input", token: strings.Repeat("a", 10000), email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "non-positive ticket id", token: s.Sign(0, "ana.perez@example.gov.co", t0), email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
		{name: "negative ticket id", token: s.Sign(-5, "ana.perez@example.gov.co", t0), email: "ana.perez@example.gov.co", now: t0, want: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := s.Verify(tc.token, tc.email, tc.now)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify err = %v, want %v", err, tc.want)
			}
			if id != tc.wantID {
				t.Errorf("Verify id = %d, want %d", id, tc.wantID)
			}
		})
	}
}

// A token names one ticket: presenting ticket 7's token can never act on
// ticket 8, because Verify returns the id the token carries.
func TestTokenNamesItsTicket(t *testing.T) {
	s := mustSigner(t, 0, Key{1, secretA})
	for _, id := range []int64{1, 7, 8, 127, 128, 1 << 20, 1 << 40, 1<<63 - 1} {
		got, err := s.Verify(s.Sign(id, "x@y.co", t0), "x@y.co", t0)
		if err != nil || got != id {
			t.Errorf("id %d: got %d, %v", id, got, err)
		}
	}
}

func TestRotation(t *testing.T) {
	old := mustSigner(t, 0, Key{1, secretA})
	rotated := mustSigner(t, 0, Key{2, secretB}, Key{1, secretA})
	retired := mustSigner(t, 0, Key{2, secretB})
	email := "tecnico@proveedor.com.co"

	oldTok := old.Sign(99, email, t0)
	newTok := rotated.Sign(99, email, t0)
	if oldTok == newTok {
		t.Fatal("rotated signer produced the same token as the old key")
	}
	tests := []struct {
		name   string
		signer *Signer
		token  string
		want   error
	}{
		{name: "old token, rotated set", signer: rotated, token: oldTok},
		{name: "new token, rotated set", signer: rotated, token: newTok},
		{name: "new token, old set", signer: old, token: newTok, want: ErrUnknownKey},
		{name: "old token, key retired", signer: retired, token: oldTok, want: ErrUnknownKey},
		{name: "new token, key retired set", signer: retired, token: newTok},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := tc.signer.Verify(tc.token, email, t0)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && id != 99 {
				t.Errorf("id = %d, want 99", id)
			}
		})
	}
}

// Flipping any bit of the decoded token must be caught: the key id byte
// gives ErrUnknownKey (or ErrInvalid when it names another known key), every
// other byte gives ErrInvalid.
func TestTamperedBytes(t *testing.T) {
	s := mustSigner(t, 0, Key{1, secretA}, Key{3, secretC})
	email := "ana@example.gov.co"
	tok := s.Sign(5000, email, t0)
	raw, err := enc.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		for bit := 0; bit < 8; bit++ {
			mod := bytes.Clone(raw)
			mod[i] ^= 1 << bit
			id, err := s.Verify(enc.EncodeToString(mod), email, t0)
			if err == nil {
				t.Fatalf("byte %d bit %d flipped: verified as ticket %d", i, bit, id)
			}
			if errors.Is(err, ErrExpired) {
				t.Fatalf("byte %d bit %d flipped: ErrExpired leaks an unauthenticated expiry", i, bit)
			}
		}
	}
}

// Replacing any one character of the text by another base32 character,
// including the last one whose low bits the decoder ignores, is refused.
func TestTamperedText(t *testing.T) {
	s := mustSigner(t, 0, Key{1, secretA})
	email := "ana@example.gov.co"
	tok := s.Sign(77, email, t0)
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	for i := 0; i < len(tok); i++ {
		for _, c := range []byte(alphabet) {
			if c == tok[i] {
				continue
			}
			mod := tok[:i] + string(c) + tok[i+1:]
			if id, err := s.Verify(mod, email, t0); err == nil {
				t.Fatalf("char %d %q->%q: verified as ticket %d", i, tok[i], c, id)
			}
		}
	}
}

func TestTokenShape(t *testing.T) {
	s := mustSigner(t, 0, Key{1, secretA})
	tests := []struct {
		name   string
		id     int64
		maxLen int
	}{
		{name: "small ticket", id: 42, maxLen: 34},
		{name: "two million tickets", id: 1<<21 - 1, maxLen: 36},
		{name: "max int64", id: 1<<63 - 1, maxLen: 48},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := s.Sign(tc.id, "a@b.co", t0)
			if len(tok) > tc.maxLen {
				t.Errorf("len = %d, want <= %d (%s)", len(tok), tc.maxLen, tok)
			}
			if tok != strings.ToLower(tok) {
				t.Errorf("token %q is not lower case", tok)
			}
			for _, c := range []byte(tok) {
				if !isAlnum(c) {
					t.Errorf("token %q has %q", tok, c)
				}
			}
		})
	}
}

func TestSignWithoutKeys(t *testing.T) {
	var zero Signer
	if tok := zero.Sign(1, "a@b.co", t0); tok != "" {
		t.Fatalf("Sign on zero Signer = %q, want empty", tok)
	}
	var nilSigner *Signer
	if _, err := nilSigner.Verify("abc", "a@b.co", t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Verify on nil Signer: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	s := mustSigner(f, 0, Key{1, secretA}, Key{2, secretB})
	f.Add(s.Sign(1, "a@b.co", t0), "a@b.co")
	f.Add(s.Sign(1<<62, "A@B.CO", t0), "a@b.co")
	f.Add(strings.ToUpper(s.Sign(9, "x@y.z", t0)), "x@y.z")
	f.Add("", "")
	f.Add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a@b.co")
	f.Add("aeaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a@b.co")
	f.Add("====", "a@b.co")
	f.Add("\x00\xff", "\x00")
	f.Fuzz(func(t *testing.T, token, email string) {
		id, err := s.Verify(token, email, t0)
		switch {
		case err == nil:
			if id <= 0 {
				t.Fatalf("verified with id %d", id)
			}
		case errors.Is(err, ErrInvalid), errors.Is(err, ErrExpired), errors.Is(err, ErrUnknownKey):
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzRoundTrip: whatever the ticket and address, a fresh token verifies
// for them and for no other address.
func FuzzRoundTrip(f *testing.F) {
	s := mustSigner(f, 0, Key{1, secretA})
	f.Add(int64(1), "ana@example.gov.co", "otro@example.gov.co")
	f.Add(int64(1<<40), "Ñandú@ejemplo.co", "nandu@ejemplo.co")
	f.Add(int64(-3), "", "a")
	f.Fuzz(func(t *testing.T, id int64, email, other string) {
		tok := s.Sign(id, email, t0)
		got, err := s.Verify(tok, email, t0)
		if id <= 0 {
			if err == nil {
				t.Fatalf("non-positive id %d verified", id)
			}
			return
		}
		if err != nil || got != id {
			t.Fatalf("round trip of %d for %q: %d, %v", id, email, got, err)
		}
		if normalizeEmail(other) != normalizeEmail(email) {
			if _, err := s.Verify(tok, other, t0); !errors.Is(err, ErrInvalid) {
				t.Fatalf("token for %q accepted for %q: %v", email, other, err)
			}
		}
	})
}

func BenchmarkSign(b *testing.B) {
	s := mustSigner(b, 0, Key{1, secretA})
	for b.Loop() {
		s.Sign(123456, "ana.perez@example.gov.co", t0)
	}
}

func BenchmarkVerify(b *testing.B) {
	s := mustSigner(b, 0, Key{1, secretA})
	tok := s.Sign(123456, "ana.perez@example.gov.co", t0)
	for b.Loop() {
		if _, err := s.Verify(tok, "ana.perez@example.gov.co", t0); err != nil {
			b.Fatal(err)
		}
	}
}
