package notice

import (
	"slices"
	"strings"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// View is what a recipient may see of a ticket (PROCEDURE.md, "Roles"):
// the requester the public history without the instructions addressed to
// the assignee; a provider (outside the agency, and anyone else outside
// the roster's staff) the request, the public history and the
// instructions addressed to them, with nobody's address; staff (mesa,
// especialista, sitio) everything, internal notes included.
type View int

const (
	AsRequester View = iota
	AsOutsider
	AsStaff
)

// ViewOf is the view of the recipient with address email of a notice
// told as the requester is told (public) or not.
func (r Rules) ViewOf(public bool, email string) View {
	if public {
		return AsRequester
	}
	if r.Roster != nil {
		if p, ok := r.Roster.Find(email); ok && strings.EqualFold(p.Email, email) {
			switch p.Role {
			case tickets.RoleDesk, tickets.RoleSpecialist, tickets.RoleOnSite:
				return AsStaff
			}
		}
	}
	return AsOutsider
}

// SeesAll reports whether v sees the whole record as it is.
func (v View) SeesAll() bool { return v == AsStaff }

// SeesAddresses reports whether v may read other people's addresses and
// other tickets' references.
func (v View) SeesAddresses() bool { return v != AsOutsider }

// MayCommand reports whether v is offered commands (those Commands lists).
func (v View) MayCommand() bool { return v != AsRequester }

// Sees says what v, the view of the recipient with address to, sees of
// one entry of the record: whether it is shown, whether with its text,
// and whether who acted is named by name only. kind is the event's,
// public whether it is public, addressedTo the assignee after it (whom
// its instructions are for).
func (v View) Sees(kind string, public bool, addressedTo, to string) (shown, text, byName bool) {
	if v == AsStaff {
		return true, true, false
	}
	if !public {
		return false, false, false
	}
	instructions := false
	switch tickets.EventKind(kind) {
	case tickets.EventClassified, tickets.EventEscalated, tickets.EventAssigned:
		instructions = true
	}
	if v == AsRequester {
		return true, !instructions, false
	}
	return true, !instructions || strings.EqualFold(addressedTo, to), true
}

// InHistory reports whether an event of kind is in the history notices
// print: refused commands and held notices are on record, not in it.
func InHistory(kind tickets.EventKind) bool {
	return kind != tickets.EventRefused && kind != tickets.EventCapped
}

// TriggerAsRequest reports whether, on t with no request on record, the
// message being answered may stand for the request: when it is no
// ticket's or the requester's own, never a staff member's email, which
// may hold notes.
func TriggerAsRequest(t store.Ticket, trigger *store.Message) bool {
	return trigger != nil && (t.ID == 0 || strings.EqualFold(trigger.FromAddr, t.Requester))
}

// commandSpec is one command a notice may offer, as it is written in
// each language.
type commandSpec struct {
	kind   tickets.CommandKind
	es, en string
}

var commandSpecs = []commandSpec{
	{tickets.CmdClassify, "#nivel <1-3> · #clasificar <servicio>", "#level <1-3> · #classify <service>"},
	{tickets.CmdEscalate, "#escalar [nivel 3] [a <persona o proveedor>]", "#escalate [level 3] [to <person or provider>]"},
	{tickets.CmdAssign, "#asignar <persona>", "#assign <person>"},
	{tickets.CmdResolve, "#resolver <nota>", "#resolve <note>"},
	{tickets.CmdClose, "#cerrar", "#close"},
	{tickets.CmdReopen, "#reabrir", "#reopen"},
	{tickets.CmdNote, "#nota <texto interno>", "#note <internal text>"},
}

// Commands lists the commands the person with address to may run on t
// now, in lang, and those of them that name a person (#asignar,
// #escalar, in that order): those the procedure allows them in t's state, level and
// assignment (tickets.Allowed, the rule that "#ayuda" answers with too).
// A person outside the roster is offered none.
func (r Rules) Commands(to string, t store.Ticket, lang string) (cmds, naming []string) {
	if r.Roster == nil || t.ID == 0 {
		return nil, nil
	}
	rp, ok := r.Roster.Find(to)
	if !ok || !strings.EqualFold(rp.Email, to) {
		return nil, nil
	}
	allowed := tickets.Allowed(t.Ticket, tickets.ActorOf(rp))
	verbs := map[tickets.CommandKind]string{}
	for _, s := range commandSpecs {
		if !slices.Contains(allowed, s.kind) {
			continue
		}
		spec := s.es
		if lang == "en" {
			spec = s.en
		}
		cmds = append(cmds, spec)
		verbs[s.kind] = strings.Fields(spec)[0]
	}
	for _, k := range []tickets.CommandKind{tickets.CmdAssign, tickets.CmdEscalate} {
		if v, ok := verbs[k]; ok {
			naming = append(naming, v)
		}
	}
	return cmds, naming
}

// Staff lists, by level, the roster people a desk agent or an assignee
// may name in #asignar or #escalar: those who serve t's level and the
// levels above it (every level while the ticket is new).
func (r Rules) Staff(t store.Ticket) []LevelStaff {
	if r.Roster == nil {
		return nil
	}
	from := t.Level
	if t.State == tickets.StateNew || from < 1 {
		from = 1
	}
	var out []LevelStaff
	for l := from; l <= 3; l++ {
		ls := LevelStaff{Level: int(l)}
		for _, p := range r.Roster.People {
			if p.Role == tickets.RoleDesk || !p.Serves(l) {
				continue
			}
			ls.People = append(ls.People, Person{Name: p.Name, Email: p.Email, Role: string(p.Role), Alias: p.Alias})
		}
		if len(ls.People) > 0 {
			out = append(out, ls)
		}
	}
	return out
}
