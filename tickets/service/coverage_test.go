package service_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

// A routed request of a service with no assignee goes to the one
// specialist whose roster entry covers the service (people.services).
func TestRoutingAssignsWhoCoversTheService(t *testing.T) {
	r := &tickets.Roster{
		People: []tickets.Person{
			{Email: "jgomez@example.gov.co", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "jgomez"},
			{Email: "lperez@example.gov.co", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2}, Alias: "lperez", Services: []string{"redes"}},
		},
		Services: []tickets.Service{{Name: "redes", Keywords: []string{"red", "wifi"}, Level: 2}},
	}
	s := &service.Service{DB: pgtest.New(t), Roster: r, Tag: "OTI", Lang: "es"}
	tk, err := s.Open(context.Background(), service.OpenRequest{Requester: "ana@example.gov.co", Subject: "Sin wifi en el piso 3"})
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateInProgress || tk.Level != 2 || tk.Service != "redes" || tk.Assignee != "lperez@example.gov.co" {
		t.Errorf("routed ticket = %+v", tk.Ticket)
	}
}
