package email

import (
	"bytes"
	"fmt"
	"strings"
)

// field is one header field as it appears in the message: the name as
// written and the value unfolded (RFC 5322 section 2.2.3) but not decoded.
type field struct {
	name  string
	value string
}

// header is a header block in message order. Lookups are linear: a header
// has tens of fields and a message is read once.
type header []field

// get returns the first value of the named field.
func (h header) get(name string) (string, bool) {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// first returns the first value of the named field, or "".
func (h header) first(name string) string {
	v, _ := h.get(name)
	return v
}

// values returns every value of the named field, top to bottom.
func (h header) values(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			out = append(out, f.value)
		}
	}
	return out
}

// joined returns every value of the named field joined with ", ". Address
// and id fields that a broken client repeats are read as one list.
func (h header) joined(name string) string {
	var first string
	n := 0
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			if n == 0 {
				first = f.value
			}
			n++
		}
	}
	if n <= 1 {
		return first
	}
	return strings.Join(h.values(name), ", ")
}

// parseHeader splits raw into its header block and body and reads the
// fields. It is lenient, because real mail is:
//
//   - a leading mbox "From " line, or white space before the first field, is
//     skipped;
//   - a line with no colon inside the block continues the previous field
//     when it looks like a broken fold (it holds "=" or the previous value
//     ends in ";" or ","), and otherwise starts the body (a missing blank
//     line);
//   - a field name with white space or 8-bit bytes also starts the body;
//   - LF and CRLF line endings are both accepted, mixed.
//
// The header block may hold at most max bytes; more is a *LimitError.
func parseHeader(raw []byte, max int) (header, []byte, error) {
	h := make(header, 0, 24)
	rest := raw
	used := 0
	first := true
	for len(rest) > 0 {
		line, next := cutLine(rest)
		used += len(rest) - len(next)
		if used > max {
			return nil, nil, &LimitError{Reason: fmt.Sprintf("header is over %d bytes", max)}
		}
		content := trimEOL(line)
		if len(content) == 0 {
			return h, next, nil // the blank line ends the header
		}
		if first {
			first = false
			if bytes.HasPrefix(content, []byte("From ")) {
				rest = next
				continue
			}
			content = bytes.TrimLeft(content, " \t")
		} else if content[0] == ' ' || content[0] == '\t' {
			if len(h) > 0 {
				h[len(h)-1].value = appendFold(h[len(h)-1].value, content)
			}
			rest = next
			continue
		}
		colon := bytes.IndexByte(content, ':')
		if colon < 0 {
			if len(h) > 0 && looksLikeBrokenFold(h[len(h)-1].value, content) {
				h[len(h)-1].value = appendFold(h[len(h)-1].value, content)
				rest = next
				continue
			}
			return h, rest, nil // no blank line: the body starts here
		}
		name := bytes.TrimRight(content[:colon], " \t")
		if !validFieldName(name) {
			return h, rest, nil
		}
		value := bytes.TrimSpace(content[colon+1:])
		h = append(h, field{name: string(name), value: string(value)})
		rest = next
	}
	return h, nil, nil // a header with no body
}

// cutLine returns the first line of b, with its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	return b[:i+1], b[i+1:]
}

// trimEOL removes a trailing LF, CRLF or lone CR.
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// appendFold adds a continuation line to a field value: the fold becomes one
// space.
func appendFold(v string, cont []byte) string {
	cont = bytes.TrimSpace(cont)
	if len(cont) == 0 {
		return v
	}
	if v == "" {
		return string(cont)
	}
	return v + " " + string(cont)
}

// looksLikeBrokenFold says whether a colon-less line in a header block is a
// continuation whose leading white space was lost.
func looksLikeBrokenFold(prev string, line []byte) bool {
	if bytes.IndexByte(line, '=') >= 0 {
		return true
	}
	prev = strings.TrimSpace(prev)
	return strings.HasSuffix(prev, ";") || strings.HasSuffix(prev, ",")
}

// validFieldName accepts printable ASCII with no white space (RFC 5322
// section 3.6.8 ftext).
func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}
