package oauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// pendingGrant is a renewal whose store failed: the endpoint accepted
// used, which the database still holds, and rotated it to rotated, the
// one refresh token it accepts now.
type pendingGrant struct {
	used, rotated string
	access        string
	expiry        time.Time
}

// pendingStoreTimeout bounds one try to store a pending grant: it runs
// with the source's lock held, which every token request waits on.
const pendingStoreTimeout = 3 * time.Second

// keepPending holds p until it is stored (s.mu held), and starts the
// retry that stores it.
func (s *Source) keepPending(p *pendingGrant) {
	s.pending = p
	if s.isClosed() {
		return // stopping: no retry; the next Close tries it once more
	}
	if !s.retrying {
		s.retrying = true
		go s.retryPending()
	}
}

// retryPending stores the pending grant, waiting a second, then twice as
// long each time up to a minute, until it is stored or superseded.
func (s *Source) retryPending() {
	wait := s.retryFirst
	if wait <= 0 {
		wait = time.Second
	}
	for {
		select {
		case <-time.After(wait):
		case <-s.closed:
		}
		s.mu.Lock()
		if s.isClosed() {
			s.retrying = false // Close stores it, or says it could not
			s.mu.Unlock()
			return
		}
		if s.pending != nil {
			ctx, cancel := context.WithTimeout(context.Background(), pendingStoreTimeout)
			s.storePending(ctx, s.cfg.now())
			cancel()
		}
		if s.pending == nil {
			s.retrying = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		wait = min(2*wait, time.Minute)
	}
}

// isClosed reports whether Close was called.
func (s *Source) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// Close stops the retry and, if a renewed grant is still only in memory,
// tries once more to store it. It fails when the grant could not be
// stored: the database then holds a refresh token the endpoint no longer
// accepts, and the next start will need a new login unless another
// replica renews first. The daemon calls it as it stops.
func (s *Source) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.closed) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, pendingStoreTimeout)
	defer cancel()
	if err := s.storePending(ctx, s.cfg.now()); err != nil {
		return fmt.Errorf("oauth2: account %q: the renewed grant could not be stored: %w", s.cfg.Account, err)
	}
	return nil
}

// storePending stores the pending grant (s.mu held) if the database still
// holds the refresh token it replaced; if the database holds another one,
// someone stored a newer grant since (another replica's renewal, a new
// login) and the pending one is dropped: an older grant never overwrites
// a newer one. Of two replicas, the row lock orders them.
func (s *Source) storePending(ctx context.Context, now time.Time) error {
	p := s.pending
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("oauth2: %w", err)
	}
	defer tx.Rollback()
	r, ok, err := lockRow(ctx, tx, s.cfg.Account)
	if err != nil {
		return err
	}
	if ok {
		stored, err := s.seal.open(s.cfg.Account, r.RefreshEnc)
		if err != nil || stored != p.used {
			s.pending = nil // superseded (or sealed with another key: not ours to overwrite)
			return nil
		}
	}
	if err := saveRenewed(ctx, tx, s.cfg.Account, s.seal.seal(s.cfg.Account, p.rotated), s.seal.seal(s.cfg.Account, p.access), p.expiry, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("oauth2: storing the renewed grant: %w", err)
	}
	s.pending = nil
	return nil
}

// renewFromMemory renews with the pending refresh token while the
// database cannot be written (s.mu held): the endpoint accepts only that
// one now. A new rotation replaces it in memory; the database still holds
// used.
func (s *Source) renewFromMemory(ctx context.Context, now time.Time) (string, time.Time, error) {
	p := s.pending
	tok, err := s.cfg.oauth2().TokenSource(s.cfg.context(ctx), &oauth2.Token{RefreshToken: p.rotated}).Token()
	if err != nil {
		return "", time.Time{}, endpointError(err)
	}
	if tok.AccessToken == "" {
		return "", time.Time{}, errors.New("oauth2: the token endpoint returned no access token")
	}
	if tok.RefreshToken != "" {
		p.rotated = tok.RefreshToken
	}
	p.access, p.expiry = tok.AccessToken, expiryOf(tok, now)
	return p.access, p.expiry, nil
}

// PendingStore reports whether a renewed grant waits in memory for the
// database to take it.
func (s *Source) PendingStore() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending != nil
}
