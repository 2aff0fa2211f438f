// Package replytoken signs and verifies the reply tokens that ticketd puts in
// the Reply-To address of every outbound notification
// ("soporte.oti+TOKEN@example.gov.co").
//
// A command found in a reply is applied only when the reply arrived through a
// token that is valid for that ticket and that person: the token carries the
// ticket id and an expiry, and a truncated HMAC-SHA256 binds them to the
// recipient's address, which is not carried. Tokens are versioned and name the
// key that signed them, so keys can be rotated without breaking replies to
// older notifications.
//
// Tokens are lower-case base32 without padding, so they survive mail servers
// that fold the case of local parts.
//
// This package is pure: it imports no database, mail or network package.
package replytoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by Verify. Callers test them with errors.Is.
var (
	// ErrInvalid: the token is malformed, was not signed by us, or was
	// signed for another ticket or another person.
	ErrInvalid = errors.New("replytoken: invalid token")
	// ErrExpired: the token is authentic but its expiry has passed.
	ErrExpired = errors.New("replytoken: token expired")
	// ErrUnknownKey: the token names a key id that is not configured
	// (a retired key, or a forgery).
	ErrUnknownKey = errors.New("replytoken: unknown key id")
)

// DefaultTTL is the lifetime of a token when the Signer is given none.
const DefaultTTL = 90 * 24 * time.Hour

// MinSecretLen is the shortest accepted key secret, in bytes.
const MinSecretLen = 32

const (
	version1 = 1
	// macLen is the length of the truncated MAC: 96 bits.
	macLen = 12
	// maxPayload bounds the decoded token: version, key id, two maximal
	// uvarints and the MAC.
	maxPayload = 2 + 2*binary.MaxVarintLen64 + macLen
	// macContext separates these MACs from any other use of the same key.
	macContext = "ticketd reply token\x00"
)

// enc is lower-case RFC 4648 base32 without padding.
var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Key is one signing key. ID is carried in every token it signs.
type Key struct {
	ID     byte
	Secret []byte
}

// Signer signs with Keys[0] and verifies with any of Keys. Build it with
// NewSigner; a Signer is safe for concurrent use once built.
type Signer struct {
	Keys []Key
	TTL  time.Duration
}

// NewSigner validates the keys and returns a Signer. It rejects an empty key
// list, secrets shorter than MinSecretLen and duplicate key ids. A ttl of
// zero or less means DefaultTTL. The secrets are copied.
func NewSigner(keys []Key, ttl time.Duration) (*Signer, error) {
	if len(keys) == 0 {
		return nil, errors.New("replytoken: no keys")
	}
	seen := make(map[byte]bool, len(keys))
	cp := make([]Key, 0, len(keys))
	for i, k := range keys {
		if len(k.Secret) < MinSecretLen {
			return nil, fmt.Errorf("replytoken: key %d (id %d): secret is %d bytes, need at least %d",
				i, k.ID, len(k.Secret), MinSecretLen)
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("replytoken: duplicate key id %d", k.ID)
		}
		seen[k.ID] = true
		cp = append(cp, Key{ID: k.ID, Secret: append([]byte(nil), k.Secret...)})
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Signer{Keys: cp, TTL: ttl}, nil
}

// Sign returns a token for ticketID addressed to email, expiring TTL after
// now. The email is compared case-insensitively by Verify. Ticket ids are
// positive; a token for a non-positive id never verifies. Sign returns ""
// when the Signer has no keys (one not built by NewSigner); Address rejects
// an empty token, so that mistake surfaces there.
func (s *Signer) Sign(ticketID int64, email string, now time.Time) string {
	if s == nil || len(s.Keys) == 0 {
		return ""
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	exp := now.Add(ttl).Unix()
	if exp < 0 {
		exp = 0
	}
	k := s.Keys[0]
	buf := make([]byte, 0, maxPayload)
	buf = append(buf, version1, k.ID)
	buf = binary.AppendUvarint(buf, uint64(ticketID))
	buf = binary.AppendUvarint(buf, uint64(exp))
	buf = append(buf, mac(k.Secret, buf, email)...)
	return enc.EncodeToString(buf)
}

// Verify checks token for the person whose address is email at time now and
// returns the ticket id it was issued for. It returns ErrInvalid for garbage,
// tampering, another ticket's or another person's token; ErrUnknownKey when
// the key id is not configured; ErrExpired for an authentic token past its
// expiry. The MAC is checked before the expiry, so ErrExpired is only ever
// said of tokens we issued. Verify never panics, whatever the input.
func (s *Signer) Verify(token, email string, now time.Time) (int64, error) {
	if s == nil || len(token) == 0 || enc.DecodedLen(len(token)) > maxPayload {
		return 0, ErrInvalid
	}
	token = strings.ToLower(token)
	raw, err := enc.DecodeString(token)
	if err != nil || len(raw) < 2+2+macLen {
		return 0, ErrInvalid
	}
	// The decoder skips line breaks and ignores the unused low bits of the
	// last character; insisting on the canonical text keeps tokens
	// non-malleable.
	if enc.EncodeToString(raw) != token {
		return 0, ErrInvalid
	}
	if raw[0] != version1 {
		return 0, ErrInvalid
	}
	keyID := raw[1]
	rest := raw[2 : len(raw)-macLen]
	tid, n := binary.Uvarint(rest)
	if n <= 0 {
		return 0, ErrInvalid
	}
	exp, m := binary.Uvarint(rest[n:])
	if m <= 0 || n+m != len(rest) {
		return 0, ErrInvalid
	}
	// Only the canonical (shortest) varint encoding is accepted, so one set
	// of values has exactly one token.
	if binary.PutUvarint(make([]byte, binary.MaxVarintLen64), tid) != n ||
		binary.PutUvarint(make([]byte, binary.MaxVarintLen64), exp) != m {
		return 0, ErrInvalid
	}
	var key *Key
	for i := range s.Keys {
		if s.Keys[i].ID == keyID {
			key = &s.Keys[i]
			break
		}
	}
	if key == nil {
		return 0, ErrUnknownKey
	}
	payload := raw[:len(raw)-macLen]
	if !hmac.Equal(raw[len(raw)-macLen:], mac(key.Secret, payload, email)) {
		return 0, ErrInvalid
	}
	if int64(tid) <= 0 {
		return 0, ErrInvalid
	}
	if exp > uint64(1<<63-1) || now.Unix() >= int64(exp) {
		return 0, ErrExpired
	}
	return int64(tid), nil
}

// mac is HMAC-SHA256(secret, context || len(payload) || payload || email),
// truncated to macLen bytes, with the email trimmed and lower-cased.
func mac(secret, payload []byte, email string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(macContext))
	h.Write([]byte{byte(len(payload))})
	h.Write(payload)
	h.Write([]byte(normalizeEmail(email)))
	return h.Sum(nil)[:macLen]
}

func normalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
