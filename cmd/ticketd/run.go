package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
)

// cmdRun is `ticketd run`: the daemon.
func (a *app) cmdRun(ctx context.Context, args []string) error {
	fs := a.newFlags("run", a.t("syn.run"))
	noMigrate := fs.Bool("no-migrate", false, a.t("flag.no_migrate"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := a.config()
	if err != nil {
		return err
	}
	log := newLogger(c, a.stderr)
	slog.SetDefault(log)
	tuneGC(os.Getenv, log)
	if err := daemon.Run(ctx, daemon.Options{Config: c, Logger: log, NoMigrate: *noMigrate}); err != nil {
		// The common faults at start read as the other commands say them,
		// in the reader's language; any other is the daemon's own words.
		if f := a.databaseFault(err, c); f != nil {
			return f
		}
		if errors.Is(err, syscall.EADDRINUSE) {
			return a.fail(1, "err.admin_in_use", c.Admin.Address)
		}
		var pending daemon.PendingMigrationsError
		if errors.As(err, &pending) {
			return a.fail(1, "err.pending_migrations", pending.N)
		}
		return a.fail(1, "err.run", err)
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

// The daemon's garbage collector settings, unless the operator chose them
// with GOGC or GOMEMLIMIT (the Go runtime's own variables; see README).
//
// ticketd keeps little alive (tens of MB) but allocates fast while a
// backlog drains: every message parsed, every notification rendered and
// encoded. At Go's default (GOGC=100) the collector then runs every few
// MB and takes about a fifth of the daemon's CPU. GOGC=400 lets the heap
// grow to five times what is alive before collecting; the soft limit
// bounds the total, since near it the collector runs as often as needed.
// Measured with two replicas on a 10,000-message backlog: 0.95 ms of CPU
// per message at GOGC=100, 0.72 at 400, peak RSS 66 MB and 134 MB.
const (
	daemonGCPercent   = 400
	daemonMemoryLimit = 256 << 20
)

// gcSettings returns what tuneGC sets: a GC percent (0: leave it) and a
// memory limit (0: leave it).
func gcSettings(getenv func(string) string) (percent int, limit int64) {
	if getenv("GOGC") == "" {
		percent = daemonGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		limit = daemonMemoryLimit
	}
	return percent, limit
}

func tuneGC(getenv func(string) string, log *slog.Logger) {
	percent, limit := gcSettings(getenv)
	if percent > 0 {
		debug.SetGCPercent(percent)
	}
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	// SetMemoryLimit with a negative value reads the limit without
	// changing it.
	log.Debug("garbage collector", "gogc_set", percent, "memory_limit_bytes", debug.SetMemoryLimit(-1))
}
