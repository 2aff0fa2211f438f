package tickets

import (
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

var (
	t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	desk       = Person{Email: "jgomez@example.gov.co", Role: RoleDesk, Levels: []Level{1}, Alias: "jgomez"}
	desk2      = Person{Email: "mrojas@example.gov.co", Role: RoleDesk, Levels: []Level{1}, Alias: "mrojas"}
	specialist = Person{Email: "lperez@example.gov.co", Role: RoleSpecialist, Levels: []Level{2}, Alias: "lperez"}
	spec3      = Person{Email: "ctorres@example.gov.co", Role: RoleSpecialist, Levels: []Level{3}, Alias: "ctorres"}
	onsite     = Person{Email: "sitio1@example.gov.co", Role: RoleOnSite, Levels: []Level{2}, Alias: "sitio1"}
	provider   = Person{Email: "soporte@proveedor.example.com", Role: RoleProvider, Levels: []Level{2, 3}, Alias: "proveedor1"}

	roster = Roster{People: []Person{desk, desk2, specialist, spec3, onsite, provider}}

	requester = Actor{Email: "ana@example.gov.co", Role: RoleRequester}
	outsider  = Actor{Email: "otro@example.com", Role: RoleOutsider}
)

func actor(p Person) Actor { return ActorOf(p) }

// at builds a ticket in a given state, level and assignee, as the log would.
func at(state State, level Level, assignee string) Ticket {
	t := Ticket{ID: 7, Subject: "No imprime", Requester: requester.Email, State: state, Level: level,
		Assignee: assignee, CreatedAt: t0, UpdatedAt: t0, LevelSince: t0}
	if state == StateResolved || state == StateClosed {
		r := t0
		t.ResolvedAt = &r
	}
	return t
}

func ptr(p Person) *Person { return &p }

// TestProcedure walks the transition table of PROCEDURE.md row by row.
func TestProcedure(t *testing.T) {
	tests := []struct {
		name       string
		from       Ticket
		cmd        Command
		by         Actor
		wantErr    error
		wantState  State
		wantLevel  Level
		wantAssign string
		wantActs   []int
		wantPublic bool
	}{
		// open: – → nuevo (level 1), activity 1, an email from anyone.
		{name: "open by email from the requester", cmd: Command{Kind: CmdOpen, Requester: requester.Email, Text: "No imprime"}, by: requester,
			wantState: StateNew, wantLevel: 1, wantActs: []int{1}, wantPublic: true},
		{name: "open by the desk for a phone request", cmd: Command{Kind: CmdOpen, Requester: requester.Email, Text: "Llamada"}, by: actor(desk),
			wantState: StateNew, wantLevel: 1, wantActs: []int{1}, wantPublic: true},
		{name: "open by a specialist on someone's behalf is refused", cmd: Command{Kind: CmdOpen, Requester: requester.Email}, by: actor(specialist), wantErr: ErrNotAllowed},
		{name: "open without a requester", cmd: Command{Kind: CmdOpen}, by: actor(desk), wantErr: ErrMissingArgument},

		// classify: nuevo → en_atencion at level 1, 2 or 3; activities 2, 3 (+6 or 9); mesa.
		{name: "classify at level 1", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 1}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 1, wantActs: []int{2, 3}, wantPublic: true},
		{name: "classify at level 2 to the on-site technician", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 2, To: ptr(onsite)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 2, wantAssign: onsite.Email, wantActs: []int{2, 3, 6}, wantPublic: true},
		{name: "classify at level 3", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 3, To: ptr(provider)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 3, wantAssign: provider.Email, wantActs: []int{2, 3, 9}, wantPublic: true},
		{name: "system classifies by the routing rules", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 2, Service: "impresoras", To: ptr(onsite)}, by: System,
			wantState: StateInProgress, wantLevel: 2, wantAssign: onsite.Email, wantActs: []int{2, 3, 6}, wantPublic: true},
		{name: "classify by a specialist is refused", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 2}, by: actor(specialist), wantErr: ErrNotAllowed},
		{name: "classify by the requester is refused", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 2}, by: requester, wantErr: ErrNotAllowed},
		{name: "the desk classifies again a ticket in attention", from: at(StateInProgress, 2, onsite.Email), cmd: Command{Kind: CmdClassify, Level: 2, To: ptr(specialist)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 2, wantAssign: specialist.Email, wantActs: []int{2, 3, 6}, wantPublic: true},
		{name: "routing rules do not classify again", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdClassify, Level: 2}, by: System, wantErr: ErrInvalidTransition},
		{name: "classify a resolved ticket", from: at(StateResolved, 1, ""), cmd: Command{Kind: CmdClassify, Level: 2}, by: actor(desk), wantErr: ErrInvalidTransition},
		{name: "classify at level 4", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 4}, by: actor(desk), wantErr: ErrInvalidLevel},
		{name: "classify to someone who does not serve that level", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdClassify, Level: 3, To: ptr(onsite)}, by: actor(desk), wantErr: ErrCannotServe},

		// escalate: en_atencion L1 → L2 or L3, L2 → L3; activities 6, 8→9; mesa, level-2 assignee to 3.
		{name: "escalate 1 to 2 by the desk", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdEscalate, To: ptr(specialist)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 2, wantAssign: specialist.Email, wantActs: []int{6}, wantPublic: true},
		{name: "escalate 1 to 3 by the desk", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdEscalate, Level: 3}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 3, wantActs: []int{6, 9}, wantPublic: true},
		{name: "escalate 2 to 3 by the level-2 assignee", from: at(StateInProgress, 2, specialist.Email), cmd: Command{Kind: CmdEscalate, To: ptr(provider)}, by: actor(specialist),
			wantState: StateInProgress, wantLevel: 3, wantAssign: provider.Email, wantActs: []int{8, 9}, wantPublic: true},
		{name: "escalate 2 to 3 by the on-site assignee", from: at(StateInProgress, 2, onsite.Email), cmd: Command{Kind: CmdEscalate, Level: 3}, by: actor(onsite),
			wantState: StateInProgress, wantLevel: 3, wantActs: []int{8, 9}, wantPublic: true},
		{name: "escalate by a level-2 person who is not the assignee", from: at(StateInProgress, 2, onsite.Email), cmd: Command{Kind: CmdEscalate}, by: actor(specialist), wantErr: ErrNotAllowed},
		{name: "escalate past 3 is rejected", from: at(StateInProgress, 3, provider.Email), cmd: Command{Kind: CmdEscalate}, by: actor(desk), wantErr: ErrNoHigherLevel},
		{name: "escalate by the level-3 assignee is rejected", from: at(StateInProgress, 3, provider.Email), cmd: Command{Kind: CmdEscalate}, by: actor(provider), wantErr: ErrNotAllowed},
		{name: "escalate down is rejected", from: at(StateInProgress, 2, ""), cmd: Command{Kind: CmdEscalate, Level: 1}, by: actor(desk), wantErr: ErrInvalidLevel},
		// PROCEDURE.md's decision: the desk escalates a new ticket in one
		// step, classifying it (2, 3) and escalating it (6, or 9).
		{name: "escalate a new ticket to 2 with an assignee", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdEscalate, To: ptr(specialist)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 2, wantAssign: specialist.Email, wantActs: []int{2, 3, 6}, wantPublic: true},
		{name: "escalate a new ticket to 3", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdEscalate, Level: 3}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 3, wantActs: []int{2, 3, 9}, wantPublic: true},
		{name: "escalate a new ticket to level 1", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdEscalate, Level: 1}, by: actor(desk), wantErr: ErrInvalidLevel},
		{name: "escalate a new ticket to a level that does not exist", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdEscalate, Level: 4}, by: actor(desk), wantErr: ErrInvalidLevel},
		{name: "escalate a new ticket by a specialist", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdEscalate}, by: actor(specialist), wantErr: ErrNotAllowed},
		{name: "escalate a new ticket by the requester", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdEscalate}, by: requester, wantErr: ErrNotAllowed},
		{name: "escalate a resolved ticket", from: at(StateResolved, 2, specialist.Email), cmd: Command{Kind: CmdEscalate}, by: actor(desk), wantErr: ErrInvalidTransition},
		{name: "escalate by the requester", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdEscalate}, by: requester, wantErr: ErrNotAllowed},
		{name: "escalate to a desk agent", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdEscalate, To: ptr(desk2)}, by: actor(desk), wantErr: ErrCannotServe},

		// assign: en_atencion, same level, to someone who serves it; mesa, the current assignee hands over.
		{name: "assign at level 2 by the desk", from: at(StateInProgress, 2, ""), cmd: Command{Kind: CmdAssign, To: ptr(specialist)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 2, wantAssign: specialist.Email, wantActs: []int{6, 7}, wantPublic: true},
		{name: "assignee hands over at level 2", from: at(StateInProgress, 2, specialist.Email), cmd: Command{Kind: CmdAssign, To: ptr(onsite)}, by: actor(specialist),
			wantState: StateInProgress, wantLevel: 2, wantAssign: onsite.Email, wantActs: []int{7}, wantPublic: true},
		{name: "assign at level 3", from: at(StateInProgress, 3, spec3.Email), cmd: Command{Kind: CmdAssign, To: ptr(provider)}, by: actor(spec3),
			wantState: StateInProgress, wantLevel: 3, wantAssign: provider.Email, wantActs: []int{9}, wantPublic: true},
		{name: "assign at level 1 to another desk agent", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdAssign, To: ptr(desk2)}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 1, wantAssign: desk2.Email, wantActs: []int{4}, wantPublic: true},
		{name: "assign to someone of another level", from: at(StateInProgress, 2, ""), cmd: Command{Kind: CmdAssign, To: ptr(spec3)}, by: actor(desk), wantErr: ErrCannotServe},
		{name: "assign by someone who is not the assignee", from: at(StateInProgress, 2, specialist.Email), cmd: Command{Kind: CmdAssign, To: ptr(onsite)}, by: actor(onsite), wantErr: ErrNotAllowed},
		{name: "assign with no person", from: at(StateInProgress, 2, ""), cmd: Command{Kind: CmdAssign}, by: actor(desk), wantErr: ErrMissingArgument},
		{name: "assign a resolved ticket", from: at(StateResolved, 2, ""), cmd: Command{Kind: CmdAssign, To: ptr(specialist)}, by: actor(desk), wantErr: ErrInvalidTransition},

		// comment: any open state, no state change; activities 4, 7, 9.
		{name: "requester comments a new ticket", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdComment, Text: "sigue sin imprimir"}, by: requester,
			wantState: StateNew, wantLevel: 1, wantActs: []int{4}, wantPublic: true},
		{name: "assignee comments at level 2", from: at(StateInProgress, 2, specialist.Email), cmd: Command{Kind: CmdComment, Text: "voy en camino"}, by: actor(specialist),
			wantState: StateInProgress, wantLevel: 2, wantAssign: specialist.Email, wantActs: []int{7}, wantPublic: true},
		{name: "comment at level 3", from: at(StateInProgress, 3, provider.Email), cmd: Command{Kind: CmdComment, Text: "repuesto pedido"}, by: actor(provider),
			wantState: StateInProgress, wantLevel: 3, wantAssign: provider.Email, wantActs: []int{9}, wantPublic: true},
		{name: "requester comments a resolved ticket", from: at(StateResolved, 2, ""), cmd: Command{Kind: CmdComment, Text: "gracias"}, by: requester,
			wantState: StateResolved, wantLevel: 2, wantActs: nil, wantPublic: true},
		// rate: the requester's satisfaction with a closed ticket; no activity.
		{name: "requester rates a closed ticket", from: at(StateClosed, 1, ""), cmd: Command{Kind: CmdRate, Score: 4, Text: "rápido"}, by: requester,
			wantState: StateClosed, wantLevel: 1, wantActs: nil},
		{name: "rating an open ticket", from: at(StateResolved, 1, ""), cmd: Command{Kind: CmdRate, Score: 4}, by: requester, wantErr: ErrInvalidTransition},
		{name: "the desk does not rate", from: at(StateClosed, 1, ""), cmd: Command{Kind: CmdRate, Score: 5}, by: actor(desk), wantErr: ErrNotAllowed},
		{name: "an outsider does not rate", from: at(StateClosed, 1, ""), cmd: Command{Kind: CmdRate, Score: 5}, by: outsider, wantErr: ErrNotAllowed},
		{name: "a rating outside 1-5", from: at(StateClosed, 1, ""), cmd: Command{Kind: CmdRate, Score: 6}, by: requester, wantErr: ErrMissingArgument},
		{name: "comment on a closed ticket", from: at(StateClosed, 1, ""), cmd: Command{Kind: CmdComment, Text: "hola"}, by: requester, wantErr: ErrInvalidTransition},
		{name: "empty comment", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdComment}, by: requester, wantErr: ErrMissingArgument},

		// note: internal, never sent to the requester.
		{name: "desk writes an internal note", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdNote, Text: "usuario VIP"}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 1, wantActs: []int{4}, wantPublic: false},
		{name: "requester cannot write internal notes", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdNote, Text: "x"}, by: requester, wantErr: ErrNotAllowed},
		{name: "outsider cannot write internal notes", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdNote, Text: "x"}, by: outsider, wantErr: ErrNotAllowed},

		// resolve: en_atencion Lx → resuelto; activities 5, 8, 10; mesa, the assignee.
		{name: "desk resolves at level 1", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdResolve, Text: "reinicié la cola"}, by: actor(desk),
			wantState: StateResolved, wantLevel: 1, wantActs: []int{5}, wantPublic: true},
		{name: "assignee resolves at level 2", from: at(StateInProgress, 2, onsite.Email), cmd: Command{Kind: CmdResolve}, by: actor(onsite),
			wantState: StateResolved, wantLevel: 2, wantAssign: onsite.Email, wantActs: []int{8}, wantPublic: true},
		{name: "provider resolves at level 3", from: at(StateInProgress, 3, provider.Email), cmd: Command{Kind: CmdResolve}, by: actor(provider),
			wantState: StateResolved, wantLevel: 3, wantAssign: provider.Email, wantActs: []int{10}, wantPublic: true},
		{name: "resolve by someone who is not the assignee", from: at(StateInProgress, 2, onsite.Email), cmd: Command{Kind: CmdResolve}, by: actor(provider), wantErr: ErrNotAllowed},
		{name: "requester cannot resolve", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdResolve}, by: requester, wantErr: ErrNotAllowed},
		{name: "resolve a new ticket", from: at(StateNew, 1, ""), cmd: Command{Kind: CmdResolve}, by: actor(desk), wantErr: ErrInvalidTransition},
		{name: "resolve twice", from: at(StateResolved, 1, ""), cmd: Command{Kind: CmdResolve}, by: actor(desk), wantErr: ErrInvalidTransition},

		// close: resuelto → cerrado; 11 → 12; mesa, and the timer.
		{name: "desk closes", from: at(StateResolved, 2, ""), cmd: Command{Kind: CmdClose}, by: actor(desk),
			wantState: StateClosed, wantLevel: 2, wantActs: []int{11, 12}, wantPublic: true},
		{name: "system closes after the waiting period", from: at(StateResolved, 1, ""), cmd: Command{Kind: CmdClose}, by: System,
			wantState: StateClosed, wantLevel: 1, wantActs: []int{11, 12}, wantPublic: true},
		{name: "assignee cannot close", from: at(StateResolved, 2, specialist.Email), cmd: Command{Kind: CmdClose}, by: actor(specialist), wantErr: ErrNotAllowed},
		{name: "requester cannot close", from: at(StateResolved, 2, ""), cmd: Command{Kind: CmdClose}, by: requester, wantErr: ErrNotAllowed},
		{name: "close an open ticket", from: at(StateInProgress, 1, ""), cmd: Command{Kind: CmdClose}, by: actor(desk), wantErr: ErrInvalidTransition},
		{name: "close twice", from: at(StateClosed, 1, ""), cmd: Command{Kind: CmdClose}, by: actor(desk), wantErr: ErrInvalidTransition},

		// reopen: resuelto → en_atencion L1; 11 → 4; mesa, the requester.
		{name: "requester reopens", from: at(StateResolved, 3, provider.Email), cmd: Command{Kind: CmdReopen, Text: "sigue fallando"}, by: requester,
			wantState: StateInProgress, wantLevel: 1, wantActs: []int{11, 4}, wantPublic: true},
		{name: "desk reopens", from: at(StateResolved, 2, ""), cmd: Command{Kind: CmdReopen}, by: actor(desk),
			wantState: StateInProgress, wantLevel: 1, wantActs: []int{11, 4}, wantPublic: true},
		{name: "assignee cannot reopen", from: at(StateResolved, 2, specialist.Email), cmd: Command{Kind: CmdReopen}, by: actor(specialist), wantErr: ErrNotAllowed},
		{name: "outsider cannot reopen", from: at(StateResolved, 2, ""), cmd: Command{Kind: CmdReopen}, by: outsider, wantErr: ErrNotAllowed},
		{name: "reopen a closed ticket", from: at(StateClosed, 2, ""), cmd: Command{Kind: CmdReopen}, by: requester, wantErr: ErrInvalidTransition},
		{name: "reopen an open ticket", from: at(StateInProgress, 2, ""), cmd: Command{Kind: CmdReopen}, by: requester, wantErr: ErrInvalidTransition},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, events, err := Apply(tc.from, tc.cmd, tc.by, t0.Add(time.Hour))
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				var r *Refusal
				if !errors.As(err, &r) || r.Reason == "" {
					t.Errorf("refusal without a reason: %v", err)
				}
				if !reflect.DeepEqual(got, tc.from) || events != nil {
					t.Errorf("a refused command changed the ticket or produced events")
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got.State != tc.wantState || got.Level != tc.wantLevel || got.Assignee != tc.wantAssign {
				t.Errorf("ticket = %s L%d %q, want %s L%d %q", got.State, got.Level, got.Assignee, tc.wantState, tc.wantLevel, tc.wantAssign)
			}
			if len(events) != 1 {
				t.Fatalf("%d events, want 1", len(events))
			}
			e := events[0]
			if !slices.Equal(e.Activities, tc.wantActs) {
				t.Errorf("activities = %v, want %v", e.Activities, tc.wantActs)
			}
			if e.Public != tc.wantPublic {
				t.Errorf("public = %v, want %v", e.Public, tc.wantPublic)
			}
			if e.Actor != tc.by.Email || e.ActorRole != tc.by.Role || !e.At.Equal(t0.Add(time.Hour)) {
				t.Errorf("event actor/time = %s %s %v", e.Actor, e.ActorRole, e.At)
			}
			if tc.cmd.Kind != CmdOpen && (e.StateBefore != tc.from.State || e.LevelBefore != tc.from.Level) {
				t.Errorf("event before = %s L%d, want %s L%d", e.StateBefore, e.LevelBefore, tc.from.State, tc.from.Level)
			}
			if e.StateAfter != got.State || e.LevelAfter != got.Level {
				t.Errorf("event after disagrees with ticket")
			}
			if tc.cmd.Kind == CmdEscalate && e.Kind != EventEscalated {
				t.Errorf("an escalation is recorded as %s", e.Kind)
			}
			if err := got.Check(); err != nil {
				t.Errorf("invalid ticket: %v", err)
			}
		})
	}
}

// TestWholeProcedure walks one ticket through the whole procedure, as the
// README's walkthrough does, and checks the activities in order.
func TestWholeProcedure(t *testing.T) {
	steps := []struct {
		cmd Command
		by  Actor
	}{
		{Command{Kind: CmdOpen, Requester: requester.Email, Text: "No imprime"}, requester},
		{Command{Kind: CmdClassify, Level: 2, To: ptr(specialist)}, actor(desk)},
		{Command{Kind: CmdEscalate, Level: 3, To: ptr(provider)}, actor(specialist)},
		{Command{Kind: CmdResolve, Text: "cambio de fusor"}, actor(provider)},
		{Command{Kind: CmdReopen, Text: "sigue fallando"}, requester},
		{Command{Kind: CmdResolve, Text: "reinstalé el controlador"}, actor(desk)},
		{Command{Kind: CmdClose}, actor(desk)},
	}
	var (
		tk  Ticket
		log []Event
	)
	now := t0
	for i, s := range steps {
		var evs []Event
		var err error
		tk, evs, err = Apply(tk, s.cmd, s.by, now)
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, s.cmd.Kind, err)
		}
		log = append(log, evs...)
		now = now.Add(time.Hour)
	}
	var acts []int
	for _, e := range log {
		acts = append(acts, e.Activities...)
	}
	want := []int{1, 2, 3, 6, 8, 9, 10, 11, 4, 5, 11, 12}
	if !slices.Equal(acts, want) {
		t.Errorf("activities = %v, want %v", acts, want)
	}
	if tk.State != StateClosed {
		t.Errorf("state = %s", tk.State)
	}
	if got := Replay(Ticket{ID: tk.ID}, log...); !reflect.DeepEqual(got, tk) {
		t.Errorf("replay = %+v, want %+v", got, tk)
	}
}

// TestRandomSequences is the property test: any sequence of commands by any
// actor leaves a valid ticket, and folding the event log gives back the
// ticket.
func TestRandomSequences(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		checkSequence(t, r, 40)
	}
}

func FuzzSequence(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(99), uint64(7))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkSequence(t, rand.New(rand.NewPCG(a, b)), 60)
	})
}

func checkSequence(t *testing.T, r *rand.Rand, n int) {
	t.Helper()
	actors := []Actor{requester, outsider, System}
	for _, p := range roster.People {
		actors = append(actors, actor(p))
	}
	kinds := []CommandKind{CmdClassify, CmdEscalate, CmdAssign, CmdComment, CmdNote, CmdResolve, CmdClose, CmdReopen, "bogus"}
	now := t0
	tk, log, err := Apply(Ticket{ID: 1}, Command{Kind: CmdOpen, Requester: requester.Email, Text: "s"}, requester, now)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < n; j++ {
		now = now.Add(time.Duration(r.IntN(5000)) * time.Second)
		c := Command{Kind: kinds[r.IntN(len(kinds))], Level: Level(r.IntN(5)), Text: []string{"", "texto"}[r.IntN(2)]}
		if r.IntN(2) == 0 {
			c.To = ptr(roster.People[r.IntN(len(roster.People))])
		}
		next, evs, err := Apply(tk, c, actors[r.IntN(len(actors))], now)
		if err != nil {
			if !reflect.DeepEqual(next, tk) {
				t.Fatalf("refused command changed the ticket")
			}
			continue
		}
		if err := next.Check(); err != nil {
			t.Fatalf("after %s: %v", c.Kind, err)
		}
		if tk.State == StateClosed {
			t.Fatalf("%s applied to a closed ticket", c.Kind)
		}
		tk = next
		log = append(log, evs...)
	}
	if got := Replay(Ticket{ID: 1}, log...); !reflect.DeepEqual(got, tk) {
		t.Fatalf("replay = %+v\nticket = %+v", got, tk)
	}
}

func TestRoute(t *testing.T) {
	r := Roster{Services: []Service{
		{Name: "correo", Keywords: []string{"correo", "outlook"}, BodyKeywords: []string{"outlook"}},
		{Name: "impresoras", Keywords: []string{"impresora", "imprime"}, BodyKeywords: []string{"tóner"}},
	}}
	tests := []struct {
		name, subject, body string
		want, keyword       string
		inSubject           bool
	}{
		{"subject keyword", "Ayúdame, no IMPRIME", "", "impresoras", "imprime", true},
		{"body keyword", "Ayuda", "se acabó el TONER", "impresoras", "tóner", false},
		{"subject decides before the body", "No abre Outlook", "la impresora tampoco imprime", "correo", "outlook", true},
		{"an ordinary word in the body routes nothing", "El monitor parpadea", "Les escribo este correo porque el monitor parpadea", "", "", false},
		{"a subject keyword does not count in the body", "Ayuda", "no imprime", "", "", false},
		{"a word inside another word does not count", "reimprimir", "", "", "", false},
		{"nothing", "hola", "hola", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, m, ok := r.Route(tt.subject, tt.body)
			if got := map[bool]string{true: s.Name}[ok]; got != tt.want || m.Keyword != tt.keyword || m.InSubject != tt.inSubject {
				t.Errorf("Route = %q %+v, want %q by %q (subject %v)", got, m, tt.want, tt.keyword, tt.inSubject)
			}
		})
	}
}

func TestRosterFind(t *testing.T) {
	for _, name := range []string{"lperez", "LPEREZ", "lperez@example.gov.co", "<LPerez@Example.gov.co>"} {
		if p, ok := roster.Find(name); !ok || p.Email != specialist.Email {
			t.Errorf("Find(%q) = %v %v", name, p.Email, ok)
		}
	}
	if _, ok := roster.Find("nadie"); ok {
		t.Error("found an unknown person")
	}
	tk := at(StateNew, 1, "")
	if a := roster.ActorFor("ANA@example.gov.co", &tk); a.Role != RoleRequester {
		t.Errorf("requester role = %s", a.Role)
	}
	if a := roster.ActorFor("jgomez", &tk); a.Role != RoleOutsider {
		t.Errorf("an alias is not an address: role = %s", a.Role)
	}
	if a := roster.ActorFor("jgomez@example.gov.co", &tk); a.Role != RoleDesk {
		t.Errorf("desk role = %s", a.Role)
	}
}

// TestEveryRefusalIsTranslated reads transition.go's refusals and checks
// that each has its Spanish text, so a requester never gets English by
// accident.
func TestEveryRefusalIsTranslated(t *testing.T) {
	src, err := os.ReadFile("transition.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`refuse\(Err\w+, "((?:[^"\\]|\\.)*)"`)
	ms := re.FindAllStringSubmatch(string(src), -1)
	if len(ms) < 20 {
		t.Fatalf("found only %d refusals in transition.go", len(ms))
	}
	for _, m := range ms {
		f, _ := strconv.Unquote(`"` + m[1] + `"`)
		if _, ok := reasonByFormat[f]; !ok {
			t.Errorf("no code and Spanish reason for %q in reasons.go", f)
		}
	}
	_, _, err = Apply(at(StateClosed, 1, ""), Command{Kind: CmdReopen}, requester, t0)
	var r *Refusal
	if !errors.As(err, &r) || r.Explain("es") != "el caso está cerrado; solo se reabre un caso resuelto" {
		t.Errorf("Explain(es) = %q", r.Explain("es"))
	}
}

// TestAllowed: what a person may run now follows the transition table.
func TestAllowed(t *testing.T) {
	tests := []struct {
		name string
		t    Ticket
		by   Actor
		want []CommandKind
	}{
		{"desk on a new ticket", at(StateNew, 1, ""), actor(desk), []CommandKind{CmdClassify, CmdEscalate, CmdNote}},
		{"desk in attention at 1", at(StateInProgress, 1, ""), actor(desk), []CommandKind{CmdClassify, CmdEscalate, CmdAssign, CmdResolve, CmdNote}},
		{"level-2 assignee", at(StateInProgress, 2, specialist.Email), actor(specialist), []CommandKind{CmdEscalate, CmdAssign, CmdResolve, CmdNote}},
		{"level-3 assignee", at(StateInProgress, 3, provider.Email), actor(provider), []CommandKind{CmdAssign, CmdResolve, CmdNote}},
		{"a specialist who is not the assignee", at(StateInProgress, 2, onsite.Email), actor(specialist), []CommandKind{CmdNote}},
		{"previous assignee of a reopened ticket", at(StateInProgress, 1, ""), actor(specialist), []CommandKind{CmdNote}},
		{"desk on a resolved ticket", at(StateResolved, 2, specialist.Email), actor(desk), []CommandKind{CmdClose, CmdReopen, CmdNote}},
		{"requester on a resolved ticket", at(StateResolved, 2, specialist.Email), requester, []CommandKind{CmdReopen}},
		{"requester in attention", at(StateInProgress, 2, specialist.Email), requester, nil},
		{"outsider", at(StateResolved, 2, ""), outsider, nil},
		{"desk on a closed ticket", at(StateClosed, 1, ""), actor(desk), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Allowed(tt.t, tt.by); !slices.Equal(got, tt.want) {
				t.Errorf("Allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRefusalsNameStatesInWords: no refusal shows a state's identifier.
func TestRefusalsNameStatesInWords(t *testing.T) {
	for _, st := range []State{StateNew, StateInProgress, StateResolved, StateClosed} {
		for _, k := range []CommandKind{CmdClassify, CmdEscalate, CmdAssign, CmdResolve, CmdClose, CmdReopen, CmdComment, CmdNote} {
			_, _, err := Apply(at(st, 1, ""), Command{Kind: k, Text: "x"}, actor(desk), t0)
			var r *Refusal
			if !errors.As(err, &r) {
				continue
			}
			for _, lang := range []string{"es", "en"} {
				if msg := r.Explain(lang); regexp.MustCompile(`en_atencion|\bnuevo\b.*;`).MatchString(msg) {
					t.Errorf("%s on %s (%s): %q shows a state identifier", k, st, lang, msg)
				}
			}
		}
	}
}
