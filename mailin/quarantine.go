package mailin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Mail that cannot be processed is quarantined: kept whole, with the reason
// on record, moved to the quarantine folder, and told. Its sender is told
// once, unless a machine wrote it or it asks for no automatic answer; every
// desk agent is told of each quarantined message, with the sender, the
// subject and the reason, so that nothing waits unseen in the folder.

// quarantineReason is why a message was quarantined: its kind and the
// figures that go with it.
type quarantineReason struct {
	kind   string // one of the keys of quarantineTexts
	limit  int64  // the exceeded limit (bytes, levels or parts)
	size   int64  // the message's size, for "size"
	detail string // for the record only: the parse error or the failure
}

// quarantineTexts words each reason: in English for the record (as every
// record is), and in each language people are told in. The %s verbs take,
// in order, the figures of the kind (sizes already worded, counts as
// numbers). Spanish is written for people who do not know what MIME is.
var quarantineTexts = map[string]struct{ record, es, en string }{
	"size": {"message is %s, over the limit of %s",
		"el mensaje ocupa %s y la Mesa de Servicio recibe mensajes de hasta %s; envíe los archivos grandes por otro medio (una carpeta compartida, por ejemplo) o en varios mensajes",
		"the message is %s and the Service Desk accepts messages of up to %s; please send large files another way (a shared folder, for instance) or in several messages"},
	"header": {"header is over %s",
		"el encabezado del mensaje supera %s, más de lo que la Mesa de Servicio puede leer",
		"the message's header is over %s, more than the Service Desk can read"},
	"depth": {"MIME nesting is deeper than %s",
		"el mensaje tiene más de %s niveles de partes unas dentro de otras (mensajes reenviados dentro de mensajes reenviados, por ejemplo)",
		"the message has more than %s levels of parts inside one another (forwarded messages inside forwarded messages, for instance)"},
	"parts": {"message has more than %s MIME parts",
		"el mensaje tiene más de %s partes entre textos y adjuntos; envíe los adjuntos en varios mensajes",
		"the message has more than %s parts, texts and attachments together; please send the attachments in several messages"},
	"empty": {"unreadable message: the message is empty",
		"el mensaje llegó vacío",
		"the message arrived empty"},
	"unreadable": {"unreadable message: %s",
		"no fue posible leer el mensaje",
		"the message could not be read"},
	"no_from": {"no usable From address",
		"el mensaje no trae una dirección de remitente válida",
		"the message has no valid sender address"},
	"failed": {"processing failed: %s",
		"ocurrió un error al registrarlo; la Mesa de Servicio ya fue informada y lo revisará",
		"an error occurred while recording it; the Service Desk has been told and will look into it"},
}

// limitReason is the reason for a message over one of the parser's limits.
func limitReason(le *email.LimitError) quarantineReason {
	switch le.Kind {
	case email.LimitSize, email.LimitHeader, email.LimitDepth, email.LimitParts:
		return quarantineReason{kind: string(le.Kind), limit: le.Limit, size: le.Size}
	}
	return quarantineReason{kind: "unreadable", detail: le.Reason}
}

// parseReason is the reason for a message Parse refused.
func parseReason(err error) quarantineReason {
	var le *email.LimitError
	switch {
	case errors.As(err, &le):
		return limitReason(le)
	case errors.Is(err, email.ErrEmpty):
		return quarantineReason{kind: "empty"}
	}
	return quarantineReason{kind: "unreadable", detail: firstLine(err.Error())}
}

// record is the reason as the message's record keeps it.
func (r quarantineReason) record() string { return r.words("record") }

// words is the reason in lang ("es", "en") or for the record.
func (r quarantineReason) words(lang string) string {
	t, ok := quarantineTexts[r.kind]
	if !ok {
		t = quarantineTexts["unreadable"]
	}
	format := t.es
	switch lang {
	case "record":
		format = t.record
	case "en":
		format = t.en
	}
	var args []any
	switch r.kind {
	case "size":
		args = []any{sizeWords(r.size, lang), sizeWords(r.limit, lang)}
	case "header":
		args = []any{sizeWords(r.limit, lang)}
	case "depth", "parts":
		args = []any{fmt.Sprint(r.limit)}
	case "unreadable", "failed":
		args = []any{r.detail}
	}
	n := strings.Count(format, "%s")
	return fmt.Sprintf(format, args[:min(n, len(args))]...)
}

// sizeWords writes a size as people read it: "31,5 MB" in Spanish,
// "31.5 MB" in English, the exact bytes for the record.
func sizeWords(n int64, lang string) string {
	if lang == "record" {
		return fmt.Sprintf("%d bytes", n)
	}
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		s = fmt.Sprintf("%d bytes", n)
	}
	s = strings.Replace(s, ".0 ", " ", 1)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// quarantine records a message that cannot be processed, with the reason,
// and tells its sender and the desk.
func (in *Intake) quarantine(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message, why quarantineReason) (result, error) {
	reason := why.record()
	msg.Status, msg.Reason = store.StatusQuarantined, reason
	if m != nil {
		in.describe(msg, m)
		msg.Reason = reason // fill may have noted a weak signal: the quarantine is the reason now
	}
	if err := keep(ctx, tx, msg); err != nil {
		return result{}, err
	}
	if err := in.tellQuarantine(tx, msg, m, why); err != nil {
		return result{}, err
	}
	in.log().Warn("message quarantined", "mailbox", f.Mailbox, "uid", f.UID, "reason", reason)
	return quarantined(f.UID, reason), nil
}

// tellQuarantine queues the notices of a quarantined message: to its
// sender (a person, not ourselves, who did not ask for no automatic
// answer, and not a desk agent, who gets the desk's notice) and to each
// desk agent. m is nil when the message could not be parsed at all.
func (in *Intake) tellQuarantine(tx *service.Tx, msg *store.Message, m *email.Message, why quarantineReason) error {
	if in.Responder == nil {
		return nil
	}
	// The notices name the message by its subject and sender: it is on no
	// ticket (the view has no id, so no case number is shown).
	view := &store.Ticket{Ticket: tickets.Ticket{Subject: oneLine(msg.Subject), Requester: msg.FromAddr}, RequesterName: msg.FromName}
	var desk []tickets.Person
	if in.Service.Roster != nil {
		desk = in.Service.Roster.Desk()
	}
	from := ""
	if m != nil {
		from = m.From.Email
	}
	tellSender := from != "" && msg.AutoKind == "" && !msg.NoAutoAnswer
	for _, p := range desk {
		if strings.EqualFold(p.Email, from) {
			tellSender = false
		}
	}
	if tellSender {
		if err := in.Responder.Quarantined(tx.Context(), tx.Q, view, from, why.words(in.langOf(from, "es")), msg); err != nil {
			return err
		}
	}
	for _, p := range desk {
		if err := in.Responder.Quarantined(tx.Context(), tx.Q, view, p.Email, why.words(in.langOf(p.Email, "es")), msg); err != nil {
			return err
		}
	}
	return nil
}

// quarantineFailed records a message whose processing failed on its own,
// in a fresh transaction, so that it does not block the mailbox, and tells
// as quarantine does. If telling fails too (the failure may be in the
// notifier), the message is quarantined untold rather than not at all.
func (in *Intake) quarantineFailed(ctx context.Context, f *imapin.Fetched, cause error) (result, error) {
	why := quarantineReason{kind: "failed", detail: firstLine(cause.Error())}
	r, err := in.quarantineFailedTx(ctx, f, why, true)
	if err == nil || ctx.Err() != nil || store.IsTransient(err) {
		return r, err
	}
	in.log().Error("telling of a quarantined message failed; quarantining it untold", "mailbox", f.Mailbox, "uid", f.UID, "error", err)
	return in.quarantineFailedTx(ctx, f, why, false)
}

func (in *Intake) quarantineFailedTx(ctx context.Context, f *imapin.Fetched, why quarantineReason, tell bool) (result, error) {
	reason := why.record()
	var r result
	err := in.Service.InTx(ctx, func(tx *service.Tx) error {
		// The raw source and the reason, in one write of the row.
		msg := inboundRow(f.Raw, tx.Now())
		msg.Status, msg.Reason = store.StatusQuarantined, reason
		id, existed, err := store.InsertInbound(ctx, tx.Q, msg)
		if err != nil {
			return err
		}
		// Only a row nobody processed becomes quarantined: the same
		// message may have been stored meanwhile (another mailbox, another
		// replica), and then its outcome stands. A row stored before and
		// left "received" is nobody's yet: it is quarantined now.
		ours := !existed
		if existed {
			if ours, err = store.QuarantineReceived(ctx, tx.Q, id, reason); err != nil {
				return err
			}
		}
		prev, err := store.GetMessage(ctx, tx.Q, id)
		if err != nil {
			return err
		}
		q := prev.Status == store.StatusQuarantined
		r = processed(f.UID, "duplicate")
		if q {
			r = quarantined(f.UID, prev.Reason)
		}
		if ours && tell {
			if err := in.tellFailed(ctx, tx, f, &prev, why); err != nil {
				return err
			}
		}
		return store.PutPosition(ctx, tx.Q, store.Position{Account: f.Account, Mailbox: f.Mailbox, UIDValidity: f.UIDValidity,
			UID: f.UID, MessageRow: &id, Quarantine: q, Reason: prev.Reason}, tx.Now())
	})
	return r, err
}

// tellFailed tells of a message quarantined after a failure: what can be
// read of it names the sender and the subject; the row itself keeps only
// the raw source and the reason, as the failure left it.
func (in *Intake) tellFailed(ctx context.Context, tx *service.Tx, f *imapin.Fetched, row *store.Message, why quarantineReason) error {
	m, err := email.Parse(f.Raw, in.Limits)
	if err != nil {
		m = nil // over a limit or unreadable: the desk is told, the sender cannot be
	}
	view := *row
	if m != nil {
		in.describe(&view, m)
	}
	return in.tellQuarantine(tx, &view, m, why)
}
