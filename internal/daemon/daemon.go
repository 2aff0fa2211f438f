package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/alerts"
	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/oauth"
	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/migrations"
	"github.com/ticketd/ticketd/tickets/store"
)

// Options start the daemon.
type Options struct {
	Config    *config.Config
	Logger    *slog.Logger
	NoMigrate bool
	// Ready, when set, is called once every component has started.
	Ready func(*Daemon)
	// ShutdownTimeout bounds the graceful stop (default 30s).
	ShutdownTimeout time.Duration
	// LeaseRetry is how often a standby replica tries to take a mailbox
	// (default 2s).
	LeaseRetry time.Duration
}

// Daemon is a running ticketd.
type Daemon struct {
	Parts   *Parts
	Worker  *mailout.Worker
	Intake  *mailin.Intake
	ID      string
	log     *slog.Logger
	metrics *metrics
	admin   *adminServer
	alerts  *alerts.Watcher // alerts.go
	smtp    smtpHealth
	// smtpToken is SMTP's OAuth 2.0 token source, told when the server
	// refused a token; nil with a password.
	smtpToken oauth.TokenSource

	mu      sync.Mutex
	pollers map[string]*mailboxRunner
}

// Run starts ticketd and blocks until ctx is cancelled; then it finishes
// the message in hand, stops IDLE, flushes what it can and returns nil
// within the shutdown timeout.
func Run(ctx context.Context, opt Options) error {
	c := opt.Config
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	if opt.ShutdownTimeout == 0 {
		opt.ShutdownTimeout = 30 * time.Second
	}
	if opt.LeaseRetry == 0 {
		opt.LeaseRetry = 2 * time.Second
	}
	db, err := OpenDB(ctx, c.Database.URL, c.Database.MaxConnections)
	if err != nil {
		return err
	}
	defer db.Close()
	if !opt.NoMigrate && c.AutoMigrate() {
		done, err := migrations.Apply(ctx, db.DB)
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		for _, m := range done {
			log.Info("migration applied", "name", m)
		}
	} else if pending, err := migrations.Pending(ctx, db.DB); err != nil {
		return fmt.Errorf("migrations: %w", err)
	} else if len(pending) > 0 {
		return PendingMigrationsError{N: len(pending)}
	}
	parts, err := Build(ctx, c, db)
	if err != nil {
		return err
	}
	// On every way out, after the work in hand and before the database
	// closes: a renewed OAuth 2.0 grant still only in memory is stored, or
	// the next start would hold a refresh token the provider has rotated.
	defer func() {
		for name, src := range parts.Tokens {
			if err := src.Close(context.Background()); err != nil {
				log.Error("stopping with a renewed OAuth 2.0 grant not stored: the next start may need \"ticketd oauth2 login\"",
					"account", name, "error", err)
			}
		}
	}()
	d := &Daemon{Parts: parts, ID: replicaID(), log: log, pollers: map[string]*mailboxRunner{}}
	d.metrics = newMetrics(db, d.pollerStatus)
	d.metrics.reg.MustRegister(newQuietCollector(d))
	d.alerts = newWatcher(parts, d)
	d.Intake = parts.Intake(log.With("component", "intake"), d.metrics.onMessage)
	handler := &observed{Intake: d.Intake, m: d.metrics}

	var wg sync.WaitGroup
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	start := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(runCtx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("component stopped", "component", name, "error", err)
			}
		}()
	}

	if c.SMTP.Address != "" {
		sc, err := smtpConfig(c, parts.OAuth2)
		if err != nil {
			return err
		}
		if sc.Token != nil {
			d.smtpToken = sc.Token
		}
		w, err := mailout.NewWorker(db, parts.Service, sc, mailout.WorkerConfig{
			Connections: c.SMTP.Connections, BatchSize: c.SMTP.BatchSize, RetryFor: c.SMTP.RetryFor.Duration,
			RetryInitial: c.SMTP.RetryInitial.Duration, Lease: c.SMTP.ClaimLease.Duration,
			LoopHeader: c.Desk.Address, Tag: c.Desk.SubjectTag, Logger: log, // NewWorker adds component=outbox
			Zone:   parts.Zone,
			OnSend: d.onSend,
		})
		if err != nil {
			return fmt.Errorf("smtp: %w", err)
		}
		d.Worker = w
		// What this replica's transactions queue goes to its worker, which
		// sends it without a claim (or is woken to claim what found no
		// room): no wake-up after each commit.
		parts.Notifier.Direct = w
		start("outbox", w.Run)
	} else {
		log.Warn("smtp.address is empty: notifications stay queued in the outbox")
	}

	if len(c.Accounts) > 0 {
		// Each account's mailboxes are read by their own runners, each
		// with its own lease, connection and backoff: an account that
		// fails holds back no other.
		for _, a := range c.Accounts {
			tok := accountToken(a, parts.Tokens)
			for _, mb := range a.Mailboxes {
				ic, err := imapConfig(c, a, mb, log.With("account", a.Name, "mailbox", mb), tok) // the poller adds component=imapin
				if err != nil {
					return err
				}
				r := &mailboxRunner{d: d, cfg: ic, name: a.Name + "/" + mb, retry: opt.LeaseRetry}
				r.handler = handler
				if _, err := imapin.New(ic, handler); err != nil {
					return fmt.Errorf("%s: %w", a.Key(), err) // a configuration error: say it now
				}
				d.mu.Lock()
				d.pollers[r.name] = r
				d.mu.Unlock()
				start("imap "+r.name, r.run)
			}
		}
	} else {
		log.Warn("no [imap] account has an address: no mailbox is read")
	}

	start("timers", (&timers{d: d}).run)
	start("alerts", d.watch)

	if c.Admin.Address != "" {
		a, err := newAdmin(d, c.Admin.Address)
		if err != nil {
			return fmt.Errorf("admin listener: %w", err)
		}
		d.admin = a
		start("admin", a.run)
	}
	log.Info("ticketd running", "replica", d.ID, "accounts", len(c.Accounts), "mailboxes", len(d.pollers), "smtp", c.SMTP.Address != "",
		"admin", c.Admin.Address)
	if opt.Ready != nil {
		opt.Ready(d)
	}

	<-ctx.Done()
	log.Info("shutting down: finishing the work in hand")
	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		log.Info("stopped")
	case <-time.After(opt.ShutdownTimeout):
		log.Warn("shutdown timeout: stopping with work in hand; it is redone at the next start", "timeout", opt.ShutdownTimeout)
	}
	return nil
}

// PendingMigrationsError is Run refusing a database with migrations it
// was told not to apply (--no-migrate, database.auto_migrate = false).
type PendingMigrationsError struct{ N int }

func (e PendingMigrationsError) Error() string {
	return fmt.Sprintf("the database has %d pending migrations: run 'ticketd migrate' (or start without --no-migrate)", e.N)
}

// AdminAddr is the admin listener's address ("" when off).
func (d *Daemon) AdminAddr() string {
	if d.admin == nil {
		return ""
	}
	return d.admin.addr()
}

// pollerState is what this process knows of one mailbox it may read.
type pollerState struct {
	Account, Mailbox string
	imapin.Status
}

func (d *Daemon) pollerStatus() []pollerState {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]pollerState, 0, len(d.pollers))
	for _, r := range d.pollers {
		out = append(out, pollerState{Account: r.cfg.Name, Mailbox: r.cfg.Mailbox, Status: r.status()})
	}
	return out
}

// mailboxRunner reads one mailbox while this replica holds its lease.
type mailboxRunner struct {
	d       *Daemon
	cfg     imapin.Config
	name    string
	retry   time.Duration
	handler imapin.Handler

	mu     sync.Mutex
	poller *imapin.Poller
	holder bool
}

func (r *mailboxRunner) status() imapin.Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.poller == nil {
		return imapin.Status{}
	}
	return r.poller.Status()
}

// standby reports whether another replica reads this mailbox.
func (r *mailboxRunner) standby() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.holder
}

func (r *mailboxRunner) run(ctx context.Context) error {
	log := r.d.log.With("component", "imap", "account", r.cfg.Name, "mailbox", r.cfg.Mailbox)
	waiting := false
	for ctx.Err() == nil {
		l, err := tryLease(ctx, r.d.Parts.DB, "imap:"+r.name, r.retry)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if !errors.Is(err, errNotHeld) {
				log.Warn("cannot take the mailbox lease", "error", err)
			} else if !waiting {
				log.Info("another replica reads this mailbox; standing by")
				waiting = true
			}
			sleep(ctx, r.retry+time.Duration(rand.Int64N(int64(r.retry/2+1))))
			continue
		}
		waiting = false
		log.Info("reading the mailbox", "replica", r.d.ID)
		r.hold(ctx, l, log)
		l.release()
	}
	return nil
}

// hold runs the poller until ctx ends or the lease is lost.
func (r *mailboxRunner) hold(ctx context.Context, l *lease, log *slog.Logger) {
	p, err := imapin.New(r.cfg, r.handler)
	if err != nil {
		log.Error("imap configuration", "error", err)
		sleep(ctx, time.Minute)
		return
	}
	r.mu.Lock()
	r.poller, r.holder = p, true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.holder = false
		r.mu.Unlock()
	}()
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-l.lost:
			log.Warn("mailbox lease lost (database session ended); stopping intake")
			cancel()
		case <-pctx.Done():
		}
	}()
	go r.report(pctx, p)
	if err := p.Run(pctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("imap poller stopped", "error", err)
	}
}

// report writes the mailbox's health to the database for `ticketd status`.
func (r *mailboxRunner) report(ctx context.Context, p *imapin.Poller) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		st := p.Status()
		ms := store.MailboxState{Account: r.cfg.Name, Mailbox: r.cfg.Mailbox, LastError: st.LastError,
			Backlog: st.Backlog, Holder: r.d.ID, UpdatedAt: time.Now()}
		if !st.LastErrorAt.IsZero() {
			at := st.LastErrorAt
			ms.LastErrorAt = &at
		}
		if !st.LastSuccess.IsZero() {
			at := st.LastSuccess
			ms.LastSuccess = &at
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		store.ReportMailbox(wctx, r.d.Parts.DB, ms)
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// observed measures the intake for /metrics.
type observed struct {
	*mailin.Intake
	m *metrics
}

func (o *observed) Handle(ctx context.Context, batch []imapin.Fetched) ([]imapin.Outcome, error) {
	start := time.Now()
	out, err := o.Intake.Handle(ctx, batch)
	if err == nil {
		now := time.Now()
		o.m.commitTime.Observe(now.Sub(start).Seconds())
		for _, f := range batch {
			if !f.InternalDate.IsZero() {
				o.m.pickup.Observe(now.Sub(f.InternalDate).Seconds())
			}
		}
	}
	return out, err
}
