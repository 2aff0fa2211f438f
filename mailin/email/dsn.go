package email

import (
	"bytes"
	"strings"
)

// maxDSNRecipients bounds the per-recipient blocks read from one report.
const maxDSNRecipients = 1000

// addDeliveryStatus reads a message/delivery-status body (RFC 3464
// section 2.1): a per-message block, then one block per recipient,
// separated by blank lines. Only the first such part of a message counts.
func (c *collector) addDeliveryStatus(b []byte, maxHeader int) {
	if c.dsn != nil {
		return
	}
	report := &DeliveryReport{}
	first := true
	for len(b) > 0 && len(report.Recipients) < maxDSNRecipients {
		b = skipBlankLines(b)
		if len(b) == 0 {
			break
		}
		block, rest, err := parseHeader(b, maxHeader)
		if err != nil || len(block) == 0 {
			break
		}
		if len(rest) >= len(b) {
			break // no progress: not a field block
		}
		b = rest
		if first {
			first = false
			if v := block.first("Original-Envelope-Id"); v != "" {
				if id := strings.Trim(strings.TrimSpace(v), "<>"); validID(id) {
					c.envelopeID = id
				}
			}
			if _, isRecipient := block.get("Final-Recipient"); !isRecipient {
				continue
			}
		}
		st := DeliveryStatus{
			Recipient:  dsnAddress(block.first("Final-Recipient")),
			Action:     strings.ToLower(cleanLine(firstWord(block.first("Action")))),
			Status:     cleanLine(firstWord(block.first("Status"))),
			Diagnostic: cleanLine(dsnTyped(block.first("Diagnostic-Code"))),
		}
		if st.Recipient == "" {
			st.Recipient = dsnAddress(block.first("Original-Recipient"))
		}
		if st.Recipient == "" && st.Action == "" && st.Status == "" {
			continue
		}
		report.Recipients = append(report.Recipients, st)
		if st.Action == "failed" || (st.Action == "" && strings.HasPrefix(st.Status, "5.")) {
			report.Failed = append(report.Failed, st)
		}
	}
	c.dsn = report
}

// skipBlankLines drops leading empty lines.
func skipBlankLines(b []byte) []byte {
	for len(b) > 0 {
		line, rest := cutLine(b)
		if len(bytes.TrimSpace(line)) != 0 {
			return b
		}
		b = rest
	}
	return b
}

// dsnTyped drops the type of a typed DSN field ("smtp; 550 ..." gives
// "550 ...").
func dsnTyped(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 && i < 16 && !strings.ContainsAny(v[:i], " @") {
		return strings.TrimSpace(v[i+1:])
	}
	return strings.TrimSpace(v)
}

// dsnAddress reads a recipient field such as "rfc822; ana@example.org".
func dsnAddress(v string) string {
	a := strings.Trim(strings.TrimSpace(dsnTyped(v)), "<>")
	return strings.ToLower(cleanLine(a))
}

// firstWord returns the first white-space separated word of v.
func firstWord(v string) string {
	f := strings.Fields(v)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
