// Package mailout carries the notices: it renders the notification
// templates (package templates, overridable by the operator) into a
// subject, a plain-text and an HTML body, queues them in the outbox in the
// transaction of the event that causes them, composes RFC 5322 messages
// with the threading, loop-protection and auto-reply headers the daemon
// relies on, and delivers them from the outbox over SMTP.
//
// Which notices an event causes, to whom, in which language and with what
// each reader may see, is decided in tickets/notice; mailout renders and
// sends what it is given, and knows nothing of roles or states.
//
// Rendering runs inside the database transaction that records the event, so
// it is fast, deterministic and never touches the network or the clock.
// Composition validates every address and keeps user-derived text out of the
// header structure.
//
// The rendering and composition code (render*.go, compose*.go) depends only
// on the standard library, go-mail, package templates, internal/mailfacts
// and package tickets' plain types; it must not import the store, so it
// can be tested and previewed without a database. The package must not
// import mailin (internal/archtest checks it).
package mailout
