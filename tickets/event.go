package tickets

import "time"

// EventKind names what an event records.
type EventKind string

// Event kinds. The first nine are the transitions of PROCEDURE.md; the rest
// are on the record without changing the ticket.
const (
	EventOpened     EventKind = "opened"
	EventClassified EventKind = "classified"
	EventEscalated  EventKind = "escalated"
	EventAssigned   EventKind = "assigned"
	EventCommented  EventKind = "commented"
	EventNoted      EventKind = "noted"
	EventResolved   EventKind = "resolved"
	EventClosed     EventKind = "closed"
	EventReopened   EventKind = "reopened"

	EventRefused        EventKind = "command_refused" // a command that was not applied, and why
	EventDeliveryFailed EventKind = "delivery_failed" // a notification or reply bounced
	EventReminded       EventKind = "reminded"        // the ticket waited too long at a level
	EventCapped         EventKind = "notice_held"     // a notification held back by the per-recipient cap
	EventRated          EventKind = "rated"           // the requester's satisfaction with a closed ticket
)

// EventKinds are every kind an event may have, in the order above.
var EventKinds = []EventKind{EventOpened, EventClassified, EventEscalated, EventAssigned, EventCommented, EventNoted,
	EventResolved, EventClosed, EventReopened, EventRefused, EventDeliveryFailed, EventReminded, EventCapped, EventRated}

// Event is one entry of a ticket's append-only log: which activities of the
// procedure it fulfils, who did it, and the ticket's level, state and
// assignee before and after.
type Event struct {
	Seq            int       `json:"seq"`
	Kind           EventKind `json:"kind"`
	Activities     []int     `json:"activities"`
	Actor          string    `json:"actor"`
	ActorRole      Role      `json:"actor_role"`
	LevelBefore    Level     `json:"level_before"`
	LevelAfter     Level     `json:"level"`
	StateBefore    State     `json:"state_before"`
	StateAfter     State     `json:"state"`
	AssigneeBefore string    `json:"assignee_before"`
	AssigneeAfter  string    `json:"assignee"`
	Service        string    `json:"service"`
	Public         bool      `json:"public"`
	Note           string    `json:"note"`
	// Data is a note the system wrote, as data (nil for a person's words
	// and for events written before notes were kept so): Text words it
	// for each reader. Note then holds its words in the desk's language.
	Data *Note     `json:"note_data,omitempty"`
	At   time.Time `json:"at"`
	// Requester is set on "opened" only: whose case it is (the actor may be a
	// desk agent registering a phone request).
	Requester string `json:"requester,omitempty"`
	// Rating is set on "rated" only: the requester's score, 1 to 5.
	Rating int `json:"rating,omitempty"`
}

// Replay folds an event log onto the ticket it starts from (zero for a log
// that begins with "opened") and returns the ticket the log describes. Apply
// builds its result with it, so the event log and the ticket row never
// disagree.
func Replay(t Ticket, events ...Event) Ticket {
	for _, e := range events {
		switch e.Kind {
		case EventOpened:
			t.Requester = e.Requester
			t.Subject = e.Note
			t.CreatedAt = e.At
			t.LevelSince = e.At
		case EventRefused, EventDeliveryFailed, EventReminded, EventCapped, EventCommented, EventNoted, EventRated:
			if e.Kind == EventCommented || e.Kind == EventNoted {
				t.UpdatedAt = e.At
			}
			continue
		}
		if e.LevelAfter != t.Level {
			t.LevelSince = e.At
		}
		t.State, t.Level, t.Assignee, t.Service = e.StateAfter, e.LevelAfter, e.AssigneeAfter, e.Service
		if e.Kind == EventResolved {
			at := e.At
			t.ResolvedAt = &at
		}
		if e.Kind == EventReopened {
			t.ResolvedAt = nil
		}
		t.UpdatedAt = e.At
	}
	return t
}
