package mailin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// TestCommandMatrix sends every command, in Spanish and in English, from
// every kind of sender, to tickets in every state, each through that
// sender's valid reply address; a command runs exactly when the domain's
// "who may" rules allow it, and otherwise the refusal is on record.
func TestCommandMatrix(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := e.in.Service
	desk := tickets.ActorOf(roster.People[0])
	spec, _ := roster.Find("lperez")
	prov, _ := roster.Find("proveedor1")

	states := []struct {
		name  string
		setup []tickets.Command
	}{
		{"nuevo", nil},
		{"en_atencion L1", []tickets.Command{{Kind: tickets.CmdClassify, Level: 1}}},
		{"en_atencion L2 lperez", []tickets.Command{{Kind: tickets.CmdClassify, Level: 2, To: &spec}}},
		{"resuelto L2 lperez", []tickets.Command{{Kind: tickets.CmdClassify, Level: 2, To: &spec}, {Kind: tickets.CmdResolve}}},
	}
	senders := []string{"jgomez@example.gov.co", "lperez@example.gov.co", "soporte@proveedor.example.com", "ana@example.gov.co", "otro@example.com"}
	commands := []struct {
		es, en string
		cmd    tickets.Command
	}{
		{"#nivel 2", "#level 2", tickets.Command{Kind: tickets.CmdClassify, Level: 2}},
		{"#escalar", "#escalate", tickets.Command{Kind: tickets.CmdEscalate}},
		{"#escalar nivel 3 a proveedor1", "#escalate level 3 to proveedor1", tickets.Command{Kind: tickets.CmdEscalate, Level: 3, To: &prov}},
		{"#asignar lperez", "#assign lperez", tickets.Command{Kind: tickets.CmdAssign, To: &spec}},
		{"#resolver listo", "#resolve done", tickets.Command{Kind: tickets.CmdResolve, Text: "x"}},
		{"#cerrar", "#close", tickets.Command{Kind: tickets.CmdClose}},
		{"#reabrir", "#reopen", tickets.Command{Kind: tickets.CmdReopen}},
		{"#nota interna", "#note internal", tickets.Command{Kind: tickets.CmdNote, Text: "x"}},
		// Typos and "#words" that are no command: never applied.
		{"#escalr nivel 2 a lperez", "#escalte level 2", tickets.Command{Kind: "typo"}},
		{"#urgente", "#asap", tickets.Command{Kind: "typo"}},
	}
	n := 0
	for _, st := range states {
		for _, from := range senders {
			for _, c := range commands {
				for _, line := range []string{c.es, c.en} {
					n++
					tk, err := svc.Open(ctx, openReq(n))
					if err != nil {
						t.Fatal(err)
					}
					for _, s := range st.setup {
						if _, _, err := svc.Apply(ctx, tk.ID, s, desk); err != nil {
							t.Fatalf("setup %s: %v", st.name, err)
						}
					}
					before, _ := store.GetTicket(ctx, e.db, tk.ID)
					actor := roster.ActorFor(from, &before.Ticket)
					_, _, domainErr := tickets.Apply(before.Ticket, c.cmd, actor, before.UpdatedAt)
					want := domainErr == nil && (actor.InRoster() || actor.Role == tickets.RoleRequester)
					mark := e.lastOutbox()
					secret := fmt.Sprintf("texto-%d", n)

					e.deliver(mail(from, e.replyAddr(tk.ID, from), "Re: [OTI-x]", fmt.Sprintf("m%d@example.com", n), "", line+"\r\n"+secret))
					e.checkReceived(st.name, from, line, secret, actor, want, mark)

					after, _ := store.GetTicket(ctx, e.db, tk.ID)
					refused := e.count(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = 'command_refused'`, tk.ID)
					applied := e.count(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = $2`, tk.ID, string(kindOf(c.cmd.Kind)))
					wasApplied := applied > countKind(st.setup, c.cmd.Kind)
					if wasApplied != want || (refused == 1) == want {
						t.Errorf("%s, %s, %q: applied=%v refused=%d, want applied=%v (domain: %v); ticket %s L%d → %s L%d",
							st.name, from, line, wasApplied, refused, want, domainErr, before.State, before.Level, after.State, after.Level)
					}
				}
			}
		}
	}
	t.Logf("%d command deliveries checked", n)
}

func openReq(n int) serviceOpen {
	return serviceOpen{Requester: "ana@example.gov.co", Subject: fmt.Sprintf("caso %d", n), NoRouting: true}
}

func kindOf(k tickets.CommandKind) tickets.EventKind {
	return map[tickets.CommandKind]tickets.EventKind{
		tickets.CmdClassify: tickets.EventClassified, tickets.CmdEscalate: tickets.EventEscalated, tickets.CmdAssign: tickets.EventAssigned,
		tickets.CmdResolve: tickets.EventResolved, tickets.CmdClose: tickets.EventClosed, tickets.CmdReopen: tickets.EventReopened,
		tickets.CmdNote: tickets.EventNoted,
	}[k]
}

func countKind(cmds []tickets.Command, k tickets.CommandKind) int {
	n := 0
	for _, c := range cmds {
		if c.Kind == k {
			n++
		}
	}
	return n
}

// checkReceived asserts who received what after one command email: a
// refused email of a roster person reaches nobody but its sender; the
// requester's or an outsider's text always reaches the desk; nobody but
// staff sees an internal note; the sender of a refused command is told.
func (e *env) checkReceived(state, from, line, secret string, actor tickets.Actor, applied bool, mark int) {
	e.t.Helper()
	type row struct {
		Recipient, Kind, Body string
	}
	var rows []row
	if err := e.db.Select(&rows, `SELECT o.recipient, o.kind, m.body FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.id > $1 ORDER BY o.id`, mark); err != nil {
		e.t.Fatal(err)
	}
	internal := actor.InRoster() && (!applied || strings.HasPrefix(line, "#nota") || strings.HasPrefix(line, "#note"))
	deskGot, senderTold := false, false
	for _, r := range rows {
		has := strings.Contains(r.Body, secret)
		switch {
		case r.Recipient == from:
			senderTold = senderTold || r.Kind == "command_result"
		case r.Recipient == "ana@example.gov.co" && has && internal:
			e.t.Errorf("%s, %s, %q: the requester received the internal text in %s", state, from, line, r.Kind)
		case r.Recipient == "ana@example.gov.co" && !applied && actor.InRoster():
			e.t.Errorf("%s, %s, %q: the requester received %s from a refused email", state, from, line, r.Kind)
		case r.Recipient == "soporte@proveedor.example.com" && has && internal:
			e.t.Errorf("%s, %s, %q: the provider received the internal text in %s", state, from, line, r.Kind)
		case r.Recipient == "jgomez@example.gov.co" && has:
			deskGot = true
		}
	}
	if !applied && !senderTold {
		e.t.Errorf("%s, %s, %q: the sender was not told of the refusal", state, from, line)
	}
	if !actor.InRoster() && !deskGot && !applied {
		e.t.Errorf("%s, %s, %q: the desk never received what %s wrote", state, from, line, actor.Role)
	}
}
