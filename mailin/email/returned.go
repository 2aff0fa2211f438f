package email

import (
	"strings"
)

// returnedID finds the Message-ID of the message an automatic message is
// about: the delivery report's, a returned message's or headers' under a
// multipart/report, a read receipt's Original-Message-ID, then, for a
// bounce, the first returned message anywhere, and last the copy of the
// original header a plain-text bounce quotes in its body (qmail's "Below
// this line is a copy of the message", Exim's "This is a copy of the
// message, including all the headers").
func returnedID(m *Message, c *collector) string {
	if m.DSN != nil && m.DSN.OriginalMessageID != "" {
		return m.DSN.OriginalMessageID
	}
	if c.returnedID != "" {
		return c.returnedID
	}
	if c.mdnID != "" {
		return c.mdnID
	}
	if m.Auto != Bounce && m.Auto != Report {
		return ""
	}
	if c.innerID != "" {
		return c.innerID
	}
	if m.Auto == Bounce {
		return quotedMessageID(m.Text)
	}
	return ""
}

// maxQuotedScan bounds how much of a bounce's text is searched for a
// quoted Message-ID.
const maxQuotedScan = 256 << 10

// quotedMessageID returns the id of the first line of text that is a
// Message-ID header field ("Message-ID: <x@y>", indented or quoted with
// ">" as some servers do), or "".
func quotedMessageID(text string) string {
	if len(text) > maxQuotedScan {
		text = text[:maxQuotedScan]
	}
	for text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		l := strings.TrimLeft(line, " \t>")
		if len(l) < len("message-id:") || !strings.EqualFold(l[:len("message-id:")], "message-id:") {
			continue
		}
		v := l[len("message-id:"):]
		if strings.TrimSpace(v) == "" && text != "" {
			// A folded field: the id is on the next line.
			next, _, _ := strings.Cut(text, "\n")
			v = next
		}
		if id := firstID(v); id != "" {
			return id
		}
	}
	return ""
}
