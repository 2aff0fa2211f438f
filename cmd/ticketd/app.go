package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/migrations"
	"github.com/ticketd/ticketd/tickets/service"
)

// app holds what the commands share.
type app struct {
	configPath     string
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
			return nil, fail(2, "%s", errs.Error())
		}
		return nil, fail(2, "%v", err)
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
	db, err := openDB(ctx, c.Database.URL, c.Database.MaxConnections)
	if err != nil {
		return nil, err
	}
	a.db = db
	return db, nil
}

func openDB(ctx context.Context, url string, maxConns int) (*sqlx.DB, error) {
	db, err := daemon.OpenDB(ctx, url, maxConns)
	if err != nil {
		return nil, fail(1, "no se pudo usar la base de datos: %v\n(revise database.url o TICKETD_DATABASE_URL; para probar sin una base propia: ticketd sandbox)", err)
	}
	return db, nil
}

// checkSchema refuses to work on a database with pending migrations.
func checkSchema(ctx context.Context, db *sqlx.DB) error {
	pending, err := migrations.Pending(ctx, db.DB)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fail(1, "la base de datos tiene %d migraciones pendientes: ejecute 'ticketd migrate'", len(pending))
	}
	return nil
}

// service builds the ticket service with the outbox notifier.
func (a *app) service(ctx context.Context) (*service.Service, error) {
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	db, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkSchema(ctx, db); err != nil {
		return nil, err
	}
	parts, err := daemon.Build(ctx, c, db)
	if err != nil {
		return nil, fail(2, "%v", err)
	}
	return parts.Service, nil
}

func (a *app) cmdMigrate(ctx context.Context, args []string) error {
	fs := a.newFlags("migrate", "migrate")
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
		fmt.Fprintln(a.stdout, "La base de datos ya está al día.")
	}
	for _, m := range done {
		fmt.Fprintln(a.stdout, "aplicada:", m)
	}
	return nil
}

func (a *app) cmdConfig(ctx context.Context, args []string) error {
	fs := a.newFlags("config check", "config check [-config ARCHIVO]")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "check" {
		return fail(2, "uso: ticketd config check [-config ARCHIVO]")
	}
	c, err := a.config()
	if err != nil {
		return err
	}
	if _, err := mailout.NewRenderer(c.Notifications.TemplatesDir); err != nil {
		return fail(2, "plantillas: %v", err)
	}
	fmt.Fprintf(a.stdout, "%s: configuración válida (%d personas, %d servicios).\n", c.Path, len(c.People), len(c.Services))
	return nil
}

func redactURL(u string) string {
	return config.Redact(u)
}
