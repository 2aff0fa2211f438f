package mailin

import (
	"errors"
	"strings"

	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/tickets"
)

// What a sender is told they may do: the commands the procedure lets them
// run on the ticket now (tickets.Allowed), each as a line they can send.

// usage is how a command is written, with an example argument, in lang.
func usage(k tickets.CommandKind, lang string) string {
	return tickets.Say(lang, "usage."+string(k))
}

// mayDo is one line listing what a may run on t now.
func mayDo(t tickets.Ticket, a tickets.Actor, lang string) string {
	kinds := tickets.Allowed(t, a)
	if len(kinds) == 0 {
		if a.InRoster() {
			return tickets.Say(lang, "may.none.roster")
		}
		return tickets.Say(lang, "may.none.outsider")
	}
	var ls []string
	for _, k := range kinds {
		ls = append(ls, usage(k, lang))
	}
	return tickets.Say(lang, "may.some", strings.Join(ls, " · "))
}

// help answers "#ayuda": each command a may run on t now with how to write
// it, and the people "#asignar" and "#escalar" take.
func (in *Intake) help(t tickets.Ticket, a tickets.Actor, lang string) string {
	kinds := tickets.Allowed(t, a)
	lines := []string{tickets.Say(lang, "help.title")}
	if len(kinds) == 0 {
		lines = []string{mayDo(t, a, lang)}
	}
	for _, k := range kinds {
		l := "- " + usage(k, lang)
		switch k {
		case tickets.CmdAssign:
			if names := in.aliasesServing(t.Level); names != "" {
				l += tickets.Say(lang, "help.whom", names)
			}
		case tickets.CmdEscalate:
			next := t.Level + 1
			if t.State == tickets.StateNew || next < 2 {
				next = 2
			}
			if names := in.aliasesServing(next); names != "" {
				l += tickets.Say(lang, "help.level", int(next), names)
			}
		}
		lines = append(lines, l)
	}
	lines = append(lines, tickets.Say(lang, "help.self"))
	return strings.Join(lines, "\n  ")
}

// aliasesServing lists the aliases of the roster people who serve level l.
func (in *Intake) aliasesServing(l tickets.Level) string {
	r := in.Service.Roster
	if r == nil {
		return ""
	}
	var out []string
	for _, p := range r.People {
		if !p.Serves(l) || p.Role == tickets.RoleDesk && l > 1 {
			continue
		}
		name := p.Alias
		if name == "" {
			name = p.Email
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}

// hint says what would work instead of the refused command line c: the
// line it most likely meant, or the commands this sender may run now.
func (in *Intake) hint(c reply.Command, err error, t tickets.Ticket, a tickets.Actor, lang string) string {
	if c.Verb == reply.VerbUnknown {
		if _, line, ok := reply.Suggest(c); ok {
			return tickets.Say(lang, "hint.did_you_mean", line, mayDo(t, a, lang))
		}
		return mayDo(t, a, lang)
	}
	switch {
	case errors.Is(err, tickets.ErrNotAllowed), errors.Is(err, tickets.ErrInvalidTransition), errors.Is(err, tickets.ErrNoHigherLevel):
		return mayDo(t, a, lang)
	}
	return hint(err, lang)
}
