package mailin_test

import (
	"testing"

	"github.com/ticketd/ticketd/tickets"
)

// "#clasificar redes" with nobody named gives the case to the one
// specialist whose roster entry covers that service.
func TestClassifyGoesToWhoCoversTheService(t *testing.T) {
	e := newEnv(t)
	r := *roster
	r.People = append([]tickets.Person(nil), roster.People...)
	for i := range r.People {
		if r.People[i].Alias == "lperez" {
			r.People[i].Services = []string{"redes"}
		}
	}
	r.Services = append(append([]tickets.Service(nil), roster.Services...), tickets.Service{Name: "redes", Level: 2})
	e.in.Service.Roster = &r
	id := e.open()
	e.deliver(mail("Juan <jgomez@example.gov.co>", e.replyAddr(id, "jgomez@example.gov.co"), "Re: [OTI-1]", "c1@example.gov.co", "",
		"#clasificar redes"))
	if tk := e.ticket(id); tk.State != tickets.StateInProgress || tk.Level != 2 || tk.Service != "redes" || tk.Assignee != "lperez@example.gov.co" {
		t.Errorf("ticket = %s L%d %q %q", tk.State, tk.Level, tk.Service, tk.Assignee)
	}
}
