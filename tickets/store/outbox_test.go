package store

import (
	"context"
	"fmt"
	"testing"
	"time"

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
		_, _, err := Enqueue(ctx, db, Outgoing{Kind: name, Recipient: name + "@x", AutoSubmitted: auto,
			MessageID: name + "@ticketd", CreatedAt: t0, NextAttemptAt: due, TextBody: "x"})
		if err != nil {
			t.Fatal(err)
		}
	}
	queue("desk1", "auto-generated", t0)
	queue("ack1", "auto-replied", t0.Add(2*time.Second))
	queue("desk2", "auto-generated", t0.Add(time.Second))
	queue("ack2", "auto-replied", t0.Add(time.Second))
	queue("later", "auto-replied", t0.Add(time.Hour))
	var got [][]string
	for range 3 {
		rows, err := Claim(ctx, db, 3, t0.Add(time.Minute), time.Minute)
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
