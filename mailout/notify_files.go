package mailout

import (
	"github.com/ticketd/ticketd/tickets/store"
)

// DefaultMaxAttachmentBytes is the total size of the attachments one
// notification carries when Notifier.MaxAttachmentBytes is zero: 10 MiB.
const DefaultMaxAttachmentBytes = 10 << 20

// carriesFiles reports whether notifications of kind carry attachments:
// the assignment notice carries the case's, a comment notice those of the
// message it reports, a closure those of the comment written with it. The others list them at most (the new-ticket notice
// lists the request's with the command line that fetches each), so the
// worker reads attachments only for these kinds.
func carriesFiles(kind string) bool {
	// "monthly_report" (tickets/report) carries its figures as CSV.
	return kind == "case_assigned" || kind == "comment" || kind == "closed" || kind == "monthly_report"
}

// filesFor chooses the attachments notification nt lists, and of those the
// ones it carries (their ids, in order), for a recipient with view v:
//
//   - case_assigned, opened_desk, reopened_notice and reminder list the
//     ticket's attachments; a comment notice those of the message it
//     reports, a closure those of the comment that came with it;
//   - a recipient outside the staff (the requester, a provider) is given
//     only attachments of public messages: never those of an internal note
//     or of a message kept on record as internal;
//   - what carriesFiles allows goes in the message, in order, as long as
//     the total stays within the notifier's limit; the rest is listed with
//     its size.
//
// Only the ticket's own attachments are ever looked at.
func (q *queue) filesFor(nt note, v view) (list []FileView, carry []int64) {
	var pick []store.FileInfo
	switch nt.name {
	case "case_assigned", "opened_desk", "reopened_notice", "reminder":
		pick = q.files
	case "comment", "closed":
		ev := nt.event
		if nt.name == "closed" {
			ev = nt.folded // the comment written with #cerrar
		}
		if ev == nil || ev.MessageRow == nil {
			return nil, nil
		}
		for _, f := range q.files {
			if f.MessageRow == *ev.MessageRow {
				pick = append(pick, f)
			}
		}
	default:
		return nil, nil
	}
	budget := q.n.MaxAttachmentBytes
	if budget == 0 {
		budget = DefaultMaxAttachmentBytes
	}
	carrying := carriesFiles(nt.name)
	for _, f := range pick {
		if f.TicketID != q.t.ID || (v != viewStaff && !f.Public) {
			continue
		}
		fv := FileView{ID: f.ID, Name: f.Filename, Size: f.Size, Inline: f.Inline}
		if f.Inline && validMsgID(f.ContentID) {
			fv.ContentID = f.ContentID
		}
		switch {
		case carrying && f.Size <= budget:
			budget -= f.Size
			fv.Attached = true
			carry = append(carry, f.ID)
		case carrying:
			fv.OverLimit = true
		}
		if !fv.Attached {
			fv.ContentID = ""
		}
		list = append(list, fv)
	}
	return list, carry
}
