// Package service is the one place where a command of the procedure runs:
// it locks the ticket row, applies the domain's transition, writes the
// ticket and its events, and queues the notices they cause, all in ONE
// transaction. The command line and the mail intake both go through it, so
// they obey the same rules.
//
// It imports the domain and the store; the mail packages plug in through
// the Notifier interface. It must not import mailin or mailout
// (internal/archtest checks it).
package service
