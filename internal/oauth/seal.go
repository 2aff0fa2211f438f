package oauth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// MinKeyLength is the shortest token key accepted, in characters.
const MinKeyLength = 32

// sealer encrypts the tokens kept in the database with AES-256-GCM, under a
// key derived from the configured one. The account is authenticated data,
// so a row copied to another account does not decrypt.
type sealer struct{ aead cipher.AEAD }

func newSealer(key string) (*sealer, error) {
	if len(key) < MinKeyLength {
		return nil, fmt.Errorf("oauth2: the token key must be at least %d characters", MinKeyLength)
	}
	k := sha256.Sum256([]byte("ticketd oauth2 token key\x00" + key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead}, nil
}

func (s *sealer) seal(account, plain string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, []byte(plain), []byte(account))
}

// errUnseal means a stored token does not decrypt: another key, or a row
// that is not this account's.
var errUnseal = errors.New("oauth2: the stored token does not decrypt with the configured key (was token_key changed?)")

func (s *sealer) open(account string, sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errUnseal
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(account))
	if err != nil {
		return "", errUnseal
	}
	return string(plain), nil
}
