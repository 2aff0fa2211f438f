package mailin

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// commands applies the command lines of a reply. A roster person's
// commands run all or none: they are first tried against the procedure's
// rules, in order, on the ticket as it stands, and only when every one of
// them would run are they applied. When one is refused, or is a "#word"
// that is no command, nothing runs and nothing of the email reaches the
// requester: its text stays on the ticket as an internal note, and the
// sender is told which line failed, why, and what would work. Someone
// outside the roster runs no command but "#reabrir" (the requester, on a
// resolved ticket) and "#ayuda"; whatever else they write is a comment for
// the desk and the assignee.
func (in *Intake) commands(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message,
	mt matched, actor tickets.Actor, cmds []reply.Command, comment string) (result, error) {
	t, err := store.LockTicket(ctx, tx.Q, mt.ticket.ID)
	if err != nil {
		return result{}, err
	}
	lang := in.langOf(actor.Email, t.Lang)
	// An outsider's commands are refused whoever sent them: their identity
	// is not asked, so a DKIM lookup that fails for a while holds nothing
	// back.
	outsider := !actor.InRoster() && !outsiderMayRun(actor, cmds)
	verified, why := false, ""
	if !outsider {
		verified, why = in.verify(ctx, m, msg.Raw, mt)
	}

	var results []tickets.CommandResult
	switch {
	case outsider:
		results, err = in.outsiderRefused(tx, t, actor, lang, cmds, msg)
	case !verified:
		results, err = in.unverified(tx, t, actor, lang, why, cmds, msg)
	default:
		var steps []step
		var records []tickets.RefusedLine
		var ok bool
		steps, results, records, ok = in.plan(t, actor, lang, cmds, comment, tx.Now())
		if !ok {
			err = in.keepRefused(tx, t, actor, cmds, records, msg)
			break
		}
		// Everything one email does is told once, as it stands at the end.
		tx.Hold()
		if results, t, err = in.run(ctx, tx, t, actor, lang, steps, results, msg); err != nil {
			return result{}, err
		}
		err = tx.Release()
	}
	if err != nil {
		return result{}, err
	}
	// A requester whose reopening ran is answered by the reopening's own
	// notice; roster people get the command result, and anyone is told of
	// a refusal or gets the help they asked for.
	if in.Responder != nil && (actor.InRoster() || !allApplied(results) || asksHelp(cmds)) {
		if err := in.Responder.CommandResults(tx.Context(), tx.Q, t, actor.Email, results, msg); err != nil {
			return result{}, err
		}
	}
	return processed(f.UID, "commands"), nil
}

// outsiderMayRun says whether every command line of someone outside the
// roster is one they may send: "#ayuda", and "#reabrir" from the requester
// (the domain still checks the ticket's state).
func outsiderMayRun(a tickets.Actor, cmds []reply.Command) bool {
	for _, c := range cmds {
		if c.Verb != reply.VerbHelp && !(c.Verb == reply.VerbReopen && a.Role == tickets.RoleRequester) {
			return false
		}
	}
	return true
}

func asksHelp(cmds []reply.Command) bool {
	for _, c := range cmds {
		if c.Verb == reply.VerbHelp {
			return true
		}
	}
	return false
}

// outsiderRefused keeps what the requester (or anyone outside the roster)
// wrote as a comment, command lines and all, so the desk and the assignee
// are told; the commands are refused on record, and the answer lists only
// what this person may do.
func (in *Intake) outsiderRefused(tx *service.Tx, t store.Ticket, actor tickets.Actor, lang string,
	cmds []reply.Command, msg *store.Message) ([]tickets.CommandResult, error) {
	reason := tickets.Say(lang, "reply.outsider")
	hint := mayDo(t.Ticket, actor, lang)
	var results []tickets.CommandResult
	for _, c := range cmds {
		results = append(results, tickets.CommandResult{Line: lineOf(c), Reason: reason, Hint: hint})
	}
	if body := strings.TrimSpace(msg.Body); body != "" {
		if _, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdComment, Text: body}, actor, msg); err != nil && !isRefusal(err) {
			return nil, err
		}
	}
	_, err := tx.RecordNote(t.ID, tickets.EventRefused, actor,
		tickets.Note{Code: tickets.NoteCommandsOutsider, Address: actor.Email, Lines: linesOf(cmds)}, msg)
	return results, err
}

// unverified refuses every command of a sender whose identity could not be
// verified. A roster person's text stays internal (it may hold a note, or
// be forged); the requester's is a comment, as any of their mail.
func (in *Intake) unverified(tx *service.Tx, t store.Ticket, actor tickets.Actor, lang, why string,
	cmds []reply.Command, msg *store.Message) ([]tickets.CommandResult, error) {
	reason := tickets.Say(lang, "reply.unverified", tickets.Identity(why, lang))
	hint := tickets.Say(lang, "hint.verify")
	var results []tickets.CommandResult
	for _, c := range cmds {
		results = append(results, tickets.CommandResult{Line: lineOf(c), Reason: reason, Hint: hint})
	}
	record := tickets.Note{Code: tickets.NoteCommandsUnverified, Address: actor.Email, Why: why, Lines: linesOf(cmds)}
	body := strings.TrimSpace(msg.Body)
	switch {
	case body == "":
	case actor.InRoster():
		if _, err := tx.Record(t.ID, tickets.EventNoted, actor, false, body, msg); err != nil {
			return nil, err
		}
	default:
		if _, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdComment, Text: body}, actor, msg); err != nil && !isRefusal(err) {
			return nil, err
		}
	}
	_, err := tx.RecordNote(t.ID, tickets.EventRefused, actor, record, msg)
	return results, err
}

// keepRefused records a refused email: the refusal, and the whole text, so
// that nothing is lost. A roster person's text is an internal note, so
// that nothing of it reaches the requester; the requester's (a "#reabrir"
// the state refused) is a comment for the desk and the assignee.
func (in *Intake) keepRefused(tx *service.Tx, t store.Ticket, actor tickets.Actor, cmds []reply.Command,
	records []tickets.RefusedLine, msg *store.Message) error {
	if _, err := tx.RecordNote(t.ID, tickets.EventRefused, actor,
		tickets.Note{Code: tickets.NoteCommandsRefused, Refused: records}, msg); err != nil {
		return err
	}
	body := strings.TrimSpace(msg.Body)
	switch {
	case body == "":
	case actor.InRoster():
		if _, err := tx.Record(t.ID, tickets.EventNoted, actor, false, body, msg); err != nil {
			return err
		}
	default:
		if _, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdComment, Text: body}, actor, msg); err != nil && !isRefusal(err) {
			return err
		}
	}
	return nil
}

// step is one thing a verified email does: a command line (line >= 0) or
// its text as a comment or internal note (line < 0).
type step struct {
	line int
	cmd  tickets.Command
}

// plan turns the command lines into the steps that run them and tries
// them, in order, with the procedure's rules on a copy of t. ok is false
// when one would be refused; the results say which and why, and records
// keep the refused line and its reason, as data, for the record.
func (in *Intake) plan(t store.Ticket, actor tickets.Actor, lang string, cmds []reply.Command, comment string,
	now time.Time) (steps []step, results []tickets.CommandResult, records []tickets.RefusedLine, ok bool) {
	hasNote, hasHelp := false, false
	for _, c := range cmds {
		hasNote = hasNote || c.Verb == reply.VerbNote
		hasHelp = hasHelp || c.Verb == reply.VerbHelp
	}
	// The rest of the message goes with the last command that takes text
	// and has none of its own (with a #nota among them, only with a note:
	// nothing leaks to the requester). With no such command it is a
	// comment, public when nothing in the email is internal, and on record
	// before the commands, while the ticket still takes comments.
	carrier := -1
	for i, c := range cmds {
		if c.Text == "" && takesText(verbKinds[c.Verb]) && (c.Verb == reply.VerbNote || !hasNote) {
			carrier = i
		}
	}
	if text := strings.TrimSpace(comment); text != "" && carrier < 0 {
		kind := tickets.CmdComment
		if actor.InRoster() && (hasNote || hasHelp) {
			kind = tickets.CmdNote
		}
		steps = append(steps, step{line: -1, cmd: tickets.Command{Kind: kind, Text: text}})
	}
	results = make([]tickets.CommandResult, len(cmds))
	failed := -1
	for i, c := range cmds {
		results[i].Line = lineOf(c)
		if c.Verb == reply.VerbHelp {
			continue
		}
		cmd, err := in.toCommand(c, lang)
		if err == nil {
			if i == carrier && cmd.Text == "" {
				cmd.Text = strings.TrimSpace(comment)
			}
			steps = append(steps, step{line: i, cmd: cmd})
		} else {
			failed = i
			results[i].Reason, results[i].Hint = refusalText(err, lang), in.hint(c, err, t.Ticket, actor, lang)
			records = append(records, tickets.RefusedLine{Line: lineOf(c), Reason: tickets.ReasonOf(err)})
			break
		}
	}
	// Try the steps on a copy of the ticket, as Apply will run them.
	sim := t.Ticket
	if failed < 0 {
		for _, s := range steps {
			next, _, err := tickets.Apply(sim, s.cmd, actor, now)
			if err != nil {
				if s.line < 0 {
					// The text itself could not be kept as it was meant
					// (a comment on a ticket that takes none): run() keeps
					// it as a note instead.
					continue
				}
				failed = s.line
				c := cmds[s.line]
				results[s.line].Reason, results[s.line].Hint = refusalText(err, lang), in.hint(c, err, sim, actor, lang)
				records = append(records, tickets.RefusedLine{Line: lineOf(c), Reason: tickets.ReasonOf(err)})
				break
			}
			sim = next
		}
	}
	if failed >= 0 {
		for i := range results {
			if i != failed {
				results[i].Reason = tickets.Say(lang, "reply.not_run.all")
			}
		}
		return nil, results, records, false
	}
	return steps, results, nil, true
}

// run applies the planned steps in order. Should one be refused after all
// (the ticket changed meanwhile), it stops there, as the plan would have.
func (in *Intake) run(ctx context.Context, tx *service.Tx, t store.Ticket, actor tickets.Actor, lang string,
	steps []step, results []tickets.CommandResult, msg *store.Message) ([]tickets.CommandResult, store.Ticket, error) {
	for _, s := range steps {
		before := t
		after, _, err := tx.Apply(t.ID, s.cmd, actor, msg)
		if err != nil && !isRefusal(err) {
			return nil, t, err
		}
		if s.line < 0 {
			if err != nil {
				// Kept all the same, as an internal note.
				if _, err := tx.Record(t.ID, tickets.EventNoted, actor, false, s.cmd.Text, msg); err != nil {
					return nil, t, err
				}
				continue
			}
			t = after
			continue
		}
		if err != nil {
			r := &results[s.line]
			r.Reason, r.Hint = refusalText(err, lang), hint(err, lang)
			note := tickets.Note{Code: tickets.NoteCommandRefused, Refused: []tickets.RefusedLine{{Line: r.Line, Reason: tickets.ReasonOf(err)}}}
			if _, err := tx.RecordNote(t.ID, tickets.EventRefused, actor, note, msg); err != nil {
				return nil, t, err
			}
			// The text it would have carried is kept, internal; the lines
			// after it did not run.
			if s.cmd.Text != "" {
				if _, err := tx.Record(t.ID, tickets.EventNoted, actor, false, strings.TrimSpace(msg.Body), msg); err != nil {
					return nil, t, err
				}
			}
			for i := s.line + 1; i < len(results); i++ {
				if !results[i].Applied && results[i].Reason == "" {
					results[i].Reason = tickets.Say(lang, "reply.not_run.after")
				}
			}
			return results, t, nil
		}
		results[s.line].Applied, results[s.line].Summary = true, in.summary(before, after, lang)
		t = after
	}
	for i := range results {
		if results[i].Reason == "" && !results[i].Applied {
			// "#ayuda": what this person may run now, as the ticket stands.
			results[i].Applied, results[i].Summary = true, in.help(t.Ticket, actor, lang)
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
		return nil, tickets.NewRefusal(service.ErrUnknownPerson, "person.unknown", name)
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
				return cmd, tickets.NewRefusal(service.ErrUnknownService, "service.unknown", c.Service)
			}
			cmd.Service = svc.Name
			if cmd.Level == 0 {
				cmd.Level = svc.Level
			}
			if c.Target == "" {
				if p, ok := roster.AssigneeFor(svc, cmd.Level); ok {
					cmd.To = &p
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
		return cmd, tickets.NewRefusal(tickets.ErrInvalidTransition, "command.not_a_command", c.Name)
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
func (in *Intake) summary(before, after store.Ticket, lang string) string {
	say := func(key string, args ...any) string { return tickets.Say(lang, key, args...) }
	var parts []string
	if before.State != after.State {
		parts = append(parts, say("summary.state", strings.ToLower(after.State.Label(lang))))
	}
	if before.Level != after.Level {
		parts = append(parts, say("summary.level", int(after.Level)))
	}
	if before.Assignee != after.Assignee {
		a := after.Assignee
		if a == "" {
			a = say("summary.desk")
		} else if r := in.Service.Roster; r != nil {
			if p, ok := r.Find(a); ok && p.Name != "" {
				a = p.Name
			}
		}
		parts = append(parts, say("summary.assigned", a))
	}
	if before.Service != after.Service && after.Service != "" {
		parts = append(parts, say("summary.service", after.Service))
	}
	if len(parts) == 0 {
		return say("summary.recorded")
	}
	return strings.Join(parts, say("summary.joiner"))
}

// hint says what would work instead of a refused command.
func hint(err error, lang string) string {
	key := ""
	switch {
	case errors.Is(err, tickets.ErrNotAllowed):
		key = "hint.not_allowed"
	case errors.Is(err, tickets.ErrNoHigherLevel):
		key = "hint.no_higher"
	case errors.Is(err, tickets.ErrCannotServe), errors.Is(err, service.ErrUnknownPerson):
		key = "hint.person"
	case errors.Is(err, service.ErrUnknownService):
		key = "hint.service"
	case errors.Is(err, tickets.ErrInvalidTransition):
		key = "hint.commands"
	case errors.Is(err, tickets.ErrMissingArgument), errors.Is(err, tickets.ErrInvalidLevel):
		key = "hint.format"
	default:
		return ""
	}
	return tickets.Say(lang, key)
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

// linesOf are the command lines as the sender wrote them.
func linesOf(cmds []reply.Command) []string {
	l := make([]string, 0, len(cmds))
	for _, c := range cmds {
		l = append(l, lineOf(c))
	}
	return l
}

func allApplied(rs []tickets.CommandResult) bool {
	for _, r := range rs {
		if !r.Applied {
			return false
		}
	}
	return true
}

// verbKinds map a parsed verb to the domain command it becomes.
var verbKinds = map[reply.Verb]tickets.CommandKind{
	reply.VerbClassify: tickets.CmdClassify, reply.VerbEscalate: tickets.CmdEscalate, reply.VerbAssign: tickets.CmdAssign,
	reply.VerbResolve: tickets.CmdResolve, reply.VerbClose: tickets.CmdClose, reply.VerbReopen: tickets.CmdReopen,
	reply.VerbNote: tickets.CmdNote,
}

// deskLang is the language of what the intake writes on the record: the
// desk's (desk.language), Spanish unless it says otherwise.
func (in *Intake) deskLang() string {
	if in.Service.Lang == "en" {
		return "en"
	}
	return "es"
}
