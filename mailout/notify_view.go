package mailout

import (
	"slices"
	"strings"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// view is what a recipient may see of a ticket (PROCEDURE.md, "Roles"):
// the requester the public history without the instructions addressed to
// the assignee; a provider (outside the agency, and anyone else outside
// the roster's staff) the request, the public history and the
// instructions addressed to them, with nobody's address; staff (mesa,
// especialista, sitio) everything, internal notes included.
type view int

const (
	viewRequester view = iota
	viewOutside
	viewStaff
)

// viewOf is the view of a notification's recipient.
func (n *Notifier) viewOf(nt note) view {
	if nt.public {
		return viewRequester
	}
	if n.Roster != nil {
		if p, ok := n.Roster.Find(nt.to.Email); ok && strings.EqualFold(p.Email, nt.to.Email) {
			switch p.Role {
			case tickets.RoleDesk, tickets.RoleSpecialist, tickets.RoleOnSite:
				return viewStaff
			}
		}
	}
	return viewOutside
}

// historyFor is the record as v may see it.
func historyFor(h []HistoryItem, v view, to string) []HistoryItem {
	switch v {
	case viewStaff:
		return h
	case viewRequester:
		return requesterHistory(h)
	}
	return outsideHistory(h, to)
}

// outsideHistory is what a provider may see of the record: the public
// events, the instructions of a classification, escalation or assignment
// only when it was to them, and people by name only.
func outsideHistory(h []HistoryItem, to string) []HistoryItem {
	out := PublicHistory(h)
	for i := range out {
		switch tickets.EventKind(out[i].Kind) {
		case tickets.EventClassified, tickets.EventEscalated, tickets.EventAssigned:
			if !strings.EqualFold(out[i].To, to) {
				out[i].Text = ""
			}
		}
		out[i].Who = out[i].WhoName
	}
	return out
}

// withoutAddresses leaves in d no address but the recipient's own and the
// desk's: what a provider receives names people, never how to reach them,
// and never another ticket. A command's result names people by address
// ("asignado a lperez@…"): there each known person's address becomes
// their name.
func (q *queue) withoutAddresses(d *Data) {
	if len(d.Results) > 0 {
		results := make([]CommandResult, len(d.Results))
		for i, r := range d.Results {
			r.Summary, r.Reason, r.Hint = q.namesFor(r.Summary, d.Recipient.Email), q.namesFor(r.Reason, d.Recipient.Email),
				q.namesFor(r.Hint, d.Recipient.Email)
			results[i] = r
		}
		d.Results = results
	}
	d.Ticket.Requester.Email = ""
	if a := d.Ticket.Assignee; a != nil && !strings.EqualFold(a.Email, d.Recipient.Email) {
		c := *a
		c.Email = ""
		d.Ticket.Assignee = &c
	}
	if a := d.Actor; a != nil && !strings.EqualFold(a.Email, d.Recipient.Email) {
		c := *a
		c.Email = ""
		d.Actor = &c
		if strings.TrimSpace(c.Name) == "" {
			d.Actor = nil
		}
	}
	d.LinkedRef = ""
	// Whom to name in #escalar: by alias and name.
	staff := make([]LevelStaff, len(d.Staff))
	for i, ls := range d.Staff {
		staff[i] = LevelStaff{Level: ls.Level, People: make([]Person, len(ls.People))}
		for j, p := range ls.People {
			p.Email = ""
			if p.Alias == "" && p.Name == "" {
				continue
			}
			staff[i].People[j] = p
		}
	}
	d.Staff = staff
}

// namesFor replaces in s the address of each person the roster or the
// ticket names (but self's) with their name, or with their alias when
// they have no name.
func (q *queue) namesFor(s, self string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	repl := func(email, name string) {
		if email != "" && !strings.EqualFold(email, self) && name != "" {
			s = replaceFold(s, email, name)
		}
	}
	if q.n.Roster != nil {
		for _, p := range q.n.Roster.People {
			name := p.Name
			if name == "" {
				name = p.Alias
			}
			repl(p.Email, name)
		}
	}
	repl(q.t.Requester, q.t.RequesterName)
	return s
}

// replaceFold replaces every case-insensitive occurrence of old in s
// (ASCII case: addresses) with repl.
func replaceFold(s, old, repl string) string {
	lower, lo := strings.ToLower(s), strings.ToLower(old)
	if !strings.Contains(lower, lo) || len(lower) != len(s) {
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

// displayName is how the record names the person with address email: the
// roster's name, the requester's name, or "" when no name is known (and
// for the system).
func (q *queue) displayName(email string) string {
	if email == "" || email == tickets.System.Email {
		return ""
	}
	if q.n.Roster != nil {
		if p, ok := q.n.Roster.Find(email); ok && strings.TrimSpace(p.Name) != "" {
			return p.Name
		}
	}
	if strings.EqualFold(email, q.t.Requester) && strings.TrimSpace(q.t.RequesterName) != "" {
		return q.t.RequesterName
	}
	if q.trigger != nil && strings.EqualFold(email, q.trigger.FromAddr) {
		return strings.TrimSpace(q.trigger.FromName)
	}
	return ""
}

// recipient is the person with address email, named wherever we know the
// name: the roster, the ticket's requester, the From of the message
// being answered.
func (n *Notifier) recipient(email string, t store.Ticket, trigger *store.Message) Person {
	p := n.personOr(email)
	if p.Name == "" && strings.EqualFold(email, t.Requester) {
		p.Name = t.RequesterName
	}
	if p.Name == "" && trigger != nil && strings.EqualFold(email, trigger.FromAddr) {
		p.Name = trigger.FromName
	}
	p.Name = strings.TrimSpace(p.Name)
	return p
}

// commandSpec is one command a notification may offer, as it is written
// in each language.
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

// commandsFor lists the commands p may run on t now, in lang, and
// whether one of them names a person (#asignar, #escalar): those the
// procedure allows p in t's state, level and assignment (tickets.Allowed,
// the rule that "#ayuda" answers with too). A person outside the roster
// is offered none.
func (n *Notifier) commandsFor(p Person, t store.Ticket, lang string) (cmds []string, naming bool) {
	if n.Roster == nil || t.ID == 0 {
		return nil, false
	}
	rp, ok := n.Roster.Find(p.Email)
	if !ok || !strings.EqualFold(rp.Email, p.Email) {
		return nil, false
	}
	allowed := tickets.Allowed(t.Ticket, tickets.ActorOf(rp))
	for _, s := range commandSpecs {
		if !slices.Contains(allowed, s.kind) {
			continue
		}
		if s.kind == tickets.CmdAssign || s.kind == tickets.CmdEscalate {
			naming = true
		}
		if lang == "en" {
			cmds = append(cmds, s.en)
		} else {
			cmds = append(cmds, s.es)
		}
	}
	return cmds, naming
}

// staffFor lists, by level, the roster people a desk agent or an assignee
// may name in #asignar or #escalar: those who serve the ticket's level and
// the levels above it (every level while the ticket is new).
func (n *Notifier) staffFor(t store.Ticket) []LevelStaff {
	if n.Roster == nil {
		return nil
	}
	from := t.Level
	if t.State == tickets.StateNew || from < 1 {
		from = 1
	}
	var out []LevelStaff
	for l := from; l <= 3; l++ {
		ls := LevelStaff{Level: int(l)}
		for _, p := range n.Roster.People {
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
