package notice

import "github.com/ticketd/ticketd/tickets/store"

// DefaultMaxAttachmentBytes is the total size of the attachments one
// notice carries when Rules.MaxAttachmentBytes is zero: 10 MiB.
const DefaultMaxAttachmentBytes = 10 << 20

// CarriesFiles reports whether notices of purpose name carry attachments:
// the assignment notice carries the case's, a comment notice those of the
// message it reports, a closure those of the comment written with it,
// the monthly report (tickets/report) its figures as CSV. The others list
// them at most (the new-ticket notice lists the request's with the
// command line that fetches each), so the sender reads attachments only
// for these.
func CarriesFiles(name string) bool {
	return name == "case_assigned" || name == "comment" || name == "closed" || name == "monthly_report"
}

// File is one attachment a notice lists, and whether it carries it.
type File struct {
	store.FileInfo
	Attach bool
	// OverLimit: it would have been carried, but the notice's total
	// left no room.
	OverLimit bool
}

// Files chooses, of files (ticket ticketID's attachments), those a notice
// of purpose name lists to a recipient with view v, and which of them it
// carries. ev is the event it tells of, folded the comment folded into a
// closure.
//
//   - case_assigned, opened_desk, reopened_notice and reminder list the
//     ticket's attachments; a comment notice those of the message it
//     reports, a closure those of the comment that came with it;
//   - a recipient outside the staff (the requester, a provider) is given
//     only attachments of public messages: never those of an internal note
//     or of a message kept on record as internal;
//   - what CarriesFiles allows goes in the message, in order, as long as
//     the total stays within the limit; the rest is listed as over it.
//
// Only the ticket's own attachments are ever looked at.
func (r Rules) Files(name string, ev, folded *store.StoredEvent, v View, ticketID int64, files []store.FileInfo) []File {
	var pick []store.FileInfo
	switch name {
	case "case_assigned", "opened_desk", "reopened_notice", "reminder":
		pick = files
	case "comment", "closed":
		if name == "closed" {
			ev = folded // the comment written with #cerrar
		}
		if ev == nil || ev.MessageRow == nil {
			return nil
		}
		for _, f := range files {
			if f.MessageRow == *ev.MessageRow {
				pick = append(pick, f)
			}
		}
	default:
		return nil
	}
	budget := r.MaxAttachmentBytes
	if budget == 0 {
		budget = DefaultMaxAttachmentBytes
	}
	carrying := CarriesFiles(name)
	var out []File
	for _, f := range pick {
		if f.TicketID != ticketID || (v != AsStaff && !f.Public) {
			continue
		}
		c := File{FileInfo: f}
		switch {
		case carrying && f.Size <= budget:
			budget -= f.Size
			c.Attach = true
		case carrying:
			c.OverLimit = true
		}
		out = append(out, c)
	}
	return out
}
