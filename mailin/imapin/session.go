package imapin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session is one connection, from login to logout.
type session struct {
	p    *Poller
	c    *imapclient.Client
	conn net.Conn
	caps imap.CapSet

	// wake receives a token when the server reports new messages (EXISTS);
	// buffered 1 so the client's reader goroutine never blocks on us.
	wake chan struct{}
	// watch raises an alert when the server complains during IDLE.
	watch *idleWatch
	// gctx outlives the Run context by shutdownGrace: Handle and Cursor
	// run under it so a shutdown does not abort a commit half way.
	gctx context.Context

	uidValidity uint32
	selectedAt  time.Time
	recovered   bool // seen mode: \Seen restored on committed-but-unflagged UIDs
	// retryAt is when a message the Handler left for later is due again
	// (zero: none waits); wait wakes for it even in IDLE.
	retryAt    time.Time
	warnedCopy bool // logged once that the server can neither MOVE nor UID EXPUNGE
}

// dial opens the connection with the configured TLS mode and waits for the
// greeting. wake, when non-nil, is signalled on unsolicited EXISTS; watch,
// when non-nil, sees the traffic (see idleWatch).
func (p *Poller) dial(ctx context.Context, wake chan struct{}, watch *idleWatch) (*imapclient.Client, net.Conn, error) {
	cfg := &p.cfg
	host, _, _ := net.SplitHostPort(cfg.Address) // validated by New
	opts := &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if wake != nil && d.NumMessages != nil && *d.NumMessages > 0 {
					select {
					case wake <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	if watch != nil {
		opts.DebugWriter = watch
	}
	// imapclient reads without a deadline while idling, so a peer that
	// vanished without a reset is only noticed by TCP keepalive: probe
	// after 30s of silence, every 10s, give up after 3 misses.
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAliveConfig: net.KeepAliveConfig{
		Enable: true, Idle: 30 * time.Second, Interval: 10 * time.Second, Count: 3,
	}}

	var (
		conn net.Conn
		err  error
	)
	switch cfg.TLS {
	case TLSImplicit:
		td := &tls.Dialer{NetDialer: dialer, Config: cfg.tlsConfig(host)}
		if td.Config.NextProtos == nil {
			td.Config.NextProtos = []string{"imap"}
		}
		conn, err = td.DialContext(ctx, "tcp", cfg.Address)
	default:
		conn, err = dialer.DialContext(ctx, "tcp", cfg.Address)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("imap: connect %s: %w", cfg.Address, err)
	}
	// Until the caller takes over, cancelling ctx aborts the handshake.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	var c *imapclient.Client
	if cfg.TLS == TLSStartTLS {
		opts.TLSConfig = cfg.tlsConfig(host)
		c, err = imapclient.NewStartTLS(conn, opts) // closes conn on failure
		if err != nil {
			return nil, nil, fmt.Errorf("imap: starttls with %s: %w", cfg.Address, err)
		}
	} else {
		c = imapclient.New(conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap: greeting from %s: %w", cfg.Address, err)
	}
	if ctx.Err() != nil {
		c.Close()
		return nil, nil, ctx.Err()
	}
	return c, conn, nil
}

// runSession runs one connection until ctx ends (returns nil) or something
// fails. healthy reports that the session got as far as selecting the
// mailbox and draining it once, so the caller can reset its backoff.
func (p *Poller) runSession(ctx context.Context) (healthy bool, err error) {
	s := &session{p: p, wake: make(chan struct{}, 1), watch: newIdleWatch()}
	c, conn, err := p.dial(ctx, s.wake, s.watch)
	if err != nil {
		return false, err
	}
	s.c, s.conn = c, conn
	defer conn.Close()

	// Setup is aborted at once by cancellation: nothing is in hand yet.
	stopSetup := context.AfterFunc(ctx, func() { conn.Close() })
	err = s.setup(ctx)
	if !stopSetup() || ctx.Err() != nil {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p.update(func(st *Status) { st.Connected = true })
	defer p.update(func(st *Status) { st.Connected = false; st.Idle = false })

	// From here on, cancellation lets the batch in hand finish (Handle gets
	// the same grace); the connection is forced shut only if that takes
	// longer than shutdownGrace.
	gctx, cancelGrace := graceContext(ctx, shutdownGrace)
	defer cancelGrace()
	stopKill := context.AfterFunc(gctx, func() { conn.Close() })
	defer stopKill()
	s.gctx = gctx

	err = s.loop(ctx, &healthy)
	if ctx.Err() != nil {
		s.logout()
		return healthy, nil
	}
	return healthy, err
}

// setup logs in, makes sure the destination mailboxes exist and selects
// the mailbox to read.
func (s *session) setup(ctx context.Context) error {
	if err := s.p.authenticate(ctx, s.c); err != nil {
		return err
	}
	s.caps = s.c.Caps()
	if s.caps == nil {
		return errors.New("imap: could not read server capabilities")
	}
	if s.p.cfg.After == AfterMove {
		for _, name := range []string{s.p.cfg.ProcessedMailbox, s.p.cfg.QuarantineMailbox} {
			if err := s.ensureMailbox(name); err != nil {
				return err
			}
		}
	}
	return s.selectMailbox()
}

// ensureMailbox creates name unless it is listed already.
func (s *session) ensureMailbox(name string) error {
	exists := func() (bool, error) {
		l, err := s.c.List("", name, nil).Collect()
		if err != nil {
			return false, fmt.Errorf("imap: list %q: %w", name, err)
		}
		for _, d := range l {
			if sameMailbox(d.Mailbox, name) {
				return true, nil
			}
		}
		return false, nil
	}
	ok, err := exists()
	if err != nil || ok {
		return err
	}
	if cerr := s.c.Create(name, nil).Wait(); cerr != nil {
		// Another client may have created it in between.
		if ok, err := exists(); err == nil && ok {
			return nil
		}
		return fmt.Errorf("imap: create %q: %w", name, cerr)
	}
	s.p.log.Info("created mailbox", "folder", name)
	return nil
}

// selectMailbox (re)selects the mailbox and notes a UIDVALIDITY change.
func (s *session) selectMailbox() error {
	name := s.p.cfg.Mailbox
	data, err := s.c.Select(name, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap: select %q: %w", name, err)
	}
	if data.UIDValidity == 0 {
		return fmt.Errorf("imap: select %q: server sent no UIDVALIDITY", name)
	}
	if s.uidValidity != 0 && s.uidValidity != data.UIDValidity {
		s.p.log.Warn("uidvalidity changed; re-offering every message present",
			"folder", name, "old", s.uidValidity, "new", data.UIDValidity)
		s.recovered = false
	}
	s.uidValidity = data.UIDValidity
	s.selectedAt = time.Now()
	return nil
}

// loop alternates draining the mailbox and waiting for news.
func (s *session) loop(ctx context.Context, healthy *bool) error {
	cfg := &s.p.cfg
	handleAttempt := 0
	for {
		err := s.drain(ctx)
		var he *handleError
		switch {
		case errors.As(err, &he):
			// The store is unhappy, the connection is fine: keep it and
			// retry later; nothing was moved.
			delay := backoff(handleAttempt, s.p.minBackoff, s.p.maxBackoff, rand.Float64)
			handleAttempt++
			s.p.recordError(err)
			s.p.update(func(st *Status) { st.Connected = true })
			s.p.log.Warn("handler failed; nothing moved", "error", he.err, "retry_in", delay)
			if !sleep(ctx, delay, s.c.Closed()) {
				if ctx.Err() != nil {
					return nil
				}
				return errors.New("imap: connection closed")
			}
			continue
		case err != nil:
			return err
		}
		handleAttempt = 0
		*healthy = true
		s.p.update(func(st *Status) { st.LastSuccess = time.Now() })
		if ctx.Err() != nil {
			return nil
		}

		reason, err := s.wait(ctx)
		if err != nil {
			return err
		}
		switch reason {
		case wakeStop:
			return nil
		case wakeRenew:
			if err := s.selectMailbox(); err != nil {
				return err
			}
		case wakePoll:
			if time.Since(s.selectedAt) >= cfg.IdleRenew {
				if err := s.selectMailbox(); err != nil {
					return err
				}
			}
		}
	}
}

type wakeReason int

const (
	wakeStop  wakeReason = iota // ctx done
	wakeNew                     // the server reported new messages
	wakeRenew                   // IDLE renewal due: re-select, then drain
	wakePoll                    // poll interval elapsed (server without IDLE)
)

// wait blocks until there may be something to read: in IDLE when the
// server has it, else for the poll interval.
func (s *session) wait(ctx context.Context) (wakeReason, error) {
	cfg := &s.p.cfg
	retry, stopRetry := s.retryTimer()
	defer stopRetry()
	if s.p.noIdle || !s.caps.Has(imap.CapIdle) {
		t := time.NewTimer(cfg.PollInterval)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return wakeStop, nil
		case <-s.wake:
			return wakeNew, nil
		case <-retry:
			return wakeNew, nil
		case <-s.c.Closed():
			return wakeStop, errors.New("imap: connection closed")
		case <-t.C:
			return wakePoll, nil
		}
	}

	select { // woken during the drain: skip an IDLE round trip
	case <-s.wake:
		return wakeNew, nil
	default:
	}
	idle, err := s.c.Idle()
	if err != nil {
		return wakeStop, fmt.Errorf("imap: idle: %w", err)
	}
	s.watch.start()
	s.p.update(func(st *Status) { st.Idle = true })
	defer s.p.update(func(st *Status) { st.Idle = false })
	t := time.NewTimer(cfg.IdleRenew)
	defer t.Stop()

	var reason wakeReason
	select {
	case <-ctx.Done():
		reason = wakeStop
	case <-s.wake:
		reason = wakeNew
	case <-retry:
		reason = wakeNew
	case <-t.C:
		reason = wakeRenew
	case <-s.watch.alert:
		s.p.log.Warn("server reported an error during IDLE; selecting the mailbox again")
		reason = wakeRenew
	case <-s.c.Closed():
		s.watch.stop()
		idle.Close()
		return wakeStop, errors.New("imap: connection closed during idle")
	}
	s.watch.stop()
	// Close sends DONE; Wait reads the tagged OK that ends IDLE.
	if err := idle.Close(); err != nil {
		return wakeStop, fmt.Errorf("imap: stop idle: %w", err)
	}
	if err := idle.Wait(); err != nil {
		return wakeStop, fmt.Errorf("imap: idle: %w", err)
	}
	return reason, nil
}

// retryTimer fires when a message left for later is due; a nil channel
// (never) when none waits.
func (s *session) retryTimer() (<-chan time.Time, func()) {
	if s.retryAt.IsZero() {
		return nil, func() {}
	}
	t := time.NewTimer(max(time.Until(s.retryAt), 0))
	return t.C, func() { t.Stop() }
}

// logout ends the session politely; the caller closes the connection.
func (s *session) logout() {
	if err := s.c.Logout().Wait(); err != nil {
		s.p.log.Debug("logout", "error", err)
	}
	s.c.Close()
}
