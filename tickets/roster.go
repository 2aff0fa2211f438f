package tickets

import (
	"slices"
	"strings"
)

// Role is what a person does in the procedure.
type Role string

// Roster roles (the configuration's words) and the two roles that are not in
// the roster: the requester of a ticket and the daemon itself.
const (
	RoleDesk       Role = "mesa"         // service desk, level 1
	RoleSpecialist Role = "especialista" // OTI specialist, levels 2 and 3
	RoleOnSite     Role = "sitio"        // on-site support, level 2
	RoleProvider   Role = "proveedor"    // external provider, levels 2 and 3
	RoleRequester  Role = "requester"    // whoever wrote the first message
	RoleOutsider   Role = "outsider"     // anyone else: neither roster nor requester
	RoleSystem     Role = "system"       // the daemon (timers)
)

// RosterRoles are the roles a roster entry may have.
var RosterRoles = []Role{RoleDesk, RoleSpecialist, RoleOnSite, RoleProvider}

// Person is one entry of the roster.
type Person struct {
	Email    string
	Name     string
	Role     Role
	Levels   []Level
	Services []string
	Alias    string
	Language string
}

// Serves reports whether p works at level l.
func (p Person) Serves(l Level) bool { return slices.Contains(p.Levels, l) }

// Service is one entry of the service catalogue: keywords route a request to
// a service, which has a level and a default assignee (a roster alias or
// address, empty for the level's group).
type Service struct {
	Name string
	// Keywords route a request whose subject names them; BodyKeywords
	// route it from the subject or, when no subject routes it, from the
	// body: words specific enough to mean the service wherever they are.
	Keywords     []string
	BodyKeywords []string
	Level        Level
	Assignee     string
}

// RouteMatch is why a request was routed: the keyword that decided it and
// whether it was in the subject.
type RouteMatch struct {
	Keyword   string
	InSubject bool
}

// Actor is who performs a command: a roster person, the requester, an
// outsider or the system. Email is lower-cased.
type Actor struct {
	Email  string
	Name   string
	Role   Role
	Levels []Level
}

// System is the daemon acting on its own (automatic closure).
var System = Actor{Email: "system", Name: "ticketd", Role: RoleSystem}

// InRoster reports whether the actor is a roster person.
func (a Actor) InRoster() bool { return slices.Contains(RosterRoles, a.Role) }

// Roster is the configured people and service catalogue.
type Roster struct {
	People   []Person
	Services []Service
}

// Find returns the person named by alias or email address (case-insensitive).
func (r *Roster) Find(name string) (Person, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(strings.TrimSuffix(n, ">"), "<")
	if n == "" {
		return Person{}, false
	}
	for _, p := range r.People {
		if strings.EqualFold(p.Email, n) || (p.Alias != "" && strings.EqualFold(p.Alias, n)) {
			return p, true
		}
	}
	return Person{}, false
}

// FindService returns the service with that name (case-insensitive).
func (r *Roster) FindService(name string) (Service, bool) {
	n := strings.TrimSpace(name)
	for _, s := range r.Services {
		if strings.EqualFold(s.Name, n) {
			return s, true
		}
	}
	return Service{}, false
}

// Desk returns the desk agents (role mesa).
func (r *Roster) Desk() []Person {
	var out []Person
	for _, p := range r.People {
		if p.Role == RoleDesk {
			out = append(out, p)
		}
	}
	return out
}

// ActorFor returns who email is for ticket t: a roster person keeps their
// roster role even when they opened the ticket; otherwise the ticket's
// requester, or an outsider.
func (r *Roster) ActorFor(email string, t *Ticket) Actor {
	email = strings.ToLower(strings.TrimSpace(email))
	if p, ok := r.Find(email); ok && strings.EqualFold(p.Email, email) {
		return ActorOf(p)
	}
	if t != nil && strings.EqualFold(t.Requester, email) {
		return Actor{Email: email, Role: RoleRequester}
	}
	return Actor{Email: email, Role: RoleOutsider}
}

// ActorOf turns a roster person into an actor.
func ActorOf(p Person) Actor {
	return Actor{Email: strings.ToLower(p.Email), Name: p.Name, Role: p.Role, Levels: p.Levels}
}

// Route picks the service a new request is about. The subject decides
// first: the service with the most of its keywords (either list) in the
// subject. When the subject names none, the body is read for the
// services' BodyKeywords only, so that an ordinary word of nearly every
// email ("correo", "red") routes nothing. Ties go to the first service in
// catalogue order; keywords match whole words, ignoring case and accents.
func (r *Roster) Route(subject, body string) (Service, RouteMatch, bool) {
	if i, k := r.best(Fold(subject), true); i >= 0 {
		return r.Services[i], RouteMatch{Keyword: k, InSubject: true}, true
	}
	if i, k := r.best(Fold(body), false); i >= 0 {
		return r.Services[i], RouteMatch{Keyword: k}, true
	}
	return Service{}, RouteMatch{}, false
}

// best is the index of the service with the most keyword hits in folded
// text (-1 for none) and its first keyword found; subject says whether
// the plain Keywords count too.
func (r *Roster) best(folded string, subject bool) (int, string) {
	best, bestHits, bestKey := -1, 0, ""
	for i, s := range r.Services {
		hits, first := 0, ""
		lists := [][]string{s.BodyKeywords}
		if subject {
			lists = append(lists, s.Keywords)
		}
		seen := map[string]bool{}
		for _, l := range lists {
			for _, k := range l {
				fk := Fold(k)
				if fk == "" || seen[fk] || !containsWord(folded, fk) {
					continue
				}
				seen[fk] = true
				hits++
				if first == "" {
					first = k
				}
			}
		}
		if hits > bestHits {
			best, bestHits, bestKey = i, hits, first
		}
	}
	return best, bestKey
}

// containsWord reports whether k occurs in s at word boundaries.
func containsWord(s, k string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], k)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(k)
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b >= 0x80
}
