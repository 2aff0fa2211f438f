package replytoken

import (
	"errors"
	"fmt"
	"strings"
)

// maxLocalLen is the longest local part RFC 5321 §4.5.3.1.1 allows.
const maxLocalLen = 64

// Address puts token in the subaddress of base: "soporte.oti@example.gov.co"
// and "abc" give "soporte.oti+abc@example.gov.co". It fails when base is not
// a plain local@domain address, already has a '+' in its local part, when
// the token is empty or holds characters other than letters and digits, or
// when the local part would exceed 64 octets.
func Address(base, token string) (string, error) {
	local, domain, err := splitBase(base)
	if err != nil {
		return "", err
	}
	if token == "" {
		return "", errors.New("replytoken: empty token")
	}
	for i := 0; i < len(token); i++ {
		if !isAlnum(token[i]) {
			return "", fmt.Errorf("replytoken: token has character %q", token[i])
		}
	}
	if n := len(local) + 1 + len(token); n > maxLocalLen {
		return "", fmt.Errorf("replytoken: local part would be %d octets, limit %d", n, maxLocalLen)
	}
	return local + "+" + token + "@" + domain, nil
}

// Extract returns the token from addr when addr is base's mailbox with a
// subaddress: its local part is base's local part, a '+', and a non-empty
// token, and its domain equals base's. Local parts and domains compare
// case-insensitively, because some servers fold them. addr may be wrapped in
// angle brackets. A quoted local part, a second '+' or any other shape gives
// ok == false. The token is returned as found; Verify folds its case.
func Extract(addr, base string) (token string, ok bool) {
	bLocal, bDomain, err := splitBase(base)
	if err != nil {
		return "", false
	}
	addr = strings.TrimSpace(addr)
	if strings.HasPrefix(addr, "<") && strings.HasSuffix(addr, ">") {
		addr = strings.TrimSpace(addr[1 : len(addr)-1])
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "", false
	}
	local, domain := addr[:at], addr[at+1:]
	if !strings.EqualFold(strings.TrimSuffix(domain, "."), bDomain) {
		return "", false
	}
	prefix := bLocal + "+"
	if len(local) <= len(prefix) || !strings.EqualFold(local[:len(prefix)], prefix) {
		return "", false
	}
	token = local[len(prefix):]
	for i := 0; i < len(token); i++ {
		if !isAlnum(token[i]) {
			return "", false
		}
	}
	return token, true
}

// splitBase splits a plain local@domain address and checks that it can carry
// a subaddress.
func splitBase(base string) (local, domain string, err error) {
	base = strings.TrimSpace(base)
	at := strings.IndexByte(base, '@')
	if at <= 0 || at == len(base)-1 || strings.IndexByte(base[at+1:], '@') >= 0 {
		return "", "", fmt.Errorf("replytoken: base %q is not local@domain", base)
	}
	local, domain = base[:at], strings.TrimSuffix(base[at+1:], ".")
	if strings.ContainsRune(local, '+') {
		return "", "", fmt.Errorf("replytoken: base %q already has a '+' subaddress", base)
	}
	if strings.ContainsAny(local, "\" \t<>()[],;:\\") || strings.ContainsAny(domain, "\" \t<>()[],;:\\") || domain == "" {
		return "", "", fmt.Errorf("replytoken: base %q is not a plain address", base)
	}
	return local, domain, nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
