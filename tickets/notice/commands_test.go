package notice

import (
	"slices"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// TestCommandsOfferedAreThoseThatRun: a previous assignee told of a
// reopening is offered no command that would move the ticket, the desk is
// offered what the state allows, and a provider on its level-3 case may
// not escalate further.
func TestCommandsOfferedAreThoseThatRun(t *testing.T) {
	r := Rules{Roster: roster}
	tk := store.Ticket{Ticket: tickets.Ticket{ID: 1, State: tickets.StateInProgress, Level: 1, Requester: "ana@example.org"}}
	has := func(cmds []string, prefix string) bool {
		for _, c := range cmds {
			if strings.HasPrefix(c, prefix) {
				return true
			}
		}
		return false
	}
	// Reopened: back at level 1 with the desk; the specialist who had it
	// is no longer its assignee.
	spec, _ := r.Commands("lperez@example.gov.co", tk, "es")
	for _, c := range []string{"#escalar", "#asignar", "#resolver"} {
		if has(spec, c) {
			t.Errorf("former assignee is offered %s: %v", c, spec)
		}
	}
	desk, naming := r.Commands("jgomez@example.gov.co", tk, "es")
	for _, c := range []string{"#escalar", "#asignar", "#resolver", "#nota"} {
		if !has(desk, c) {
			t.Errorf("desk is not offered %s: %v", c, desk)
		}
	}
	if len(naming) == 0 || has(desk, "#cerrar") || has(desk, "#reabrir") {
		t.Errorf("desk on a ticket in progress: %v (naming %v)", desk, naming)
	}
	tk.State = tickets.StateResolved
	desk, _ = r.Commands("jgomez@example.gov.co", tk, "en")
	if !has(desk, "#close") || !has(desk, "#reopen") || has(desk, "#resolve") {
		t.Errorf("desk on a resolved ticket: %v", desk)
	}
	tk.State, tk.Level, tk.Assignee = tickets.StateInProgress, 3, "soporte@proveedor.example.com"
	prov, provNaming := r.Commands("soporte@proveedor.example.com", tk, "es")
	if has(prov, "#escalar") || !has(prov, "#resolver") {
		t.Errorf("provider at level 3: %v", prov)
	}
	// The list of people is introduced by the commands offered that name
	// one: at level 3 #escalar is not among them.
	if !slices.Equal(provNaming, []string{"#asignar"}) {
		t.Errorf("provider at level 3 names people with %v, want [#asignar]", provNaming)
	}
	if !slices.Equal(naming, []string{"#asignar", "#escalar"}) {
		t.Errorf("desk names people with %v, want [#asignar #escalar]", naming)
	}
	if out, _ := r.Commands("ana@example.org", tk, "es"); out != nil {
		t.Errorf("requester is offered %v", out)
	}
}
