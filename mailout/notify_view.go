package mailout

import (
	"strings"

	"github.com/ticketd/ticketd/tickets/notice"
)

// historyFor is the record as a reader with view v, address to, may see
// it (notice.View.Sees), with the system's notes in the reader's language
// lang.
func historyFor(h []HistoryItem, v notice.View, to, lang string) []HistoryItem {
	if v.SeesAll() && !hasNotes(h) {
		return h
	}
	out := make([]HistoryItem, 0, len(h))
	for _, it := range h {
		shown, text, byName := true, true, false
		if !v.SeesAll() {
			shown, text, byName = v.Sees(it.Kind, it.Public, it.To, to)
		}
		if !shown {
			continue
		}
		if it.note != nil {
			it.Text = it.note.Text(lang)
		}
		if !text {
			it.Text = ""
		}
		if byName {
			it.Who = it.WhoName
		}
		out = append(out, it)
	}
	return out
}

// filesFor lists the attachments notice nt lists to a reader with view v
// (notice.Rules.Files), and of those the ones it carries (their ids, in
// order).
func (q *queue) filesFor(nt note, v notice.View) (list []FileView, carry []int64) {
	for _, f := range q.rules.Files(nt.Name, nt.Event, nt.Folded, v, q.t.ID, q.files) {
		fv := FileView{ID: f.ID, Name: f.Filename, Size: f.Size, Inline: f.Inline, Attached: f.Attach, OverLimit: f.OverLimit}
		if f.Attach {
			carry = append(carry, f.ID)
			if f.Inline && validMsgID(f.ContentID) {
				fv.ContentID = f.ContentID
			}
		}
		list = append(list, fv)
	}
	return list, carry
}

// withoutAddresses leaves in d no address but the recipient's own and the
// desk's, for a reader who may see none (notice.View.SeesAddresses): what
// a provider receives names people, never how to reach them, and never
// another ticket. A command's result names people by address ("asignado
// a lperez@…"): there each known person's address becomes their name.
func (q *queue) withoutAddresses(d *Data) {
	self := d.Recipient.Email
	if len(d.Results) > 0 {
		results := make([]CommandResult, len(d.Results))
		for i, r := range d.Results {
			r.Summary, r.Reason, r.Hint = q.rules.NamesFor(r.Summary, self, q.t), q.rules.NamesFor(r.Reason, self, q.t),
				q.rules.NamesFor(r.Hint, self, q.t)
			results[i] = r
		}
		d.Results = results
	}
	d.Ticket.Requester.Email = ""
	if a := d.Ticket.Assignee; a != nil && !strings.EqualFold(a.Email, self) {
		c := *a
		c.Email = ""
		d.Ticket.Assignee = &c
	}
	if a := d.Actor; a != nil && !strings.EqualFold(a.Email, self) {
		c := *a
		c.Email = ""
		d.Actor = &c
		if strings.TrimSpace(c.Name) == "" {
			d.Actor = nil
		}
	}
	d.LinkedRef = ""
	// Whom to name in #escalar: by alias and name.
	staff := make([]LevelStaff, len(d.Staff))
	for i, ls := range d.Staff {
		staff[i] = LevelStaff{Level: ls.Level, People: make([]Person, len(ls.People))}
		for j, p := range ls.People {
			p.Email = ""
			if p.Alias == "" && p.Name == "" {
				continue
			}
			staff[i].People[j] = p
		}
	}
	d.Staff = staff
}

func hasNotes(h []HistoryItem) bool {
	for _, it := range h {
		if it.note != nil {
			return true
		}
	}
	return false
}
