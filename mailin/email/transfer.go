package email

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// decodeTransfer undoes a Content-Transfer-Encoding (RFC 2045 section 6).
// Unknown encodings (x-uuencode, garbage) leave the bytes as they are. The
// result never aliases b.
func decodeTransfer(enc string, b []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return decodeBase64(b)
	case "quoted-printable":
		return decodeQP(b)
	}
	return append([]byte(nil), b...)
}

// decodeBase64 decodes a base64 body. Well-formed bodies (line breaks only)
// take the standard decoder; anything else (spaces, garbage, missing or
// inner padding from concatenated chunks) goes through a tolerant decoder
// that skips bytes outside the alphabet and drops incomplete groups at "=".
func decodeBase64(b []byte) []byte {
	// Room for the tolerant path too: unpadded input decodes to more than
	// StdEncoding.DecodedLen says.
	out := make([]byte, len(b)/4*3+3)
	n, err := base64.StdEncoding.Decode(out, b)
	if err == nil {
		return out[:n]
	}
	if !looksLikeBase64(b) {
		// Labelled base64 but written as plain text (seen from broken
		// mailers): keep the text rather than decode garbage.
		return append(out[:0], b...)
	}
	n = 0
	var acc uint32
	bits := 0
	for _, c := range b {
		v := b64Value[c]
		if v == 0xff {
			continue // line breaks, spaces, garbage
		}
		if v == 0xfe { // "=": end of a group
			bits, acc = 0, 0
			continue
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out[n] = byte(acc >> uint(bits))
			n++
		}
	}
	return out[:n]
}

// looksLikeBase64 says whether a body the standard decoder refused is still
// base64 with some damage, rather than plain text: a broken fold may split a
// base64 line once, but a line of three or more words is prose. A body where
// half the lines are prose is text.
func looksLikeBase64(b []byte) bool {
	lines, prose := 0, 0
	for len(b) > 0 {
		line, rest := cutLine(b)
		b = rest
		l := bytes.TrimSpace(line)
		if len(l) == 0 {
			continue
		}
		lines++
		if len(bytes.Fields(l)) >= 3 {
			prose++
		}
	}
	return prose*2 < lines || lines == 0
}

// b64Value maps a byte to its base64 value; 0xfe is "=", 0xff is not in the
// alphabet. The URL-safe "-" and "_" are accepted too.
var b64Value = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	t['='] = 0xfe
	return t
}()

// decodeQP decodes quoted-printable (RFC 2045 section 6.7) leniently:
// trailing white space on a line is dropped, "=" at the end of a line (even
// followed by white space) is a soft break, "=XX" in either case is a byte,
// and any other "=" is kept as it is.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line, rest := cutLine(b)
		body := trimEOL(line)
		eol := line[len(body):]
		// Drop trailing white space (transport padding).
		end := len(body)
		for end > 0 && (body[end-1] == ' ' || body[end-1] == '\t') {
			end--
		}
		body = body[:end]
		soft := false
		for i := 0; i < len(body); i++ {
			c := body[i]
			if c != '=' {
				out = append(out, c)
				continue
			}
			if i == len(body)-1 {
				soft = true
				break
			}
			if i+2 < len(body) && isHex(body[i+1]) && isHex(body[i+2]) {
				out = append(out, unhex(body[i+1])<<4|unhex(body[i+2]))
				i += 2
				continue
			}
			out = append(out, '=')
		}
		if !soft && len(eol) > 0 {
			if eol[0] == '\r' {
				out = append(out, '\r', '\n')
			} else {
				out = append(out, '\n')
			}
		}
		b = rest
	}
	return out
}
