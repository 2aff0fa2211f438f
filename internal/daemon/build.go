// Package daemon assembles ticketd from its parts: the database, the ticket
// service with its outbox notifier, the mail intake for every configured
// mailbox (one replica reads a mailbox at a time), the outbox worker, the
// procedure's timers and the admin HTTP listener. `ticketd run` and
// `ticketd sandbox` both start it. It holds no SQL: the mailbox leases'
// advisory locks, like all of ticketd's SQL, are in tickets/store.
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
	OAuth2   *oauth.Source  // [oauth2]: SMTP's tokens, shared with its account's IMAP; nil when off
	// Tokens are the sources [oauth2] renews, by account name: each
	// account whose auth is OAuth 2.0 with neither a token file nor a
	// token command, and SMTP's (see SMTPAccount).
	Tokens map[string]*oauth.Source
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
	tokens, err := newOAuth2Sources(c, db)
	if err != nil {
		return nil, err
	}
	return &Parts{Config: c, DB: db, Service: s, Notifier: n, Signer: signer, Zone: zone,
		OAuth2: tokens[SMTPAccount(c)], Tokens: tokens}, nil
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
		AccountServices: accountServices(c), Logger: log, OnMessage: onMessage,
		NoSatisfaction: !c.Notifications.Satisfaction(),
		DKIM:           dkimVerifier(c), DKIMRetryFor: c.Security.DKIM.RetryFor.Duration,
	}
}

// dkimVerifier is the DKIM check of [security.dkim], nil when it is off.
func dkimVerifier(c *config.Config) *dkim.Verifier {
	if !c.Security.DKIM.Verify {
		return nil
	}
	return &dkim.Verifier{Timeout: c.Security.DKIM.Timeout.Duration}
}

// accountServices is each account's default service of new tickets, by
// mailbox ("" for the account's own).
func accountServices(c *config.Config) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, a := range c.Accounts {
		m := map[string]string{"": a.Service}
		for _, mb := range a.Mailboxes {
			m[mb] = a.ServiceFor(mb)
		}
		out[a.Name] = m
	}
	return out
}

// accountToken is the OAuth 2.0 token source of an account: its token
// file or command, or the one [oauth2] renews; nil when it logs in with a
// password.
func accountToken(a config.IMAP, tokens map[string]*oauth.Source) oauth.TokenSource {
	if tok := ownToken(a.Connection); tok != nil {
		return tok
	}
	if tokens[a.Name] != nil {
		return tokens[a.Name]
	}
	return nil
}

// ownToken is the token source a connection names itself (its token file
// or command), nil when it names none.
func ownToken(k config.Connection) oauth.TokenSource {
	switch {
	case k.OAuth2TokenFile != "":
		return oauth.FileToken(k.OAuth2TokenFile)
	case len(k.OAuth2TokenCommand) > 0:
		return oauth.CommandToken(k.OAuth2TokenCommand)
	}
	return nil
}

// imapConfig is the poller configuration for one mailbox of account a;
// tok is the account's token source (accountToken), shared by its
// mailboxes.
func imapConfig(c *config.Config, a config.IMAP, mailbox string, log *slog.Logger, tok oauth.TokenSource) (imapin.Config, error) {
	pw, err := config.Secret(a.Password, a.PasswordFile)
	if err != nil {
		return imapin.Config{}, fmt.Errorf("%s.password_file: %w", a.Key(), err)
	}
	ic := imapin.Config{
		Name: a.Name, Address: a.Address, TLS: a.TLS, AllowInsecure: a.AllowInsecure, InsecureSkipVerify: a.InsecureSkipVerify,
		Username: a.Username, Password: pw, Auth: a.Auth, Mailbox: mailbox,
		ProcessedMailbox: a.ProcessedMailbox, QuarantineMailbox: a.QuarantineMailbox, After: a.After,
		PollInterval: a.PollInterval.Duration, IdleRenew: a.IdleRenew.Duration, BatchSize: a.BatchSize,
		MaxMessageBytes: c.Limits.MaxMessageBytes, Logger: log,
	}
	if a.Auth == "" && pw != "" {
		ic.Auth = "login"
	}
	if tok != nil {
		ic.Token = tok
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
	sc.Token = ownToken(s.Connection)
	if sc.Token == nil && tokens != nil && smtpManaged(c) {
		sc.Token = tokens
	}
	return sc, nil
}

// replicaID names this process in logs and in the mailbox state.
func replicaID() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}
