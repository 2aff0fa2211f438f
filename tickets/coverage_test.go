package tickets

import "testing"

func TestAssigneeFor(t *testing.T) {
	r := &Roster{
		People: []Person{
			{Email: "mesa@example.gov.co", Role: RoleDesk, Levels: []Level{1}, Services: []string{"correo"}},
			{Email: "redes@example.gov.co", Role: RoleSpecialist, Levels: []Level{2, 3}, Services: []string{"redes", "Correo"}},
			{Email: "imp1@example.gov.co", Role: RoleOnSite, Levels: []Level{2}, Services: []string{"impresoras"}},
			{Email: "imp2@example.gov.co", Role: RoleSpecialist, Levels: []Level{2}, Services: []string{"impresoras"}},
			{Email: "garantias@proveedor.example.com", Role: RoleProvider, Levels: []Level{3}, Services: []string{"garantias"}, Alias: "prov"},
		},
	}
	cases := []struct {
		svc  Service
		l    Level
		want string
	}{
		{Service{Name: "correo"}, 2, "redes@example.gov.co"},                                     // the one specialist who covers it; the desk's listing does not count
		{Service{Name: "correo"}, 1, ""},                                                         // nobody at level 1 but the desk
		{Service{Name: "impresoras"}, 2, ""},                                                     // two cover it: the desk decides
		{Service{Name: "impresoras", Assignee: "imp2@example.gov.co"}, 2, "imp2@example.gov.co"}, // the service names one
		{Service{Name: "garantias", Assignee: "prov"}, 2, ""},                                    // its assignee does not serve 2, nobody else covers it
		{Service{Name: "garantias", Assignee: "prov"}, 3, "garantias@proveedor.example.com"},
		{Service{Name: "redes", Assignee: "nadie"}, 3, "redes@example.gov.co"},
	}
	for _, c := range cases {
		p, ok := r.AssigneeFor(c.svc, c.l)
		if ok != (c.want != "") || p.Email != c.want {
			t.Errorf("AssigneeFor(%+v, %d) = %q, %v; want %q", c.svc, c.l, p.Email, ok, c.want)
		}
	}
	if _, ok := (*Roster)(nil).AssigneeFor(Service{Name: "x"}, 2); ok {
		t.Error("a nil roster assigned someone")
	}
}
