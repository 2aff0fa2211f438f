// Package alerts tells the administrators when a mailbox goes quiet: when
// a mailbox cannot be read, or mail cannot be sent, for longer than a
// configured time, they get one email saying what fails and since when,
// and one when it works again (osTicket#6455: a desk that stopped reading
// its mailbox for ten days and told nobody).
//
// Each part (a mailbox, the SMTP sender) has a row in health_alerts. A
// Watcher on every replica feeds it what it observes; it changes a row
// under a row lock, in that row's own transaction, so each email is queued
// once however many replicas watch, and one failing part never holds back
// the others. The emails go through the outbox like every notification; an
// alert that SMTP fails leaves when SMTP works again (/readyz, ticketd
// status and the metric say it meanwhile).
//
// Its SQL lives in tickets/store (alerts.go), like all of ticketd's: it
// imports the store and nothing that sends mail.
package alerts

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"text/template"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// DefaultQuietAfter is how long a part fails before the administrators
// are told.
const DefaultQuietAfter = 15 * time.Minute

// Kinds of part.
const (
	KindIMAP = "imap"
	KindSMTP = "smtp"
)

// Observation is what a replica sees of one part now.
type Observation struct {
	Kind    string    // KindIMAP or KindSMTP
	Name    string    // the mailbox ("default/INBOX"); "" for SMTP
	Failing bool      // it cannot read or send
	Since   time.Time // when it was first seen failing (Failing only)
	Error   string    // the last error (Failing only), never a secret
}

// Subject is the part's key in health_alerts.
func (o Observation) Subject() string {
	if o.Kind == KindSMTP {
		return KindSMTP
	}
	return o.Kind + " " + o.Name
}

// Watcher applies observations and queues the emails.
type Watcher struct {
	DB         *sqlx.DB
	Admins     []string // told by email; none: only /readyz, status and the metric
	Lang       string   // "es" (default) or "en"
	QuietAfter time.Duration
	Location   *time.Location // for the times in the emails; nil: UTC
	From       string         // the desk's address, the emails' sender
	FromName   string
	Logger     *slog.Logger
	Now        func() time.Time // nil: time.Now
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Watcher) quietAfter() time.Duration {
	if w.QuietAfter > 0 {
		return w.QuietAfter
	}
	return DefaultQuietAfter
}

func (w *Watcher) log() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// Apply records each observation, each in its own transaction: a part
// whose row cannot be written is logged and the others go on. It returns
// the first error.
func (w *Watcher) Apply(ctx context.Context, obs []Observation) error {
	var first error
	for _, o := range obs {
		if err := w.apply(ctx, o); err != nil {
			w.log().Warn("cannot record a part's health", "part", o.Subject(), "error", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

func (w *Watcher) apply(ctx context.Context, o Observation) error {
	tx, err := w.DB.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	subject := o.Subject()
	row, err := store.LockHealthAlert(ctx, tx, subject)
	if err != nil {
		return err
	}
	now := w.now()
	if o.Failing {
		since := o.Since
		if row.FailingSince != nil {
			since = *row.FailingSince
		}
		if since.IsZero() || since.After(now) {
			since = now
		}
		alerted := row.AlertedAt
		if alerted == nil && now.Sub(since) >= w.quietAfter() {
			if err := w.queue(ctx, tx, "down", o, since, now); err != nil {
				return err
			}
			alerted = &now
			w.log().Error("a part has failed too long; administrators told", "part", subject, "since", since, "error", o.Error)
		}
		if err := store.SetHealthFailing(ctx, tx, subject, since, oneLine(o.Error, 500), alerted, now); err != nil {
			return err
		}
		return tx.Commit()
	}
	if row.FailingSince == nil {
		return tx.Commit()
	}
	if row.AlertedAt != nil {
		if err := w.queue(ctx, tx, "up", o, *row.FailingSince, now); err != nil {
			return err
		}
		w.log().Info("a part works again; administrators told", "part", subject, "failed_since", *row.FailingSince)
	}
	if err := store.ClearHealthAlert(ctx, tx, subject, now); err != nil {
		return err
	}
	return tx.Commit()
}

//go:embed templates
var templateFS embed.FS

// catalogue holds the emails' templates by language.
var catalogue = map[string]*template.Template{
	"es": template.Must(template.New("").ParseFS(templateFS, "templates/es/*.tmpl")),
	"en": template.Must(template.New("").ParseFS(templateFS, "templates/en/*.tmpl")),
}

// message is what the templates print.
type message struct {
	Kind, Name, Error, Desk string
	Account, Mailbox        string // of Name, "account/mailbox"
	SinceHour, SinceDay     string
	UntilHour, UntilDay     string
	Minutes                 int
}

// queue puts one email per administrator in the outbox, in tx.
func (w *Watcher) queue(ctx context.Context, tx *sqlx.Tx, which string, o Observation, since, now time.Time) error {
	if len(w.Admins) == 0 {
		return nil
	}
	lang := "es"
	if w.Lang == "en" {
		lang = "en"
	}
	loc := w.Location
	if loc == nil {
		loc = time.UTC
	}
	day := "2/01/2006"
	if lang == "en" {
		day = "2006-01-02"
	}
	m := message{Kind: o.Kind, Name: o.Name, Error: oneLine(o.Error, 500), Desk: w.FromName,
		SinceHour: since.In(loc).Format("15:04"), SinceDay: since.In(loc).Format(day),
		UntilHour: now.In(loc).Format("15:04"), UntilDay: now.In(loc).Format(day),
		Minutes: int(now.Sub(since) / time.Minute)}
	if m.Desk == "" {
		m.Desk = w.From
	}
	if acc, mb, ok := strings.Cut(o.Name, "/"); ok {
		m.Account, m.Mailbox = acc, mb
	} else {
		m.Mailbox = o.Name
	}
	subject, err := render(lang, which+".subject.tmpl", m)
	if err != nil {
		return err
	}
	text, err := render(lang, which+".txt.tmpl", m)
	if err != nil {
		return err
	}
	subject = oneLine(subject, 200)
	for _, to := range w.Admins {
		key := fmt.Sprintf("alert:%s:%s:%d:%s", o.Subject(), which, since.UnixMicro(), strings.ToLower(to))
		out := store.Outgoing{Kind: "alert_" + which, Recipient: strings.ToLower(to), AutoSubmitted: "auto-generated",
			CreatedAt: now, MessageID: messageID(w.From, now, to, which), FromAddr: w.From, FromName: w.FromName,
			Subject: subject, TextBody: text, DedupKey: &key}
		if _, err := store.Enqueue(ctx, tx, &out); err != nil {
			return err
		}
	}
	return nil
}

func render(lang, name string, m message) (string, error) {
	var b strings.Builder
	if err := catalogue[lang].ExecuteTemplate(&b, name, m); err != nil {
		return "", fmt.Errorf("alert template %s/%s: %w", lang, name, err)
	}
	return b.String(), nil
}

// messageID is a fresh Message-ID at the desk's domain.
func messageID(from string, now time.Time, to, which string) string {
	dom := "ticketd.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		dom = from[at+1:]
	}
	b := make([]byte, 9)
	rand.Read(b)
	return fmt.Sprintf("alert.%s.%d.%s@%s", which, now.UnixMilli(), hex.EncodeToString(b), dom)
}

// oneLine keeps s on one line, at most n bytes (cut on a rune boundary).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}

// Failing is a part that fails now, as recorded.
type Failing = store.HealthFailure

// Failures returns the parts failing now, for /readyz, ticketd status and
// the metric.
func Failures(ctx context.Context, q sqlx.QueryerContext) ([]Failing, error) {
	out, err := store.HealthFailures(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("reading alerts: %w", err)
	}
	return out, nil
}
