package mailout

import (
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/notice"
)

// Person is someone a notification is about or addressed to, and
// LevelStaff the roster people who serve one level: the procedure's own
// (tickets/notice), as the templates print them.
type (
	Person     = notice.Person
	LevelStaff = notice.LevelStaff
)

// FileView is an attachment as a notification lists it.
type FileView struct {
	ID       int64 // for "ticketd tickets attachment N ID"
	Name     string
	Size     int  // bytes
	Attached bool // carried by this message
	// OverLimit: it would have been carried, but the message's total
	// (notifications.max_attachment_bytes) left no room. A file neither
	// attached nor over the limit is one this notice lists only.
	OverLimit bool
	Inline    bool // an image shown in the body of the message that brought it
	// ContentID is an attached inline image's Content-ID (a valid one, or
	// ""): the HTML part shows the image where it lists it ({{cid}}).
	ContentID string
}

// HistoryItem is one entry of a ticket's record as the templates print it.
type HistoryItem struct {
	At         time.Time
	Who        string // who acted, by name (or address, for staff, when no name is known); "" for the system
	WhoName    string // who acted, by name only; "" when no name is known
	To         string // the assignee after the event (whom instructions are addressed to); never printed
	Kind       string // event kind: "opened", "classified", "commented", "noted", ...
	Text       string
	Public     bool // false for internal notes and anything the requester must not see
	Activities []int

	note *tickets.Note // a system note, worded for each reader (Text is the record's words)
}

// CommandResult is the outcome of one command line of a reply, for the
// command_result notification (defined in the domain: the intake reports in it too).
type CommandResult = tickets.CommandResult

// TicketView is the part of a ticket the templates may print.
type TicketView struct {
	ID        int64
	Ref       string // the subject tag without brackets, e.g. "OTI-123"
	Subject   string
	State     string // "nuevo", "en_atencion", "resuelto", "cerrado"
	Service   string
	Level     int
	Requester Person
	Assignee  *Person // nil when the level's group (the desk at level 1) owns it
	CreatedAt time.Time
	UpdatedAt time.Time
	Body      string // the original request text
	// Attachments are the file names of the request's attachments.
	Attachments []string
	// Files are the attachments this notification carries or lists, with
	// their sizes; see FileView.
	Files []FileView
}

// DeskInfo names the service desk that signs every notification.
type DeskInfo struct {
	Name    string
	Address string
}

// Data is everything a notification template may print. Which fields a
// notification uses is documented beside each template name in names; the
// templates never fail on an empty field or a nil pointer.
type Data struct {
	Desk      DeskInfo
	Lang      string // set by Render to the language actually used
	Zone      string // set by Render: the IANA name of the zone times are printed in, e.g. "America/Bogota"
	Recipient Person
	Actor     *Person // who caused the event; for delivery_failed, who could not be reached
	Ticket    TicketView
	Text      string // comment, resolution note or reason text of the event
	Comment   string // closed: what the closer wrote with #cerrar in the same email
	// History is printed as given: the caller passes PublicHistory(...) for
	// requesters.
	History []HistoryItem
	// Commands the recipient may use in a reply, e.g. "#escalar nivel 3 a <persona>".
	Commands  []string
	Results   []CommandResult
	LinkedRef string // opened_ack, opened_desk: the closed ticket this one follows up
	// Staff are the people the commands of Naming (#asignar, #escalar,
	// those of Commands that name a person) may name, by level
	// (opened_desk, case_assigned and the other notices with Commands).
	Staff        []LevelStaff
	Naming       []string
	Reason       string // quarantined, delivery_failed: why
	Waiting      string // reminder: how long the ticket has waited, e.g. "3 días"
	ReplyAddress string // the address replies should go to
	Rating       int    // rating_thanks: the requester's score, 1 to 5
	AskRating    bool   // closed: ask the requester to rate the service by reply
}

// PublicHistory returns the items of h a requester may see, in order. The
// result never aliases h.
func PublicHistory(h []HistoryItem) []HistoryItem {
	out := make([]HistoryItem, 0, len(h))
	for _, it := range h {
		if it.Public {
			out = append(out, it)
		}
	}
	return out
}

// Languages are the languages the embedded templates exist in; the first is
// the default.
var languages = []string{"es", "en"}

// normLang maps a language tag to one we have: "es-CO" → "es", "EN" → "en",
// anything else → "es".
func normLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	for _, have := range languages {
		if l == have {
			return have
		}
	}
	return languages[0]
}

var stateLabels = map[string][2]string{ // es, en
	"nuevo":       {"Nuevo", "New"},
	"en_atencion": {"En atención", "In progress"},
	"resuelto":    {"Resuelto", "Resolved"},
	"cerrado":     {"Cerrado", "Closed"},
}

// StateLabel returns the user-facing name of a ticket state ("nuevo",
// "en_atencion", "resuelto", "cerrado") in lang ("es" default, "en"). An
// unknown state is returned as given.
func StateLabel(state, lang string) string {
	l, ok := stateLabels[strings.ToLower(strings.TrimSpace(state))]
	if !ok {
		return state
	}
	return l[langIndex(lang)]
}

// LevelLabel returns "Nivel 2" or "Level 2". Levels outside 1..3 are printed
// as numbers all the same: the label is for people, not for validation.
func LevelLabel(level int, lang string) string {
	if langIndex(lang) == 1 {
		return "Level " + strconv.Itoa(level)
	}
	return "Nivel " + strconv.Itoa(level)
}

var kindLabels = map[string][2]string{
	"opened":          {"Apertura", "Opened"},
	"classified":      {"Clasificación", "Classified"},
	"escalated":       {"Escalamiento", "Escalated"},
	"assigned":        {"Asignación", "Assigned"},
	"commented":       {"Comentario", "Comment"},
	"noted":           {"Nota interna", "Internal note"},
	"resolved":        {"Solución", "Resolved"},
	"closed":          {"Cierre", "Closed"},
	"reopened":        {"Reapertura", "Reopened"},
	"command_refused": {"Comando rechazado", "Command refused"},
	"delivery_failed": {"Entrega fallida", "Delivery failed"},
	"reminded":        {"Recordatorio", "Reminder"},
	"notice_held":     {"Notificación retenida", "Notification held"},
	"rated":           {"Calificación del servicio", "Service rating"},
}

// kindLabel names an event kind for people; unknown kinds are printed as given.
func kindLabel(kind, lang string) string {
	l, ok := kindLabels[kind]
	if !ok {
		return kind
	}
	return l[langIndex(lang)]
}

func langIndex(lang string) int {
	if normLang(lang) == "en" {
		return 1
	}
	return 0
}
