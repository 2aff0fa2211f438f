package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets/store"
)

// checkTemplates parses the built-in templates and the operator's
// overrides, so a broken override is reported now and not at send time.
func checkTemplates(c *config.Config) error {
	_, err := mailout.NewRenderer(c.Notifications.TemplatesDir)
	return err
}

// newNotifier builds the outbox notifier: templates, the reply-token
// signer and the per-recipient caps.
func newNotifier(ctx context.Context, c *config.Config, db *sqlx.DB) (*mailout.Notifier, error) {
	r, err := mailout.NewRenderer(c.Notifications.TemplatesDir)
	if err != nil {
		return nil, fail(2, "plantillas: %v", err)
	}
	signer, err := newSigner(ctx, c, db)
	if err != nil {
		return nil, err
	}
	return &mailout.Notifier{
		Renderer: r, Roster: c.Roster(), Tag: c.Desk.SubjectTag, Signer: signer,
		Desk:       mailout.DeskInfo{Name: c.Desk.Name, Address: c.Desk.Address},
		MaxPerHour: c.Notifications.MaxPerHour, MaxPerDay: c.Notifications.MaxPerDay,
	}, nil
}

// newSigner returns the reply-token signer. Without a configured secret it
// uses one generated once and kept in the database, so that every replica
// signs and verifies with the same key.
func newSigner(ctx context.Context, c *config.Config, db *sqlx.DB) (*replytoken.Signer, error) {
	secret, err := config.Secret(c.Security.ReplyTokenSecret, c.Security.ReplyTokenSecretFile)
	if err != nil {
		return nil, fail(2, "security.reply_token_secret_file: %v", err)
	}
	if secret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		secret, err = store.SettingOrCreate(ctx, db, "reply_token_secret", base64.RawStdEncoding.EncodeToString(b))
		if err != nil {
			return nil, fmt.Errorf("reply-token secret: %w", err)
		}
	}
	if len(secret) < replytoken.MinSecretLen {
		return nil, fail(2, "security.reply_token_secret debe tener al menos %d caracteres", replytoken.MinSecretLen)
	}
	var keys []replytoken.Key
	used := map[byte]bool{}
	for _, s := range append([]string{secret}, c.Security.PreviousSecrets...) {
		s = strings.TrimSpace(s)
		id := keyID(s)
		for used[id] {
			id++
		}
		used[id] = true
		keys = append(keys, replytoken.Key{ID: id, Secret: []byte(s)})
	}
	return replytoken.NewSigner(keys, c.Security.ReplyTokenTTL.Duration)
}

// keyID derives a stable key id from a secret, so that tokens signed before
// a rotation still name their key.
func keyID(secret string) byte {
	h := sha256.Sum256([]byte(secret))
	return h[0]
}
