// Package store keeps tickets, their event log, messages, attachments, the
// outbox and the IMAP positions in PostgreSQL, with sqlx over lib/pq: all
// of ticketd's SQL.
//
// Every function takes a context and an sqlx.ExtContext so that the caller
// owns the transaction; the SQL sits beside the function that runs it.
// PostgreSQL error codes the callers act on are mapped to the package's errors.
// It imports the domain, never the mail packages nor the service
// (internal/archtest checks it).
package store
