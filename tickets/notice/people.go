package notice

import (
	"strings"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// Person is someone a notice is about or addressed to.
type Person struct {
	Name  string
	Email string
	Role  string // roster role: "mesa", "especialista", "sitio", "proveedor"; empty for requesters
	Alias string // roster alias, for #asignar and #escalar; empty outside the roster
}

// LevelStaff are the roster people who serve one level (the desk aside):
// whom #asignar and #escalar may name.
type LevelStaff struct {
	Level  int
	People []Person
}

// Rules are the facts of the configuration the table depends on.
type Rules struct {
	Roster *tickets.Roster
	// MaxPerHour and MaxPerDay cap the answers (caps.go) to one
	// address; zero: no cap.
	MaxPerHour, MaxPerDay int
	// MaxAttachmentBytes is the total size of the attachments one notice
	// carries (zero: DefaultMaxAttachmentBytes; negative: none).
	MaxAttachmentBytes int
	// NoSatisfaction leaves the satisfaction question out of the closure
	// notice.
	NoSatisfaction bool
}

// DefaultLang is the language of a reader we know nothing of.
const DefaultLang = "es"

// Desk are the desk's agents.
func (r Rules) Desk() []Person {
	var out []Person
	if r.Roster == nil {
		return out
	}
	for _, p := range r.Roster.Desk() {
		out = append(out, Person{Name: p.Name, Email: p.Email, Role: string(p.Role)})
	}
	return out
}

// Person is the roster's person with address email, or one known by the
// address only.
func (r Rules) Person(email string) Person {
	if r.Roster != nil {
		if p, ok := r.Roster.Find(email); ok {
			return Person{Name: p.Name, Email: p.Email, Role: string(p.Role)}
		}
	}
	return Person{Email: strings.ToLower(email)}
}

// Actor is Person(email), nil for nobody and for the system.
func (r Rules) Actor(email string) *Person {
	if email == "" || email == tickets.System.Email {
		return nil
	}
	p := r.Person(email)
	return &p
}

// Lang is the language of the reader with address email: the roster's,
// or fallback (the ticket's), or the default.
func (r Rules) Lang(email, fallback string) string {
	if r.Roster != nil {
		if p, ok := r.Roster.Find(email); ok && p.Language != "" && strings.Contains(email, "@") {
			return p.Language
		}
	}
	if fallback == "" {
		return DefaultLang
	}
	return fallback
}

// Recipient is the person with address email, named wherever we know the
// name: the roster, the ticket's requester, the From of the message
// being answered.
func (r Rules) Recipient(email string, t store.Ticket, trigger *store.Message) Person {
	p := r.Person(email)
	if p.Name == "" && strings.EqualFold(email, t.Requester) {
		p.Name = t.RequesterName
	}
	if p.Name == "" && trigger != nil && strings.EqualFold(email, trigger.FromAddr) {
		p.Name = trigger.FromName
	}
	p.Name = strings.TrimSpace(p.Name)
	return p
}

// DisplayName is how the record names the person with address email: the
// roster's name, the requester's name, the name the message being
// answered was sent with, or "" when no name is known (and for the
// system).
func (r Rules) DisplayName(email string, t store.Ticket, trigger *store.Message) string {
	if email == "" || email == tickets.System.Email {
		return ""
	}
	if r.Roster != nil {
		if p, ok := r.Roster.Find(email); ok && strings.TrimSpace(p.Name) != "" {
			return p.Name
		}
	}
	if strings.EqualFold(email, t.Requester) && strings.TrimSpace(t.RequesterName) != "" {
		return t.RequesterName
	}
	if trigger != nil && strings.EqualFold(email, trigger.FromAddr) {
		return strings.TrimSpace(trigger.FromName)
	}
	return ""
}

// Who names the one who acted in an entry of the record: name as
// DisplayName has it, and who as staff read it, the address when no
// name is known ("" for the system).
func (r Rules) Who(email string, t store.Ticket, trigger *store.Message) (who, name string) {
	name = r.DisplayName(email, t, trigger)
	who = name
	if who == "" && email != tickets.System.Email {
		who = email
	}
	return who, name
}

// NamesFor replaces in s the address of each person the roster or the
// ticket names (but self's) with their name, or with their alias when
// they have no name: how a reader who may see no addresses reads a
// command's result.
func (r Rules) NamesFor(s, self string, t store.Ticket) string {
	if !strings.Contains(s, "@") {
		return s
	}
	repl := func(email, name string) {
		if email != "" && !strings.EqualFold(email, self) && name != "" {
			s = replaceFold(s, email, name)
		}
	}
	if r.Roster != nil {
		for _, p := range r.Roster.People {
			name := p.Name
			if name == "" {
				name = p.Alias
			}
			repl(p.Email, name)
		}
	}
	repl(t.Requester, t.RequesterName)
	return s
}

// replaceFold replaces every case-insensitive occurrence of old in s
// (ASCII case: addresses) with repl.
func replaceFold(s, old, repl string) string {
	lower, lo := strings.ToLower(s), strings.ToLower(old)
	if !strings.Contains(lower, lo) || len(lower) != len(s) {
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}
