package migrations_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/migrations"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestConcurrentApply starts several migrators at once on an empty
// database, as several daemons starting together would: each migration is
// applied exactly once and all of them end up up to date.
func TestConcurrentApply(t *testing.T) {
	u := pgtest.EmptyURL(t)
	all, err := migrations.All()
	if err != nil || len(all) == 0 {
		t.Fatalf("All() = %v, %v", all, err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sqlx.Open("postgres", u)
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			done, err := migrations.Apply(context.Background(), db.DB)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += len(done)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != len(all) {
		t.Errorf("applied %d migrations in all, want %d (each once)", total, len(all))
	}
	db := sqlx.MustOpen("postgres", u)
	defer db.Close()
	var n int
	db.Get(&n, `SELECT count(*) FROM schema_migrations`)
	if n != len(all) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(all))
	}
	pending, err := migrations.Pending(context.Background(), db.DB)
	if err != nil || len(pending) != 0 {
		t.Errorf("pending after apply: %v %v", pending, err)
	}
	// Idempotent: nothing more to do.
	if done, err := migrations.Apply(context.Background(), db.DB); err != nil || len(done) != 0 {
		t.Errorf("second Apply = %v, %v", done, err)
	}
}

func TestEventLogIsAppendOnly(t *testing.T) {
	db := pgtest.New(t)
	db.MustExec(`INSERT INTO tickets (subject, requester, state, level, created_at, updated_at, level_since)
		VALUES ('s', 'a@b.co', 'nuevo', 1, now(), now(), now())`)
	db.MustExec(`INSERT INTO events (ticket_id, seq, kind, actor, actor_role, level_after, state_after, public, at)
		VALUES (1, 1, 'opened', 'a@b.co', 'requester', 1, 'nuevo', true, now())`)
	for _, q := range []string{`UPDATE events SET note = 'x'`, `DELETE FROM events`} {
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
}

// A database made before 0005 keeps its notifications' HTML when 0005
// moves it from the outbox to the messages.
func TestUpgradeKeepsNotificationHTML(t *testing.T) {
	u := pgtest.EmptyURL(t)
	db := sqlx.MustOpen("postgres", u)
	defer db.Close()
	all, err := migrations.All()
	if err != nil || len(all) < 2 || all[0].Version != 1 {
		t.Fatalf("All() = %v, %v", all, err)
	}
	db.MustExec(all[0].SQL)
	db.MustExec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	db.MustExec(`INSERT INTO schema_migrations (version, name) VALUES (1, $1)`, all[0].Name)
	html := "<p>Recibimos su solicitud</p>" + strings.Repeat("<p>ñ</p>", 2000)
	db.MustExec(`WITH m AS (INSERT INTO messages (direction, message_id, body, full_text)
		VALUES ('out', 'a@ticketd', 'texto', 'texto') RETURNING id)
		INSERT INTO outbox (message_row, kind, recipient, html_body) SELECT id, 'opened_ack', 'r@x', $1 FROM m`, html)
	db.MustExec(`WITH m AS (INSERT INTO messages (direction, message_id, body) VALUES ('out', 'b@ticketd', 'solo texto') RETURNING id)
		INSERT INTO outbox (message_row, kind, recipient) SELECT id, 'closed', 'r@x' FROM m`)
	done, err := migrations.Apply(context.Background(), db.DB)
	if err != nil || len(done) != len(all)-1 {
		t.Fatalf("Apply = %v, %v; want the %d migrations after the first", done, err, len(all)-1)
	}
	var got []struct {
		ID   string `db:"message_id"`
		HTML string `db:"html_body"`
	}
	if err := db.Select(&got, `SELECT m.message_id, m.html_body FROM outbox o JOIN messages m ON m.id = o.message_row ORDER BY o.id`); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].HTML != html || got[1].HTML != "" {
		t.Errorf("after the upgrade: %d rows, first HTML %d bytes (want %d), second %q", len(got), len(got[0].HTML), len(html), got[1].HTML)
	}
	var n int
	db.Get(&n, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'outbox' AND column_name = 'html_body'`)
	if n != 0 {
		t.Error("the outbox still has an html_body column")
	}
}

// 0005 repeats what an edited copy of 0002 did (it shipped under the same
// version as the first copy). On a database that ran the edited copy, it
// changes nothing but rebuilding the index of pending rows.
func TestStorageAfterReleaseOverEditedCopy(t *testing.T) {
	u := pgtest.EmptyURL(t)
	db := sqlx.MustOpen("postgres", u)
	defer db.Close()
	ctx := context.Background()
	if _, err := migrations.Apply(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	html := "<p>Recibimos su solicitud</p>"
	db.MustExec(`WITH m AS (INSERT INTO messages (direction, message_id, body, html_body)
		VALUES ('out', 'a@ticketd', 'texto', $1) RETURNING id)
		INSERT INTO outbox (message_row, kind, recipient) SELECT id, 'opened_ack', 'r@x' FROM m`, html)
	// The state the edited 0002 left: what 0005 makes, without its row.
	db.MustExec(`DELETE FROM schema_migrations WHERE version = 5`)
	done, err := migrations.Apply(ctx, db.DB)
	if err != nil || len(done) != 1 {
		t.Fatalf("Apply = %v, %v; want 0005 alone", done, err)
	}
	var got string
	if err := db.Get(&got, `SELECT html_body FROM messages WHERE message_id = 'a@ticketd'`); err != nil || got != html {
		t.Errorf("HTML after 0005 ran again: %q (%v), want %q", got, err, html)
	}
	var def string
	if err := db.Get(&def, `SELECT indexdef FROM pg_indexes WHERE indexname = 'outbox_due_idx'`); err != nil ||
		strings.Contains(def, "next_attempt_at") {
		t.Errorf("outbox_due_idx: %q (%v), want it without next_attempt_at", def, err)
	}
}
