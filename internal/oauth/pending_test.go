package oauth

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// failSaves makes PostgreSQL refuse to write oauth_tokens: once (the first
// write after it is installed), or while always is true.
func failSaves(t *testing.T, db *sqlx.DB, once bool) (stop func()) {
	t.Helper()
	cond := `EXISTS (SELECT 1 FROM fail_saves)`
	if once {
		cond = `nextval('save_attempts') = 1`
	}
	for _, q := range []string{
		`CREATE TABLE fail_saves (on_ boolean)`,
		`INSERT INTO fail_saves VALUES (true)`,
		`CREATE SEQUENCE save_attempts`,
		`CREATE FUNCTION fail_save() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF ` + cond + ` THEN
				RAISE EXCEPTION 'could not extend file: No space left on device (test)';
			END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER fail_save BEFORE INSERT OR UPDATE ON oauth_tokens FOR EACH ROW EXECUTE FUNCTION fail_save()`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		if _, err := db.Exec(`DELETE FROM fail_saves`); err != nil {
			t.Fatal(err)
		}
	}
}

// storedRefresh is the refresh token the database holds for the account.
func storedRefresh(t *testing.T, s *Source) string {
	t.Helper()
	r, ok, err := readRow(context.Background(), s.db, s.cfg.Account)
	if err != nil || !ok {
		t.Fatalf("no stored grant: %v", err)
	}
	rt, err := s.seal.open(s.cfg.Account, r.RefreshEnc)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// A renewal whose store fails once: the token is handed out, the rotated
// refresh token is kept in memory and stored at the next call; a restart
// then renews with it.
func TestRotatedTokenKeptWhenTheStoreFails(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	afterLogin := e.currentRefresh()
	s := newSource(t, e.config(RefreshToken), db)
	s.retryFirst = time.Hour // this test stores it by calling Token
	token(t, s)
	failSaves(t, db, true)

	c.advance(55 * time.Second)
	renewed := token(t, s)
	if !e.valid(renewed) || e.currentRefresh() == afterLogin {
		t.Fatalf("not renewed: %q", renewed)
	}
	if !s.PendingStore() || storedRefresh(t, s) != afterLogin {
		t.Fatalf("pending %v, stored %q: the failed store should have left the old token", s.PendingStore(), storedRefresh(t, s))
	}
	if tok := token(t, s); tok != renewed {
		t.Errorf("a fresh token changed: %q", tok)
	}
	if s.PendingStore() || storedRefresh(t, s) != e.currentRefresh() {
		t.Fatalf("after the next call: pending %v, stored %q, endpoint's %q", s.PendingStore(), storedRefresh(t, s), e.currentRefresh())
	}
	c.advance(55 * time.Second)
	if tok := token(t, newSource(t, e.config(RefreshToken), db)); !e.valid(tok) {
		t.Errorf("after a restart: %q", tok)
	}
}

// Without any further call, the retry stores the rotated token by itself.
func TestRotatedTokenStoredByTheRetry(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	s := newSource(t, e.config(RefreshToken), db)
	token(t, s)
	failSaves(t, db, true)
	c.advance(55 * time.Second)
	token(t, s)
	for deadline := time.Now().Add(30 * time.Second); s.PendingStore(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the pending grant was never stored")
		}
	}
	if got := storedRefresh(t, s); got != e.currentRefresh() {
		t.Errorf("stored %q, the endpoint accepts %q", got, e.currentRefresh())
	}
}

// While the database refuses every write, renewals go on from the token in
// memory (the only one the endpoint accepts); when it accepts writes again
// the newest is stored.
func TestRenewalsGoOnWhileTheStoreFails(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	afterLogin := e.currentRefresh()
	s := newSource(t, e.config(RefreshToken), db)
	s.retryFirst = time.Hour
	token(t, s)
	stop := failSaves(t, db, false)
	for range 3 {
		c.advance(55 * time.Second)
		if tok := token(t, s); !e.valid(tok) {
			t.Fatalf("renewal while the store fails: %q", tok)
		}
	}
	if e.count("refresh_token") != 3 || storedRefresh(t, s) != afterLogin {
		t.Fatalf("%d renewals, stored %q", e.count("refresh_token"), storedRefresh(t, s))
	}
	stop()
	token(t, s)
	if s.PendingStore() || storedRefresh(t, s) != e.currentRefresh() {
		t.Errorf("pending %v, stored %q, endpoint's %q", s.PendingStore(), storedRefresh(t, s), e.currentRefresh())
	}
}

// A grant stored since the failed store (here an operator's new login)
// is newer: the pending one never overwrites it.
func TestPendingTokenNeverOverwritesANewerOne(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	s := newSource(t, e.config(RefreshToken), db)
	s.retryFirst = time.Hour
	token(t, s)
	stop := failSaves(t, db, false)
	c.advance(55 * time.Second)
	token(t, s)
	if !s.PendingStore() {
		t.Fatal("nothing pending")
	}
	stop()
	login(t, e, db) // rotates again: only this login's token works now
	newest := e.currentRefresh()
	token(t, s)
	if s.PendingStore() || storedRefresh(t, s) != newest {
		t.Fatalf("pending %v, stored %q, want the login's %q", s.PendingStore(), storedRefresh(t, s), newest)
	}
	c.advance(55 * time.Second)
	if tok := token(t, s); !e.valid(tok) {
		t.Errorf("renewal after the login: %q", tok)
	}
}

// Close, as the daemon stops, stores a renewed grant still only in
// memory; while the database refuses it, Close says so.
func TestCloseStoresThePendingGrant(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	s := newSource(t, e.config(RefreshToken), db)
	s.retryFirst = time.Hour // only Close may store it
	token(t, s)
	stop := failSaves(t, db, false)
	c.advance(55 * time.Second)
	token(t, s)
	if !s.PendingStore() {
		t.Fatal("no pending grant")
	}
	if err := s.Close(context.Background()); err == nil || !s.PendingStore() {
		t.Fatalf("Close while the store fails: %v, pending %v", err, s.PendingStore())
	}
	stop()
	if err := s.Close(context.Background()); err != nil || s.PendingStore() {
		t.Fatalf("Close: %v, pending %v", err, s.PendingStore())
	}
	if got := storedRefresh(t, s); got != e.currentRefresh() {
		t.Errorf("stored %q, the endpoint accepts %q", got, e.currentRefresh())
	}
}
