package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// TestTicketsAttachment: `tickets attachment N ID` writes an attachment's
// bytes, to stdout or to --out, and `tickets show` names it by that id; an
// attachment of another ticket is not found.
func TestTicketsAttachment(t *testing.T) {
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "Pantalla azul", "--as", "jgomez")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "pedro@example.gov.co", "--subject", "Otra cosa", "--as", "jgomez")...)

	db := sqlx.MustOpen("postgres", os.Getenv("TICKETD_DATABASE_URL"))
	defer db.Close()
	ctx := context.Background()
	data := make([]byte, 70_000)
	rand.Read(data)
	m := store.Message{MessageID: "shot@mail.example", ContentHash: "h1", Raw: []byte("x")}
	mid, _, err := store.InsertInbound(ctx, db, m)
	if err != nil {
		t.Fatal(err)
	}
	one := int64(1)
	m.ID, m.TicketID, m.FromAddr, m.Status = mid, &one, "ana@example.gov.co", store.StatusProcessed
	if err := store.UpdateInbound(ctx, db, m); err != nil {
		t.Fatal(err)
	}
	if err := store.InsertAttachment(ctx, db, store.Attachment{MessageRow: mid, Filename: "pantallazo.png",
		ContentType: "image/png", Size: len(data), Data: data}); err != nil {
		t.Fatal(err)
	}
	var aid int64
	db.Get(&aid, `SELECT id FROM attachments WHERE message_row = $1`, mid)
	id := strconv.FormatInt(aid, 10)

	if out := mustRun(t, append(c, "tickets", "show", "1")...); !strings.Contains(out, "adjunto "+id+": pantallazo.png") {
		t.Errorf("tickets show does not name the attachment by its id:\n%s", out)
	}
	if out := mustRun(t, append(c, "tickets", "attachment", "OTI-1", id)...); !bytes.Equal([]byte(out), data) {
		t.Errorf("stdout has %d bytes, not the attachment's %d", len(out), len(data))
	}
	file := filepath.Join(t.TempDir(), "copia.png")
	mustRun(t, append(c, "tickets", "attachment", "1", id, "--out", file)...)
	if got, err := os.ReadFile(file); err != nil || !bytes.Equal(got, data) {
		t.Errorf("--out wrote %d bytes (%v), not the attachment", len(got), err)
	}
	if _, errs, code := ticketd(t, append(c, "tickets", "attachment", "2", id)...); code != 1 || !strings.Contains(errs, "no tiene el adjunto") {
		t.Errorf("another ticket's attachment: exit %d, %q", code, errs)
	}
	if _, _, code := ticketd(t, append(c, "tickets", "attachment", "1")...); code != 2 {
		t.Errorf("no attachment id: exit %d, want 2", code)
	}
}
