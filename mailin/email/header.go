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
	var p headerParser
	p.fields = make(header, 0, 24)
	rest := raw
	used := 0
	first := true
	for len(rest) > 0 {
		line, next := cutLine(rest)
		used += len(rest) - len(next)
		if used > max {
			return nil, nil, &LimitError{Reason: fmt.Sprintf("header is over %d bytes", max), Kind: LimitHeader, Limit: int64(max)}
		}
		content := trimEOL(line)
		if len(content) == 0 {
			return p.done(), next, nil // the blank line ends the header
		}
		if first {
			first = false
			if bytes.HasPrefix(content, []byte("From ")) {
				rest = next
				continue
			}
		}
		if content[0] == ' ' || content[0] == '\t' {
			if p.open {
				p.fold(content)
				rest = next
				continue
			}
			// White space before the first field: read it as a field.
			content = bytes.TrimLeft(content, " \t")
			if len(content) == 0 {
				rest = next
				continue
			}
		}
		colon := bytes.IndexByte(content, ':')
		if colon < 0 {
			if p.open && p.looksLikeBrokenFold(content) {
				p.fold(content)
				rest = next
				continue
			}
			return p.done(), rest, nil // no blank line: the body starts here
		}
		name := bytes.TrimRight(content[:colon], " \t")
		if !validFieldName(name) {
			return p.done(), rest, nil
		}
		p.start(name, bytes.TrimSpace(content[colon+1:]))
		rest = next
	}
	return p.done(), nil, nil // a header with no body
}

// headerParser builds field values in one buffer, so that a field folded
// over many lines costs linear work.
type headerParser struct {
	fields header
	name   string
	value  []byte
	open   bool // a field is being read
}

func (p *headerParser) start(name, value []byte) {
	p.flush()
	p.name = string(name)
	p.value = append(p.value[:0], value...)
	p.open = true
}

// fold adds a continuation line: the fold becomes one space.
func (p *headerParser) fold(cont []byte) {
	cont = bytes.TrimSpace(cont)
	if len(cont) == 0 {
		return
	}
	if len(p.value) > 0 {
		p.value = append(p.value, ' ')
	}
	p.value = append(p.value, cont...)
}

func (p *headerParser) flush() {
	if p.open {
		p.fields = append(p.fields, field{name: p.name, value: string(p.value)})
		p.open = false
	}
}

func (p *headerParser) done() header {
	p.flush()
	return p.fields
}

// looksLikeBrokenFold says whether a colon-less line in a header block is a
// continuation whose leading white space was lost: it holds "=" (a
// parameter) or the value so far ends in ";" or ",".
func (p *headerParser) looksLikeBrokenFold(line []byte) bool {
	if bytes.IndexByte(line, '=') >= 0 {
		return true
	}
	v := bytes.TrimRight(p.value, " \t")
	return len(v) > 0 && (v[len(v)-1] == ';' || v[len(v)-1] == ',')
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
