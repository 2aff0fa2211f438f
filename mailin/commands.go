package mailin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// commands runs the command lines of a reply in order. The first refused
// one stops the rest; every refusal is on the ticket's record; the sender
// gets one answer saying what ran and what did not. Without a verified
// identity nothing runs and the text is kept as a comment.
func (in *Intake) commands(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message,
	mt matched, actor tickets.Actor, cmds []reply.Command, comment string) (result, error) {
	t := *mt.ticket
	lang := in.langOf(actor.Email, t.Lang)
	var results []mailout.CommandResult

	// refuseAll keeps the text on record and refuses every command. The
	// text of someone outside the roster is a comment, as any of their
	// mail; the text of a roster person whose identity could not be
	// verified stays internal (it may hold a #nota, or be forged).
	refuseAll := func(reason, hint, record string, public bool) error {
		for _, c := range cmds {
			results = append(results, mailout.CommandResult{Line: lineOf(c), Reason: reason, Hint: hint})
		}
		if body := strings.TrimSpace(msg.Body); body != "" {
			if public {
				if _, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdComment, Text: body}, actor, msg); err != nil && !isRefusal(err) {
					return err
				}
			} else {
				record += "\n" + body
			}
		}
		if _, err := tx.Record(t.ID, tickets.EventRefused, actor, false, record, msg); err != nil {
			return err
		}
		return nil
	}

	switch {
	case !actor.InRoster() && actor.Role != tickets.RoleRequester:
		if err := refuseAll(
			tr(lang, "solo el personal de soporte registrado ejecuta comandos", "only registered support staff run commands"),
			tr(lang, "su mensaje quedó en el caso como comentario", "your message was kept on the ticket as a comment"),
			"commands from "+actor.Email+" refused: not in the roster: "+joinLines(cmds), true); err != nil {
			return result{}, err
		}
	default:
		if ok, why := in.verify(ctx, m, msg.Raw, mt); !ok {
			if err := refuseAll(
				tr(lang, "no se pudo verificar que el mensaje viene de usted ("+whyES(why)+")", "your identity could not be verified ("+why+")"),
				tr(lang, "responda con «Responder» al último aviso que recibió de la mesa: su dirección de respuesta lleva una firma que lo identifica",
					"use Reply on the latest notification you received from the desk: its reply address carries a signature that identifies you"),
				"commands from "+actor.Email+" not applied: identity not verified ("+why+"): "+joinLines(cmds), !actor.InRoster()); err != nil {
				return result{}, err
			}
			break
		}
		// Everything one email does is told once, as it stands at the end.
		tx.Hold()
		var err error
		if results, t, err = in.run(ctx, tx, t, actor, lang, cmds, comment, msg); err != nil {
			return result{}, err
		}
		if err := tx.Release(); err != nil {
			return result{}, err
		}
	}
	// A requester whose commands all ran is acknowledged by the
	// notification of what happened (reopened); roster people get the
	// command result, and anyone is told of a refusal.
	if in.Responder != nil && (actor.InRoster() || !allApplied(results)) {
		if err := in.Responder.CommandResults(tx.Context(), tx.Q, t, actor.Email, results, msg); err != nil {
			return result{}, err
		}
	}
	return processed(f.UID, "commands"), nil
}

// run applies verified commands in order.
func (in *Intake) run(ctx context.Context, tx *service.Tx, t store.Ticket, actor tickets.Actor, lang string,
	cmds []reply.Command, comment string, msg *store.Message) ([]mailout.CommandResult, store.Ticket, error) {
	var results []mailout.CommandResult
	commentUsed := false
	hasNote := false
	for _, c := range cmds {
		if c.Verb == reply.VerbNote {
			hasNote = true
		}
	}
	// The rest of the message goes with the last command that takes text
	// and has none of its own (with a #nota among them, only with a note:
	// nothing leaks to the requester).
	carrier := -1
	for i, c := range cmds {
		if c.Text == "" && takesText(verbKind(c.Verb)) && (c.Verb == reply.VerbNote || !hasNote) {
			carrier = i
		}
	}
	for i, c := range cmds {
		cmd, err := in.toCommand(c, lang)
		if err == nil && i == carrier && cmd.Text == "" && strings.TrimSpace(comment) != "" {
			cmd.Text, commentUsed = comment, true
		}
		if err == nil {
			var after store.Ticket
			after, _, err = tx.Apply(t.ID, cmd, actor, msg)
			if err == nil {
				results = append(results, mailout.CommandResult{Line: lineOf(c), Applied: true, Summary: summary(t, after, lang)})
				t = after
				continue
			}
		}
		if !isRefusal(err) {
			return nil, t, err
		}
		reason := refusalText(err, lang)
		results = append(results, mailout.CommandResult{Line: lineOf(c), Reason: reason, Hint: hint(err, lang)})
		if _, err := tx.Record(t.ID, tickets.EventRefused, actor, false, "command refused: "+lineOf(c)+": "+refusalText(err, "en"), msg); err != nil {
			return nil, t, err
		}
		for _, rest := range cmds[i+1:] {
			results = append(results, mailout.CommandResult{Line: lineOf(rest),
				Reason: tr(lang, "no se ejecutó porque el comando anterior fue rechazado", "not run because the command before it was refused")})
		}
		break
	}
	// The rest of the message is a public comment only when no command
	// was to carry it: text meant for a command that was refused (the
	// instructions for an assignee, a note) stays internal.
	if text := strings.TrimSpace(comment); text != "" && !commentUsed && t.State.Open() {
		if carrier < 0 && !hasNote {
			if _, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdComment, Text: text}, actor, msg); err != nil && !isRefusal(err) {
				return nil, t, err
			}
		} else if _, err := tx.Record(t.ID, tickets.EventNoted, actor, false, text, msg); err != nil {
			return nil, t, err
		}
		if after, err := store.GetTicket(ctx, tx.Q, t.ID); err == nil {
			t = after
		}
	}
	return results, t, nil
}

// takesText says whether the rest of the message goes with a command as
// its text: the resolution, the reason to reopen, the note, or the
// instructions to whoever the case is classified, escalated or assigned
// to (on record, shown to the assignee, not mailed to the requester).
func takesText(k tickets.CommandKind) bool {
	switch k {
	case tickets.CmdResolve, tickets.CmdReopen, tickets.CmdNote, tickets.CmdClassify, tickets.CmdEscalate, tickets.CmdAssign:
		return true
	}
	return false
}

// toCommand turns a parsed command line into a domain command, looking up
// people and services.
func (in *Intake) toCommand(c reply.Command, lang string) (tickets.Command, error) {
	roster := in.Service.Roster
	var cmd tickets.Command
	person := func(name string) (*tickets.Person, error) {
		if roster != nil {
			if p, ok := roster.Find(name); ok {
				return &p, nil
			}
		}
		return nil, tickets.NewRefusal(service.ErrUnknownPerson,
			fmt.Sprintf("nobody in the roster is called %q", name),
			fmt.Sprintf("nadie en la lista de personal se llama %q", name))
	}
	switch c.Verb {
	case reply.VerbClassify:
		cmd = tickets.Command{Kind: tickets.CmdClassify, Level: tickets.Level(c.Level), Text: c.Text}
		if c.Service != "" {
			svc, ok := tickets.Service{}, false
			if roster != nil {
				svc, ok = roster.FindService(c.Service)
			}
			if !ok {
				return cmd, tickets.NewRefusal(service.ErrUnknownService,
					fmt.Sprintf("%q is not in the service catalogue", c.Service),
					fmt.Sprintf("%q no está en el catálogo de servicios", c.Service))
			}
			cmd.Service = svc.Name
			if cmd.Level == 0 {
				cmd.Level = svc.Level
			}
			if c.Target == "" && svc.Assignee != "" {
				if p, err := person(svc.Assignee); err == nil && p.Serves(cmd.Level) {
					cmd.To = p
				}
			}
		}
	case reply.VerbEscalate:
		cmd = tickets.Command{Kind: tickets.CmdEscalate, Level: tickets.Level(c.Level), Text: c.Text}
	case reply.VerbAssign:
		cmd = tickets.Command{Kind: tickets.CmdAssign, Text: c.Text}
		if c.Target == "" && c.Args != "" {
			c.Target = strings.Fields(c.Args)[0]
		}
	case reply.VerbResolve:
		cmd = tickets.Command{Kind: tickets.CmdResolve, Text: c.Text}
	case reply.VerbClose:
		cmd = tickets.Command{Kind: tickets.CmdClose, Text: c.Text}
	case reply.VerbReopen:
		cmd = tickets.Command{Kind: tickets.CmdReopen, Text: c.Text}
	case reply.VerbNote:
		cmd = tickets.Command{Kind: tickets.CmdNote, Text: c.Text}
	default:
		return cmd, tickets.NewRefusal(tickets.ErrInvalidTransition,
			fmt.Sprintf("unknown command %s", c.Name), fmt.Sprintf("comando desconocido %s", c.Name))
	}
	if c.Target != "" {
		p, err := person(c.Target)
		if err != nil {
			return cmd, err
		}
		cmd.To = p
	}
	return cmd, nil
}

// summary says what a command changed: state, level, assignee.
func summary(before, after store.Ticket, lang string) string {
	var parts []string
	if before.State != after.State {
		parts = append(parts, tr(lang, "estado: ", "state: ")+mailout.StateLabel(string(after.State), lang))
	}
	if before.Level != after.Level {
		parts = append(parts, mailout.LevelLabel(int(after.Level), lang))
	}
	if before.Assignee != after.Assignee {
		a := after.Assignee
		if a == "" {
			a = tr(lang, "mesa de servicio", "service desk")
		}
		parts = append(parts, tr(lang, "asignado a ", "assigned to ")+a)
	}
	if before.Service != after.Service && after.Service != "" {
		parts = append(parts, tr(lang, "servicio: ", "service: ")+after.Service)
	}
	if len(parts) == 0 {
		return tr(lang, "registrado en el caso", "recorded on the ticket")
	}
	return strings.Join(parts, " · ")
}

// hint says what would work instead of a refused command.
func hint(err error, lang string) string {
	switch {
	case errors.Is(err, tickets.ErrNotAllowed):
		return tr(lang, "pida a la mesa de servicio o al responsable del caso que lo haga", "ask the service desk or the ticket's assignee to do it")
	case errors.Is(err, tickets.ErrNoHigherLevel):
		return tr(lang, "use #resolver cuando quede solucionado, o #asignar a otra persona de nivel 3", "use #resolve once it is solved, or #assign another level-3 person")
	case errors.Is(err, tickets.ErrCannotServe), errors.Is(err, service.ErrUnknownPerson):
		return tr(lang, "use el alias o el correo de alguien de la lista de personal que atienda ese nivel", "use the alias or address of a roster person who serves that level")
	case errors.Is(err, service.ErrUnknownService):
		return tr(lang, "use el nombre de un servicio del catálogo", "use the name of a service in the catalogue")
	case errors.Is(err, tickets.ErrInvalidTransition):
		return tr(lang, "comandos: #nivel, #clasificar, #escalar, #asignar, #resolver, #cerrar, #reabrir, #nota (vea el estado actual del caso abajo)",
			"commands: #level, #classify, #escalate, #assign, #resolve, #close, #reopen, #note (see the ticket's current state below)")
	case errors.Is(err, tickets.ErrMissingArgument), errors.Is(err, tickets.ErrInvalidLevel):
		return tr(lang, "revise el formato: #escalar nivel 3 a <persona>, #asignar <persona>, #nivel 2", "check the format: #escalate level 3 to <person>, #assign <person>, #level 2")
	}
	return ""
}

func (in *Intake) langOf(email, fallback string) string {
	if r := in.Service.Roster; r != nil {
		if p, ok := r.Find(email); ok && p.Language != "" {
			return p.Language
		}
	}
	if fallback != "" {
		return fallback
	}
	return "es"
}

func tr(lang, es, en string) string {
	if lang == "en" {
		return en
	}
	return es
}

func joinLines(cmds []reply.Command) string {
	var l []string
	for _, c := range cmds {
		l = append(l, lineOf(c))
	}
	return strings.Join(l, " | ")
}

// whyES translates the identity problems the intake itself words.
func whyES(why string) string {
	switch why {
	case "the reply address has expired":
		return "la dirección de respuesta venció"
	case "the reply address was signed with a key no longer in use":
		return "la dirección de respuesta fue firmada con una clave que ya no se usa"
	case "the reply address is not valid for this sender":
		return "la dirección de respuesta no corresponde a este remitente"
	case "the reply address belongs to another ticket":
		return "la dirección de respuesta pertenece a otro caso"
	case "the reply address names a ticket that does not exist":
		return "la dirección de respuesta nombra un caso que no existe"
	case "the message did not come through the signed reply address of a notification, and no trusted authentication result vouches for the sender":
		return "el mensaje no llegó por la dirección de respuesta firmada de un aviso, ni trae una autenticación de confianza del remitente"
	}
	return why
}

func allApplied(rs []mailout.CommandResult) bool {
	for _, r := range rs {
		if !r.Applied {
			return false
		}
	}
	return true
}

// verbKind maps a parsed verb to the domain command it becomes.
func verbKind(v reply.Verb) tickets.CommandKind {
	switch v {
	case reply.VerbClassify:
		return tickets.CmdClassify
	case reply.VerbEscalate:
		return tickets.CmdEscalate
	case reply.VerbAssign:
		return tickets.CmdAssign
	case reply.VerbResolve:
		return tickets.CmdResolve
	case reply.VerbClose:
		return tickets.CmdClose
	case reply.VerbReopen:
		return tickets.CmdReopen
	case reply.VerbNote:
		return tickets.CmdNote
	}
	return ""
}
