package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/internal/dbconn"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/migrations"
	"github.com/ticketd/ticketd/tickets/service"
)

// app holds what the commands share.
type app struct {
	configPath     string
	lang           string // the reader's: "es" or "en"
	langFlag       string // what --lang said, "" when it was not given
	stdout, stderr io.Writer

	cfg *config.Config
	db  *sqlx.DB
}

// config loads and checks the configuration once.
func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	c, err := config.Load(a.configPath)
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			return nil, &exitError{code: 2, msg: errs.In(a.lang)}
		}
		return nil, &exitError{code: 2, msg: err.Error()}
	}
	a.cfg = c
	return c, nil
}

// open connects to the configured database.
func (a *app) open(ctx context.Context) (*sqlx.DB, error) {
	if a.db != nil {
		return a.db, nil
	}
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	db, err := daemon.OpenDB(ctx, c.Database.URL, c.Database.MaxConnections)
	if err != nil {
		// OpenDB says which database in English; the cause is what to show.
		cause := err
		if u := errors.Unwrap(err); u != nil {
			cause = u
		}
		if f := a.databaseFault(err, c); f != nil {
			return nil, f
		}
		return nil, a.fail(1, "err.database", config.Redact(c.Database.URL), cause)
	}
	a.db = db
	return db, nil
}

// databaseFault words the database's two common faults, an address the
// driver cannot read and nobody answering at it, as every command says
// them; nil for any other.
func (a *app) databaseFault(err error, c *config.Config) error {
	switch {
	case errors.Is(err, dbconn.ErrAddress):
		return a.fail(1, "err.database_address", config.Redact(c.Database.URL))
	case errors.Is(err, syscall.ECONNREFUSED):
		return a.fail(1, "err.database_refused", config.Redact(c.Database.URL))
	}
	return nil
}

// openCurrent connects to the configured database and refuses to work on
// it while migrations are pending.
func (a *app) openCurrent(ctx context.Context) (*sqlx.DB, error) {
	db, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := migrations.Pending(ctx, db.DB)
	if err != nil {
		return nil, err
	}
	if len(pending) > 0 {
		return nil, a.fail(1, "err.pending_migrations", len(pending))
	}
	return db, nil
}

// parts builds what the daemon runs (service, notifier, intake) on the
// configured database, once its schema is current.
func (a *app) parts(ctx context.Context) (*daemon.Parts, error) {
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	db, err := a.openCurrent(ctx)
	if err != nil {
		return nil, err
	}
	parts, err := daemon.Build(ctx, c, db)
	if err != nil {
		return nil, a.fail(2, "err.build", err)
	}
	return parts, nil
}

// service builds the ticket service with the outbox notifier.
func (a *app) service(ctx context.Context) (*service.Service, error) {
	parts, err := a.parts(ctx)
	if err != nil {
		return nil, err
	}
	return parts.Service, nil
}

func (a *app) cmdMigrate(ctx context.Context, args []string) error {
	fs := a.newFlags("migrate", a.t("syn.migrate"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	done, err := migrations.Apply(ctx, db.DB)
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintln(a.stdout, a.t("out.migrate_none"))
	}
	for _, m := range done {
		fmt.Fprintln(a.stdout, a.t("out.migrate_applied", m))
	}
	return nil
}

func (a *app) cmdConfig(ctx context.Context, args []string) error {
	fs := a.newFlags("config", a.t("syn.config"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "check" {
		return a.usageError("config", a.t("err.config_usage"))
	}
	c, err := a.config()
	if err != nil {
		return err
	}
	if _, err := mailout.NewRenderer(c.Notifications.TemplatesDir); err != nil {
		return a.fail(2, "err.templates", err)
	}
	fmt.Fprintln(a.stdout, a.t("out.config_ok", c.Path, len(c.People), len(c.Services)))
	return nil
}
