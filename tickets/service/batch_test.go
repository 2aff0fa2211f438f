package service_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

// A batch of requests must leave what the same requests opened one after
// the other (each a batch of one, Open) leave: the same tickets and events,
// and the same notifications whether the notifier queues them together
// (mailout's PrepareMany) or one by one.

var openAt = time.Date(2026, 3, 2, 15, 4, 5, 987654321, time.UTC)

// openRequests are phone and mail requests: routed by keyword or not, by
// the requester or registered by the desk, linked to an earlier ticket,
// and one requester past the per-recipient cap.
func openRequests() []service.OpenRequest {
	desk := who(nil, "jgomez")
	rs := []service.OpenRequest{
		{Requester: "ana@example.gov.co", RequesterName: "Ana", Subject: "No enciende", Body: "Mi equipo no enciende."},
		{Requester: "pedro@example.gov.co", Subject: "La impresora", Body: "No imprime nada.", Lang: "en"},
		{Requester: "rosa@example.gov.co", Subject: "  ", Body: "Sin asunto.", By: desk},
		{Requester: "luis@example.gov.co", Subject: "Sigue fallando", Body: "Otra vez.", LinkedTo: 1, NoRouting: true},
		{Requester: "Jgomez@example.gov.co", Subject: "Mi propio equipo", Body: "La impresora tampoco."},
	}
	for i := range 22 {
		rs = append(rs, service.OpenRequest{Requester: "sofia@example.gov.co", Subject: fmt.Sprintf("Caso %d", i), Body: "Texto."})
	}
	return rs
}

// recorder is a Notifier without batches: OpenMany falls back to Notify.
type recorder struct{ changes []service.Change }

func (r *recorder) Notify(_ context.Context, _ *sqlx.Tx, c service.Change) error {
	r.changes = append(r.changes, c)
	return nil
}

func TestOpenManyWritesWhatOpenWrites(t *testing.T) {
	notifier := func() *mailout.Notifier {
		r, err := mailout.NewRenderer("")
		if err != nil {
			t.Fatal(err)
		}
		return &mailout.Notifier{Renderer: r, Roster: roster, Tag: "OTI", MaxPerHour: 20, MaxPerDay: 100,
			Desk: mailout.DeskInfo{Name: "Mesa", Address: "soporte.oti@example.gov.co"}}
	}
	open := func(batch bool, n service.Notifier) *sqlx.DB {
		s, db := newService(t)
		s.Notifier, s.Now = n, func() time.Time { return openAt }
		ctx := context.Background()
		// Ticket 1 exists before, closed, so that request 4 may follow it up.
		if _, err := s.Open(ctx, service.OpenRequest{Requester: "luis@example.gov.co", Subject: "Antes", NoRouting: true}); err != nil {
			t.Fatal(err)
		}
		err := s.InTx(ctx, func(tx *service.Tx) error {
			if batch {
				_, err := tx.OpenMany(openRequests(), nil)
				return err
			}
			for _, r := range openRequests() {
				if _, _, err := tx.Open(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("batch=%v: %v", batch, err)
		}
		return db
	}
	t.Run("notified together", func(t *testing.T) {
		want, got := open(false, notifier()), open(true, notifier())
		for _, q := range openDumps {
			if w, g := dumpRows(t, want, q), dumpRows(t, got, q); !slices.Equal(g, w) {
				t.Errorf("%s\ndiffers: %d rows with OpenMany, %d with Open; first difference:\n%s", q, len(g), len(w), firstDifference(g, w))
			} else if len(w) == 0 {
				t.Errorf("%s: no rows", q)
			}
		}
		var held int
		got.Get(&held, `SELECT count(*) FROM outbox WHERE status = 'held'`)
		if held != 2 {
			t.Errorf("%d notifications held, want 2 (22 requests against a cap of 20)", held)
		}
	})
	t.Run("notified one by one", func(t *testing.T) {
		var one, many recorder
		open(false, &one)
		open(true, &many)
		if len(one.changes) != len(many.changes) {
			t.Fatalf("%d changes notified by OpenMany, %d by Open", len(many.changes), len(one.changes))
		}
		for i := range one.changes {
			w, g := one.changes[i], many.changes[i]
			g.Record = nil // OpenMany's own shortcut; Open never sets it
			for j := range w.Events {
				w.Events[j].ID, g.Events[j].ID = 0, 0 // ids are compared through the database
			}
			if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
				t.Errorf("change %d differs:\n OpenMany: %+v\n Open:     %+v", i, g, w)
			}
		}
	})
}

func TestOpenManyRefusalFailsTheCall(t *testing.T) {
	s, _ := newService(t)
	err := s.InTx(context.Background(), func(tx *service.Tx) error {
		_, err := tx.OpenMany([]service.OpenRequest{{Requester: "ana@example.gov.co", Subject: "ok"}, {Subject: "sin solicitante"}}, nil)
		return err
	})
	if !errors.Is(err, tickets.ErrMissingArgument) {
		t.Fatalf("err = %v, want a refusal for the missing requester", err)
	}
	var n int
	s.DB.Get(&n, `SELECT count(*) FROM tickets`)
	if n != 0 {
		t.Errorf("%d tickets left behind", n)
	}
}

var openDumps = []string{
	`SELECT id, subject, requester, requester_name, state, level, service, assignee, COALESCE(linked_to, 0), lang,
		created_at, updated_at, level_since, resolved_at FROM tickets ORDER BY id`,
	// Events by ticket and sequence: a held notice's event gets its id
	// after the whole batch's events, not between two tickets' events.
	`SELECT ticket_id, seq, kind, activities, actor, actor_role, level_before, level_after, state_before, state_after,
		assignee_before, assignee_after, service, public, note, requester, message_row, at FROM events ORDER BY ticket_id, seq`,
	`SELECT o.ticket_id, e.ticket_id, e.seq, o.kind, o.recipient, o.recipient_name, o.reply_to, m.html_body, o.auto_submitted,
		o.status, o.last_error, regexp_replace(COALESCE(o.dedup_key, ''), '^ev:[0-9]+:', 'ev:'), o.created_at,
		m.message_id, m.in_reply_to, m.refs, m.subject, m.body, m.full_text
		FROM outbox o JOIN messages m ON m.id = o.message_row LEFT JOIN events e ON e.id = o.event_id ORDER BY o.id`,
}

var notifierID = regexp.MustCompile(`ticketd\.([0-9]+)\.[a-z2-7]+@`)

func dumpRows(t *testing.T, db *sqlx.DB, query string) []string {
	t.Helper()
	rows, err := db.Queryx(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		cols, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, c := range cols {
			switch v := c.(type) {
			case []byte:
				b.Write(v)
			case time.Time:
				b.WriteString(v.UTC().Format(time.RFC3339Nano))
			default:
				fmt.Fprint(&b, v)
			}
			b.WriteString(" | ")
		}
		out = append(out, notifierID.ReplaceAllString(b.String(), "ticketd.$1.*@"))
	}
	return out
}

func firstDifference(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("row %d\n OpenMany: %.300s\n Open:     %.300s", i, strings.ReplaceAll(g, "\n", " "), strings.ReplaceAll(w, "\n", " "))
		}
	}
	return ""
}
