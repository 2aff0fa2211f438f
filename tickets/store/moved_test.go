package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// TestAdvisoryLock: one session holds a key at a time; Check sees its
// session answer; after Release another session takes the key.
func TestAdvisoryLock(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	const key = int64(-7046029254386353131) // a key with its high bit set, as a hash gives
	a, ok, err := TryAdvisoryLock(ctx, db, key)
	if err != nil || !ok || a == nil {
		t.Fatalf("first lock: %v, %v, %v", a, ok, err)
	}
	if b, ok, err := TryAdvisoryLock(ctx, db, key); err != nil || ok || b != nil {
		t.Fatalf("a held key was taken again: %v, %v, %v", b, ok, err)
	}
	other, ok, err := TryAdvisoryLock(ctx, db, key+1)
	if err != nil || !ok {
		t.Fatalf("another key: %v, %v", ok, err)
	}
	other.Release(ctx)
	if err := a.Check(ctx); err != nil {
		t.Fatalf("Check on a live session: %v", err)
	}
	var held int
	if err := db.GetContext(ctx, &held, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil {
		t.Fatal(err)
	}
	if held != 1 {
		t.Fatalf("%d advisory locks held, want 1 (the released one must be gone)", held)
	}
	a.Release(ctx)
	c, ok, err := TryAdvisoryLock(ctx, db, key)
	if err != nil || !ok {
		t.Fatalf("the key after its release: %v, %v", ok, err)
	}
	c.Release(ctx)
}

// TestHealthAlertRow: a part's row is created on first lock, records a
// failure and when it was told, lists as failing, and clears.
func TestHealthAlertRow(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	since := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	told := since.Add(20 * time.Minute)
	tx := db.MustBegin()
	row, err := LockHealthAlert(ctx, tx, "imap default/INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if row.FailingSince != nil || row.AlertedAt != nil {
		t.Fatalf("a new part's row: %+v", row)
	}
	if err := SetHealthFailing(ctx, tx, "imap default/INBOX", since, "connection refused", &told, told); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = db.MustBegin()
	row, err = LockHealthAlert(ctx, tx, "imap default/INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if row.FailingSince == nil || !row.FailingSince.Equal(since) || row.AlertedAt == nil || !row.AlertedAt.Equal(told) {
		t.Fatalf("the failing part's row: %+v", row)
	}
	if _, err := LockHealthAlert(ctx, tx, "smtp"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	fs, err := HealthFailures(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Subject != "imap default/INBOX" || fs[0].LastError != "connection refused" || !fs[0].FailingSince.Equal(since) {
		t.Fatalf("failures: %+v", fs)
	}
	if err := ClearHealthAlert(ctx, db, "imap default/INBOX", told.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if fs, err := HealthFailures(ctx, db); err != nil || len(fs) != 0 {
		t.Fatalf("failures after it works again: %+v, %v", fs, err)
	}
}

// TestOAuthTokenRow: no grant reads as none; a renewal is stored and read
// back whole, locked or not; an error is recorded and the next renewal
// clears it.
func TestOAuthTokenRow(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if _, ok, err := ReadOAuthToken(ctx, db, "mesa@x"); err != nil || ok {
		t.Fatalf("no grant: %v, %v", ok, err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	exp := now.Add(time.Hour)
	if err := SaveOAuthRenewal(ctx, db, "mesa@x", []byte{0, 1, 2}, []byte{3, 4}, exp, now); err != nil {
		t.Fatal(err)
	}
	SaveOAuthError(ctx, db, "mesa@x", "invalid_grant", now.Add(time.Minute))
	tx := db.MustBegin()
	defer tx.Rollback()
	r, ok, err := LockOAuthToken(ctx, tx, "mesa@x")
	if err != nil || !ok {
		t.Fatalf("locking the grant: %v, %v", ok, err)
	}
	if !bytes.Equal(r.RefreshEnc, []byte{0, 1, 2}) || !bytes.Equal(r.AccessEnc, []byte{3, 4}) || r.AccessExpiry == nil ||
		!r.AccessExpiry.Equal(exp) || r.LastError != "invalid_grant" || !r.UpdatedAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("stored grant: %+v", r)
	}
	if err := SaveOAuthRenewal(ctx, tx, "mesa@x", []byte{9}, []byte{8}, exp.Add(time.Hour), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r, ok, err = ReadOAuthToken(ctx, db, "mesa@x")
	if err != nil || !ok || !bytes.Equal(r.RefreshEnc, []byte{9}) || r.LastError != "" || r.RenewedAt == nil || !r.RenewedAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("after a second renewal: %+v, %v, %v", r, ok, err)
	}
}
