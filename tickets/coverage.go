package tickets

import "strings"

// AssigneeFor is who attends a request of service svc at level l when
// nobody is named: the service's own assignee if they serve l; otherwise
// the one roster person who serves l and lists svc among their services
// (an OTI specialist "expert in one technology service", PROCEDURE.md).
// When nobody, or more than one person, covers it, ok is false and the
// ticket stays with the level's group: the desk decides.
func (r *Roster) AssigneeFor(svc Service, l Level) (Person, bool) {
	if r == nil {
		return Person{}, false
	}
	if svc.Assignee != "" {
		if p, ok := r.Find(svc.Assignee); ok && p.Serves(l) {
			return p, true
		}
	}
	var found []Person
	for _, p := range r.People {
		if p.Role == RoleDesk || !p.Serves(l) {
			continue
		}
		for _, s := range p.Services {
			if strings.EqualFold(strings.TrimSpace(s), svc.Name) {
				found = append(found, p)
				break
			}
		}
	}
	if len(found) != 1 {
		return Person{}, false
	}
	return found[0], true
}
