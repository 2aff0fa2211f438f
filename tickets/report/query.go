package report

import (
	"github.com/ticketd/ticketd/tickets/store"
)

// The rows a report is computed from, as the store reads them
// (tickets/store, report.go: the queries and what each row means).
type (
	// ticketRow is one ticket received in the period, as its events up to
	// the period's end tell it.
	ticketRow = store.ReportTicket
	// openRow is one ticket of the backlog at the end of a period.
	openRow = store.ReportOpen
	// closedRow is a ticket closed in the period that was registered
	// before it.
	closedRow = store.ReportClosed
)
