// Package rawview describes a raw message for an operator who has to
// decide about it (a quarantined one, typically): its header fields as
// written and the tree of its MIME parts with their types, names and
// sizes. It reads what the MIME parser refused (that is why a message is
// in quarantine), so it is tolerant, bounded and never decodes content: a
// part's size is the size of its body as transmitted.
//
// It imports only the standard library and no other ticketd package.
package rawview

import (
	"bytes"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on what Outline reads, so that a hostile message costs little.
const (
	MaxDepth  = 20
	MaxParts  = 500
	MaxFields = 1000
	maxValue  = 2000 // characters of a field value shown
)

// Field is one header field, unfolded, with control characters replaced
// so that printing it cannot drive a terminal.
type Field struct {
	Name, Value string
}

// Part is one MIME part: its place in the tree (Depth 0 is the message),
// its declared type and disposition, its file name if any, and the size of
// its body as transmitted.
type Part struct {
	Depth       int
	ContentType string // lower case, "text/plain" when undeclared or unreadable
	BadType     string // the Content-Type as written, when it could not be read
	Encoding    string // Content-Transfer-Encoding, lower case
	Disposition string // "attachment", "inline" or ""
	Filename    string
	Size        int
}

// View is what Outline read.
type View struct {
	Header   []Field
	Parts    []Part
	Problems []Problem // what could not be read, each once
}

// Problem is something Outline could not read; the caller words it for
// its reader.
type Problem int

// The problems Outline reports.
const (
	TooManyParts   Problem = iota + 1 // more than MaxParts parts: the rest are not shown
	TooDeep                           // nesting deeper than MaxDepth: inner parts are not shown
	NoBoundary                        // a multipart part declares no boundary
	Unclosed                          // a multipart part lacks its closing boundary
	TooManyFields                     // more than MaxFields header fields in one section
	BadHeaderLines                    // header lines that are neither fields nor continuations
)

// Outline reads raw. It never fails: what it cannot read is in Problems.
func Outline(raw []byte) View {
	var v View
	hdr, body := split(raw)
	v.Header = fields(hdr, &v)
	v.walk(v.Header, body, 0)
	return v
}

// Get returns the first value of a field, case-insensitively.
func Get(fs []Field, name string) string {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func (v *View) walk(h []Field, body []byte, depth int) {
	if len(v.Parts) >= MaxParts {
		v.problem(TooManyParts)
		return
	}
	p := Part{Depth: depth, ContentType: "text/plain", Size: len(body),
		Encoding: strings.ToLower(strings.TrimSpace(Get(h, "Content-Transfer-Encoding")))}
	ct, params, err := mime.ParseMediaType(Get(h, "Content-Type"))
	if err == nil {
		p.ContentType = ct
	} else if raw := Get(h, "Content-Type"); raw != "" {
		p.BadType = clean(raw, 100) // read as text/plain (RFC 2045 section 5.2)
	}
	if d, dp, err := mime.ParseMediaType(Get(h, "Content-Disposition")); err == nil {
		p.Disposition = d
		p.Filename = clean(dp["filename"], 200)
	}
	if p.Filename == "" {
		p.Filename = clean(params["name"], 200)
	}
	v.Parts = append(v.Parts, p)
	if !strings.HasPrefix(p.ContentType, "multipart/") {
		if p.ContentType == "message/rfc822" && p.Encoding != "base64" && p.Encoding != "quoted-printable" {
			if depth+1 >= MaxDepth {
				v.problem(TooDeep)
				return
			}
			ih, ib := split(body)
			v.walk(fields(ih, v), ib, depth+1)
		}
		return
	}
	boundary := params["boundary"]
	if boundary == "" {
		v.problem(NoBoundary)
		return
	}
	if depth+1 >= MaxDepth {
		v.problem(TooDeep)
		return
	}
	parts, closed := splitParts(body, boundary)
	if !closed {
		v.problem(Unclosed)
	}
	for _, b := range parts {
		ih, ib := split(b)
		v.walk(fields(ih, v), ib, depth+1)
	}
}

// problem notes what could not be read, once.
func (v *View) problem(p Problem) {
	for _, q := range v.Problems {
		if q == p {
			return
		}
	}
	v.Problems = append(v.Problems, p)
}

// split cuts a message or part at the first empty line.
func split(raw []byte) (header, body []byte) {
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			return raw, nil
		}
		line := bytes.TrimRight(raw[i:i+j], "\r")
		if len(line) == 0 {
			return raw[:i], raw[i+j+1:]
		}
		i += j + 1
	}
	return raw, nil
}

// fields unfolds a header section; a line that is neither a field nor a
// continuation is reported and skipped.
func fields(hdr []byte, v *View) []Field {
	var out []Field
	bad := 0
	for _, line := range bytes.Split(hdr, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			last := &out[len(out)-1]
			if len(last.Value) < maxValue {
				last.Value = clean(last.Value+" "+string(bytes.TrimSpace(line)), maxValue)
			}
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 || bytes.ContainsAny(name, " \t") {
			bad++
			continue
		}
		if len(out) >= MaxFields {
			v.problem(TooManyFields)
			break
		}
		out = append(out, Field{Name: clean(string(name), 100), Value: clean(string(bytes.TrimSpace(value)), maxValue)})
	}
	if bad > 0 {
		v.problem(BadHeaderLines)
	}
	return out
}

// splitParts returns the bodies between the boundary lines of a multipart
// body (RFC 2046 section 5.1.1), and whether the closing one was found.
func splitParts(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	var start = -1
	for i := 0; i < len(body); {
		j := bytes.IndexByte(body[i:], '\n')
		end := len(body)
		if j >= 0 {
			end = i + j
		}
		line := bytes.TrimRight(body[i:end], "\r \t")
		if bytes.HasPrefix(line, delim) {
			rest := line[len(delim):]
			if len(rest) == 0 || bytes.Equal(rest, []byte("--")) {
				if start >= 0 {
					parts = append(parts, trimCRLF(body[start:i]))
				}
				if len(rest) == 2 {
					return parts, true
				}
				start = end + 1
				if start > len(body) {
					start = len(body)
				}
			}
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// trimCRLF drops the line break that belongs to the boundary line after a
// part.
func trimCRLF(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// clean makes text safe to print: valid UTF-8, control characters (and
// the bidirectional overrides) as U+FFFD, at most max runes.
func clean(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n >= max {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			r = '\uFFFD'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
