// Package mailin turns the support mailbox into tickets: it stores each
// message's raw source, parses it, decides whether a person or a machine
// wrote it, finds the ticket it answers, and hands the domain what it
// says (a new request, a comment, or command lines) through the ticket
// service, in one transaction per message or per batch. The IMAP side
// (mailin/imapin) moves a message on the server only after that
// transaction committed.
//
// It owns reading mail: parsing (mailin/email), trimming replies and
// reading commands (mailin/reply), sender verification (mailin/dkim,
// mailin/authres), quarantine. Who may run a command and who is told
// what are the domain's (tickets, tickets/notice).
//
// It must not import mailout or anything that renders or sends mail: it
// queues replies through the Responder it is given, and reads the facts
// both sides share (our loop header) from internal/mailfacts
// (internal/archtest checks it).
package mailin
