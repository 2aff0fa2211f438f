package tickets

import (
	"errors"
	"strings"
	"time"
)

// Sentinel errors for the outcomes a command can be refused with. Apply
// returns them wrapped in a *Refusal that says why in plain words.
var (
	ErrNotAllowed        = errors.New("not allowed")        // the actor may not run this command
	ErrInvalidTransition = errors.New("invalid transition") // the ticket's state does not allow it
	ErrNoHigherLevel     = errors.New("no higher level")    // escalation past level 3
	ErrInvalidLevel      = errors.New("invalid level")      // a level outside 1-3, or not above the current one
	ErrCannotServe       = errors.New("cannot serve")       // the target person does not work at that level
	ErrMissingArgument   = errors.New("missing argument")   // e.g. assign with no person, a note with no text
)

// Refusal is a refused command: one of the sentinel errors and the reason,
// as data (Why) and in English words a person can act on (Reason).
type Refusal struct {
	Err    error
	Reason string // in English
	Why    Reason // the code and arguments, to word in any language
}

func (r *Refusal) Error() string { return r.Err.Error() + ": " + r.Reason }
func (r *Refusal) Unwrap() error { return r.Err }

// Explain returns the reason in lang ("es" or "en").
func (r *Refusal) Explain(lang string) string { return r.Why.Text(lang) }

// refuse builds a refusal from its English format (reasons.go gives its
// code and Spanish words).
func refuse(err error, format string, args ...any) error {
	code := format
	if i, ok := reasonByFormat[format]; ok {
		code = reasons[i].code
	}
	return newRefusal(err, code, args...)
}

func newRefusal(err error, code string, args ...any) *Refusal {
	why := Reason{Code: code}
	for _, a := range args {
		why.Args = append(why.Args, argOf(a))
	}
	return &Refusal{Err: err, Reason: why.Text("en"), Why: why}
}

// NewRefusal builds a refusal outside the transition function (for example
// an unknown person in a command): code is one of reasons.go's.
func NewRefusal(err error, code string, args ...any) *Refusal {
	return newRefusal(err, code, args...)
}

func asRefusal(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	return nil
}

// CommandKind is one transition of the procedure.
type CommandKind string

// The transitions of PROCEDURE.md.
const (
	CmdOpen     CommandKind = "open"
	CmdClassify CommandKind = "classify"
	CmdEscalate CommandKind = "escalate"
	CmdAssign   CommandKind = "assign"
	CmdComment  CommandKind = "comment"
	CmdNote     CommandKind = "note"
	CmdResolve  CommandKind = "resolve"
	CmdClose    CommandKind = "close"
	CmdReopen   CommandKind = "reopen"
	CmdRate     CommandKind = "rate"
)

// Command is a request to move a ticket. To is the target person of
// classify, escalate and assign, already looked up in the roster.
type Command struct {
	Kind      CommandKind
	Level     Level   // classify, escalate: the target level (0: escalate to the next one, classify to 1)
	Service   string  // classify: the service category
	To        *Person // classify, escalate, assign
	Text      string  // comment, note, resolve, reopen: the text on record; open: the subject
	Requester string  // open: whose case it is
	Score     int     // rate: the requester's satisfaction, 1 to 5
}

// Apply runs one command of the procedure. It returns the new ticket and the
// events that record it, or a *Refusal wrapping one of the sentinel errors.
// It never changes t.
func Apply(t Ticket, c Command, a Actor, now time.Time) (Ticket, []Event, error) {
	var (
		e   Event
		err error
	)
	switch c.Kind {
	case CmdOpen:
		e, err = open(c, a)
	case CmdClassify:
		e, err = classify(t, c, a)
	case CmdEscalate:
		e, err = escalate(t, c, a)
	case CmdAssign:
		e, err = assign(t, c, a)
	case CmdComment:
		e, err = comment(t, c, a)
	case CmdNote:
		e, err = note(t, c, a)
	case CmdResolve:
		e, err = resolve(t, c, a)
	case CmdClose:
		e, err = closeTicket(t, a)
	case CmdReopen:
		e, err = reopen(t, c, a)
	case CmdRate:
		e, err = rate(t, c, a)
	default:
		err = refuse(ErrInvalidTransition, "unknown command %q", c.Kind)
	}
	if err != nil {
		return t, nil, err
	}
	e.Actor, e.ActorRole, e.At = a.Email, a.Role, now
	if c.Kind != CmdOpen {
		e.LevelBefore, e.StateBefore, e.AssigneeBefore = t.Level, t.State, t.Assignee
	}
	return Replay(t, e), []Event{e}, nil
}

func open(c Command, a Actor) (Event, error) {
	req := strings.ToLower(strings.TrimSpace(c.Requester))
	if req == "" {
		return Event{}, refuse(ErrMissingArgument, "a request needs the requester's address")
	}
	if a.Role == RoleSystem || a.Role == RoleOutsider && !strings.EqualFold(a.Email, req) {
		return Event{}, refuse(ErrNotAllowed, "only the requester or the desk registers a request")
	}
	if a.InRoster() && a.Role != RoleDesk && !strings.EqualFold(a.Email, req) {
		return Event{}, refuse(ErrNotAllowed, "only the service desk registers a request on someone's behalf")
	}
	return Event{
		Kind: EventOpened, Activities: []int{1}, Requester: req, Note: c.Text,
		LevelAfter: 1, StateAfter: StateNew, Public: true,
	}, nil
}

func classify(t Ticket, c Command, a Actor) (Event, error) {
	// The system classifies by the catalogue's routing rules (a decision of
	// PROCEDURE.md); otherwise classification is the desk's.
	if a.Role != RoleDesk && a.Role != RoleSystem {
		return Event{}, refuse(ErrNotAllowed, "only the service desk classifies a request")
	}
	// The desk may classify again a ticket in attention (the analysis of
	// activity 2 found another category or level); the routing rules only
	// classify new tickets.
	if t.State != StateNew && !(t.State == StateInProgress && a.Role == RoleDesk) {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a new ticket or one in attention is classified", t.State)
	}
	l := c.Level
	if l == 0 {
		l = 1
	}
	if !l.Valid() {
		return Event{}, refuse(ErrInvalidLevel, "level %d does not exist (levels are 1, 2 and 3)", l)
	}
	assignee, err := target(c.To, l)
	if err != nil {
		return Event{}, err
	}
	acts := []int{2, 3}
	switch l {
	case 2:
		acts = append(acts, 6)
	case 3:
		acts = append(acts, 9)
	}
	service := t.Service
	if c.Service != "" {
		service = c.Service
	}
	return Event{
		Kind: EventClassified, Activities: acts, LevelAfter: l, StateAfter: StateInProgress,
		AssigneeAfter: assignee, Service: service, Public: true, Note: c.Text,
	}, nil
}

func escalate(t Ticket, c Command, a Actor) (Event, error) {
	if t.State == StateNew {
		return escalateNew(t, c, a)
	}
	if t.State != StateInProgress {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a new ticket or one in attention is escalated", t.State)
	}
	isAssignee := t.Assignee != "" && strings.EqualFold(a.Email, t.Assignee)
	if a.Role != RoleDesk && !(isAssignee && t.Level == 2) {
		return Event{}, refuse(ErrNotAllowed, "only the service desk, or the level-2 assignee (to level 3), escalates")
	}
	if t.Level >= MaxLevel {
		return Event{}, refuse(ErrNoHigherLevel, "the ticket is at level 3, the highest level")
	}
	l := c.Level
	if l == 0 {
		l = t.Level + 1
	}
	if !l.Valid() {
		return Event{}, refuse(ErrInvalidLevel, "level %d does not exist (levels are 1, 2 and 3)", l)
	}
	if l <= t.Level {
		return Event{}, refuse(ErrInvalidLevel, "the ticket is already at level %d; escalation goes up", t.Level)
	}
	assignee, err := target(c.To, l)
	if err != nil {
		return Event{}, err
	}
	var acts []int
	switch {
	case t.Level == 1 && l == 2:
		acts = []int{6}
	case t.Level == 1 && l == 3:
		acts = []int{6, 9}
	default: // 2 → 3
		acts = []int{8, 9}
	}
	return Event{
		Kind: EventEscalated, Activities: acts, LevelAfter: l, StateAfter: StateInProgress,
		AssigneeAfter: assignee, Service: t.Service, Public: true, Note: c.Text,
	}, nil
}

// escalateNew is the desk's escalation of a request it has just analysed:
// the document's desk classifies (2), decides it is not level 1 (3) and
// escalates (6, or 9 when level 3 attends) in one step. A decision of
// PROCEDURE.md: "#escalar" on a new ticket classifies and escalates.
func escalateNew(t Ticket, c Command, a Actor) (Event, error) {
	if a.Role != RoleDesk {
		return Event{}, refuse(ErrNotAllowed, "only the service desk escalates a new request")
	}
	if c.Level == 0 {
		c.Level = 2
	}
	if c.Level == 1 {
		return Event{}, refuse(ErrInvalidLevel, "the ticket is already at level %d; escalation goes up", t.Level)
	}
	// Classifying at level 2 or 3 is the escalation's activities (2, 3
	// and 6 or 9): the same event, of the escalation's kind.
	e, err := classify(t, c, a)
	if err != nil {
		return Event{}, err
	}
	e.Kind = EventEscalated
	return e, nil
}

func assign(t Ticket, c Command, a Actor) (Event, error) {
	if t.State != StateInProgress {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a ticket in attention is assigned", t.State)
	}
	isAssignee := t.Assignee != "" && strings.EqualFold(a.Email, t.Assignee)
	if a.Role != RoleDesk && !isAssignee {
		return Event{}, refuse(ErrNotAllowed, "only the service desk or the current assignee assigns the ticket")
	}
	if c.To == nil {
		return Event{}, refuse(ErrMissingArgument, "say whom to assign the ticket to (a roster alias or address)")
	}
	assignee, err := target(c.To, t.Level)
	if err != nil {
		return Event{}, err
	}
	acts := []int{levelActivity(t.Level)}
	if a.Role == RoleDesk && t.Level > 1 {
		acts = append([]int{6}, acts...)
	}
	return Event{
		Kind: EventAssigned, Activities: acts, LevelAfter: t.Level, StateAfter: t.State,
		AssigneeAfter: assignee, Service: t.Service, Public: true, Note: c.Text,
	}, nil
}

// levelActivity is the activity that documents work at a level: 4 at the
// desk, 7 at level 2, 9 at level 3.
func levelActivity(l Level) int {
	switch l {
	case 2:
		return 7
	case 3:
		return 9
	}
	return 4
}

func comment(t Ticket, c Command, a Actor) (Event, error) {
	if !t.State.Open() {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; a closed ticket takes no comments", t.State)
	}
	if a.Role == RoleSystem {
		return Event{}, refuse(ErrNotAllowed, "the system does not comment")
	}
	if strings.TrimSpace(c.Text) == "" {
		return Event{}, refuse(ErrMissingArgument, "a comment needs text")
	}
	// A comment documents the work of the level that attends (4, 7, 9).
	// On a resolved ticket no level attends any more: the comment waits
	// for the desk's activity 11 and fulfils none itself.
	var acts []int
	if t.State != StateResolved {
		acts = []int{levelActivity(t.Level)}
	}
	return same(t, EventCommented, acts, true, c.Text), nil
}

func note(t Ticket, c Command, a Actor) (Event, error) {
	if !t.State.Open() {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; a closed ticket takes no notes", t.State)
	}
	if !a.InRoster() {
		return Event{}, refuse(ErrNotAllowed, "only roster people write internal notes")
	}
	if strings.TrimSpace(c.Text) == "" {
		return Event{}, refuse(ErrMissingArgument, "a note needs text")
	}
	return same(t, EventNoted, []int{levelActivity(t.Level)}, false, c.Text), nil
}

func resolve(t Ticket, c Command, a Actor) (Event, error) {
	if t.State != StateInProgress {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a ticket in attention is resolved", t.State)
	}
	isAssignee := t.Assignee != "" && strings.EqualFold(a.Email, t.Assignee)
	if a.Role != RoleDesk && !isAssignee {
		return Event{}, refuse(ErrNotAllowed, "only the service desk or the assignee resolves the ticket")
	}
	act := map[Level]int{1: 5, 2: 8, 3: 10}[t.Level]
	e := same(t, EventResolved, []int{act}, true, c.Text)
	e.StateAfter = StateResolved
	return e, nil
}

func closeTicket(t Ticket, a Actor) (Event, error) {
	if a.Role != RoleDesk && a.Role != RoleSystem {
		return Event{}, refuse(ErrNotAllowed, "only the service desk closes a ticket definitively")
	}
	if t.State != StateResolved {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a resolved ticket is closed", t.State)
	}
	e := same(t, EventClosed, []int{11, 12}, true, "")
	e.StateAfter = StateClosed
	return e, nil
}

func reopen(t Ticket, c Command, a Actor) (Event, error) {
	isRequester := strings.EqualFold(a.Email, t.Requester) && a.Role != RoleSystem
	if a.Role != RoleDesk && !isRequester {
		return Event{}, refuse(ErrNotAllowed, "only the service desk or the requester reopens a ticket")
	}
	if t.State != StateResolved {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a resolved ticket is reopened", t.State)
	}
	return Event{
		Kind: EventReopened, Activities: []int{11, 4}, LevelAfter: 1, StateAfter: StateInProgress,
		Service: t.Service, Public: true, Note: c.Text,
	}, nil
}

// rate records the requester's satisfaction with a closed ticket, asked in
// the closure notice (ISO 9001 §9.1.2). It fulfils no activity: the
// procedure ends at 12.
func rate(t Ticket, c Command, a Actor) (Event, error) {
	if !strings.EqualFold(a.Email, t.Requester) || a.Role == RoleSystem || a.InRoster() {
		return Event{}, refuse(ErrNotAllowed, "only the requester rates the service")
	}
	if t.State != StateClosed {
		return Event{}, refuse(ErrInvalidTransition, "ticket is %s; only a closed ticket is rated", t.State)
	}
	if c.Score < 1 || c.Score > 5 {
		return Event{}, refuse(ErrMissingArgument, "a rating is a number from 1 to 5")
	}
	e := same(t, EventRated, nil, false, c.Text)
	e.Rating = c.Score
	return e, nil
}

// same is an event that leaves level, state, assignee and service as they are.
func same(t Ticket, k EventKind, acts []int, public bool, text string) Event {
	return Event{
		Kind: k, Activities: acts, LevelAfter: t.Level, StateAfter: t.State,
		AssigneeAfter: t.Assignee, Service: t.Service, Public: public, Note: text,
	}
}

// target checks that p (if any) works at level l and returns their address.
func target(p *Person, l Level) (string, error) {
	if p == nil {
		return "", nil
	}
	if p.Role == RoleDesk && l > 1 {
		return "", refuse(ErrCannotServe, "%s is a desk agent; levels 2 and 3 go to specialists, on-site support or providers", p.Email)
	}
	if !p.Serves(l) {
		return "", refuse(ErrCannotServe, "%s does not serve level %d", p.Email, l)
	}
	return strings.ToLower(p.Email), nil
}

// Record builds an event that is on the ticket's record without changing
// it: a refused command, a failed delivery, a reminder.
func Record(t Ticket, k EventKind, a Actor, now time.Time, public bool, text string) Event {
	e := same(t, k, nil, public, text)
	e.Actor, e.ActorRole, e.At = a.Email, a.Role, now
	e.LevelBefore, e.StateBefore, e.AssigneeBefore = t.Level, t.State, t.Assignee
	return e
}
