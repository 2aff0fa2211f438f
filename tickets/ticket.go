package tickets

import (
	"fmt"
	"strings"
	"time"
)

// State is where a ticket stands in the procedure.
type State string

// The four states of PROCEDURE.md.
const (
	StateNew        State = "nuevo"       // registered, level 1, not yet classified
	StateInProgress State = "en_atencion" // being worked at level 1, 2 or 3
	StateResolved   State = "resuelto"    // a level says it is solved; awaits activity 11
	StateClosed     State = "cerrado"     // definitively closed (activity 12)
)

// Valid reports whether s is one of the four states.
func (s State) Valid() bool {
	switch s {
	case StateNew, StateInProgress, StateResolved, StateClosed:
		return true
	}
	return false
}

// Open reports whether the ticket still accepts comments.
func (s State) Open() bool { return s == StateNew || s == StateInProgress || s == StateResolved }

// ParseState accepts the state names used on the command line.
func ParseState(s string) (State, error) {
	st := State(strings.ToLower(strings.TrimSpace(s)))
	if !st.Valid() {
		return "", fmt.Errorf("unknown state %q (want nuevo, en_atencion, resuelto or cerrado)", s)
	}
	return st, nil
}

// Level is the support level: 1 is the service desk, 2 specialists, on-site
// technicians and providers, 3 specialists and providers.
type Level int

// MinLevel and MaxLevel bound the procedure's levels.
const (
	MinLevel Level = 1
	MaxLevel Level = 3
)

// Valid reports whether l is 1, 2 or 3.
func (l Level) Valid() bool { return l >= MinLevel && l <= MaxLevel }

// Ticket is one support case. Assignee is the email of the person attending
// it, empty when the level's group (at level 1, the desk) owns it.
type Ticket struct {
	ID        int64     `db:"id"`
	Subject   string    `db:"subject"`
	Requester string    `db:"requester"`
	State     State     `db:"state"`
	Level     Level     `db:"level"`
	Service   string    `db:"service"`
	Assignee  string    `db:"assignee"`
	LinkedTo  int64     `db:"linked_to"` // the closed ticket this one follows up, 0 if none
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
	// LevelSince is when the ticket arrived at its current level (for reminders).
	LevelSince time.Time `db:"level_since"`
	// ResolvedAt is when it was last resolved (for the automatic closure).
	ResolvedAt *time.Time `db:"resolved_at"`
}

// Check reports whether the ticket is internally consistent: a valid state
// and level, a requester, a new ticket at level 1 with no assignee, and a
// closed or resolved ticket with a resolution time.
func (t Ticket) Check() error {
	switch {
	case !t.State.Valid():
		return fmt.Errorf("ticket %d: invalid state %q", t.ID, t.State)
	case !t.Level.Valid():
		return fmt.Errorf("ticket %d: invalid level %d", t.ID, t.Level)
	case t.Requester == "":
		return fmt.Errorf("ticket %d: no requester", t.ID)
	case t.State == StateNew && (t.Level != 1 || t.Assignee != ""):
		return fmt.Errorf("ticket %d: a new ticket is at level 1 with no assignee", t.ID)
	case (t.State == StateResolved || t.State == StateClosed) && t.ResolvedAt == nil:
		return fmt.Errorf("ticket %d: %s without a resolution time", t.ID, t.State)
	}
	return nil
}

// Ref is the ticket's reference as it appears in subjects: "OTI-123".
func Ref(tag string, id int64) string {
	if tag == "" {
		return fmt.Sprintf("%d", id)
	}
	return fmt.Sprintf("%s-%d", tag, id)
}
