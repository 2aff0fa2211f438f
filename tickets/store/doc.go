// Package store keeps tickets, their event log, messages, attachments, the
// outbox and the IMAP positions in PostgreSQL, with sqlx over lib/pq: all
// of ticketd's SQL. The other packages' tables are here too (health_alerts
// for internal/alerts, oauth_tokens for internal/oauth, the lease's
// advisory locks for internal/daemon) and the report's queries
// (report.go); those packages keep their logic and call the store.
// internal/archtest fails on SQL text or a database/sql or lib/pq import
// found outside it (the migrations, internal/dbconn, internal/pgcluster and
// internal/pgtest apart).
//
// Every function takes a context and an sqlx.ExtContext so that the caller
// owns the transaction; the SQL sits beside the function that runs it.
// PostgreSQL error codes the callers act on are mapped to the package's errors.
// It imports the domain, never the mail packages nor the service
// (internal/archtest checks it).
package store
