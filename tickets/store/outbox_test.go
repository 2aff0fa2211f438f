package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// Claim takes the answers to a person's message before the other
// notifications, each in the order they fell due, and never a row not yet
// due.
func TestClaimAnswersFirst(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	queue := func(name, auto string, due time.Time) {
		t.Helper()
		_, err := Enqueue(ctx, db, &Outgoing{Kind: name, Recipient: name + "@x", AutoSubmitted: auto,
			MessageID: name + "@ticketd", CreatedAt: t0, NextAttemptAt: due, TextBody: "x"})
		if err != nil {
			t.Fatal(err)
		}
	}
	queue("later", "auto-replied", t0.Add(time.Hour)) // first in the index, not due: stepped over
	queue("desk1", "auto-generated", t0)
	queue("ack1", "auto-replied", t0.Add(2*time.Second))
	queue("desk2", "auto-generated", t0.Add(time.Second))
	queue("ack2", "auto-replied", t0.Add(time.Second))
	var got [][]string
	for range 3 {
		rows, err := Claim(ctx, db, 0, 3, t0.Add(time.Minute), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range rows {
			kinds = append(kinds, r.Kind)
		}
		got = append(got, kinds)
	}
	// The first claim takes both answers and the notice due first, and
	// returns the answers first.
	if want := "[[ack1 ack2 desk1] [desk2] []]"; fmt.Sprint(got) != want {
		t.Errorf("claimed %v, want %s", got, want)
	}
}

// MarkSentMany marks exactly the rows given, each with its own time.
func TestMarkSentMany(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ids := enqueueN(t, db, 3, "m", Outgoing{Kind: "k", Recipient: "r@x", CreatedAt: t0, TextBody: "x", LastError: "temporary"})
	at1, at2 := t0.Add(1500*time.Microsecond), t0.Add(time.Hour)
	if err := MarkSentMany(ctx, db, []int64{ids[2], ids[0]}, []time.Time{at2, at1}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		status string
		at     *time.Time
	}{{OutboxSent, &at1}, {OutboxPending, nil}, {OutboxSent, &at2}} {
		o, err := GetOutgoing(ctx, db, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != want.status || (o.SentAt == nil) != (want.at == nil) || o.SentAt != nil && !o.SentAt.Equal(*want.at) {
			t.Errorf("row %d: %s sent at %v, want %s at %v", i, o.Status, o.SentAt, want.status, want.at)
		}
		if o.Status == OutboxSent && o.LastError != "" {
			t.Errorf("row %d: sent with last error %q", i, o.LastError)
		}
	}
	if err := MarkSentMany(ctx, db, ids, nil); err == nil {
		t.Error("ids without times were accepted")
	}
}

// Claim looks only at rows from the id it is given.
func TestClaimFrom(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ids := enqueueN(t, db, 4, "from", Outgoing{Kind: "k", Recipient: "r@x", CreatedAt: t0, TextBody: "x"})
	rows, err := Claim(ctx, db, ids[2], 10, t0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range rows {
		got = append(got, r.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(ids[2:]) {
		t.Errorf("claimed %v from %d, want %v", got, ids[2], ids[2:])
	}
	// From 0, the rows below are still there to claim.
	if rows, err = Claim(ctx, db, 0, 10, t0, time.Minute); err != nil || len(rows) != 2 || rows[0].ID != ids[0] {
		t.Errorf("claim from 0 after: %d rows (%v), want the first two", len(rows), err)
	}
}

// enqueueN queues n copies of o, with Message-IDs prefix0@ticketd,
// prefix1@ticketd…, and returns their outbox ids.
func enqueueN(t *testing.T, db sqlx.ExtContext, n int, prefix string, o Outgoing) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		o.MessageID = fmt.Sprintf("%s%d@ticketd", prefix, i)
		if _, err := Enqueue(context.Background(), db, &o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	return ids
}

// EnqueueMany sets each row's ID and MessageRow to those it was written
// with, across chunks (bodies large enough for one row per statement
// among small ones), and stores the attempts and first attempt given.
func TestEnqueueManySetsRows(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	big := strings.Repeat("x", maxStatementBytes*2/3)
	var rows []Outgoing
	for i := range 7 {
		o := Outgoing{Kind: "k", Recipient: fmt.Sprintf("r%d@x", i), CreatedAt: t0, TextBody: "x",
			MessageID: fmt.Sprintf("many%d@ticketd", i)}
		if i%3 == 1 {
			o.TextBody = big
		}
		if i%2 == 0 { // claimed at birth
			o.Status, o.Attempts, o.NextAttemptAt = OutboxPending, 1, t0.Add(time.Minute)
		}
		rows = append(rows, o)
	}
	tx := db.MustBegin()
	if err := EnqueueMany(ctx, tx, rows); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for i, o := range rows {
		if o.ID == 0 || seen[o.ID] {
			t.Fatalf("row %d: id %d", i, o.ID)
		}
		seen[o.ID] = true
		got, err := GetOutgoing(ctx, db, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MessageID != o.MessageID || got.MessageRow != o.MessageRow || got.Recipient != o.Recipient {
			t.Errorf("row %d (%s, message %d): the database has %s, message %d", i, o.MessageID, o.MessageRow, got.MessageID, got.MessageRow)
		}
		wantNext := t0
		if i%2 == 0 {
			wantNext = t0.Add(time.Minute)
		}
		if got.Attempts != o.Attempts || !got.NextAttemptAt.Equal(wantNext) {
			t.Errorf("row %d: attempts %d next %v, want %d and %v", i, got.Attempts, got.NextAttemptAt, o.Attempts, wantNext)
		}
	}
}
