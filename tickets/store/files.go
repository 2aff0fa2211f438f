package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// FileInfo is an attachment of one of a ticket's inbound messages as the
// notifications see it: everything but its bytes.
type FileInfo struct {
	TicketID    int64  `db:"ticket_id"`
	ID          int64  `db:"id"`
	MessageRow  int64  `db:"message_row"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	ContentID   string `db:"content_id"`
	Inline      bool   `db:"inline"`
	Size        int    `db:"size"`
	// Public: every event its message caused is public (a comment, the
	// request), so the requester and providers may receive it. The
	// attachments of an internal note, of a refused command or of a
	// message on record as internal are not.
	Public bool `db:"public"`
}

// FilesOf returns the attachments of the tickets' processed inbound
// messages, by ticket, oldest first.
func FilesOf(ctx context.Context, q sqlx.QueryerContext, ticketIDs []int64) (map[int64][]FileInfo, error) {
	out := map[int64][]FileInfo{}
	if len(ticketIDs) == 0 {
		return out, nil
	}
	var list []FileInfo
	err := sqlx.SelectContext(ctx, q, &list, `SELECT m.ticket_id, a.id, a.message_row, a.filename, a.content_type,
			a.content_id, a.inline, a.size,
			COALESCE((SELECT bool_and(e.public) FROM events e WHERE e.ticket_id = m.ticket_id AND e.message_row = m.id), false)
				AS public
		FROM attachments a JOIN messages m ON m.id = a.message_row
		WHERE m.ticket_id = ANY($1) AND m.direction = 'in' AND m.status = 'processed'
		ORDER BY m.ticket_id, a.id`, pq.Int64Array(ticketIDs))
	if err != nil {
		return nil, fmt.Errorf("reading attachments: %w", err)
	}
	for _, f := range list {
		out[f.TicketID] = append(out[f.TicketID], f)
	}
	return out, nil
}

// OutboundFile is one attachment an outgoing message carries.
type OutboundFile struct {
	MessageRow   int64
	AttachmentID int64
}

// LinkOutboundFiles records which attachments outgoing messages carry, in
// the order given for each message.
func LinkOutboundFiles(ctx context.Context, q sqlx.ExecerContext, fs []OutboundFile) error {
	if len(fs) == 0 {
		return nil
	}
	rows := make([]int64, len(fs))
	atts := make([]int64, len(fs))
	for i, f := range fs {
		rows[i], atts[i] = f.MessageRow, f.AttachmentID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO outbox_files (message_row, attachment_id, position)
		SELECT r, a, row_number() OVER (PARTITION BY r ORDER BY o) FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS v (r, a, o)
		ON CONFLICT DO NOTHING`, pq.Int64Array(rows), pq.Int64Array(atts))
	if err != nil {
		return fmt.Errorf("linking attachments to notifications: %w", err)
	}
	return nil
}

// AttachToOutbound stores a file that an outgoing message carries and was
// made for it (the monthly report's CSV), as an attachment of that
// message's own row, and links it to be sent with it.
func AttachToOutbound(ctx context.Context, q sqlx.ExecerContext, messageRow int64, a Attachment) error {
	_, err := q.ExecContext(ctx, `WITH a AS (
			INSERT INTO attachments (message_row, filename, content_type, content_id, inline, size, data)
			VALUES ($1, $2, $3, '', false, $4, $5) RETURNING id)
		INSERT INTO outbox_files (message_row, attachment_id, position) SELECT $1, id, 1 FROM a`,
		messageRow, dbText(a.Filename), dbText(a.ContentType), len(a.Data), dbBytes(a.Data))
	if err != nil {
		return fmt.Errorf("attaching a file to a notification: %w", err)
	}
	return nil
}

// OutboundFiles returns the attachments, with their bytes, that the
// outgoing message messageRow carries, in order.
func OutboundFiles(ctx context.Context, q sqlx.QueryerContext, messageRow int64) ([]Attachment, error) {
	var out []Attachment
	err := sqlx.SelectContext(ctx, q, &out, `SELECT a.id, a.message_row, a.filename, a.content_type, a.content_id,
			a.inline, a.size, a.data
		FROM outbox_files f JOIN attachments a ON a.id = f.attachment_id
		WHERE f.message_row = $1 ORDER BY f.position`, messageRow)
	if err != nil {
		return nil, fmt.Errorf("reading a notification's attachments: %w", err)
	}
	return out, nil
}

// GetAttachment reads attachment id of ticket ticketID, with its bytes.
// An attachment of another ticket is not found.
func GetAttachment(ctx context.Context, q sqlx.QueryerContext, ticketID, id int64) (Attachment, error) {
	var a Attachment
	err := sqlx.GetContext(ctx, q, &a, `SELECT a.id, a.message_row, a.filename, a.content_type, a.content_id,
			a.inline, a.size, a.data
		FROM attachments a JOIN messages m ON m.id = a.message_row WHERE a.id = $1 AND m.ticket_id = $2`, id, ticketID)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, fmt.Errorf("attachment %d of ticket %d: %w", id, ticketID, ErrNotFound)
		}
		return a, fmt.Errorf("reading attachment %d: %w", id, err)
	}
	return a, nil
}

// OutboundFilesOf returns the attachments (without their data) that a
// ticket's outgoing messages carry, by message row, in order.
func OutboundFilesOf(ctx context.Context, q sqlx.QueryerContext, ticketID int64) (map[int64][]Attachment, error) {
	var list []Attachment
	err := sqlx.SelectContext(ctx, q, &list, `SELECT a.id, f.message_row, a.filename, a.content_type, a.content_id, a.inline, a.size
		FROM outbox_files f JOIN messages m ON m.id = f.message_row JOIN attachments a ON a.id = f.attachment_id
		WHERE m.ticket_id = $1 ORDER BY f.message_row, f.position`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("reading the attachments notifications carry: %w", err)
	}
	return byMessage(list), nil
}
