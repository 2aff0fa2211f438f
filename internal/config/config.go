// Package config reads ticketd's one TOML configuration file, fills in
// defaults, takes secrets from the environment or from files, and checks
// every key so that a mistake is reported at start with a clear message.
//
// It imports the domain (for the roster) and nothing that talks to the
// network or the database.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ticketd/ticketd/tickets"
)

// Config is the whole configuration file.
type Config struct {
	Database      Database       `toml:"database"`
	Desk          Desk           `toml:"desk"`
	People        []Person       `toml:"people"`
	Services      []Service      `toml:"services"`
	IMAPTable     toml.Primitive `toml:"imap"` // [imap] or [[imap]]; decoded into Accounts (imap.go)
	SMTP          SMTP           `toml:"smtp"`
	Security      Security       `toml:"security"`
	Limits        Limits         `toml:"limits"`
	Notifications Notifications  `toml:"notifications"`
	Timers        Timers         `toml:"timers"`
	Log           Log            `toml:"log"`
	Admin         Admin          `toml:"admin"`
	Reports       Reports        `toml:"reports"`
	OAuth2        OAuth2         `toml:"oauth2"` // oauth2.go
	Alerts        Alerts         `toml:"alerts"` // alerts.go

	// Accounts are the mailbox accounts the intake reads: the one [imap]
	// table, or each [[imap]] of the list, with defaults applied; none when
	// the intake is off.
	Accounts []IMAP `toml:"-"`
	// SMTPAccountName keys SMTP's stored OAuth 2.0 grant when no mailbox
	// is read: the name of a single [imap] table without an address, as
	// before there were several accounts ("" for the default).
	SMTPAccountName string `toml:"-"`

	// Path is the file the configuration was read from.
	Path string `toml:"-"`
}

// Database is where everything is kept.
type Database struct {
	URL            string `toml:"url"` // TICKETD_DATABASE_URL overrides it
	MaxConnections int    `toml:"max_connections"`
	AutoMigrate    *bool  `toml:"auto_migrate"` // apply migrations at `ticketd run` (default true)
}

// Desk is the service desk's identity.
type Desk struct {
	Name       string `toml:"name"`
	Address    string `toml:"address"`
	SubjectTag string `toml:"subject_tag"`
	Language   string `toml:"language"`
	Timezone   string `toml:"timezone"`
}

// Person is one roster entry.
type Person struct {
	Email    string   `toml:"email"`
	Name     string   `toml:"name"`
	Role     string   `toml:"role"`
	Levels   []int    `toml:"levels"`
	Services []string `toml:"services"`
	Alias    string   `toml:"alias"`
	Language string   `toml:"language"`
}

// Service is one entry of the service catalogue.
type Service struct {
	Name         string   `toml:"name"`
	Keywords     []string `toml:"keywords"`      // route from the subject
	BodyKeywords []string `toml:"body_keywords"` // route from the subject or the body
	Level        int      `toml:"level"`
	Assignee     string   `toml:"assignee"`
}

// Connection is how ticketd reaches a mail server and logs in: the keys
// an [imap] account and [smtp] share.
type Connection struct {
	Address            string   `toml:"address"`
	TLS                string   `toml:"tls"`
	AllowInsecure      bool     `toml:"allow_insecure"`
	InsecureSkipVerify bool     `toml:"insecure_skip_verify"`
	Username           string   `toml:"username"`
	Password           string   `toml:"password"`
	PasswordFile       string   `toml:"password_file"`
	Auth               string   `toml:"auth"`
	OAuth2TokenFile    string   `toml:"oauth2_token_file"`
	OAuth2TokenCommand []string `toml:"oauth2_token_command"`
}

// Renewed reports whether [oauth2] renews the connection's tokens: auth is
// xoauth2 or oauthbearer and neither a token file nor a command is set.
func (k Connection) Renewed(c *Config) bool {
	return c.OAuth2Managed() && (k.Auth == "xoauth2" || k.Auth == "oauthbearer") &&
		k.OAuth2TokenFile == "" && len(k.OAuth2TokenCommand) == 0
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Connection
	Connections  int      `toml:"connections"`
	BatchSize    int      `toml:"batch_size"`
	RetryFor     Duration `toml:"retry_for"`
	RetryInitial Duration `toml:"retry_initial"` // first wait after a temporary failure; doubles each time
	ClaimLease   Duration `toml:"claim_lease"`   // a claimed message not marked sent by then is sent again
	Timeout      Duration `toml:"timeout"`
}

// Security decides whose commands count.
type Security struct {
	ReplyTokenSecret     string   `toml:"reply_token_secret"`
	ReplyTokenSecretFile string   `toml:"reply_token_secret_file"`
	PreviousSecrets      []string `toml:"previous_reply_token_secrets"`
	ReplyTokenTTL        Duration `toml:"reply_token_ttl"`
	TrustedAuthservID    string   `toml:"trusted_authserv_id"`
	// RequireVerifiedCommands: a command runs only with a valid reply token
	// or a trusted DKIM/DMARC pass. Turning it off trusts the From header.
	RequireVerifiedCommands *bool `toml:"require_verified_commands"`
	DKIM                    DKIM  `toml:"dkim"` // dkim.go
}

// Limits bound what an inbound message may cost.
type Limits struct {
	MaxMessageBytes int64 `toml:"max_message_bytes"`
	MaxHeaderBytes  int   `toml:"max_header_bytes"`
	MaxMIMEDepth    int   `toml:"max_mime_depth"`
	MaxParts        int   `toml:"max_parts"`
}

// Notifications shape outgoing mail.
type Notifications struct {
	TemplatesDir string `toml:"templates_dir"`
	MaxPerHour   int    `toml:"max_per_hour"`
	MaxPerDay    int    `toml:"max_per_day"`
	// AskSatisfaction puts the satisfaction question in the closure notice
	// and takes a requester's reply of 1 to 5 as her rating; nil is true.
	AskSatisfaction *bool `toml:"ask_satisfaction"`
	// MaxAttachmentBytes is the total size of the attachments one
	// notification carries (default 10 MiB); what does not fit is listed.
	MaxAttachmentBytes int `toml:"max_attachment_bytes"`
}

// Satisfaction says whether the requester is asked to rate a closed ticket.
func (n Notifications) Satisfaction() bool { return n.AskSatisfaction == nil || *n.AskSatisfaction }

// Timers are the procedure's clocks.
type Timers struct {
	AutoCloseBusinessDays int      `toml:"auto_close_business_days"`
	ReminderLevel1        Duration `toml:"reminder_after_level1"`
	ReminderLevel2        Duration `toml:"reminder_after_level2"`
	ReminderLevel3        Duration `toml:"reminder_after_level3"`
	Interval              Duration `toml:"interval"`
}

// Log chooses the log format.
type Log struct {
	Format string `toml:"format"` // text | json
	Level  string `toml:"level"`  // debug | info | warn | error
}

// Admin is the operations HTTP listener.
type Admin struct {
	Address string `toml:"address"` // empty: off
}

// Duration is a time.Duration written as "30s", "4h".
//
// A value that is not a duration does not stop decoding: it is kept and
// reported by the check with its key, together with every other problem.
type Duration struct {
	time.Duration
	bad string // the value as written, when it is not a duration
}

// UnmarshalTOML implements toml.Unmarshaler: a string that time.ParseDuration
// reads; anything else is kept for the check to report.
func (d *Duration) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if ok {
		if p, err := time.ParseDuration(s); err == nil {
			*d = Duration{Duration: p}
			return nil
		}
	}
	d.Duration, d.bad = 0, fmt.Sprintf("%#v", v)
	if ok {
		d.bad = fmt.Sprintf("%q", s)
	}
	return nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (write it like \"30s\", \"15m\" or \"4h\")", b)
	}
	d.Duration, d.bad = v, ""
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Load reads the file at path (or, when path is empty, TICKETD_CONFIG),
// applies the environment and defaults, and checks it. A non-nil error may
// be Errors listing every problem.
func Load(path string) (*Config, error) {
	if path == "" {
		path = os.Getenv("TICKETD_CONFIG")
	}
	if path == "" {
		return nil, Errors{problem("no configuration file: pass --config FILE or set TICKETD_CONFIG (start from ticketd.example.toml)")}
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, Errors{problem("the configuration file %s does not exist", path)}
	case errors.Is(err, fs.ErrPermission):
		return nil, Errors{problem("the configuration file %s cannot be read: permission denied", path)}
	case err != nil:
		return nil, Errors{problem("the configuration file %s cannot be read: %v", path, err)}
	}
	c, err := Parse(data)
	if c != nil {
		c.Path = path
	}
	return c, err
}

// Parse decodes and checks a configuration. It returns the configuration
// even when it has problems, with Errors; when the text is not TOML it
// returns only Errors.
func Parse(data []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, Errors{problem("the configuration is not valid TOML (line %d, column %d): %s",
				perr.Position.Line, perr.Position.Col, perr.Message)}
		}
		return nil, Errors{problem("the configuration cannot be read: %v", err)}
	}
	var errs Errors
	errs = append(errs, c.decodeAccounts(md)...)
	for _, k := range md.Undecoded() {
		errs.add("unknown key %q (misspelt? see ticketd.example.toml)", k.String())
	}
	errs = append(errs, c.badDurations()...)
	c.applyEnv()
	c.applyDefaults()
	errs = append(errs, c.check()...)
	if len(errs) > 0 {
		return &c, errs
	}
	return &c, nil
}

func (c *Config) applyEnv() {
	if v := os.Getenv("TICKETD_DATABASE_URL"); v != "" {
		c.Database.URL = v
	}
	c.applyAccountsEnv()
	if v := os.Getenv("TICKETD_SMTP_PASSWORD"); v != "" {
		c.SMTP.Password = v
	}
	if v := os.Getenv("TICKETD_REPLY_TOKEN_SECRET"); v != "" {
		c.Security.ReplyTokenSecret = v
	}
}

func (c *Config) applyDefaults() {
	c.Database.MaxConnections = cmp.Or(c.Database.MaxConnections, 10)
	c.Desk.Name = cmp.Or(c.Desk.Name, "Mesa de Servicio")
	c.Desk.SubjectTag = cmp.Or(c.Desk.SubjectTag, "OTI")
	c.Desk.Language = cmp.Or(c.Desk.Language, "es")
	c.Desk.Timezone = cmp.Or(c.Desk.Timezone, "America/Bogota")
	c.Desk.Address = strings.ToLower(strings.TrimSpace(c.Desk.Address))
	for i := range c.People {
		p := &c.People[i]
		p.Email = strings.ToLower(strings.TrimSpace(p.Email))
		p.Language = cmp.Or(p.Language, c.Desk.Language)
		if len(p.Levels) == 0 {
			switch tickets.Role(p.Role) {
			case tickets.RoleDesk:
				p.Levels = []int{1}
			case tickets.RoleOnSite, tickets.RoleSpecialist:
				p.Levels = []int{2}
			case tickets.RoleProvider:
				p.Levels = []int{2, 3}
			}
		}
	}
	c.accountDefaults()
	c.SMTP.TLS = cmp.Or(c.SMTP.TLS, "starttls")
	c.SMTP.Connections = cmp.Or(c.SMTP.Connections, 4)
	c.SMTP.BatchSize = cmp.Or(c.SMTP.BatchSize, 50)
	c.SMTP.RetryFor.Duration = cmp.Or(c.SMTP.RetryFor.Duration, 48*time.Hour)
	c.SMTP.RetryInitial.Duration = cmp.Or(c.SMTP.RetryInitial.Duration, time.Minute)
	c.SMTP.ClaimLease.Duration = cmp.Or(c.SMTP.ClaimLease.Duration, 2*time.Minute)
	c.SMTP.Timeout.Duration = cmp.Or(c.SMTP.Timeout.Duration, 30*time.Second)
	c.Security.ReplyTokenTTL.Duration = cmp.Or(c.Security.ReplyTokenTTL.Duration, 90*24*time.Hour)
	if c.Security.RequireVerifiedCommands == nil {
		t := true
		c.Security.RequireVerifiedCommands = &t
	}
	c.Limits.MaxMessageBytes = cmp.Or(c.Limits.MaxMessageBytes, 25<<20)
	c.Limits.MaxHeaderBytes = cmp.Or(c.Limits.MaxHeaderBytes, 256<<10)
	c.Limits.MaxMIMEDepth = cmp.Or(c.Limits.MaxMIMEDepth, 20)
	c.Limits.MaxParts = cmp.Or(c.Limits.MaxParts, 200)
	c.Notifications.MaxPerHour = cmp.Or(c.Notifications.MaxPerHour, 20)
	c.Notifications.MaxPerDay = cmp.Or(c.Notifications.MaxPerDay, 100)
	c.Notifications.MaxAttachmentBytes = cmp.Or(c.Notifications.MaxAttachmentBytes, 10<<20)
	c.Timers.AutoCloseBusinessDays = cmp.Or(c.Timers.AutoCloseBusinessDays, 3)
	c.Timers.ReminderLevel1.Duration = cmp.Or(c.Timers.ReminderLevel1.Duration, 8*time.Hour)
	c.Timers.ReminderLevel2.Duration = cmp.Or(c.Timers.ReminderLevel2.Duration, 24*time.Hour)
	c.Timers.ReminderLevel3.Duration = cmp.Or(c.Timers.ReminderLevel3.Duration, 72*time.Hour)
	c.Timers.Interval.Duration = cmp.Or(c.Timers.Interval.Duration, time.Minute)
	c.Log.Format = cmp.Or(c.Log.Format, "text")
	c.Log.Level = cmp.Or(c.Log.Level, "info")
	if c.Database.AutoMigrate == nil {
		t := true
		c.Database.AutoMigrate = &t
	}
}

// RequireVerifiedCommands reports whether commands need a reply token or a
// trusted authentication result.
func (c *Config) RequireVerifiedCommands() bool { return *c.Security.RequireVerifiedCommands }

// AutoMigrate reports whether `ticketd run` applies migrations at start.
func (c *Config) AutoMigrate() bool { return *c.Database.AutoMigrate }

// ReminderAfter is how long a ticket may wait at a level before a reminder.
func (c *Config) ReminderAfter(l tickets.Level) time.Duration {
	switch l {
	case 2:
		return c.Timers.ReminderLevel2.Duration
	case 3:
		return c.Timers.ReminderLevel3.Duration
	}
	return c.Timers.ReminderLevel1.Duration
}

// Roster returns the roster and service catalogue as the domain sees them.
func (c *Config) Roster() *tickets.Roster {
	r := &tickets.Roster{}
	for _, p := range c.People {
		tp := tickets.Person{Email: p.Email, Name: p.Name, Role: tickets.Role(p.Role), Services: p.Services,
			Alias: p.Alias, Language: p.Language}
		for _, l := range p.Levels {
			tp.Levels = append(tp.Levels, tickets.Level(l))
		}
		r.People = append(r.People, tp)
	}
	for _, s := range c.Services {
		r.Services = append(r.Services, tickets.Service{Name: s.Name, Keywords: s.Keywords, BodyKeywords: s.BodyKeywords,
			Level: tickets.Level(s.Level), Assignee: s.Assignee})
	}
	return r
}

// Secret returns an inline secret or the trimmed contents of its file.
func Secret(inline, file string) (string, error) {
	if inline != "" || file == "" {
		return inline, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading secret file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func validAddress(s string) bool {
	if s == "" || strings.ContainsAny(s, "\r\n\t <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Count(s, "@") == 1
}
