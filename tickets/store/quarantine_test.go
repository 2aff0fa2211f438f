package store

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// Only a message nobody processed is quarantined, once; a processed one
// keeps its outcome.
func TestQuarantineReceived(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	received, _, err := InsertInbound(ctx, db, Message{MessageID: "a@x", ContentHash: "a", Raw: []byte("raw"), CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	processed, _, err := InsertInbound(ctx, db, Message{MessageID: "b@x", ContentHash: "b", Raw: []byte("raw"), CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := UpdateInbound(ctx, db, Message{ID: processed, Status: StatusProcessed}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id     int64
		want   bool
		status string
	}{
		{received, true, StatusQuarantined},
		{received, false, StatusQuarantined}, // quarantined once
		{processed, false, StatusProcessed},
	} {
		ours, err := QuarantineReceived(ctx, db, c.id, "processing failed: x\x00y")
		if err != nil {
			t.Fatal(err)
		}
		m, err := GetMessage(ctx, db, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if ours != c.want || m.Status != c.status {
			t.Errorf("message %d: changed %v, status %q; want %v, %q", c.id, ours, m.Status, c.want, c.status)
		}
		if c.status == StatusQuarantined && m.Reason != "processing failed: x\uFFFDy" {
			t.Errorf("message %d: reason %q", c.id, m.Reason)
		}
	}
}
