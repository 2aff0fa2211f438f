package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
)

// cmdRun is `ticketd run`: the daemon.
func (a *app) cmdRun(ctx context.Context, args []string) error {
	fs := a.newFlags("run", "run [--no-migrate]")
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations at start (fail if any)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := a.config()
	if err != nil {
		return err
	}
	log := newLogger(c, a.stderr)
	slog.SetDefault(log)
	if err := daemon.Run(ctx, daemon.Options{Config: c, Logger: log, NoMigrate: *noMigrate}); err != nil {
		return fail(1, "%v", err)
	}
	return nil
}

// newLogger logs as the configuration says: text or JSON, at a level.
func newLogger(c *config.Config, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.Log.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if w == nil {
		w = os.Stderr
	}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
