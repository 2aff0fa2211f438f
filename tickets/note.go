package tickets

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// NoteCode names a note the system writes on a ticket's record. The note
// is kept as data (Note) and worded when read, in the reader's language;
// what a person wrote stays in the event's own text.
type NoteCode string

// The system's notes.
const (
	NoteCommandsOutsider   NoteCode = "commands.outsider"   // someone outside the roster sent commands: Address, Lines
	NoteCommandsUnverified NoteCode = "commands.unverified" // commands from a sender not verified: Address, Why, Lines
	NoteCommandsRefused    NoteCode = "commands.refused"    // one line refused, so none ran: Refused
	NoteCommandRefused     NoteCode = "command.refused"     // a line refused while running (the ticket changed): Refused[0]
	NoteCommentRefused     NoteCode = "comment.refused"     // a comment the procedure refused: Reason
	NoteUnverifiedKept     NoteCode = "unverified.kept"     // a roster person's text, not verified, kept internal: Address, Why, Words
	NoteAutomaticKept      NoteCode = "automatic.kept"      // machine-written mail kept quietly: Address, Detail, Subject
	NoteBounceReported     NoteCode = "bounce.reported"     // a bounce arrived: Address, Failures
	NoteDeliveryFailed     NoteCode = "delivery.failed"     // our notice could not be delivered: Notice, Address, Detail
	NoteReminder           NoteCode = "reminder"            // the ticket waited too long at its level: Waited, Level
	NoteNoticeHeld         NoteCode = "notice.held"         // a notice held back by the per-recipient cap: Notice, Address
	NoteRoutedMailbox      NoteCode = "routed.mailbox"      // classified by the mailbox it came to
	NoteRoutedKeyword      NoteCode = "routed.keyword"      // classified by a keyword: Keyword, InSubject
	NoteAutoClosed         NoteCode = "auto.closed"         // closed with no objection from the requester: Days
)

// NoteCodes are every code, in the order above.
var NoteCodes = []NoteCode{NoteCommandsOutsider, NoteCommandsUnverified, NoteCommandsRefused, NoteCommandRefused,
	NoteCommentRefused, NoteUnverifiedKept, NoteAutomaticKept, NoteBounceReported, NoteDeliveryFailed, NoteReminder,
	NoteNoticeHeld, NoteRoutedMailbox, NoteRoutedKeyword, NoteAutoClosed}

// Note is what the system wrote on the record, as data: its code and
// arguments. Only the fields its code names are set. Addresses, command
// lines, a mail server's answer and a person's words are kept as they came;
// everything else is worded by Text.
type Note struct {
	Code      NoteCode      `json:"code"`
	Address   string        `json:"address,omitempty"`    // the sender, or whom a notice was for
	Lines     []string      `json:"lines,omitempty"`      // command lines as written
	Refused   []RefusedLine `json:"refused,omitempty"`    // the refused lines and why
	Reason    *Reason       `json:"reason,omitempty"`     // why a comment was refused
	Why       string        `json:"why,omitempty"`        // an identity.* code, or the checker's own words
	Words     string        `json:"words,omitempty"`      // a person's words the note keeps
	Subject   string        `json:"subject,omitempty"`    // the subject of the mail it tells of
	Detail    string        `json:"detail,omitempty"`     // machine words as they came: a server's answer, a classifier's reason
	Notice    string        `json:"notice,omitempty"`     // which notice (its template name)
	Level     int           `json:"level,omitempty"`      // the level it waited at
	Waited    time.Duration `json:"waited_ns,omitempty"`  // how long it waited
	Keyword   string        `json:"keyword,omitempty"`    // the catalogue keyword that routed it
	InSubject bool          `json:"in_subject,omitempty"` // the keyword was in the subject
	Failures  []Failure     `json:"failures,omitempty"`   // the recipients a bounce reports
	Days      int           `json:"days,omitempty"`       // business days the requester had to object
}

// RefusedLine is a command line and why it was refused.
type RefusedLine struct {
	Line   string `json:"line"`
	Reason Reason `json:"reason"`
}

// Failure is one recipient a bounce reports, in the report's own words.
type Failure struct {
	Recipient  string `json:"recipient"`
	Status     string `json:"status,omitempty"`
	Diagnostic string `json:"diagnostic,omitempty"`
}

// Text words the note in lang ("es" by default, "en"), naming people by
// their address.
func (n Note) Text(lang string) string { return n.Render(lang, nil) }

// Render words the note in lang, naming the people it tells of with name
// (an address to the name a reader knows them by; nil keeps the address).
func (n Note) Render(lang string, name func(addr string) string) string {
	say := func(key string, args ...any) string { return Say(lang, "note."+key, args...) }
	who := func(addr string) string {
		if name == nil || addr == "" {
			return addr
		}
		if s := name(addr); s != "" {
			return s
		}
		return addr
	}
	switch n.Code {
	case NoteCommandsOutsider:
		return say("commands.outsider", who(n.Address), strings.Join(n.Lines, " | "))
	case NoteCommandsUnverified:
		return say("commands.unverified", who(n.Address), Identity(n.Why, lang), strings.Join(n.Lines, " | "))
	case NoteCommandsRefused:
		var why []string
		for _, r := range n.Refused {
			why = append(why, r.Line+": "+r.Reason.Text(lang))
		}
		return say("commands.refused", strings.Join(why, say("separator")))
	case NoteCommandRefused:
		if len(n.Refused) > 0 {
			return say("command.refused", n.Refused[0].Line, n.Refused[0].Reason.Text(lang))
		}
	case NoteCommentRefused:
		if n.Reason != nil {
			return say("comment.refused", n.Reason.Text(lang))
		}
	case NoteUnverifiedKept:
		return say("unverified.kept", who(n.Address), Identity(n.Why, lang), n.Words)
	case NoteAutomaticKept:
		return say("automatic.kept", who(n.Address), n.Detail, n.Subject)
	case NoteBounceReported:
		s := say("bounce.reported", n.Address)
		for _, f := range n.Failures {
			s += fmt.Sprintf("\n%s: %s %s", f.Recipient, f.Status, f.Diagnostic)
		}
		return s
	case NoteDeliveryFailed:
		return say("delivery.failed", NoticeName(n.Notice, lang), who(n.Address), n.Detail)
	case NoteReminder:
		return say("reminder", Duration(n.Waited, lang), n.Level)
	case NoteNoticeHeld:
		return say("notice.held", NoticeName(n.Notice, lang), who(n.Address))
	case NoteRoutedMailbox:
		return say("routed.mailbox")
	case NoteAutoClosed:
		return say("auto.closed", n.Days)
	case NoteRoutedKeyword:
		if n.InSubject {
			return say("routed.subject", n.Keyword)
		}
		return say("routed.body", n.Keyword)
	}
	// A code this version does not know (or a note missing what its code
	// needs): what it holds, without inventing words.
	parts := []string{}
	for _, s := range []string{n.Address, strings.Join(n.Lines, " | "), n.Detail, n.Subject, n.Words} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return say("unknown", strings.Join(parts, " · "))
}

// Map returns the note with f applied to every text it holds (the store
// cleans them with it before they reach the database).
func (n Note) Map(f func(string) string) Note {
	n.Address, n.Why, n.Words, n.Subject, n.Detail, n.Notice, n.Keyword =
		f(n.Address), f(n.Why), f(n.Words), f(n.Subject), f(n.Detail), f(n.Notice), f(n.Keyword)
	n.Lines = mapAll(n.Lines, f)
	if n.Refused != nil {
		rs := make([]RefusedLine, len(n.Refused))
		for i, r := range n.Refused {
			rs[i] = RefusedLine{Line: f(r.Line), Reason: r.Reason.mapArgs(f)}
		}
		n.Refused = rs
	}
	if n.Reason != nil {
		r := n.Reason.mapArgs(f)
		n.Reason = &r
	}
	if n.Failures != nil {
		fs := make([]Failure, len(n.Failures))
		for i, x := range n.Failures {
			fs[i] = Failure{Recipient: f(x.Recipient), Status: f(x.Status), Diagnostic: f(x.Diagnostic)}
		}
		n.Failures = fs
	}
	return n
}

func (r Reason) mapArgs(f func(string) string) Reason {
	out := Reason{Code: f(r.Code)}
	for _, a := range r.Args {
		if a.kind == 's' {
			a.Text = f(a.Text)
		}
		if a.kind == 'S' {
			a.State = State(f(string(a.State)))
		}
		out.Args = append(out.Args, a)
	}
	return out
}

func mapAll(ss []string, f func(string) string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// NoticeName words a notice by its template name ("el aviso de caso
// asignado"); an unknown one is "una notificación", never the identifier.
func NoticeName(name, lang string) string {
	if Has("notice." + name) {
		return Say(lang, "notice."+name)
	}
	return Say(lang, "notice.other")
}

// Duration words how long something waited for people: "8 horas", "3
// días" ("8 hours", "3 days").
func Duration(d time.Duration, lang string) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return Say(lang, "duration.days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return Say(lang, "duration.hours", int(d.Hours()))
	}
	return Say(lang, "duration.minutes", int(d.Minutes()))
}

// WithNote returns e carrying n: the data, and its words in lang (the
// desk's) as the event's text, for whatever reads the text alone.
func (e Event) WithNote(n Note, lang string) Event {
	e.Data = &n
	e.Note = n.Text(lang)
	return e
}

// Text is what the event says, in lang: the system's note worded for
// this reader, or the text as it was written (a person's words, or a note
// from before notes were kept as data).
func (e Event) Text(lang string) string {
	if e.Data != nil {
		return e.Data.Text(lang)
	}
	return e.Note
}

// String prints the note as its JSON, so that two events print alike when
// their notes hold the same (%v would print the pointer).
func (n *Note) String() string {
	if n == nil {
		return "<nil>"
	}
	b, err := json.Marshal(n)
	if err != nil {
		return string(n.Code)
	}
	return string(b)
}
