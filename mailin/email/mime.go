package email

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ticketd/ticketd/mailin/htmltext"
)

// collector gathers what the MIME walk finds, in message order.
type collector struct {
	text        []string
	html        []string
	attachments []Attachment

	reportType string          // report-type of the first multipart/report
	dsn        *DeliveryReport // from a message/delivery-status part
	envelopeID string          // Original-Envelope-Id of that part
	returnedID string          // Message-ID of the returned message or headers
	innerID    string          // Message-ID of the first message/rfc822 or headers part anywhere
	mdn        bool            // a message/disposition-notification part (read receipt)
	mdnID      string          // its Original-Message-ID
	feedback   bool            // a message/feedback-report part (RFC 5965)
}

// walker walks one message's MIME tree within the limits.
type walker struct {
	lim   Limits
	parts int // entities seen so far, the top-level one included
}

// entity handles one MIME entity: its header h, its raw body, its nesting
// depth, and the media type of the multipart that holds it ("" at the top).
func (w *walker) entity(h header, body []byte, depth int, c *collector, parent string) error {
	mt, params := parseMediaHeader(h.first("Content-Type"))
	mt = normMediaType(mt, parent)
	disp, dparams := parseMediaHeader(h.first("Content-Disposition"))
	cte := h.first("Content-Transfer-Encoding")

	if strings.HasPrefix(mt, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			boundary = guessBoundary(body)
		}
		parts := splitMultipart(body, boundary)
		if len(parts) > 0 {
			return w.multipart(mt, params, parts, depth, c)
		}
		// A multipart with no boundary or no parts: read its body as text.
		mt, params = "text/plain", nil
	}

	switch mt {
	case "text/plain", "text/html":
		filename := paramText(dparams, "filename")
		if filename == "" {
			filename = paramText(params, "name")
		}
		if disp != "attachment" && filename == "" {
			c.addBody(mt, params, decodeTransfer(cte, body))
			return nil
		}
	case "message/rfc822", "message/global":
		data := decodeTransfer(cte, body)
		inner, _, _ := parseHeader(data, w.lim.MaxHeaderBytes)
		if id := firstID(inner.first("Message-Id")); id != "" {
			if parent == "multipart/report" {
				c.returnedID = id
			}
			if c.innerID == "" {
				c.innerID = id
			}
		}
		name := paramText(dparams, "filename")
		if name == "" {
			name = paramText(params, "name")
		}
		if name == "" {
			if subj := cleanLine(decodeText(inner.first("Subject"))); subj != "" {
				name = subj + ".eml"
			} else {
				name = "forwarded.eml"
			}
		}
		c.addAttachment(h, mt, disp, name, data)
		return nil
	case "message/delivery-status", "message/global-delivery-status":
		c.addDeliveryStatus(decodeTransfer(cte, body), w.lim.MaxHeaderBytes)
		return nil
	case "text/rfc822-headers", "message/global-headers":
		inner, _, _ := parseHeader(decodeTransfer(cte, body), w.lim.MaxHeaderBytes)
		if id := firstID(inner.first("Message-Id")); id != "" {
			c.returnedID = id
			if c.innerID == "" {
				c.innerID = id
			}
		}
		return nil
	case "message/disposition-notification", "message/global-disposition-notification":
		c.mdn = true
		if fields, _, err := parseHeader(decodeTransfer(cte, body), w.lim.MaxHeaderBytes); err == nil && c.mdnID == "" {
			c.mdnID = firstID(fields.first("Original-Message-Id")) // RFC 8098 section 3.2.5
		}
		return nil
	case "message/feedback-report":
		c.feedback = true // kept below as an attachment too: it is the report
	}

	name := paramText(dparams, "filename")
	if name == "" {
		name = paramText(params, "name")
	}
	c.addAttachment(h, mt, disp, name, decodeTransfer(cte, body))
	return nil
}

// multipart walks the parts of a multipart entity.
func (w *walker) multipart(mt string, params map[string]string, parts [][]byte, depth int, c *collector) error {
	if depth+1 > w.lim.MaxDepth {
		return &LimitError{Reason: fmt.Sprintf("MIME nesting is deeper than %d", w.lim.MaxDepth), Kind: LimitDepth, Limit: int64(w.lim.MaxDepth)}
	}
	if mt == "multipart/report" && c.reportType == "" {
		c.reportType = strings.ToLower(strings.TrimSpace(params["report-type"]))
	}
	var alt struct{ text, html []string }
	for _, raw := range parts {
		w.parts++
		if w.parts > w.lim.MaxParts {
			return &LimitError{Reason: fmt.Sprintf("message has more than %d MIME parts", w.lim.MaxParts), Kind: LimitParts,
				Limit: int64(w.lim.MaxParts)}
		}
		ph, pb, err := parseHeader(raw, w.lim.MaxHeaderBytes)
		if err != nil {
			return err
		}
		if mt != "multipart/alternative" {
			if err := w.entity(ph, pb, depth+1, c, mt); err != nil {
				return err
			}
			continue
		}
		// Alternatives say the same thing: keep the first text and the
		// first HTML rendering, and every attachment (related images).
		sub := collector{reportType: c.reportType}
		if err := w.entity(ph, pb, depth+1, &sub, mt); err != nil {
			return err
		}
		if alt.text == nil && len(sub.text) > 0 {
			alt.text = sub.text
		}
		if alt.html == nil && len(sub.html) > 0 {
			alt.html = sub.html
		}
		c.merge(&sub)
	}
	c.text = append(c.text, alt.text...)
	c.html = append(c.html, alt.html...)
	return nil
}

// merge takes everything but the body texts from an alternative's collector.
func (c *collector) merge(sub *collector) {
	c.attachments = append(c.attachments, sub.attachments...)
	if c.reportType == "" {
		c.reportType = sub.reportType
	}
	if c.dsn == nil && sub.dsn != nil {
		c.dsn, c.envelopeID = sub.dsn, sub.envelopeID
	}
	if c.returnedID == "" {
		c.returnedID = sub.returnedID
	}
	if c.innerID == "" {
		c.innerID = sub.innerID
	}
	if c.mdnID == "" {
		c.mdnID = sub.mdnID
	}
	c.mdn = c.mdn || sub.mdn
	c.feedback = c.feedback || sub.feedback
}

// normMediaType repairs a missing or broken media type: RFC 2045 section 5.2
// makes it text/plain, and RFC 2046 section 5.1.5 makes it message/rfc822
// inside a multipart/digest.
func normMediaType(mt, parent string) string {
	mt = strings.Trim(mt, `"' `)
	for i := 0; i < len(mt); i++ {
		if !isTokenByte(mt[i]) {
			mt = mt[:i] // "text/plain>": keep the media type
			break
		}
	}
	slash := strings.IndexByte(mt, '/')
	if mt == "" || slash <= 0 || slash == len(mt)-1 || strings.ContainsAny(mt, " \t") {
		if mt == "text" || strings.HasPrefix(mt, "text/") {
			return "text/plain"
		}
		if parent == "multipart/digest" {
			return "message/rfc822"
		}
		return "text/plain"
	}
	return mt
}

// isTokenByte reports whether c may appear in a media type (RFC 2045 token
// characters and "/").
func isTokenByte(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"[]?=`, rune(c))
}

// addBody decodes a body text part and keeps it.
func (c *collector) addBody(mt string, params map[string]string, data []byte) {
	cs := params["charset"]
	if mt == "text/html" && cs == "" && !utf8.Valid(data) {
		cs = sniffHTMLCharset(data)
	}
	text := safeText(normalizeNewlines(decodeCharset(cs, data)))
	if mt == "text/html" {
		c.html = append(c.html, text)
		return
	}
	if strings.EqualFold(params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
	}
	c.text = append(c.text, text)
}

// addAttachment keeps a part as an attachment.
func (c *collector) addAttachment(h header, mt, disp, name string, data []byte) {
	cid := strings.TrimSpace(h.first("Content-Id"))
	cid = cleanLine(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(cid, "<"), ">")))
	name = sanitizeFilename(name)
	if name == "" {
		ext := extensions[mt]
		if ext == "" {
			ext = ".bin"
		}
		name = "attachment-" + strconv.Itoa(len(c.attachments)+1) + ext
	}
	c.attachments = append(c.attachments, Attachment{
		Filename:    name,
		ContentType: mt,
		ContentID:   cid,
		Inline:      disp == "inline" || (disp == "" && cid != ""),
		Size:        len(data),
		Data:        data,
	})
}

// normalizeNewlines turns CRLF and lone CR into LF and drops a leading BOM.
func normalizeNewlines(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// joinBodies joins the body parts of one kind, one after the other.
func joinBodies(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
		b.WriteString(p)
	}
	return b.String()
}

// htmlToText is the HTML fallback for Text.
func htmlToText(html string) string { return safeText(htmltext.Convert(html)) }

// splitMultipart returns the raw parts (header and body) of a multipart body
// with the given boundary (RFC 2046 section 5.1.1). The preamble and the
// epilogue are dropped. It is lenient: LF and CRLF may mix, white space may
// follow a delimiter, and a missing close delimiter ends the last part at
// the end of the body. A delimiter must start a line and be followed by the
// end of the line, white space or "--", so a boundary that is a prefix of
// another is not confused with it.
func splitMultipart(body []byte, boundary string) [][]byte {
	if boundary == "" {
		return nil
	}
	delim := "--" + boundary
	var parts [][]byte
	start := -1 // start of the current part's content, -1 before the first delimiter
	pos := 0
	for pos < len(body) {
		i := bytes.Index(body[pos:], []byte(delim))
		if i < 0 {
			break
		}
		at := pos + i
		after := at + len(delim)
		pos = after
		if at > 0 && body[at-1] != '\n' {
			continue // not at the start of a line
		}
		line, next := cutLine(body[after:])
		tail := bytes.TrimRight(trimEOL(line), " \t")
		closing := false
		switch {
		case len(tail) == 0:
		case bytes.HasPrefix(tail, []byte("--")) && len(bytes.TrimSpace(tail[2:])) == 0:
			closing = true
		default:
			continue // "--boundaryX": a longer boundary
		}
		if start >= 0 {
			parts = append(parts, trimDelimEOL(body[start:at]))
		}
		if closing {
			return parts
		}
		start = len(body) - len(next)
		pos = start
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

// trimDelimEOL removes the line break before a delimiter, which belongs to
// the delimiter, not to the part.
func trimDelimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// guessBoundary finds the boundary of a multipart that does not declare
// one: the first line that starts with "--" and has no white space.
func guessBoundary(body []byte) string {
	for rest := body; len(rest) > 0; {
		line, next := cutLine(rest)
		rest = next
		l := bytes.TrimRight(trimEOL(line), " \t")
		if len(l) > 2 && len(l) <= 72 && l[0] == '-' && l[1] == '-' && bytes.IndexAny(l, " \t") < 0 {
			return strings.TrimSuffix(string(l[2:]), "--")
		}
	}
	return ""
}
