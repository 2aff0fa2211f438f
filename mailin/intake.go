package mailin

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/faults"
	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailin/dkim"
	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Responder queues the replies the intake owes a sender, in the
// transaction that records why.
type Responder interface {
	CommandResults(ctx context.Context, tx *sqlx.Tx, t store.Ticket, to string, results []tickets.CommandResult, trigger *store.Message) error
	Quarantined(ctx context.Context, tx *sqlx.Tx, t *store.Ticket, to, reason string, trigger *store.Message) error
}

// Intake stores and applies inbound mail. It implements imapin.Handler.
type Intake struct {
	Service   *service.Service
	Responder Responder
	Signer    *replytoken.Signer // nil: reply tokens are not checked

	DeskAddress     string            // the support address; replies come to DeskAddress+token
	OwnAddresses    []string          // mail from these is our own coming back
	Limits          email.Limits      // message size, header, depth, parts
	TrustedAuthserv string            // authserv-id whose Authentication-Results are believed
	DKIM            *dkim.Verifier    // nil: DKIM signatures are not checked by ticketd itself
	DKIMRetryFor    time.Duration     // a temporary DKIM failure waits this long for a pass; 0: DefaultDKIMRetryFor (dkimretry.go)
	RequireVerified bool              // commands need a reply token or a trusted DKIM/DMARC pass
	NoSatisfaction  bool              // replies to a closed ticket are never taken as a rating
	MailboxServices map[string]string // mailbox → default service for new tickets
	// AccountServices: account → mailbox → default service ("" mailbox:
	// the account's own); before MailboxServices (accounts.go).
	AccountServices map[string]map[string]string

	Logger *slog.Logger
	// OnMessage, when set, is told each message's outcome (for metrics):
	// "opened", "comment", "commands", "automatic", "bounce", "duplicate",
	// "quarantined".
	OnMessage func(outcome, reason string)

	// noRuns sends every message through process, none through a run of
	// openings (tests: the runs must write what process writes).
	noRuns bool
}

var _ imapin.Handler = (*Intake)(nil)

func (in *Intake) log() *slog.Logger {
	if in.Logger != nil {
		return in.Logger
	}
	return slog.Default()
}

func (in *Intake) count(outcome, reason string) {
	if in.OnMessage != nil {
		in.OnMessage(outcome, reason)
	}
}

// Cursor implements imapin.Handler.
func (in *Intake) Cursor(ctx context.Context, account, mailbox string, uidValidity uint32) (uint32, error) {
	return store.Cursor(ctx, in.Service.DB, account, mailbox, uidValidity)
}

// Handle implements imapin.Handler. It first stores the whole batch in one
// transaction; if that fails, it stores the messages one at a time, each a
// batch of one through the same code, so that one bad message never holds
// back the others, and quarantines the one that fails on its own.
func (in *Intake) Handle(ctx context.Context, batch []imapin.Fetched) ([]imapin.Outcome, error) {
	rs, lf, err := in.handle(ctx, batch)
	if err == nil {
		out := make([]imapin.Outcome, len(rs))
		for i, r := range rs {
			in.count(r.kind, r.outcome.Reason)
			out[i] = r.outcome
		}
		return out, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(batch) == 1 && errors.Is(err, errLater) {
		return []imapin.Outcome{{UID: batch[0].UID, Later: true, Reason: lf.reason}}, nil
	}
	if len(batch) > 1 && !errors.Is(err, errLater) {
		in.log().Warn("batch failed, processing one message at a time", "messages", len(batch), "error", err)
	}
	out := make([]imapin.Outcome, 0, len(batch))
	for i := range batch {
		f := &batch[i]
		rs, lf, err := in.handle(ctx, batch[i:i+1])
		if errors.Is(err, errStoredMeanwhile) {
			rs, lf, err = in.handle(ctx, batch[i:i+1]) // now seen as stored
		}
		if errors.Is(err, errLater) {
			out = append(out, imapin.Outcome{UID: f.UID, Later: true, Reason: lf.reason})
			continue
		}
		var r result
		if err == nil {
			r = rs[0]
		} else {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// A database that is restarting or unreachable fails every
			// message alike: move nothing, and try again later.
			if store.IsTransient(err) {
				return nil, err
			}
			in.log().Error("message failed, quarantining it", "mailbox", f.Mailbox, "uid", f.UID, "error", err)
			r, err = in.quarantineFailed(ctx, f, err)
			if err != nil {
				return nil, err // the database itself is failing: move nothing
			}
		}
		in.count(r.kind, r.outcome.Reason)
		out = append(out, r.outcome)
	}
	return out, nil
}

// handle runs handleBatch in a transaction of its own. A message alone
// may be left for a later pass (a DKIM key that could not be looked up
// now: dkimretry.go): errLater then rolls the transaction back, and lf
// says why; in a batch of several, the same failure sends every message
// to the one-at-a-time path.
func (in *Intake) handle(ctx context.Context, batch []imapin.Fetched) ([]result, *laterFlag, error) {
	var one *imapin.Fetched
	if len(batch) == 1 {
		one = &batch[0]
	}
	bctx, lf := withLater(ctx, one)
	var rs []result
	err := in.Service.InTx(bctx, func(tx *service.Tx) error {
		lf.marked, lf.reason = false, "" // InTx runs this again after a serialization failure
		var err error
		rs, err = in.handleBatch(bctx, tx, batch)
		if err = later(lf, err); err == nil {
			faults.Point(faults.IntakeBeforeCommit)
		}
		return err
	})
	return rs, lf, err
}

// result is what process did with one message.
type result struct {
	outcome imapin.Outcome
	kind    string
}

func processed(uid uint32, kind string) result {
	return result{outcome: imapin.Outcome{UID: uid}, kind: kind}
}

// duplicate is a message handled before, with the outcome it had then.
func duplicate(uid uint32, quarantine bool, reason string) result {
	return result{outcome: imapin.Outcome{UID: uid, Quarantine: quarantine, Reason: reason}, kind: "duplicate"}
}

func quarantined(uid uint32, reason string) result {
	return result{outcome: imapin.Outcome{UID: uid, Quarantine: true, Reason: reason}, kind: "quarantined"}
}

// process handles inside tx one message of a batch that no run opened and
// whose position was not handled before; r is its route when the batch
// planner made it already (nil: process routes it), stored whether the
// batch found its key stored, before or earlier in the batch. It returns
// what it did and the row that keeps the message, for its position.
//
// A message not stored is inserted once, whole, with what processing made
// of it (keep), when apply knows it: never its raw source first and the
// rest by an UPDATE, which rewrites the whole row (the raw source is most
// of it) and cost PostgreSQL a tenth more work per message (issue 20).
// Nothing is lost by waiting: the message is parsed before anything is
// written either way (the batch planner parses it), a failure rolls back
// the transaction, raw source and all, and quarantineFailed then keeps the
// raw source in a transaction of its own.
func (in *Intake) process(ctx context.Context, tx *service.Tx, f *imapin.Fetched, r *routed, stored bool) (result, int64, error) {
	msg := inboundRow(f.Raw, tx.Now())
	if stored {
		// The same message through another position: a second mailbox, a
		// redelivery, a UIDVALIDITY change. One ticket or comment only.
		// InsertInbound writes nothing for a row that exists: it only
		// finds it, as it would find one stored by another replica.
		id, existed, err := store.InsertInbound(ctx, tx.Q, msg)
		if err != nil {
			return result{}, 0, err
		}
		msg.ID = id
		if existed {
			prev, err := store.GetMessage(ctx, tx.Q, id)
			if err != nil {
				return result{}, 0, err
			}
			return duplicate(f.UID, prev.Status == store.StatusQuarantined, prev.Reason), id, nil
		}
		// Not stored after all: its raw source now is, and apply
		// completes the row (keep).
	}
	res, err := in.apply(ctx, tx, f, &msg, r)
	return res, msg.ID, err
}

// keep writes what processing made of a message: the row whole, once, for
// a message not stored yet (ID 0), which then has its id; the rest of the
// row for one stored before (a quarantined message released, a raw source
// stored first). A message stored by another transaction since the batch
// looked gives errStoredMeanwhile: Handle then processes the batch one
// message at a time, which finds it stored.
func keep(ctx context.Context, tx *service.Tx, msg *store.Message) error {
	if msg.ID != 0 {
		return store.UpdateInbound(ctx, tx.Q, *msg)
	}
	id, existed, err := store.InsertInbound(ctx, tx.Q, *msg)
	if err != nil {
		return err
	}
	if existed {
		return errStoredMeanwhile
	}
	msg.ID = id
	return nil
}

// apply does what a stored message says, by its route (nil: apply routes
// it): the same decision the batch planner asks of route.
func (in *Intake) apply(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, r *routed) (result, error) {
	if r == nil {
		r = in.route(f)
	}
	if r.way == wayQuarantine {
		return in.quarantine(ctx, tx, f, msg, r.m, r.why)
	}
	m := r.m
	r.fill(msg)
	if r.way == wayAutomatic {
		return in.automatic(ctx, tx, f, msg, r)
	}
	match, err := in.match(ctx, tx, r)
	if err != nil {
		return result{}, err
	}
	if res, ok, err := in.rating(ctx, tx, f, msg, m, match); ok || err != nil {
		return res, err
	}
	if match.ticket == nil || match.ticket.State == "cerrado" {
		return in.open(ctx, tx, f, msg, m, match)
	}
	return in.reply(ctx, tx, f, msg, m, match)
}

func effectiveMax(l email.Limits) int64 {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return email.DefaultLimits().MaxBytes
}

func (in *Intake) own() []string {
	own := append([]string{}, in.OwnAddresses...)
	if in.DeskAddress != "" {
		own = append(own, in.DeskAddress)
	}
	return own
}

// fill copies the parsed header fields onto the stored message.
func fill(msg *store.Message, m *email.Message) {
	msg.FromAddr, msg.FromName = m.From.Email, m.From.Name
	msg.Subject = m.Subject
	// msg.MessageID stays as inboundRow scanned it from the raw header:
	// with the content hash it is the key a redelivery is found by (store
	// looks the key up before parsing, quarantineFailed stores a message
	// the parser failed on under it). The parser's reading may differ (a
	// header line the scan stops at, a comment after the id); it is kept
	// apart, for what the notices answer.
	msg.ThreadID = m.MessageID
	if len(m.InReplyTo) > 0 {
		msg.InReplyTo = m.InReplyTo[0]
	}
	msg.Refs = append(msg.Refs[:0], m.References...)
	msg.ToAddrs, msg.CcAddrs = nil, nil
	for _, a := range m.To {
		msg.ToAddrs = append(msg.ToAddrs, a.Email)
	}
	for _, a := range m.Cc {
		msg.CcAddrs = append(msg.CcAddrs, a.Email)
	}
	msg.FullText = m.Text
	// A person's mail with a weak sign of automatic mail (Classify's Human
	// with a reason): handled as any other, but nothing automatic answers
	// it, and the record says why.
	msg.NoAutoAnswer = m.Auto == email.Human && m.AutoReason != ""
	if msg.NoAutoAnswer {
		msg.Reason = "no automatic answer: " + m.AutoReason
	}
}

// inboundRow is the row that keeps a message's raw source before it is
// parsed: keyed by its Message-ID and content hash.
func inboundRow(raw []byte, now time.Time) store.Message {
	return store.Message{MessageID: scanMessageID(raw), ContentHash: contentHash(raw), Raw: raw, CreatedAt: now}
}

// traceFields are the header fields each server on the way adds or
// changes. The same message delivered twice (two mailboxes, a redelivery)
// differs only in them, so the content hash leaves them out.
var traceFields = map[string]bool{
	"received": true, "return-path": true, "delivered-to": true, "x-original-to": true, "envelope-to": true,
	"x-delivered-to": true, "x-envelope-to": true, "authentication-results": true, "received-spf": true,
	"arc-seal": true, "arc-message-signature": true, "arc-authentication-results": true, "x-received": true,
}

// contentHash is the hex SHA-256 of a message without its trace fields.
func contentHash(raw []byte) string {
	h := sha256.New()
	rest := raw
	skipping := false
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 { // end of the header: the body as it is
			h.Write(line)
			h.Write(rest)
			break
		}
		if line[0] == ' ' || line[0] == '\t' { // a folded continuation
			if !skipping {
				h.Write(line)
			}
			continue
		}
		name, _, _ := bytes.Cut(trimmed, []byte(":"))
		skipping = traceFields[strings.ToLower(string(bytes.TrimSpace(name)))]
		if !skipping {
			h.Write(line)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// scanMessageID reads the Message-ID from the header section without the
// MIME parser (the dedup key must not depend on it).
func scanMessageID(raw []byte) string {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if e2 := bytes.Index(raw, []byte("\n\n")); end < 0 || (e2 >= 0 && e2 < end) {
		end = e2
	}
	if end < 0 {
		end = len(raw)
	}
	if end > 256<<10 {
		end = 256 << 10
	}
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(raw[:end:end], "\r\n\r\n"...))))
	h, _ := r.ReadMIMEHeader()
	id := strings.TrimSpace(h.Get("Message-Id"))
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	// NUL and invalid UTF-8 are what PostgreSQL's text refuses: such an id
	// could never have been stored, so dropping it changes no dedup key.
	if len(id) > 500 || strings.ContainsAny(id, " \t\r\n<>\x00") || !utf8.ValidString(id) {
		return ""
	}
	return id
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
