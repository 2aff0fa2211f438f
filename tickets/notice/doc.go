// Package notice is the procedure's table of who is told what
// (PROCEDURE.md, "Who is told what" and "Roles"): from the events one
// transaction records it yields the notices they cause, each with its
// recipient, purpose (the template's name), language and what the
// recipient may see of the ticket (the history, the attachments, the
// commands they may run, other people's addresses), and it decides which
// notices the per-recipient caps hold back.
//
// It decides; it does not render, compose or send. Package mailout turns
// each notice into an outbox row and sends it, knowing nothing of roles or
// states.
//
// It may import package tickets and tickets/store; it must not import
// mailin, mailout or tickets/service (internal/archtest checks it).
package notice
