package mailin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/tickets"
)

// What a sender is told they may do: the commands the procedure lets them
// run on the ticket now (tickets.Allowed), each as a line they can send.

// usage is how a command is written, with an example argument.
var usage = map[tickets.CommandKind][2]string{ // es, en
	tickets.CmdClassify: {"#nivel <1-3> · #clasificar <servicio>", "#level <1-3> · #classify <service>"},
	tickets.CmdEscalate: {"#escalar [nivel 3] [a <persona>]", "#escalate [level 3] [to <person>]"},
	tickets.CmdAssign:   {"#asignar <persona>", "#assign <person>"},
	tickets.CmdResolve:  {"#resolver <qué se hizo>", "#resolve <what was done>"},
	tickets.CmdClose:    {"#cerrar", "#close"},
	tickets.CmdReopen:   {"#reabrir <por qué>", "#reopen <why>"},
	tickets.CmdNote:     {"#nota <texto interno>", "#note <internal text>"},
}

// mayDo is one line listing what a may run on t now.
func mayDo(t tickets.Ticket, a tickets.Actor, lang string) string {
	kinds := tickets.Allowed(t, a)
	if len(kinds) == 0 {
		if a.InRoster() {
			return tr(lang, "en el estado actual del caso usted no puede ejecutar comandos; pida a la mesa de servicio o al responsable del caso lo que necesite",
				"as the ticket stands you cannot run commands on it; ask the service desk or the ticket's assignee for what you need")
		}
		return tr(lang, "responda en palabras, sin comandos: la mesa de servicio y el responsable del caso reciben su mensaje",
			"reply in plain words, without commands: the service desk and the ticket's assignee receive your message")
	}
	var ls []string
	for _, k := range kinds {
		ls = append(ls, usage[k][langIdx(lang)])
	}
	return tr(lang, "use uno de los comandos que puede ejecutar ahora: ", "use one of the commands you may run now: ") + strings.Join(ls, " · ")
}

// help answers "#ayuda": each command a may run on t now with how to write
// it, and the people "#asignar" and "#escalar" take.
func (in *Intake) help(t tickets.Ticket, a tickets.Actor, lang string) string {
	kinds := tickets.Allowed(t, a)
	lines := []string{tr(lang, "Comandos que puede usar ahora en este caso (una línea por comando, al comienzo de su respuesta):",
		"Commands you may use on this ticket now (one per line, at the top of your reply):")}
	if len(kinds) == 0 {
		lines = []string{mayDo(t, a, lang)}
	}
	for _, k := range kinds {
		l := "- " + usage[k][langIdx(lang)]
		switch k {
		case tickets.CmdAssign:
			if names := in.aliasesServing(t.Level); names != "" {
				l += tr(lang, " (a quién: ", " (whom: ") + names + ")"
			}
		case tickets.CmdEscalate:
			next := t.Level + 1
			if t.State == tickets.StateNew || next < 2 {
				next = 2
			}
			if names := in.aliasesServing(next); names != "" {
				l += tr(lang, " (nivel ", " (level ") + strconv.Itoa(int(next)) + ": " + names + ")"
			}
		}
		lines = append(lines, l)
	}
	lines = append(lines, tr(lang, "- #ayuda: esta lista", "- #help: this list"))
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
			return tr(lang, "¿quiso decir «"+line+"»? O ", "did you mean \""+line+"\"? Or ") + mayDo(t, a, lang)
		}
		return mayDo(t, a, lang)
	}
	switch {
	case errors.Is(err, tickets.ErrNotAllowed), errors.Is(err, tickets.ErrInvalidTransition), errors.Is(err, tickets.ErrNoHigherLevel):
		return mayDo(t, a, lang)
	}
	return hint(err, lang)
}

func langIdx(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}
