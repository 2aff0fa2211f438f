package mailin

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailin/authres"
	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// matched is the ticket a message answers, and how we know.
type matched struct {
	ticket   *store.Ticket
	by       string // "token", "thread", "subject", or "" for none
	verified bool   // a valid reply token for this sender and ticket
	badToken string // why a reply token in the recipients was not accepted
}

// match finds the ticket a message answers by the clues route found, in
// order: a signed reply token in a recipient address; In-Reply-To and
// References against every stored Message-ID; the subject tag, only when
// the sender already takes part in that ticket (nobody writes into a
// ticket by guessing its number).
func (in *Intake) match(ctx context.Context, tx *service.Tx, r *routed) (matched, error) {
	m := r.m
	var (
		mt      matched
		tokenID int64
	)
	// The first reply token valid for the sender; why one that is there
	// was not accepted is noted.
	for _, tok := range r.tokens {
		id, err := in.Signer.Verify(tok, m.From.Email, tx.Now())
		if err == nil {
			tokenID = id
			break
		}
		mt.badToken = tokenProblem(err)
	}
	threadID, inThread, err := store.TicketByMessageIDs(ctx, tx.Q, r.cites)
	if err != nil {
		return mt, err
	}
	switch {
	case tokenID != 0 && inThread && threadID != tokenID:
		// A reply in one ticket's thread through another ticket's reply
		// address: the token does not vouch for this ticket.
		mt.badToken = "identity.other_ticket"
		return in.load(ctx, tx, mt, threadID, "thread", false)
	case tokenID != 0:
		return in.load(ctx, tx, mt, tokenID, "token", true)
	case inThread:
		return in.load(ctx, tx, mt, threadID, "thread", false)
	}
	if r.tag != 0 {
		part, err := store.Participates(ctx, tx.Q, r.tag, m.From.Email)
		if err != nil {
			return mt, err
		}
		if part {
			return in.load(ctx, tx, mt, r.tag, "subject", false)
		}
	}
	return mt, nil
}

func (in *Intake) load(ctx context.Context, tx *service.Tx, mt matched, id int64, by string, verified bool) (matched, error) {
	t, err := store.GetTicket(ctx, tx.Q, id)
	if errors.Is(err, store.ErrNotFound) {
		mt.badToken = "identity.no_ticket"
		return mt, nil
	}
	if err != nil {
		return mt, err
	}
	mt.ticket, mt.by, mt.verified = &t, by, verified
	return mt, nil
}

// tokenProblem is why a reply token was not accepted, as an identity.*
// code of the catalogue (tickets.Identity words it).
func tokenProblem(err error) string {
	switch {
	case errors.Is(err, replytoken.ErrExpired):
		return "identity.expired"
	case errors.Is(err, replytoken.ErrUnknownKey):
		return "identity.old_key"
	}
	return "identity.wrong_sender"
}

// recipients are the addresses a message was delivered to: To, Cc and the
// delivery headers servers add (plus-addressing shows there too).
func recipients(m *email.Message) []string {
	var out []string
	for _, a := range m.To {
		out = append(out, a.Email)
	}
	for _, a := range m.Cc {
		out = append(out, a.Email)
	}
	for _, h := range []string{"Delivered-To", "X-Original-To", "Envelope-To", "X-Delivered-To"} {
		for _, v := range m.HeaderValues(h) {
			v = strings.Trim(strings.TrimSpace(v), "<>")
			if v != "" && !strings.ContainsAny(v, " \t\r\n") {
				out = append(out, strings.ToLower(v))
			}
		}
	}
	return out
}

// subjectTicket finds "[TAG-123]" (or "TAG-123") in a subject.
func subjectTicket(subject, tag string) (int64, bool) {
	if tag == "" {
		return 0, false
	}
	re := tagPattern(tag)
	mm := re.FindStringSubmatch(subject)
	if mm == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(mm[1], 10, 64)
	return id, err == nil && id > 0
}

var tagCache sync.Map // tag → *regexp.Regexp; several mailboxes share it

func tagPattern(tag string) *regexp.Regexp {
	if re, ok := tagCache.Load(tag); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`(?i)\[\s*` + regexp.QuoteMeta(tag) + `\s*[-#]?\s*(\d{1,12})\s*\]`)
	tagCache.Store(tag, re)
	return re
}

// automatic keeps machine-written mail: an internal note on the ticket it
// answers, a delivery failure for a bounce; it never opens a ticket, never
// notifies anyone of itself and never runs a command.
func (in *Intake) automatic(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, r *routed) (result, error) {
	m, kind, why := r.m, r.kind, r.auto
	var t *store.Ticket
	if kind != email.Loop && m.ReturnedID != "" {
		if id, ok, err := store.TicketByMessageIDs(ctx, tx.Q, []string{m.ReturnedID}); err != nil {
			return result{}, err
		} else if ok {
			tk, err := store.GetTicket(ctx, tx.Q, id)
			if err != nil {
				return result{}, err
			}
			t = &tk
		}
	}
	if t == nil && kind != email.Loop {
		mt, err := in.match(ctx, tx, r)
		if err != nil {
			return result{}, err
		}
		t = mt.ticket
	}
	msg.Status, msg.Reason = store.StatusProcessed, "automatic mail: "+why
	msg.Body = reply.TrimBody(m.Text, m.HTML)
	if t != nil {
		msg.TicketID = &t.ID
	}
	if err := keep(ctx, tx, msg); err != nil {
		return result{}, err
	}
	if t == nil {
		return processed(f.UID, "automatic"), nil
	}
	sender := tickets.Actor{Email: m.From.Email, Role: tickets.RoleOutsider}
	if kind == email.Bounce {
		note := tickets.Note{Code: tickets.NoteBounceReported, Address: m.From.Email}
		if m.DSN != nil {
			for _, st := range m.DSN.Failed {
				note.Failures = append(note.Failures, tickets.Failure{Recipient: st.Recipient, Status: st.Status, Diagnostic: st.Diagnostic})
			}
		}
		// The desk is told of the failure: no trigger, so the notifier
		// does not take it for mail to leave unanswered.
		if _, err := tx.RecordNote(t.ID, tickets.EventDeliveryFailed, tickets.System, note, nil); err != nil {
			return result{}, err
		}
		return processed(f.UID, "bounce"), nil
	}
	note := tickets.Note{Code: tickets.NoteAutomaticKept, Address: m.From.Email, Detail: why, Subject: oneLine(m.Subject)}
	if _, err := tx.RecordNote(t.ID, tickets.EventNoted, sender, note, msg); err != nil {
		return result{}, err
	}
	return processed(f.UID, "automatic"), nil
}

// open registers a new request (activity 1); a reply to a closed ticket
// opens a new one linked to it.
func (in *Intake) open(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message, mt matched) (result, error) {
	if err := in.openAll(ctx, tx, []opening{{f: f, msg: msg, m: m, mt: mt}}); err != nil {
		return result{}, err
	}
	return processed(f.UID, "opened"), nil
}

// opening is a message that opens a ticket.
type opening struct {
	f     *imapin.Fetched
	msg   *store.Message
	m     *email.Message
	mt    matched             // the closed ticket it follows up, if any
	known *store.TicketRecord // the new ticket's record, when the notifier need not read it back
}

// openAll opens a ticket for each message, in order, through
// service.OpenMany: a message alone (open) or a run of the batch planner's
// (openRun). Each message and its attachments go on their ticket before
// anyone is notified, so the notifications carry them. A message not
// stored yet (ID 0) gets its id first, so that the notifications composed
// meanwhile can name it, and is inserted whole once its ticket exists
// (its row refers to the ticket, the events to its row): one write of the
// row, raw source and all. A message that another transaction stored
// since the batch looked rolls the batch back (errStoredMeanwhile).
func (in *Intake) openAll(ctx context.Context, tx *service.Tx, ops []opening) error {
	fresh := make([]bool, len(ops))
	var n int
	for j, op := range ops {
		fresh[j] = op.msg.ID == 0
		if fresh[j] {
			n++
		}
	}
	if n > 0 {
		ids, err := store.AllocateMessageIDs(ctx, tx.Q, n)
		if err != nil {
			return err
		}
		for j, op := range ops {
			if fresh[j] {
				op.msg.ID, ids = ids[0], ids[1:]
			}
		}
	}
	reqs := make([]service.OpenRequest, len(ops))
	for j, op := range ops {
		reqs[j] = in.openRequest(op.f, op.msg, op.m, op.mt)
		if op.known != nil {
			op.known.Body = op.msg.Body
			reqs[j].Known = op.known
		}
	}
	_, err := tx.OpenMany(reqs, func(ts []store.Ticket) error {
		var (
			inserts, updates []store.Message
			atts             []store.Attachment
		)
		for j, op := range ops {
			op.msg.TicketID = &ts[j].ID
			if fresh[j] {
				inserts = append(inserts, *op.msg)
			} else {
				updates = append(updates, *op.msg) // stored before: released from quarantine
			}
			atts = append(atts, attachmentRows(op.msg.ID, op.m)...)
		}
		if len(inserts) > 0 {
			_, existed, err := store.InsertInboundMany(ctx, tx.Q, inserts)
			if err != nil {
				return err
			}
			if slices.Contains(existed, true) {
				return errStoredMeanwhile
			}
		}
		if len(updates) > 0 {
			if err := store.UpdateInboundMany(ctx, tx.Q, updates); err != nil {
				return err
			}
		}
		return store.InsertAttachments(ctx, tx.Q, atts)
	})
	return err
}

// openRequest is the request a message makes, with the message's body and
// status set as it will be stored.
func (in *Intake) openRequest(f *imapin.Fetched, msg *store.Message, m *email.Message, mt matched) service.OpenRequest {
	body := strings.TrimSpace(m.Text)
	r := service.OpenRequest{
		Requester: m.From.Email, RequesterName: m.From.Name, Subject: oneLine(m.Subject), Body: body,
		Service: in.serviceFor(f.Account, f.Mailbox), Trigger: msg,
	}
	if mt.ticket != nil {
		r.LinkedTo = mt.ticket.ID
		r.Subject = followUpSubject(m.Subject, in.Service.Tag, &mt.ticket.Ticket)
		if mt.ticket.Lang != "" {
			r.Lang = mt.ticket.Lang
		}
		body = reply.TrimBody(m.Text, m.HTML)
		r.Body = body
	}
	if r.Subject == "" {
		r.Subject = firstWords(body, 80)
	}
	msg.Body = body
	msg.Status = store.StatusProcessed
	return r
}

// attachmentRows are the rows that keep a message's attachments.
func attachmentRows(row int64, m *email.Message) []store.Attachment {
	out := make([]store.Attachment, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		out = append(out, store.Attachment{MessageRow: row, Filename: a.Filename, ContentType: a.ContentType,
			ContentID: a.ContentID, Inline: a.Inline, Size: a.Size, Data: a.Data})
	}
	return out
}

// reply applies a message to the open ticket it answers: a comment, or
// command lines from someone allowed to run them.
func (in *Intake) reply(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message, mt matched) (result, error) {
	t := mt.ticket
	trimmed := reply.TrimBody(m.Text, m.HTML)
	msg.Body, msg.Status, msg.TicketID = trimmed, store.StatusProcessed, &t.ID
	if err := keep(ctx, tx, msg); err != nil {
		return result{}, err
	}
	if err := store.InsertAttachments(ctx, tx.Q, attachmentRows(msg.ID, m)); err != nil {
		return result{}, err
	}
	actor := in.Service.Actor(m.From.Email, &t.Ticket)
	cmds, comment := reply.ParseCommands(trimmed)
	if len(cmds) == 0 {
		text := trimmed
		if strings.TrimSpace(text) == "" {
			text = attachmentsOnly(m, in.deskLang())
		}
		if text == "" {
			return processed(f.UID, "comment"), nil // an empty reply: kept on record, nothing to say
		}
		// A roster person's comment goes out from the desk's address, to
		// the requester: it must really come from them. Without a verified
		// identity it stays on record, internal, and the sender is told.
		if actor.InRoster() {
			if ok, why := in.verify(ctx, m, msg.Raw, mt); !ok {
				return in.unverifiedComment(ctx, tx, f, msg, t, actor, text, why)
			}
		}
		if _, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdComment, Text: text}, actor, msg); err != nil {
			if !isRefusal(err) {
				return result{}, err
			}
			// A refused comment (e.g. a system address) stays on record.
			why := tickets.ReasonOf(err)
			if _, err := tx.RecordNote(t.ID, tickets.EventRefused, actor, tickets.Note{Code: tickets.NoteCommentRefused, Reason: &why}, msg); err != nil {
				return result{}, err
			}
		}
		return processed(f.UID, "comment"), nil
	}
	// What is left once the command lines are out may be the sender's
	// signature alone: that is not a comment for the requester.
	comment = reply.CutSignedBy(comment, actor.Name, m.From.Name)
	return in.commands(ctx, tx, f, msg, m, mt, actor, cmds, comment)
}

// unverifiedComment keeps the text of a roster person whose identity could
// not be verified as an internal note (never mailed to the requester),
// records why, and tells the sender.
func (in *Intake) unverifiedComment(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message,
	t *store.Ticket, actor tickets.Actor, text, why string) (result, error) {
	note := tickets.Note{Code: tickets.NoteUnverifiedKept, Address: actor.Email, Why: why, Words: text}
	if _, err := tx.RecordNote(t.ID, tickets.EventRefused, actor, note, msg); err != nil {
		return result{}, err
	}
	if in.Responder != nil {
		lang := in.langOf(actor.Email, t.Lang)
		res := []tickets.CommandResult{{Line: tickets.Say(lang, "reply.comment.line"),
			Reason: tickets.Say(lang, "reply.unverified.comment", tickets.Identity(why, lang)),
			Hint:   tickets.Say(lang, "hint.verify")}}
		if err := in.Responder.CommandResults(tx.Context(), tx.Q, *t, actor.Email, res, msg); err != nil {
			return result{}, err
		}
	}
	return processed(f.UID, "comment"), nil
}

// attachmentsOnly is the comment a reply with files and no words makes:
// the files' names, in lang (the desk's: it is on the record as it is).
func attachmentsOnly(m *email.Message, lang string) string {
	var names []string
	for _, a := range m.Attachments {
		if !a.Inline {
			names = append(names, a.Filename)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return tickets.Say(lang, "reply.attachments", strings.Join(names, ", "))
}

// verify says whether the sender of m is who From says, for commands: a
// valid reply token for this ticket and person, a trusted DKIM/DMARC pass
// for the From domain, or (with in.DKIM) an aligned DKIM signature of raw
// that we checked ourselves. Reply-To never counts.
func (in *Intake) verify(ctx context.Context, m *email.Message, raw []byte, mt matched) (bool, string) {
	if mt.verified {
		return true, "reply token"
	}
	dom := m.From.Email[strings.LastIndexByte(m.From.Email, '@')+1:]
	if in.TrustedAuthserv != "" {
		if ok, why := authres.Verified(m.AuthenticationResults, in.TrustedAuthserv, dom); ok {
			return true, why
		} else if mt.badToken == "" {
			mt.badToken = why
		}
	}
	if !in.RequireVerified {
		// Nothing hangs on the answer: a DKIM key that cannot be looked up
		// now must not hold the message back.
		return true, "verification turned off by configuration"
	}
	if in.DKIM != nil {
		ok, why, final := in.checkDKIM(ctx, raw, dom) // dkimretry.go
		if ok {
			return true, why
		}
		in.log().Info("dkim did not vouch for the sender", "from_domain", dom, "reason", why)
		if final {
			return false, why
		}
	}
	if mt.badToken != "" {
		return false, mt.badToken
	}
	return false, "identity.unsigned"
}

func isRefusal(err error) bool {
	var r *tickets.Refusal
	return errors.As(err, &r)
}

func refusalText(err error, lang string) string {
	var r *tickets.Refusal
	if errors.As(err, &r) {
		return r.Explain(lang)
	}
	return err.Error()
}

// lineOf prints a command as the sender wrote it.
func lineOf(c reply.Command) string { return strings.TrimSpace(c.Raw) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstWords(s string, n int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
