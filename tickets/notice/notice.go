package notice

import (
	"strings"
	"time"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// Notice is one message the procedure says someone is sent.
type Notice struct {
	Name  string // its purpose, the template's name: "opened_ack", "case_assigned", ...
	To    Person
	Lang  string
	Text  string  // the event's note: comment, resolution, reason
	Actor *Person // who caused it; nil for the system
	// Public: the recipient is told as the requester is, and sees only
	// the public history (see View).
	Public bool
	// Comment is, on a closure, the comment written with it in the same
	// email; Folded that comment's event, whose attachments go with the
	// closure.
	Comment string
	Folded  *store.StoredEvent
	Event   *store.StoredEvent // the event it tells of; nil for answers to a message
}

// ForChange lists the notices the events of one transaction cause on
// ticket t (as it ends), one per purpose and recipient, in the order
// they are queued. trigger is the message that caused them, if any.
func (r Rules) ForChange(t store.Ticket, events []store.StoredEvent, trigger *store.Message) []Notice {
	// Never answer automatic mail: an auto-reply, a list or a bounce that
	// reached a ticket is on record, and nobody is told.
	if trigger != nil && trigger.AutoKind != "" {
		return nil
	}
	var planned []Notice
	opened := false
	for i := range events {
		e := &events[i]
		if e.Kind == tickets.EventOpened {
			opened = true
		}
		planned = append(planned, r.plan(t, trigger, e, opened)...)
	}
	var out []Notice
	sent := map[string]bool{}
	for _, n := range planned {
		key := n.Name + "|" + strings.ToLower(n.To.Email)
		if sent[key] || n.To.Email == "" {
			continue
		}
		// A person's mail that asks for no automatic answer
		// (X-Auto-Response-Suppress...) gets no acknowledgement.
		if trigger != nil && trigger.NoAutoAnswer && (n.Name == "opened_ack" || n.Name == "reopened") {
			continue
		}
		sent[key] = true
		out = append(out, n)
	}
	return endState(out, t.State)
}

// stateNotices are the notices that report where a ticket stands.
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
func endState(notes []Notice, final tickets.State) []Notice {
	last := map[string]int{}    // recipient → index of their last state notice
	closing := map[string]int{} // recipient → index of their closure notice
	resolution := ""
	for i, n := range notes {
		to := strings.ToLower(n.To.Email)
		if n.Name == "resolved" {
			resolution = n.Text
		}
		if stateNotices[n.Name] {
			last[to] = i
		}
		if n.Name == "closed" {
			closing[to] = i
		}
	}
	comments := map[string][]string{}         // recipient → comments folded into their closure
	folded := map[string]*store.StoredEvent{} // recipient → the (last) folded comment's event
	for _, n := range notes {
		to := strings.ToLower(n.To.Email)
		if _, ok := closing[to]; ok && n.Name == "comment" {
			comments[to] = append(comments[to], n.Text)
			folded[to] = n.Event
		}
	}
	out := notes[:0:0]
	for i, n := range notes {
		to := strings.ToLower(n.To.Email)
		if stateNotices[n.Name] && last[to] != i {
			continue
		}
		if final == tickets.StateClosed && (n.Name == "resolved_desk" || n.Name == "reopened_notice") {
			continue
		}
		if _, ok := closing[to]; ok && n.Name == "comment" {
			continue
		}
		if n.Name == "closed" {
			if n.Text == "" {
				n.Text = resolution
			}
			n.Comment, n.Folded = strings.Join(comments[to], "\n\n"), folded[to]
		}
		out = append(out, n)
	}
	return out
}

// plan lists the notices one event causes.
func (r Rules) plan(t store.Ticket, trigger *store.Message, e *store.StoredEvent, opened bool) []Notice {
	actorEmail := strings.ToLower(e.Actor)
	requester := r.Recipient(t.Requester, t, trigger)
	var out []Notice
	add := func(name string, to Person, public bool) {
		// The one who acted is not told of it (a command sent by email gets
		// its command_result instead), except the requester, whose request
		// or reopening is acknowledged.
		if strings.EqualFold(to.Email, actorEmail) && name != "opened_ack" && name != "reopened" {
			return
		}
		lang := r.Lang(to.Email, t.Lang)
		out = append(out, Notice{Name: name, To: to, Lang: lang, Text: e.Text(lang), // a system note in the reader's words
			Actor: r.Actor(e.Actor), Public: public, Event: e})
	}
	desk := r.Desk()
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
			add("case_assigned", r.Person(e.AssigneeAfter), false)
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
				add("comment", r.Person(e.AssigneeAfter), false)
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
			add("reopened_notice", r.Person(e.AssigneeBefore), false)
		}
	case tickets.EventClosed:
		add("closed", requester, true)
	case tickets.EventDeliveryFailed:
		for _, p := range desk {
			add("delivery_failed", p, false)
		}
	case tickets.EventReminded:
		if e.AssigneeAfter != "" {
			add("reminder", r.Person(e.AssigneeAfter), false)
		}
		for _, p := range desk {
			add("reminder", p, false)
		}
	}
	return out
}

// CommandResult is the notice that tells to, who sent trigger, which of
// its commands ran; none when trigger is automatic mail.
func (r Rules) CommandResult(t store.Ticket, to string, trigger *store.Message) (Notice, bool) {
	if trigger != nil && trigger.AutoKind != "" {
		return Notice{}, false
	}
	return Notice{Name: "command_result", To: r.Recipient(to, t, trigger), Lang: r.Lang(to, t.Lang)}, true
}

// Quarantined is the notice that tells to that their message could not
// be processed. t is the zero ticket when the message reached none.
func (r Rules) Quarantined(t store.Ticket, to string, trigger *store.Message) Notice {
	return Notice{Name: "quarantined", To: r.Recipient(to, t, trigger), Lang: r.Lang(to, DefaultLang)}
}

// RatingThanks is the notice that thanks the requester for rating t;
// none when her reply is automatic or asks for no automatic answer.
func (r Rules) RatingThanks(t store.Ticket, trigger *store.Message) (Notice, bool) {
	if trigger != nil && (trigger.AutoKind != "" || trigger.NoAutoAnswer) {
		return Notice{}, false
	}
	to := Person{Name: t.RequesterName, Email: t.Requester}
	return Notice{Name: "rating_thanks", To: to, Lang: r.Lang(to.Email, t.Lang), Public: true}, true
}

// RepliesToSender reports whether a notice of purpose name answers a
// message its recipient sent (Auto-Submitted: auto-replied, RFC 3834)
// rather than telling of what someone else did.
func RepliesToSender(name string) bool {
	return name == "opened_ack" || name == "command_result" || name == "quarantined"
}

// AskRating reports whether a notice of purpose name asks the requester
// to rate the service.
func (r Rules) AskRating(name string) bool { return name == "closed" && !r.NoSatisfaction }

// HeldEvent is the event that puts on t's record a notice of purpose
// name to recipient that the caps held back; its note is data, with its
// text in lang (the ticket's).
func HeldEvent(t store.Ticket, name, recipient string, now time.Time, lang string) tickets.Event {
	return tickets.Record(t.Ticket, tickets.EventCapped, tickets.System, now, false, "").
		WithNote(tickets.Note{Code: tickets.NoteNoticeHeld, Notice: name, Address: recipient}, lang)
}
