// Package faults lets the fault suite kill ticketd at exact points of its
// work (after fetching and before commit, after commit and before the IMAP
// move, after the SMTP reply and before the outbox row is marked), to prove
// that a crash anywhere leads to exactly one ticket and one notification.
//
// In a normal build Point does nothing and costs nothing. In a binary built
// with -tags faults, TICKETD_FAULT="name:n" makes the process kill itself
// with SIGKILL the n-th time it reaches the point called name.
package faults

// Points the fault suite uses.
const (
	IntakeBeforeCommit = "intake-before-commit" // messages fetched and processed, transaction not committed
	IMAPBeforeMove     = "imap-before-move"     // transaction committed, messages not moved
	OutboxBeforeMark   = "outbox-before-mark"   // SMTP server accepted, outbox row not marked
)
