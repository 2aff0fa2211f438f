// Package daemon assembles ticketd from its parts: the database, the ticket
// service with its outbox notifier, the mail intake for every configured
// mailbox (one replica reads a mailbox at a time), the outbox worker, the
// procedure's timers and the admin HTTP listener. `ticketd run` and
// `ticketd sandbox` both start it.
package daemon

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/dbconn"
	"github.com/ticketd/ticketd/internal/oauth"
	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/dkim"
	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// OpenDB connects to PostgreSQL and checks the connection.
func OpenDB(ctx context.Context, url string, maxConns int) (*sqlx.DB, error) {
	db, err := dbconn.Open(url)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot connect to the database (%s): %w", config.Redact(url), err)
	}
	return db, nil
}

// Parts are the pieces built from a configuration and a database.
type Parts struct {
	Config   *config.Config
	DB       *sqlx.DB
	Service  *service.Service
	Notifier *mailout.Notifier
	Signer   *replytoken.Signer
	Zone     *time.Location // desk.timezone: of the times in bodies and of the Date header
	OAuth2   *oauth.Source  // [oauth2]: the tokens IMAP and SMTP share; nil when off
}

// Build makes the ticket service with its notifier. A broken template
// override is reported here, at start.
func Build(ctx context.Context, c *config.Config, db *sqlx.DB) (*Parts, error) {
	zone, err := time.LoadLocation(c.Desk.Timezone)
	if err != nil {
		return nil, fmt.Errorf("desk.timezone: %w", err)
	}
	r, err := mailout.NewRendererIn(c.Notifications.TemplatesDir, zone)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	signer, err := newSigner(ctx, c, db)
	if err != nil {
		return nil, err
	}
	n := &mailout.Notifier{
		Renderer: r, Roster: c.Roster(), Tag: c.Desk.SubjectTag, Signer: signer,
		Desk:       mailout.DeskInfo{Name: c.Desk.Name, Address: c.Desk.Address},
		MaxPerHour: c.Notifications.MaxPerHour, MaxPerDay: c.Notifications.MaxPerDay,
		MaxAttachmentBytes: c.Notifications.MaxAttachmentBytes,
		NoSatisfaction:     !c.Notifications.Satisfaction(),
	}
	s := &service.Service{DB: db, Roster: c.Roster(), Notifier: n, Tag: c.Desk.SubjectTag, Lang: c.Desk.Language}
	tokens, err := newOAuth2Source(c, db)
	if err != nil {
		return nil, err
	}
	return &Parts{Config: c, DB: db, Service: s, Notifier: n, Signer: signer, Zone: zone, OAuth2: tokens}, nil
}

// newSigner returns the reply-token signer. Without a configured secret it
// uses one generated once and kept in the database, so that every replica
// signs and verifies with the same key.
func newSigner(ctx context.Context, c *config.Config, db *sqlx.DB) (*replytoken.Signer, error) {
	secret, err := config.Secret(c.Security.ReplyTokenSecret, c.Security.ReplyTokenSecretFile)
	if err != nil {
		return nil, fmt.Errorf("security.reply_token_secret_file: %w", err)
	}
	if secret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		secret, err = store.SettingOrCreate(ctx, db, "reply_token_secret", base64.RawStdEncoding.EncodeToString(b))
		if err != nil {
			return nil, fmt.Errorf("reply-token secret: %w", err)
		}
	}
	var keys []replytoken.Key
	used := map[byte]bool{}
	for _, s := range append([]string{secret}, c.Security.PreviousSecrets...) {
		s = strings.TrimSpace(s)
		// A key id derived from the secret stays the same across a
		// rotation, so tokens signed before it still name their key.
		h := sha256.Sum256([]byte(s))
		id := h[0]
		for used[id] {
			id++
		}
		used[id] = true
		keys = append(keys, replytoken.Key{ID: id, Secret: []byte(s)})
	}
	return replytoken.NewSigner(keys, c.Security.ReplyTokenTTL.Duration)
}

// Intake builds the mail intake on the service.
func (p *Parts) Intake(log *slog.Logger, onMessage func(outcome, reason string)) *mailin.Intake {
	c := p.Config
	return &mailin.Intake{
		Service: p.Service, Responder: p.Notifier, Signer: p.Signer,
		DeskAddress: c.Desk.Address, OwnAddresses: []string{c.Desk.Address},
		Limits: email.Limits{MaxBytes: c.Limits.MaxMessageBytes, MaxHeaderBytes: c.Limits.MaxHeaderBytes,
			MaxDepth: c.Limits.MaxMIMEDepth, MaxParts: c.Limits.MaxParts},
		TrustedAuthserv: c.Security.TrustedAuthservID, RequireVerified: c.RequireVerifiedCommands(),
		MailboxServices: c.IMAP.MailboxServices, Logger: log, OnMessage: onMessage,
		NoSatisfaction: !c.Notifications.Satisfaction(),
		DKIM:           dkimVerifier(c),
	}
}

// dkimVerifier is the DKIM check of [security.dkim], nil when it is off.
func dkimVerifier(c *config.Config) *dkim.Verifier {
	if !c.Security.DKIM.Verify {
		return nil
	}
	return &dkim.Verifier{Timeout: c.Security.DKIM.Timeout.Duration}
}

// imapConfig is the poller configuration for one mailbox.
func imapConfig(c *config.Config, mailbox string, log *slog.Logger, tokens *oauth.Source) (imapin.Config, error) {
	m := c.IMAP
	pw, err := config.Secret(m.Password, m.PasswordFile)
	if err != nil {
		return imapin.Config{}, fmt.Errorf("imap.password_file: %w", err)
	}
	ic := imapin.Config{
		Name: m.Name, Address: m.Address, TLS: m.TLS, AllowInsecure: m.AllowInsecure, InsecureSkipVerify: m.InsecureSkipVerify,
		Username: m.Username, Password: pw, Auth: m.Auth, Mailbox: mailbox,
		ProcessedMailbox: m.ProcessedMailbox, QuarantineMailbox: m.QuarantineMailbox, After: m.After,
		PollInterval: m.PollInterval.Duration, IdleRenew: m.IdleRenew.Duration, BatchSize: m.BatchSize,
		MaxMessageBytes: c.Limits.MaxMessageBytes, Logger: log,
	}
	if m.Auth == "" && pw != "" {
		ic.Auth = "login"
	}
	switch {
	case m.OAuth2TokenFile != "":
		ic.Token = imapin.FileToken(m.OAuth2TokenFile)
	case len(m.OAuth2TokenCommand) > 0:
		ic.Token = imapin.CommandToken(m.OAuth2TokenCommand)
	case tokens != nil:
		ic.Token = tokens
	}
	return ic, nil
}

// smtpConfig is the sender configuration.
func smtpConfig(c *config.Config, tokens *oauth.Source) (mailout.SMTPConfig, error) {
	s := c.SMTP
	pw, err := config.Secret(s.Password, s.PasswordFile)
	if err != nil {
		return mailout.SMTPConfig{}, fmt.Errorf("smtp.password_file: %w", err)
	}
	sc := mailout.SMTPConfig{
		Address: s.Address, TLS: s.TLS, AllowInsecure: s.AllowInsecure, InsecureSkipVerify: s.InsecureSkipVerify,
		Username: s.Username, Password: pw, Auth: s.Auth, Timeout: s.Timeout.Duration,
	}
	switch {
	case s.OAuth2TokenFile != "":
		sc.Token = imapin.FileToken(s.OAuth2TokenFile)
	case len(s.OAuth2TokenCommand) > 0:
		sc.Token = imapin.CommandToken(s.OAuth2TokenCommand)
	case tokens != nil && (s.Auth == "xoauth2" || s.Auth == "oauthbearer"):
		sc.Token = tokens
	}
	return sc, nil
}

// replicaID names this process in logs and in the mailbox state.
func replicaID() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}
