package report

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// KindMonthly is the outbox kind of the monthly report.
const KindMonthly = "monthly_report"

// Recipient is a person the monthly report goes to.
type Recipient struct {
	Email, Name string
	Lang        string // "es" (default) or "en"
}

// Sender is the address the report goes out from: the desk's.
type Sender struct {
	Address, Name string
}

// QueueMonthly builds the report of p's period and queues it through the
// outbox for each recipient, in their language, and returns how many it
// queued. It queues one message per period and recipient, ever: a
// recipient's row is keyed by the period, so a second call (another
// replica, a restart, the next tick) queues nothing for them. Each
// recipient's row is written in a transaction of its own.
func QueueMonthly(ctx context.Context, db *sqlx.DB, p Params, to []Recipient, from Sender) (int, error) {
	if len(to) == 0 {
		return 0, nil
	}
	period := p.From.In(zone(p.Calendar)).Format("2006-01")
	var pending []Recipient
	for _, r := range to {
		taken, err := monthlyQueued(ctx, db, period, r.Email)
		if err != nil {
			return 0, err
		}
		if !taken {
			pending = append(pending, r)
		}
	}
	if len(pending) == 0 {
		return 0, nil
	}
	rep, err := Build(ctx, db, p)
	if err != nil {
		return 0, err
	}
	mails := map[string]Mail{}
	queued := 0
	_, domain, _ := strings.Cut(from.Address, "@")
	for _, r := range pending {
		lang := r.Lang
		if lang != "en" {
			lang = "es"
		}
		m, ok := mails[lang]
		if !ok {
			if m, err = RenderMail(rep, lang); err != nil {
				return queued, fmt.Errorf("report: rendering the monthly report: %w", err)
			}
			mails[lang] = m
		}
		key := monthlyKey(period, r.Email)
		o := &store.Outgoing{
			Kind: KindMonthly, Recipient: strings.ToLower(r.Email), RecipientName: r.Name,
			AutoSubmitted: "auto-generated", DedupKey: &key, CreatedAt: time.Now().UTC(),
			MessageID: "ticketd.report." + period + "." + randomID() + "@" + domain,
			FromAddr:  from.Address, FromName: from.Name, Subject: m.Subject, TextBody: m.Text, HTMLBody: m.HTML,
		}
		ok, err = queueOne(ctx, db, o, store.Attachment{Filename: "informe-" + period + ".csv",
			ContentType: "text/csv; charset=utf-8", Data: m.CSV})
		if err != nil {
			return queued, err
		}
		if ok {
			queued++
		}
	}
	return queued, nil
}

// monthlyKey is the outbox dedup key of a period's report to one recipient.
func monthlyKey(period, email string) string {
	return "report:monthly:" + period + ":" + strings.ToLower(email)
}

func monthlyQueued(ctx context.Context, db sqlx.QueryerContext, period, email string) (bool, error) {
	n, err := store.OutboxKeyCount(ctx, db, monthlyKey(period, email))
	if err != nil {
		return false, fmt.Errorf("report: %w", err)
	}
	return n > 0, nil
}

// queueOne writes one row, with the CSV of the figures attached; another
// replica that wrote the same key first (a unique violation on dedup_key)
// means it is queued already.
func queueOne(ctx context.Context, db *sqlx.DB, o *store.Outgoing, csv store.Attachment) (bool, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("report: %w", err)
	}
	defer tx.Rollback()
	queued, err := store.Enqueue(ctx, tx, o)
	if store.IsUniqueViolation(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("report: queueing the monthly report: %w", err)
	}
	if queued && len(csv.Data) > 0 {
		if err := store.AttachToOutbound(ctx, tx, o.MessageRow, csv); err != nil {
			return false, fmt.Errorf("report: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		if store.IsUniqueViolation(err) {
			return false, nil
		}
		return false, fmt.Errorf("report: queueing the monthly report: %w", err)
	}
	return queued, nil
}

func randomID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
