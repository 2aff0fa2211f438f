package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Message is one email in or out, as kept on record.
type Message struct {
	ID          int64          `db:"id"`
	TicketID    *int64         `db:"ticket_id"`
	Direction   string         `db:"direction"` // "in" or "out"
	MessageID   string         `db:"message_id"`
	InReplyTo   string         `db:"in_reply_to"`
	Refs        pq.StringArray `db:"refs"`
	FromAddr    string         `db:"from_addr"`
	FromName    string         `db:"from_name"`
	ToAddrs     pq.StringArray `db:"to_addrs"`
	CcAddrs     pq.StringArray `db:"cc_addrs"`
	Subject     string         `db:"subject"`
	Body        string         `db:"body"`
	FullText    string         `db:"full_text"`
	HTMLBody    string         `db:"html_body"` // what we send: the HTML alternative, "" for none; not in messageCols
	Raw         []byte         `db:"raw"`
	ContentHash string         `db:"content_hash"`
	AutoKind    string         `db:"auto_kind"`
	Status      string         `db:"status"`
	Reason      string         `db:"reason"`
	CreatedAt   time.Time      `db:"created_at"`

	// NoAutoAnswer, on an inbound message being processed, says that it
	// asks for no automatic answer (Microsoft's X-Auto-Response-Suppress
	// and other weak signs of automatic mail): the notifier sends no
	// acknowledgement for it. Not a column: Reason records why.
	NoAutoAnswer bool `db:"-"`

	// ThreadID, on an inbound message being processed, is its Message-ID
	// as the parser read it, which answers thread by. MessageID stays the
	// key the row is stored and looked up by, read from the raw header
	// before parsing; the two differ for an unusual field (a comment
	// after the id, two ids). Not a column.
	ThreadID string `db:"-"`
}

// Message statuses.
const (
	StatusReceived    = "received"    // raw source stored, not yet parsed
	StatusProcessed   = "processed"   // on its ticket
	StatusQuarantined = "quarantined" // could not be processed; Reason says why
)

func nonNil(a pq.StringArray) pq.StringArray {
	if a == nil {
		return pq.StringArray{}
	}
	return a
}

// InsertInbound stores an inbound message, its raw source alone or the
// row whole: InsertInboundMany of one.
func InsertInbound(ctx context.Context, q sqlx.ExtContext, m Message) (id int64, existed bool, err error) {
	ids, ex, err := InsertInboundMany(ctx, q, []Message{m})
	if err != nil {
		return 0, false, err
	}
	return ids[0], ex[0], nil
}

// UpdateInbound records what parsing and processing made of a message
// stored before: UpdateInboundMany of one.
func UpdateInbound(ctx context.Context, q sqlx.ExecerContext, m Message) error {
	return UpdateInboundMany(ctx, q, []Message{m})
}

// InsertOutbound stores an outgoing message (the outbox row refers to it).
func InsertOutbound(ctx context.Context, q sqlx.ExtContext, m Message) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `INSERT INTO messages
		(ticket_id, direction, message_id, in_reply_to, refs, from_addr, from_name, to_addrs, subject, body, full_text,
		 html_body, status, created_at)
		VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $9, '', $10, 'processed', $11) RETURNING id`,
		m.TicketID, dbText(m.MessageID), dbText(m.InReplyTo), dbTexts(m.Refs), dbText(m.FromAddr), dbText(m.FromName),
		dbTexts(m.ToAddrs), dbText(m.Subject), dbText(m.Body), dbText(m.HTMLBody), m.CreatedAt)
	if err != nil {
		return 0, fmt.Errorf("storing outbound message: %w", err)
	}
	return id, nil
}

// GetMessage reads one message, without its raw source.
func GetMessage(ctx context.Context, q sqlx.QueryerContext, id int64) (Message, error) {
	var m Message
	err := sqlx.GetContext(ctx, q, &m, `SELECT `+messageCols+` FROM messages WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	return m, err
}

const messageCols = `id, ticket_id, direction, message_id, in_reply_to, refs, from_addr, from_name, to_addrs, cc_addrs,
	subject, body, CASE WHEN full_text = '' THEN body ELSE full_text END AS full_text, content_hash, auto_kind, status,
	reason, created_at`

// fullTextColumn is what the full_text column holds for m: "" when the
// whole text is the body (every message we send, most new requests), so
// the text is stored once; messageCols reads it back whole.
func fullTextColumn(m Message) string {
	if m.FullText == m.Body {
		return ""
	}
	return m.FullText
}

// MessagesOf returns a ticket's messages in order, without raw sources.
func MessagesOf(ctx context.Context, q sqlx.QueryerContext, ticketID int64) ([]Message, error) {
	var out []Message
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+messageCols+` FROM messages WHERE ticket_id = $1 ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("reading messages: %w", err)
	}
	return out, nil
}

// TicketByMessageIDs returns the ticket of the newest stored message whose
// Message-ID is one of ids, preferring those we sent: their ids are ours
// and random, while an inbound id can be reused by anyone who saw it.
func TicketByMessageIDs(ctx context.Context, q sqlx.QueryerContext, ids []string) (int64, bool, error) {
	if len(ids) == 0 {
		return 0, false, nil
	}
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `SELECT ticket_id FROM messages
		WHERE message_id = ANY($1) AND ticket_id IS NOT NULL ORDER BY direction = 'out' DESC, id DESC LIMIT 1`, pq.StringArray(ids))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("matching message ids: %w", err)
	}
	return id, true, nil
}

// Participates reports whether addr took part in a ticket: its requester,
// its assignee, a sender of one of its messages or a recipient of one.
func Participates(ctx context.Context, q sqlx.QueryerContext, ticketID int64, addr string) (bool, error) {
	addr = strings.ToLower(addr)
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM tickets WHERE id = $1 AND (requester = $2 OR assignee = $2))
		OR EXISTS (SELECT 1 FROM messages WHERE ticket_id = $1 AND (from_addr = $2 OR $2 = ANY(to_addrs) OR $2 = ANY(cc_addrs)))
		OR EXISTS (SELECT 1 FROM events WHERE ticket_id = $1 AND (actor = $2 OR assignee_after = $2))`, ticketID, addr)
	return ok, err
}

// Attachment is a stored attachment.
type Attachment struct {
	ID          int64  `db:"id"`
	MessageRow  int64  `db:"message_row"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	ContentID   string `db:"content_id"`
	Inline      bool   `db:"inline"`
	Size        int    `db:"size"`
	Data        []byte `db:"data"`
}

// InsertAttachment stores one attachment of a message (a batch of one:
// InsertAttachments).
func InsertAttachment(ctx context.Context, q sqlx.ExecerContext, a Attachment) error {
	return InsertAttachments(ctx, q, []Attachment{a})
}

// AttachmentsOf returns the attachments (without their data) of a ticket's
// messages, by message row.
func AttachmentsOf(ctx context.Context, q sqlx.QueryerContext, ticketID int64) (map[int64][]Attachment, error) {
	var list []Attachment
	err := sqlx.SelectContext(ctx, q, &list, `SELECT a.id, a.message_row, a.filename, a.content_type, a.content_id, a.inline, a.size
		FROM attachments a JOIN messages m ON m.id = a.message_row WHERE m.ticket_id = $1 ORDER BY a.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("reading attachments: %w", err)
	}
	return byMessage(list), nil
}

// byMessage groups attachments by the message row that has them, in order.
func byMessage(list []Attachment) map[int64][]Attachment {
	out := map[int64][]Attachment{}
	for _, a := range list {
		out[a.MessageRow] = append(out[a.MessageRow], a)
	}
	return out
}
