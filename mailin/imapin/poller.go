// Package imapin reads the support mailbox over IMAP and hands each message to
// a Handler that stores it durably; only after the Handler returned does it
// move the message out of the mailbox (or flag it \Seen), so a crash at any
// point loses nothing and at worst offers a message twice, which the Handler
// deduplicates.
//
// One Poller serves one account. Run keeps a single connection: it logs in,
// selects the mailbox, drains what is there in bounded batches, then waits in
// IDLE (RFC 2177) or polls, and reconnects with capped exponential backoff.
//
// The package talks to storage only through the Handler interface declared
// here; it must not import database packages, the ticket domain or mail
// parsing. It only moves bytes.
package imapin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	retry "github.com/ticketd/ticketd/internal/backoff"
)

// Fetched is one message read from the server.
type Fetched struct {
	Account, Mailbox string // Account is the configured name of the IMAP account
	UIDValidity, UID uint32
	Size             int64 // RFC822.SIZE
	InternalDate     time.Time
	Raw              []byte // full source (BODY.PEEK[]); only the header section when TooBig
	TooBig           bool
	// Prepared is what a Preparer computed for this message ahead of
	// Handle; nil otherwise.
	Prepared any
	// CanWait: an Outcome with Later is honoured for this message (move
	// mode, where what stays in the mailbox is offered again). In seen
	// mode a message below the cursor is never offered again, so the
	// Handler must decide now.
	CanWait bool
}

// Outcome is what the Handler decided for one message.
type Outcome struct {
	UID        uint32
	Quarantine bool // move to the quarantine mailbox instead of the processed one
	Reason     string
	// Later: nothing was stored; leave the message where it is and offer
	// it again in a pass within Config.RetryLater (a temporary failure,
	// such as a DNS lookup that timed out). Only for a Fetched with
	// CanWait.
	Later bool
}

// Handler stores messages. The Poller acts on the server only after Handle
// returned, that is after the Handler committed.
type Handler interface {
	// Handle stores a batch durably (its own transactions; idempotent: a
	// message already stored returns its earlier outcome) and returns one
	// outcome per message. An error means nothing in the batch may be moved.
	Handle(ctx context.Context, batch []Fetched) ([]Outcome, error)
	// Cursor returns the highest UID already committed for (account,
	// mailbox, uidValidity); 0 when unknown or when uidValidity changed.
	Cursor(ctx context.Context, account, mailbox string, uidValidity uint32) (uint32, error)
}

// Preparer is a Handler that can do ahead of Handle the part of its work
// that needs no database, such as parsing: the Poller calls Prepare on the
// next batch, in another goroutine, while the current one is handled.
// Prepare may set Fetched.Prepared; Handle must give the same outcomes
// without it.
type Preparer interface {
	Prepare(batch []Fetched)
}

// Status is a snapshot of a Poller's health, for /healthz and metrics.
// LastError and LastErrorAt keep the most recent failure even after
// recovery: a LastSuccess later than LastErrorAt means it recovered.
type Status struct {
	Connected   bool
	LastSuccess time.Time // last completed drain of the mailbox
	LastErrorAt time.Time
	LastError   string
	Backlog     int // messages present and not yet processed, from the last search
	Reconnects  int
	Idle        bool // waiting in IDLE right now
}

const (
	defaultMinBackoff = time.Second
	defaultMaxBackoff = 5 * time.Minute
	// shutdownGrace bounds how long the batch in hand may take to finish
	// (Handle, then moving) after the context is cancelled.
	shutdownGrace = 15 * time.Second
	dialTimeout   = 30 * time.Second
)

// Poller reads one IMAP account. Create it with New; Run it once.
type Poller struct {
	cfg Config
	h   Handler
	log *slog.Logger

	// Test hooks; New sets production values.
	minBackoff, maxBackoff time.Duration
	noIdle                 bool // behave as if the server lacked IDLE

	mu     sync.Mutex
	status Status
}

// New validates cfg, applies defaults and returns a Poller. It does no I/O.
func New(cfg Config, h Handler) (*Poller, error) {
	if h == nil {
		return nil, errors.New("imap: handler is nil")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Poller{
		cfg:        cfg,
		h:          h,
		log:        cfg.Logger.With("component", "imapin", "account", cfg.Name),
		minBackoff: defaultMinBackoff,
		maxBackoff: defaultMaxBackoff,
	}, nil
}

// Run reads the mailbox until ctx is done, then finishes the batch in hand,
// leaves IDLE, logs out and returns nil. Connection and Handler failures are
// logged, shown in Status and retried with capped exponential backoff and
// jitter; Run only returns an error for a programming mistake (none today).
func (p *Poller) Run(ctx context.Context) error {
	attempt := 0
	for {
		healthy, err := p.runSession(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if healthy {
			attempt = 0 // the connection worked for a while: start over fast
		}
		delay := backoff(attempt, p.minBackoff, p.maxBackoff, rand.Float64)
		attempt++
		p.recordError(err)
		level := slog.LevelWarn
		var ae *authError
		if errors.As(err, &ae) {
			level = slog.LevelError
		}
		p.log.Log(ctx, level, "imap session ended", "error", err, "retry_in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		p.mu.Lock()
		p.status.Reconnects++
		p.mu.Unlock()
	}
}

// Status returns a snapshot. Safe for concurrent use.
func (p *Poller) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Check connects, authenticates, examines the mailbox read-only and logs
// out: a readiness probe. It blocks until done or ctx ends.
func (p *Poller) Check(ctx context.Context) error {
	c, conn, err := p.dial(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := p.authenticate(ctx, c); err != nil {
		return err
	}
	if _, err := c.Select(p.cfg.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return fmt.Errorf("imap: examine %q: %w", p.cfg.Mailbox, err)
	}
	if err := c.Logout().Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("imap: logout: %w", err)
	}
	return ctx.Err()
}

func (p *Poller) recordError(err error) {
	if err == nil {
		err = errors.New("imap: session ended")
	}
	p.mu.Lock()
	p.status.LastError = err.Error()
	p.status.LastErrorAt = time.Now()
	p.status.Connected = false
	p.status.Idle = false
	p.mu.Unlock()
}

func (p *Poller) update(f func(*Status)) {
	p.mu.Lock()
	f(&p.status)
	p.mu.Unlock()
}

// backoff returns the delay before retry number attempt (0-based): min
// doubled per attempt, capped at max, with "equal jitter" (a uniform draw in
// [d/2, d]) so many daemons restarted together do not reconnect in step.
func backoff(attempt int, min, max time.Duration, rnd func() float64) time.Duration {
	return retry.Equal(retry.Delay(min, max, attempt), rnd())
}

// sleep waits d or until ctx is done or the connection dies; it reports
// whether the full delay elapsed.
func sleep(ctx context.Context, d time.Duration, closed <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-closed:
		return false
	case <-t.C:
		return true
	}
}

// graceContext returns a context that is not cancelled with parent but
// grace after it, so the work in hand can finish on shutdown.
func graceContext(parent context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	var (
		mu    sync.Mutex
		timer *time.Timer
	)
	stop := context.AfterFunc(parent, func() {
		mu.Lock()
		timer = time.AfterFunc(grace, cancel)
		mu.Unlock()
	})
	return ctx, func() {
		stop()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
}
