package mailout

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Notifier decides who is told what (PROCEDURE.md, "Who is told what"),
// renders each notification in its recipient's language and queues it in
// the outbox, in the transaction of the event that causes it.
type Notifier struct {
	Renderer *Renderer
	Roster   *tickets.Roster
	Desk     DeskInfo
	Tag      string
	Signer   *replytoken.Signer // nil: no reply-token Reply-To
	// MaxPerHour and MaxPerDay cap automatic messages to one recipient
	// outside the roster (requesters, unknown senders); beyond the cap a
	// notification is kept as "held" and never sent. Zero: no cap.
	MaxPerHour, MaxPerDay int
	// MaxAttachmentBytes is the total size of the attachments one
	// notification carries (zero: DefaultMaxAttachmentBytes; negative:
	// none); what does not fit is listed with its size.
	MaxAttachmentBytes int
	// NoSatisfaction leaves the satisfaction question out of the closure
	// notice (notifications.ask_satisfaction = false).
	NoSatisfaction bool
	// Direct, when set, is the outbox worker of this process: what a
	// transaction queues goes to it in memory once committed, already
	// claimed, as far as it has room (outbox_direct.go).
	Direct *Worker
}

var _ service.Notifier = (*Notifier)(nil)

// note is one notification to queue.
type note struct {
	name    string
	to      Person
	lang    string
	text    string
	actor   *Person
	public  bool   // the recipient sees only the public history
	comment string // closed: the comment that came with the closure, in the same email
	// folded is that comment's event: its attachments go with the closure.
	folded *store.StoredEvent
	event  *store.StoredEvent
}

// Notify implements service.Notifier.
func (n *Notifier) Notify(ctx context.Context, tx *sqlx.Tx, c service.Change) error {
	notes := n.notesFor(c)
	if len(notes) == 0 {
		return nil
	}
	q := newQueue(ctx, tx, n, c.After, c.Trigger)
	if !c.At.IsZero() {
		q.now = c.At
	}
	if c.Record != nil {
		q.use(c.Record)
	}
	for _, nt := range notes {
		if err := q.add(nt); err != nil {
			return err
		}
	}
	return nil
}

// notesFor lists the notifications a change causes, one per kind and
// recipient, in the order they are queued.
func (n *Notifier) notesFor(c service.Change) []note {
	// Never answer automatic mail: an auto-reply, a list or a bounce that
	// reached a ticket is on record, and nobody is told.
	if c.Trigger != nil && c.Trigger.AutoKind != "" {
		return nil
	}
	var planned []note
	opened := false
	for i := range c.Events {
		e := &c.Events[i]
		if e.Kind == tickets.EventOpened {
			opened = true
		}
		planned = append(planned, n.plan(c, e, opened)...)
	}
	var notes []note
	sent := map[string]bool{}
	for _, nt := range planned {
		key := nt.name + "|" + strings.ToLower(nt.to.Email)
		if sent[key] || nt.to.Email == "" {
			continue
		}
		// A person's mail that asks for no automatic answer
		// (X-Auto-Response-Suppress...) gets no acknowledgement.
		if c.Trigger != nil && c.Trigger.NoAutoAnswer && (nt.name == "opened_ack" || nt.name == "reopened") {
			continue
		}
		sent[key] = true
		notes = append(notes, nt)
	}
	return endState(notes, c.After.State)
}

// stateNotices are the notifications that report where a ticket stands.
var stateNotices = map[string]bool{
	"level_changed": true, "case_assigned": true, "resolved": true, "resolved_desk": true,
	"reopened": true, "reopened_notice": true, "closed": true,
}

// endState keeps, of the notices several commands of one email cause,
// one per person: the last, which tells of the ticket as it ends. A
// closure carries the resolution it follows (#resolver and #cerrar in one
// reply: one closure notice, with the solution) and the comment written
// with it (#cerrar takes no text: the rest of the email is a comment), and
// on a ticket that ends closed nobody is told it awaits closure or was
// reopened.
func endState(notes []note, final tickets.State) []note {
	last := map[string]int{}    // recipient → index of their last state notice
	closing := map[string]int{} // recipient → index of their closure notice
	resolution := ""
	for i, nt := range notes {
		to := strings.ToLower(nt.to.Email)
		if nt.name == "resolved" {
			resolution = nt.text
		}
		if stateNotices[nt.name] {
			last[to] = i
		}
		if nt.name == "closed" {
			closing[to] = i
		}
	}
	comments := map[string][]string{}         // recipient → comments folded into their closure
	folded := map[string]*store.StoredEvent{} // recipient → the (last) folded comment's event
	for _, nt := range notes {
		to := strings.ToLower(nt.to.Email)
		if _, ok := closing[to]; ok && nt.name == "comment" {
			comments[to] = append(comments[to], nt.text)
			folded[to] = nt.event
		}
	}
	out := notes[:0:0]
	for i, nt := range notes {
		to := strings.ToLower(nt.to.Email)
		if stateNotices[nt.name] && last[to] != i {
			continue
		}
		if final == tickets.StateClosed && (nt.name == "resolved_desk" || nt.name == "reopened_notice") {
			continue
		}
		if _, ok := closing[to]; ok && nt.name == "comment" {
			continue
		}
		if nt.name == "closed" {
			if nt.text == "" {
				nt.text = resolution
			}
			nt.comment, nt.folded = strings.Join(comments[to], "\n\n"), folded[to]
		}
		out = append(out, nt)
	}
	return out
}

// plan lists the notifications one event causes.
func (n *Notifier) plan(c service.Change, e *store.StoredEvent, opened bool) []note {
	t := c.After
	actorEmail := strings.ToLower(e.Actor)
	requester := n.recipient(t.Requester, t, c.Trigger)
	var out []note
	add := func(name string, to Person, public bool) {
		// The one who acted is not told of it (a command sent by email gets
		// its command_result instead), except the requester, whose request
		// or reopening is acknowledged.
		if strings.EqualFold(to.Email, actorEmail) && name != "opened_ack" && name != "reopened" {
			return
		}
		lang := n.langOf(to.Email, t.Lang)
		out = append(out, note{name: name, to: to, lang: lang, text: e.Text(lang), // a system note in the reader's words
			actor: n.person(e.Actor), public: public, event: e})
	}
	desk := n.deskPeople()
	switch e.Kind {
	case tickets.EventOpened:
		add("opened_ack", requester, true)
		for _, p := range desk {
			add("opened_desk", p, false)
		}
	case tickets.EventClassified, tickets.EventEscalated, tickets.EventAssigned:
		if !opened {
			add("level_changed", requester, true)
		}
		// The case goes to its assignee. A level with no assignee yet
		// stays with the desk until someone is assigned. Of several
		// assignments in one email only the last assignee is told.
		if e.AssigneeAfter != "" && strings.EqualFold(e.AssigneeAfter, t.Assignee) {
			add("case_assigned", n.personOr(e.AssigneeAfter), false)
		}
	case tickets.EventCommented:
		role := e.ActorRole
		switch {
		case role == tickets.RoleRequester && e.StateAfter == tickets.StateResolved:
			for _, p := range desk {
				add("comment_on_resolved", p, false)
			}
		case role == tickets.RoleRequester || role == tickets.RoleOutsider:
			// The requester's comments (and those of anyone else in the
			// thread) go to the desk and the assignee, never relayed to
			// the requester: only agents speak to the requester.
			if e.AssigneeAfter != "" {
				add("comment", n.personOr(e.AssigneeAfter), false)
			}
			for _, p := range desk {
				add("comment", p, false)
			}
		default: // an agent's comment goes to the requester
			add("comment", requester, true)
		}
	case tickets.EventResolved:
		add("resolved", requester, true)
		for _, p := range desk {
			add("resolved_desk", p, false)
		}
	case tickets.EventReopened:
		add("reopened", requester, true)
		for _, p := range desk {
			add("reopened_notice", p, false)
		}
		if e.AssigneeBefore != "" {
			add("reopened_notice", n.personOr(e.AssigneeBefore), false)
		}
	case tickets.EventClosed:
		add("closed", requester, true)
	case tickets.EventDeliveryFailed:
		for _, p := range desk {
			add("delivery_failed", p, false)
		}
	case tickets.EventReminded:
		if e.AssigneeAfter != "" {
			add("reminder", n.personOr(e.AssigneeAfter), false)
		}
		for _, p := range desk {
			add("reminder", p, false)
		}
	}
	return out
}

// CommandResults tells the sender of a reply which of its commands ran and
// which did not (and why), in the sender's language.
func (n *Notifier) CommandResults(ctx context.Context, tx *sqlx.Tx, t store.Ticket, to string, results []CommandResult, trigger *store.Message) error {
	if len(results) == 0 || (trigger != nil && trigger.AutoKind != "") {
		return nil
	}
	q := newQueue(ctx, tx, n, t, trigger)
	p := n.recipient(to, t, trigger)
	return q.addData(note{name: "command_result", to: p, lang: n.langOf(to, t.Lang)}, func(d *Data) { d.Results = results })
}

// Quarantined tells the sender once that their message could not be
// processed, and why. t is nil when the message reached no ticket.
func (n *Notifier) Quarantined(ctx context.Context, tx *sqlx.Tx, t *store.Ticket, to, reason string, trigger *store.Message) error {
	var tk store.Ticket
	if t != nil {
		tk = *t
	}
	q := newQueue(ctx, tx, n, tk, trigger)
	return q.addData(note{name: "quarantined", to: n.recipient(to, tk, trigger), lang: n.langOf(to, n.defaultLang())},
		func(d *Data) { d.Reason = reason })
}

func (n *Notifier) defaultLang() string { return "es" }

// deskPeople are the desk's agents.
func (n *Notifier) deskPeople() []Person {
	var out []Person
	if n.Roster == nil {
		return out
	}
	for _, p := range n.Roster.Desk() {
		out = append(out, Person{Name: p.Name, Email: p.Email, Role: string(p.Role)})
	}
	return out
}

func (n *Notifier) person(email string) *Person {
	if email == "" || email == tickets.System.Email {
		return nil
	}
	p := n.personOr(email)
	return &p
}

func (n *Notifier) personOr(email string) Person {
	if n.Roster != nil {
		if p, ok := n.Roster.Find(email); ok {
			return Person{Name: p.Name, Email: p.Email, Role: string(p.Role)}
		}
	}
	return Person{Email: strings.ToLower(email)}
}

func (n *Notifier) langOf(email, fallback string) string {
	if n.Roster != nil {
		if p, ok := n.Roster.Find(email); ok && p.Language != "" && strings.Contains(email, "@") {
			return p.Language
		}
	}
	if fallback == "" {
		return "es"
	}
	return fallback
}

// queue writes outbox rows for one ticket, loading what templates need once.
type queue struct {
	ctx     context.Context
	tx      *sqlx.Tx
	n       *Notifier
	t       store.Ticket
	trigger *store.Message
	now     time.Time

	loaded  bool
	thread  []string
	body    string
	atts    []string
	history []HistoryItem
	// files are the ticket's attachments; filesKnown says whether they
	// were read (a record OpenMany knew beforehand has names only).
	files      []store.FileInfo
	filesKnown bool
	domain     string
	// counts, when set, answers the per-recipient cap without a query
	// (PrepareMany reads the counts of a whole batch at once).
	counts *capCounts
}

func newQueue(ctx context.Context, tx *sqlx.Tx, n *Notifier, t store.Ticket, trigger *store.Message) *queue {
	dom := n.Desk.Address
	if i := strings.LastIndexByte(dom, '@'); i >= 0 {
		dom = dom[i+1:]
	}
	if dom == "" {
		dom = "ticketd.invalid"
	}
	return &queue{ctx: ctx, tx: tx, n: n, t: t, trigger: trigger, now: time.Now().UTC(), domain: dom}
}

// load reads the ticket's thread, request, attachments and history once.
func (q *queue) load() error {
	if q.loaded && !q.filesKnown && len(q.atts) > 0 && q.t.ID != 0 {
		files, err := store.FilesOf(q.ctx, q.tx, []int64{q.t.ID})
		if err != nil {
			return err
		}
		q.files, q.filesKnown = files[q.t.ID], true
	}
	if q.loaded || q.t.ID == 0 {
		return nil
	}
	recs, err := store.RecordsOf(q.ctx, q.tx, []int64{q.t.ID})
	if err != nil {
		return err
	}
	q.use(recs[q.t.ID])
	return nil
}

// use takes the ticket's record as store.RecordsOf reads it: the thread's
// Message-IDs, the request's text and attachment names, and the history
// without refused commands and held notices.
func (q *queue) use(r *store.TicketRecord) {
	q.loaded = true
	if r == nil {
		return
	}
	q.thread = r.Thread
	q.body = r.Body
	if len(r.Attachments) > 0 {
		q.atts = r.Attachments
	}
	q.files, q.filesKnown = r.Files, r.Files != nil
	for _, e := range r.Events {
		if e.Kind == tickets.EventRefused || e.Kind == tickets.EventCapped {
			continue
		}
		name := q.displayName(e.Actor)
		who := name
		if who == "" && e.Actor != tickets.System.Email {
			who = e.Actor
		}
		q.history = append(q.history, HistoryItem{At: e.At, Who: who, WhoName: name, To: e.AssigneeAfter,
			Kind: string(e.Kind), Text: e.Note, Public: e.Public, Activities: e.Activities})
	}
}

func (q *queue) add(nt note) error { return q.addData(nt, nil) }

func (q *queue) addData(nt note, fill func(*Data)) error {
	if err := q.load(); err != nil {
		return err
	}
	held, err := q.capped(nt.name, nt.to)
	if err != nil {
		return err
	}
	o, files, err := q.outgoing(nt, fill, held)
	if err != nil {
		return err
	}
	handOff := q.n.Direct.queueDirect(q.ctx, q.tx, []*store.Outgoing{&o})
	queued, err := store.Enqueue(q.ctx, q.tx, &o)
	if err != nil {
		return err
	}
	if err := linkFiles(q.ctx, q.tx, &o, files); err != nil {
		return err
	}
	if queued {
		handOff()
		if q.counts != nil && q.n.counted(nt.name) {
			q.counts.add(strings.ToLower(o.Recipient), nt.name)
		}
	}
	if held && q.t.ID != 0 {
		return q.recordHeld(o)
	}
	return nil
}

// outgoing renders one notification into the outbox row that sends it,
// and lists the attachments the row carries.
func (q *queue) outgoing(nt note, fill func(*Data), held bool) (store.Outgoing, []int64, error) {
	tv := TicketView{ID: q.t.ID, Ref: tickets.Ref(q.n.Tag, q.t.ID), Subject: q.t.Subject, State: string(q.t.State),
		Service: q.t.Service, Level: int(q.t.Level), Requester: Person{Name: q.t.RequesterName, Email: q.t.Requester},
		CreatedAt: q.t.CreatedAt, UpdatedAt: q.t.UpdatedAt, Body: q.body, Attachments: q.atts}
	if q.t.ID == 0 {
		tv.Ref = ""
	}
	// With no request on record, the message being answered stands for it
	// when it is no ticket's or the requester's own: never a staff
	// member's email, which may hold notes, shown as the request.
	if tv.Body == "" && q.trigger != nil && (q.t.ID == 0 || strings.EqualFold(q.trigger.FromAddr, q.t.Requester)) {
		tv.Body = q.trigger.Body
	}
	if q.t.Assignee != "" {
		a := q.n.personOr(q.t.Assignee)
		tv.Assignee = &a
	}
	if tv.Requester.Name == "" {
		tv.Requester.Name = q.displayName(q.t.Requester)
	}
	d := Data{Desk: q.n.Desk, Recipient: nt.to, Actor: nt.actor, Ticket: tv, Text: nt.text, Comment: nt.comment}
	if d.Actor != nil && d.Actor.Name == "" {
		a := *d.Actor
		a.Name = q.displayName(a.Email)
		d.Actor = &a
	}
	v := q.n.viewOf(nt)
	d.History = historyFor(q.history, v, nt.to.Email)
	var files []int64
	d.Ticket.Files, files = q.filesFor(nt, v)
	if v != viewRequester {
		var naming bool
		d.Commands, naming = q.n.commandsFor(nt.to, q.t, nt.lang)
		if naming {
			d.Staff = q.n.staffFor(q.t)
		}
	}
	if q.t.LinkedTo != 0 {
		d.LinkedRef = tickets.Ref(q.n.Tag, q.t.LinkedTo)
	}
	if q.t.ID != 0 && q.n.Signer != nil {
		if tok := q.n.Signer.Sign(q.t.ID, nt.to.Email, q.now); tok != "" {
			if addr, err := replytoken.Address(q.n.Desk.Address, tok); err == nil {
				d.ReplyAddress = addr
			}
		}
	}
	if d.ReplyAddress == "" {
		d.ReplyAddress = q.n.Desk.Address
	}
	if fill != nil {
		fill(&d)
	}
	d.AskRating = nt.name == "closed" && !q.n.NoSatisfaction
	if v == viewOutside {
		q.withoutAddresses(&d)
	}
	r, err := q.n.Renderer.Render(nt.name, nt.lang, d)
	if err != nil {
		return store.Outgoing{}, nil, fmt.Errorf("rendering %s: %w", nt.name, err)
	}
	msgID := q.newMessageID()
	o := store.Outgoing{
		Kind: nt.name, Recipient: strings.ToLower(nt.to.Email), RecipientName: nt.to.Name,
		HTMLBody: r.HTML, AutoSubmitted: AutoGenerated, CreatedAt: q.now,
		MessageID: msgID, FromAddr: q.n.Desk.Address, FromName: q.n.Desk.Name, Subject: r.Subject, TextBody: r.Text,
	}
	if d.ReplyAddress != q.n.Desk.Address {
		o.ReplyTo = d.ReplyAddress
	}
	if nt.name == "opened_ack" || nt.name == "command_result" || nt.name == "quarantined" {
		o.AutoSubmitted = AutoReplied
	}
	if q.t.ID != 0 {
		id := q.t.ID
		o.TicketID = &id
	}
	if nt.event != nil {
		id := nt.event.ID
		o.EventID = &id
	}
	o.DedupKey = dedupKey(nt, q.trigger)
	o.InReplyTo, o.Refs = q.threading()
	if held {
		o.Status = store.OutboxHeld
		o.LastError = "held back: per-recipient limit of automatic messages reached"
	}
	return o, files, nil
}

// linkFiles records that the queued row o carries the attachments files.
// A row not queued (a duplicate) has no message to link them to.
func linkFiles(ctx context.Context, tx *sqlx.Tx, o *store.Outgoing, files []int64) error {
	if len(files) == 0 || o.MessageRow == 0 {
		return nil
	}
	links := make([]store.OutboundFile, len(files))
	for i, id := range files {
		links[i] = store.OutboundFile{MessageRow: o.MessageRow, AttachmentID: id}
	}
	return store.LinkOutboundFiles(ctx, tx, links)
}

// dedupKey names a notification so that it is queued once however often
// its cause is processed: by event, or by the inbound message that caused
// it; nil when it has neither.
func dedupKey(nt note, trigger *store.Message) *string {
	var key string
	switch {
	case nt.event != nil:
		key = fmt.Sprintf("ev:%d:%s:%s", nt.event.ID, nt.name, strings.ToLower(nt.to.Email))
	case trigger != nil:
		key = fmt.Sprintf("in:%d:%s:%s", trigger.ID, nt.name, strings.ToLower(nt.to.Email))
	default:
		return nil
	}
	return &key
}

// recordHeld puts a held notification on the ticket's record.
func (q *queue) recordHeld(o store.Outgoing) error {
	e := tickets.Record(q.t.Ticket, tickets.EventCapped, tickets.System, q.now, false, "").
		WithNote(tickets.Note{Code: tickets.NoteNoticeHeld, Notice: o.Kind, Address: o.Recipient}, q.n.langOf("", q.t.Lang))
	_, err := store.AppendEvents(q.ctx, q.tx, q.t.ID, nil, e)
	return err
}

// threading returns In-Reply-To and References: the message that caused
// the notification (or the ticket's first message) and the ticket's thread.
func (q *queue) threading() (string, pq.StringArray) {
	refs := pq.StringArray{}
	if len(q.thread) > 0 {
		refs = append(refs, q.thread[0])
		if len(q.thread) > 12 {
			refs = append(refs, q.thread[len(q.thread)-11:]...)
		} else {
			refs = append(refs, q.thread[1:]...)
		}
	}
	inReplyTo := ""
	if q.trigger != nil && q.trigger.MessageID != "" && !strings.HasPrefix(q.trigger.MessageID, "<") {
		inReplyTo = q.trigger.MessageID
		if !slices.Contains(refs, inReplyTo) {
			refs = append(refs, inReplyTo)
		}
	} else if len(refs) > 0 {
		inReplyTo = refs[len(refs)-1]
	}
	return inReplyTo, refs
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newMessageID makes the Message-ID fixed when the row is written, so a
// resend after a crash carries the same one.
func (q *queue) newMessageID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return fmt.Sprintf("ticketd.%d.%s@%s", q.t.ID, strings.ToLower(idEncoding.EncodeToString(b)), q.domain)
}

// requesterHistory is what a requester may see of the record: the public
// events, without the instructions that go with a classification,
// escalation or assignment (they are for the assignee).
func requesterHistory(h []HistoryItem) []HistoryItem {
	out := PublicHistory(h)
	for i := range out {
		switch tickets.EventKind(out[i].Kind) {
		case tickets.EventClassified, tickets.EventEscalated, tickets.EventAssigned:
			out[i].Text = ""
		}
	}
	return out
}
