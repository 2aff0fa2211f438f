// Package email turns the raw bytes of one inbound RFC 5322 message into a
// Message: decoded headers, addresses, threading ids, the text of the body,
// attachments, and what kind of sender wrote it (a person, an auto-responder,
// a list, a bounce, a report, a notification service).
//
// It is the only place in ticketd that reads MIME. Everything after it (ticket
// matching, reply trimming, command parsing) works on a Message and never on
// raw bytes. The package is pure: it must not import a database, IMAP, SMTP or
// any other ticketd package except mailin/htmltext.
//
// A malformed email is data, not a failure: Parse returns what it could read,
// with no error, for broken-but-readable mail (bad charsets, broken encoded
// words, missing boundaries, garbage Message-IDs). It returns an error only
// when a limit is exceeded (*LimitError) or the input is empty.
//
// Framing (header blocks and multipart boundaries) is read by this package over
// the in-memory bytes instead of go-message's textproto readers: those stop at
// the first malformed header line and at mixed line endings, which real mail
// has, and working on slices of the raw message keeps parsing allocation-light.
// Charsets come from github.com/emersion/go-message/charset, which registers
// every charset golang.org/x/text knows.
package email

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/emersion/go-message/charset" // registers all charsets with go-message
)

// Address is one mailbox. Email is lower-cased and validated: no spaces or
// control characters, exactly one "@" with text on both sides.
type Address struct {
	Name  string
	Email string
}

// Attachment is a body part that is not the message text: a file, an inline
// image, a forwarded message.
type Attachment struct {
	// Filename is decoded (RFC 2047 and RFC 2231) and sanitised: no path
	// separators, no control characters, never empty.
	Filename    string
	ContentType string // lower-case media type, e.g. "application/pdf"
	ContentID   string // without <>, "" if absent
	Inline      bool   // shown in the body (Content-Disposition: inline, or referenced by Content-ID)
	Size        int    // len(Data), the decoded size
	Data        []byte // decoded content
}

// AutoKind says whether a message was written by a person or by a machine.
type AutoKind string

// The kinds of automatic mail. The zero value means a human wrote it.
const (
	Human     AutoKind = ""
	AutoReply AutoKind = "auto_reply" // RFC 3834 auto-responses, out-of-office replies, read receipts
	Bulk      AutoKind = "bulk"       // lists, their administrative mail, and bulk mail
	Bounce    AutoKind = "bounce"     // delivery status notifications and MAILER-DAEMON mail
	Report    AutoKind = "report"     // abuse and feedback reports (RFC 5965) and other RFC 6522 reports
	Notice    AutoKind = "notice"     // notifications from no-reply senders and notification services
	Loop      AutoKind = "loop"       // our own mail coming back (set by Classify only)
)

// DeliveryReport is what a multipart/report; report-type=delivery-status
// (RFC 3464) says about a message that could not be delivered.
type DeliveryReport struct {
	// OriginalMessageID is the Message-ID (without <>) of the message that
	// bounced, from the returned message/rfc822 or text/rfc822-headers part,
	// else the Original-Envelope-Id field.
	OriginalMessageID string
	// Failed holds the recipients whose Action is "failed" (or, with no
	// Action, whose Status is permanent, 5.x.x).
	Failed []DeliveryStatus
	// Recipients holds every per-recipient block, including "delayed",
	// "delivered", "relayed" and "expanded" ones.
	Recipients []DeliveryStatus
}

// DeliveryStatus is one per-recipient block of a delivery-status report.
type DeliveryStatus struct {
	Recipient  string // Final-Recipient address, without the "rfc822;" type
	Action     string // lower-case: failed, delayed, delivered, relayed, expanded
	Status     string // e.g. "5.1.1"
	Diagnostic string // Diagnostic-Code text, without the "smtp;" type
}

// Message is one inbound email, decoded.
type Message struct {
	MessageID  string   // without <>, "" if absent or garbage
	InReplyTo  []string // ids without <>
	References []string // ids without <>, at most MaxReferences
	Subject    string   // decoded to UTF-8, CR/LF and other controls turned into spaces
	From       Address
	Sender     *Address // nil when absent or unreadable
	ReplyTo    []Address
	To, Cc     []Address
	Date       time.Time // zero when absent or unreadable

	// Text is the text/plain body; when the message has none, it is the
	// HTML body converted to text (TextFromHTML is then true). Line endings
	// are "\n".
	Text         string
	HTML         string // the text/html body if any, decoded to UTF-8, otherwise untouched
	TextFromHTML bool

	// Attachments holds every part that is not body text, in message order,
	// inline images included. A forwarded message/rfc822 is kept whole as
	// "<its subject>.eml" (or "forwarded.eml").
	Attachments []Attachment

	// Auto and AutoReason are the options-free classification made by Parse
	// (see Parse); Classify adds the checks that need configuration.
	Auto       AutoKind
	AutoReason string
	DSN        *DeliveryReport // non-nil for a delivery-status report

	// ReturnedID is, for automatic mail about another message (a bounce,
	// a feedback report, a read receipt), that message's Message-ID
	// without <>: from the delivery report, the returned message or its
	// headers, or, in a plain-text bounce, the copy of the header it
	// quotes. "" when unknown or for a person's mail.
	ReturnedID string

	AuthenticationResults []string // raw values of every Authentication-Results header, top to bottom
	LoopHeader            string   // value of DefaultLoopHeader if present

	ContentHash string // hex SHA-256 of the raw bytes; with MessageID, the dedup key

	header header // top-level header fields, raw, in order
}

// HeaderValue returns the first value of the named top-level header field,
// decoded (RFC 2047, and 8-bit bytes read as UTF-8 or else Windows-1252), or
// "" if there is none. The name is case-insensitive.
func (m *Message) HeaderValue(name string) string {
	v, ok := m.header.get(name)
	if !ok {
		return ""
	}
	return decodeText(v)
}

// HeaderValues returns every raw value of the named top-level header field,
// top to bottom, unfolded but not decoded.
func (m *Message) HeaderValues(name string) []string {
	return m.header.values(name)
}

// MaxReferences is the most ids kept from a References field: the first (the
// thread's root) and the most recent ones.
const MaxReferences = 100

// Limits bound the work Parse does on one message.
type Limits struct {
	MaxBytes       int64 // whole message
	MaxHeaderBytes int   // one header block (the top-level one or a part's)
	MaxDepth       int   // multipart nesting
	MaxParts       int   // MIME entities, the top-level one included
}

// DefaultLimits returns 25 MiB, 256 KiB of header, depth 20 and 200 parts.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 25 << 20, MaxHeaderBytes: 256 << 10, MaxDepth: 20, MaxParts: 200}
}

// withDefaults fills every zero or negative field with its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	return l
}

// LimitError reports a message over one of the Limits. Reason is plain
// English, e.g. "message is 31457280 bytes, limit 26214400"; Kind, Limit
// and Size say the same for a caller that words it otherwise.
type LimitError struct {
	Reason string
	Kind   LimitKind
	Limit  int64 // the limit that was exceeded, in its unit (bytes, levels, parts)
	Size   int64 // for LimitSize, the message's size in bytes; else 0
}

// LimitKind names the limit a message exceeded.
type LimitKind string

// The kinds of LimitError, one per field of Limits.
const (
	LimitSize   LimitKind = "size"
	LimitHeader LimitKind = "header"
	LimitDepth  LimitKind = "depth"
	LimitParts  LimitKind = "parts"
)

func (e *LimitError) Error() string { return "email: over limit: " + e.Reason }

// errInternal marks a bug caught by Parse's last-resort recover; tests and
// fuzzing look for it.
var errInternal = errors.New("email: internal error parsing message")

// ErrEmpty is returned for input with no bytes other than white space.
var ErrEmpty = errors.New("email: empty message")

// Parse decodes one raw message.
//
// Zero fields of lim take their DefaultLimits value. The size limit is checked
// before anything is parsed; the header limit, MIME depth and part count are
// checked while reading. Over a limit Parse returns a *LimitError; except for
// the header limit, it also returns a Message holding the top-level header
// fields (From, Subject, ids...) without body or attachments, so that the
// caller can tell the sender why the mail was refused.
//
// Parse never panics on bad input. Broken but readable mail yields what could
// be read and a nil error.
//
// Parse fills Auto and AutoReason with the rules that need no configuration:
// multipart/report and its parts (RFC 3464, RFC 5965, RFC 6522), RFC 3834
// Auto-Submitted, Precedence, the list headers, X-Autoreply and its kin, a
// null Return-Path, delivery-system and no-reply senders, out-of-office
// subjects (auto.go lists them all), and the weak signals that only stop an
// automatic answer (Human with a reason). Classify adds the loop checks
// (our loop header, our own addresses).
func Parse(raw []byte, lim Limits) (m *Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: %v", errInternal, r)
		}
	}()
	lim = lim.withDefaults()
	if isBlank(raw) {
		return nil, ErrEmpty
	}
	sum := sha256.Sum256(raw)
	m = &Message{ContentHash: hex.EncodeToString(sum[:])}

	var sizeErr error
	if int64(len(raw)) > lim.MaxBytes {
		// Read only the header (bounded by MaxHeaderBytes) so the caller
		// can answer the sender.
		sizeErr = &LimitError{Reason: fmt.Sprintf("message is %d bytes, limit %d", len(raw), lim.MaxBytes),
			Kind: LimitSize, Limit: lim.MaxBytes, Size: int64(len(raw))}
	}
	hdr, body, herr := parseHeader(raw, lim.MaxHeaderBytes)
	if herr != nil {
		if sizeErr != nil {
			return nil, sizeErr
		}
		return nil, herr
	}
	m.header = hdr
	m.readHeader()
	if sizeErr != nil {
		m.Auto, m.AutoReason = classifyHeader(m)
		return m, sizeErr
	}

	w := walker{lim: lim, parts: 1}
	var c collector
	if err := w.entity(hdr, body, 0, &c, ""); err != nil {
		m.Auto, m.AutoReason = classifyHeader(m)
		return m, err
	}
	m.fillBody(&c)
	if m.DSN != nil {
		m.DSN.OriginalMessageID = c.returnedID
		if m.DSN.OriginalMessageID == "" {
			m.DSN.OriginalMessageID = c.envelopeID
		}
	}
	m.Auto, m.AutoReason = classify(m, &c)
	if m.Auto != Human {
		m.ReturnedID = returnedID(m, &c)
	}
	return m, nil
}

// isBlank reports whether b holds nothing but white space.
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// readHeader fills the fields that come from the top-level header.
func (m *Message) readHeader() {
	h := m.header
	m.MessageID = firstID(h.first("Message-Id"))
	m.InReplyTo = parseIDs(h.first("In-Reply-To"), MaxReferences)
	m.References = parseIDs(h.joined("References"), MaxReferences)
	m.Subject = cleanLine(decodeText(h.first("Subject")))
	if l := parseAddressList(h.first("From")); len(l) > 0 {
		m.From = l[0]
	}
	if l := parseAddressList(h.first("Sender")); len(l) > 0 {
		m.Sender = &l[0]
	}
	m.ReplyTo = parseAddressList(h.joined("Reply-To"))
	m.To = parseAddressList(h.joined("To"))
	m.Cc = parseAddressList(h.joined("Cc"))
	m.Date = parseDate(h.first("Date"))
	m.AuthenticationResults = h.values("Authentication-Results")
	m.LoopHeader = h.first(DefaultLoopHeader)
}

// fillBody moves what the MIME walk collected into the message.
func (m *Message) fillBody(c *collector) {
	m.Text = joinBodies(c.text)
	m.HTML = joinBodies(c.html)
	if strings.TrimSpace(m.Text) == "" && m.HTML != "" {
		// No text part, or an empty one beside the HTML (some clients).
		m.Text = htmlToText(m.HTML)
		m.TextFromHTML = m.Text != ""
	}
	m.Attachments = c.attachments
	m.DSN = c.dsn
}
