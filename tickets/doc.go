// Package tickets is the support procedure 130.13.08-3 as a pure domain: the
// ticket, its states and levels, the roles of the people who work it, and the
// transition function that turns (ticket, command, actor, now) into a new
// ticket and the events that record which activities of the procedure were
// fulfilled; what each person may run (Allowed).
//
// Every rule of the procedure lives under tickets/: the states and who may
// (here), who is told what (tickets/notice), the one transaction a command
// runs in (tickets/service) and what is kept (tickets/store).
//
// It must not import database, network or mail packages: the store, the mail
// intake and the notifier depend on it, never the other way round
// (internal/archtest checks that nothing under tickets/ imports mailin or
// mailout).
package tickets
