package mailout

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// notifyEnv is a service that queues its notifications with a Notifier
// over viewRoster, on a throwaway database, at a clock the test moves.
type notifyEnv struct {
	db  *sqlx.DB
	svc *service.Service
	n   *Notifier
	now time.Time
}

func newNotifyEnv(t *testing.T) *notifyEnv {
	t.Helper()
	e := &notifyEnv{db: pgtest.New(t), now: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)}
	e.n = &Notifier{Renderer: newTestRenderer(t), Roster: viewRoster, Tag: "OTI", MaxPerHour: 20, MaxPerDay: 100,
		Desk: DeskInfo{Name: "Mesa de Servicio", Address: testDesk}}
	e.svc = &service.Service{DB: e.db, Roster: viewRoster, Notifier: e.n, Tag: "OTI", Lang: "es",
		Now: func() time.Time { return e.now }}
	return e
}

func (e *notifyEnv) actor(t *testing.T, alias string) tickets.Actor {
	t.Helper()
	p, ok := viewRoster.Find(alias)
	if !ok {
		t.Fatalf("no %s in the roster", alias)
	}
	return tickets.ActorOf(p)
}

func (e *notifyEnv) person(t *testing.T, alias string) *tickets.Person {
	t.Helper()
	p, ok := viewRoster.Find(alias)
	if !ok {
		t.Fatalf("no %s in the roster", alias)
	}
	return &p
}

// apply runs cmds as one email would: in one transaction, their
// notifications held until the last one ran.
func (e *notifyEnv) apply(t *testing.T, id int64, by tickets.Actor, trigger *store.Message, cmds ...tickets.Command) {
	t.Helper()
	err := e.svc.InTx(context.Background(), func(tx *service.Tx) error {
		tx.Hold()
		for _, c := range cmds {
			if _, _, err := tx.Apply(id, c, by, trigger); err != nil {
				return err
			}
		}
		return tx.Release()
	})
	if err != nil {
		t.Fatalf("%v: %v", cmds, err)
	}
}

// rows are the outbox rows queued for recipient on ticket id, oldest first.
func (e *notifyEnv) rows(t *testing.T, id int64, recipient string) []store.Outgoing {
	t.Helper()
	var ids []int64
	if err := e.db.Select(&ids, `SELECT id FROM outbox WHERE ticket_id = $1 AND recipient = $2 ORDER BY id`, id, recipient); err != nil {
		t.Fatal(err)
	}
	out := make([]store.Outgoing, len(ids))
	for i, oid := range ids {
		out[i] = row(t, e.db, oid)
	}
	return out
}

// inbound stores a processed inbound message of ticket id from addr, with
// attachments, as the intake does, in q, and returns it.
func (e *notifyEnv) inbound(t *testing.T, q sqlx.ExtContext, id int64, from, body string, files ...store.Attachment) *store.Message {
	t.Helper()
	m := e.stored(t, q)
	e.attach(t, q, m, id, from, body, files...)
	return m
}

var msgSeq int

// stored stores the raw source of an inbound message, as the intake does
// before it parses it.
func (e *notifyEnv) stored(t *testing.T, q sqlx.ExtContext) *store.Message {
	t.Helper()
	msgSeq++
	m := store.Message{MessageID: fmt.Sprintf("in%d@mail.example", msgSeq), ContentHash: fmt.Sprint(msgSeq),
		Raw: []byte("x"), CreatedAt: e.now}
	mid, _, err := store.InsertInbound(context.Background(), q, m)
	if err != nil {
		t.Fatal(err)
	}
	m.ID = mid
	return &m
}

// attach puts stored message m on ticket id with its attachments.
func (e *notifyEnv) attach(t *testing.T, q sqlx.ExtContext, m *store.Message, id int64, from, body string, files ...store.Attachment) {
	t.Helper()
	ctx := context.Background()
	m.TicketID, m.FromAddr, m.Body, m.FullText, m.Status = &id, from, body, body, store.StatusProcessed
	if err := store.UpdateInbound(ctx, q, *m); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		f.MessageRow, f.Size = m.ID, len(f.Data)
		if err := store.InsertAttachment(ctx, q, f); err != nil {
			t.Fatal(err)
		}
	}
}

// open registers a request from ana with the given attachments on its
// message, as the intake does (the notices carry them).
func (e *notifyEnv) open(t *testing.T, files ...store.Attachment) int64 {
	t.Helper()
	return e.openFrom(t, "ana.suarez@example.gov.co", "Ana Suárez", files...)
}

// openFrom registers a request from addr, named name in its From.
func (e *notifyEnv) openFrom(t *testing.T, addr, name string, files ...store.Attachment) int64 {
	t.Helper()
	var tk store.Ticket
	err := e.svc.InTx(context.Background(), func(tx *service.Tx) error {
		m := e.stored(t, tx.Q)
		m.FromAddr, m.FromName = addr, name
		r := service.OpenRequest{Requester: m.FromAddr, RequesterName: m.FromName, Subject: "Pantalla azul",
			Body: "Sale una pantalla azul al encender.", NoRouting: true, Trigger: m,
			By: tickets.Actor{Email: m.FromAddr, Role: tickets.RoleRequester}}
		ts, err := tx.OpenMany([]service.OpenRequest{r}, func(ts []store.Ticket) error {
			e.attach(t, tx.Q, m, ts[0].ID, m.FromAddr, "Sale una pantalla azul al encender.", files...)
			return nil
		})
		if err == nil {
			tk = ts[0]
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk.ID
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestResolveAndCloseInOneEmailTellOnce: #resolver and #cerrar in one
// reply send the requester one closure notice that carries the
// resolution, and the other desk agent no "awaiting closure" notice.
func TestResolveAndCloseInOneEmailTellOnce(t *testing.T) {
	e := newNotifyEnv(t)
	id := e.open(t)
	desk := e.actor(t, "jgomez")
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdClassify, Level: 1})
	before := len(e.rows(t, id, "ana.suarez@example.gov.co"))
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdResolve, Text: "Se reinstaló el controlador de video."},
		tickets.Command{Kind: tickets.CmdClose})
	got := e.rows(t, id, "ana.suarez@example.gov.co")[before:]
	if len(got) != 1 || got[0].Kind != "closed" {
		var kinds []string
		for _, o := range got {
			kinds = append(kinds, o.Kind)
		}
		t.Fatalf("requester got %v, want one closure notice", kinds)
	}
	if !strings.Contains(got[0].TextBody, "Se reinstaló el controlador de video.") {
		t.Errorf("the closure notice does not carry the resolution:\n%s", got[0].TextBody)
	}
	for _, o := range e.rows(t, id, "mdiaz@example.gov.co") {
		if o.Kind == "resolved_desk" {
			t.Errorf("the other desk agent was told the ticket awaits closure, but it is closed")
		}
	}
}

// TestCloseWithACommentTellsOnce: #cerrar with a few words sends the
// requester one closure notice that carries them.
func TestCloseWithACommentTellsOnce(t *testing.T) {
	e := newNotifyEnv(t)
	id := e.open(t)
	desk := e.actor(t, "jgomez")
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdClassify, Level: 1})
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdResolve, Text: "Listo."})
	before := len(e.rows(t, id, "ana.suarez@example.gov.co"))
	msg := e.inbound(t, e.db, id, desk.Email, "Gracias por su paciencia.",
		store.Attachment{Filename: "acta.pdf", ContentType: "application/pdf", Data: []byte("%PDF acta")})
	e.apply(t, id, desk, msg, tickets.Command{Kind: tickets.CmdComment, Text: "Gracias por su paciencia."}, tickets.Command{Kind: tickets.CmdClose})
	got := e.rows(t, id, "ana.suarez@example.gov.co")[before:]
	if len(got) != 1 || got[0].Kind != "closed" || !strings.Contains(got[0].TextBody, "Gracias por su paciencia.") {
		t.Fatalf("requester got %d rows (%v), want one closure notice with the comment", len(got), got)
	}
	// What was attached to the comment goes with the closure.
	var carried []string
	e.db.Select(&carried, `SELECT a.filename FROM outbox_files f JOIN attachments a ON a.id = f.attachment_id
		WHERE f.message_row = $1`, got[0].MessageRow)
	if strings.Join(carried, ",") != "acta.pdf" {
		t.Errorf("the closure carries %v, want the comment's acta.pdf", carried)
	}
}

// TestReassignedInOneEmailTellsTheLastAssignee: #nivel 2 to one person
// and #asignar to another in the same email send the case to the second
// one only.
func TestReassignedInOneEmailTellsTheLastAssignee(t *testing.T) {
	e := newNotifyEnv(t)
	id := e.open(t)
	e.apply(t, id, e.actor(t, "jgomez"), nil,
		tickets.Command{Kind: tickets.CmdClassify, Level: 2, To: e.person(t, "lperez")},
		tickets.Command{Kind: tickets.CmdAssign, To: e.person(t, "proveedor1")})
	if got := e.rows(t, id, "lperez@example.gov.co"); len(got) != 0 {
		t.Errorf("the first assignee was told of a case that is no longer hers: %s", got[0].Kind)
	}
	if got := e.rows(t, id, "soporte@proveedor.example.com"); len(got) != 1 || got[0].Kind != "case_assigned" {
		t.Errorf("the last assignee got %d rows, want the case", len(got))
	}
	ana := e.rows(t, id, "ana.suarez@example.gov.co")
	if n := len(ana); n != 2 || ana[1].Kind != "level_changed" {
		t.Errorf("requester got %d rows, want the acknowledgement and one level change", n)
	}
}

// TestAttachmentRoundTrip: the screenshot a requester sent reaches the
// specialist as the same bytes, in the assignment notice, through the
// outbox worker and a real SMTP server; an attachment over the limit is
// listed with its size and the command that fetches it.
func TestAttachmentRoundTrip(t *testing.T) {
	e := newNotifyEnv(t)
	e.n.MaxAttachmentBytes = 1 << 20
	shot := randomBytes(t, 300_000)
	big := randomBytes(t, 900_000) // with shot, over the 1 MiB limit
	id := e.open(t,
		store.Attachment{Filename: "pantallazo.png", ContentType: "image/png", Data: shot},
		store.Attachment{Filename: "volcado.dmp", ContentType: "application/octet-stream", Data: big})
	e.apply(t, id, e.actor(t, "jgomez"), nil, tickets.Command{Kind: tickets.CmdClassify, Level: 2, To: e.person(t, "lperez")})
	rows := e.rows(t, id, "lperez@example.gov.co")
	if len(rows) != 1 {
		t.Fatalf("%d rows to the specialist, want 1", len(rows))
	}
	if !strings.Contains(rows[0].TextBody, "pantallazo.png (293 kB): va adjunto") ||
		!strings.Contains(rows[0].TextBody, "volcado.dmp (879 kB): no va adjunto por su tamaño") {
		t.Errorf("the notice does not say what it carries:\n%s", rows[0].TextBody)
	}
	var atts []store.Attachment
	e.db.Select(&atts, `SELECT a.id, a.filename FROM attachments a ORDER BY id`)
	if want := fmt.Sprintf("ticketd tickets attachment %d %d", id, atts[1].ID); !strings.Contains(rows[0].TextBody, want) {
		t.Errorf("the notice does not say how to fetch the large file (%q):\n%s", want, rows[0].TextBody)
	}

	f := newFakeSMTP(t, plainSMTP)
	w := newTestWorker(t, e.db, e.svc, f, &testClock{}, WorkerConfig{})
	for sendOnce(t, w) > 0 {
	}
	var got *fakeMsg
	for _, m := range f.Messages() {
		if len(m.To) == 1 && m.To[0] == "lperez@example.gov.co" {
			got = &m
		}
	}
	if got == nil {
		t.Fatal("the specialist received nothing")
	}
	// The Date header is in the desk's zone, as the times in the body.
	if date := got.Header(t).Get("Date"); !strings.HasSuffix(date, "-0500") {
		t.Errorf("Date: %s, want it in Colombian time (-0500)", date)
	}
	files := attachmentsOf(t, got.Data)
	if len(files) != 1 {
		t.Fatalf("the specialist received %d attachments, want 1", len(files))
	}
	if !bytes.Equal(files["pantallazo.png"], shot) {
		t.Errorf("the screenshot's bytes differ from what the requester sent")
	}
	// tickets show lists what the notice carried.
	d, err := e.svc.Show(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, m := range d.Messages {
		if m.Direction == "out" && m.To[0] == "lperez@example.gov.co" {
			for _, a := range m.Attachments {
				listed = append(listed, a.Filename)
			}
		}
	}
	if strings.Join(listed, ",") != "pantallazo.png" {
		t.Errorf("tickets show lists %v as sent to the specialist, want the screenshot", listed)
	}
	// The requester's acknowledgement carries nothing.
	for _, m := range f.Messages() {
		if m.To[0] == "ana.suarez@example.gov.co" && len(attachmentsOf(t, m.Data)) != 0 {
			t.Errorf("the acknowledgement carries attachments")
		}
	}
}

// TestInternalAttachmentNeverReachesTheRequester: what an agent attaches
// to a public reply reaches the requester; what was attached to an
// internal note does not, even in a later notice.
func TestInternalAttachmentNeverReachesTheRequester(t *testing.T) {
	e := newNotifyEnv(t)
	id := e.open(t)
	desk := e.actor(t, "jgomez")
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdClassify, Level: 1})
	secret := e.inbound(t, e.db, id, desk.Email, "ver captura", store.Attachment{Filename: "interno.png", ContentType: "image/png", Data: []byte("secreto")})
	e.apply(t, id, desk, secret, tickets.Command{Kind: tickets.CmdNote, Text: "ver captura"})
	// A public comment from the same message: its attachment stays
	// internal all the same, because the message holds a note.
	e.apply(t, id, desk, secret, tickets.Command{Kind: tickets.CmdComment, Text: "Lo estamos revisando."})
	reply := e.inbound(t, e.db, id, desk.Email, "Siga estos pasos.", store.Attachment{Filename: "instrucciones.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 pasos")})
	e.apply(t, id, desk, reply, tickets.Command{Kind: tickets.CmdComment, Text: "Siga estos pasos."})

	f := newFakeSMTP(t, plainSMTP)
	w := newTestWorker(t, e.db, e.svc, f, &testClock{}, WorkerConfig{})
	for sendOnce(t, w) > 0 {
	}
	var carried []string
	for _, m := range f.Messages() {
		if m.To[0] != "ana.suarez@example.gov.co" {
			continue
		}
		for name, data := range attachmentsOf(t, m.Data) {
			carried = append(carried, name)
			if name == "instrucciones.pdf" && string(data) != "%PDF-1.4 pasos" {
				t.Errorf("the agent's attachment arrived changed")
			}
		}
		if bytes.Contains(m.Data, []byte("interno.png")) {
			t.Errorf("a message to the requester names the internal note's attachment")
		}
	}
	if strings.Join(carried, ",") != "instrucciones.pdf" {
		t.Errorf("the requester received %v, want only the agent's public attachment", carried)
	}
}

// attachmentsOf returns the attachments of a MIME message by file name.
func attachmentsOf(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	var walk func(ct string, body io.Reader)
	walk = func(ct string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || !strings.HasPrefix(mt, "multipart/") {
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pct := p.Header.Get("Content-Type")
			if strings.HasPrefix(pct, "multipart/") {
				walk(pct, p)
				continue
			}
			if name := p.FileName(); name != "" {
				// multipart.Part decodes quoted-printable only.
				var data []byte
				if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
					data, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
				} else {
					data, err = io.ReadAll(p)
				}
				if err != nil {
					t.Fatal(err)
				}
				out[name] = data
			}
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body)
	return out
}

// TestProviderIsToldNoInternalNote follows a case through a provider, with
// an internal note by the desk, one by the specialist, a comment from the
// requester, a reminder and a reopening: every notification queued for
// the provider is free of internal notes and of other people's addresses.
func TestProviderIsToldNoInternalNote(t *testing.T) {
	e := newNotifyEnv(t)
	id := e.open(t)
	desk, spec := e.actor(t, "jgomez"), e.actor(t, "lperez")
	ana := tickets.Actor{Email: "ana.suarez@example.gov.co", Role: tickets.RoleRequester}
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdClassify, Level: 2, To: e.person(t, "lperez"), Text: "Revise el equipo."})
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdNote, Text: markNote})
	e.apply(t, id, spec, nil, tickets.Command{Kind: tickets.CmdNote, Text: markInternalCmt})
	e.apply(t, id, spec, nil, tickets.Command{Kind: tickets.CmdEscalate, Level: 3, To: e.person(t, "proveedor1"), Text: "Revisen la garantía."})
	e.apply(t, id, ana, nil, tickets.Command{Kind: tickets.CmdComment, Text: "Sigo sin equipo."})
	err := e.svc.InTx(context.Background(), func(tx *service.Tx) error {
		_, err := tx.Record(id, tickets.EventReminded, tickets.System, false, "", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.apply(t, id, e.actor(t, "proveedor1"), nil, tickets.Command{Kind: tickets.CmdResolve, Text: "Se cambió el disco."})
	e.apply(t, id, ana, nil, tickets.Command{Kind: tickets.CmdReopen, Text: "Volvió a fallar."})

	kinds := map[string]bool{}
	for _, o := range e.rows(t, id, "soporte@proveedor.example.com") {
		kinds[o.Kind] = true
		got := rendered(o)
		for _, s := range []string{markNote, markInternalCmt, "Revise el equipo.", "ana.suarez@example.gov.co",
			"jgomez@example.gov.co", "lperez@example.gov.co", "mdiaz@example.gov.co"} {
			if strings.Contains(got, s) {
				t.Errorf("%s to the provider shows %q:\n%s", o.Kind, s, o.TextBody)
			}
		}
	}
	for _, k := range []string{"case_assigned", "comment", "reminder", "reopened_notice"} {
		if !kinds[k] {
			t.Errorf("the provider got no %s (got %v): the scenario does not cover it", k, kinds)
		}
	}
	// The specialist, staff, had the desk's note in her case.
	if got := e.rows(t, id, "lperez@example.gov.co"); len(got) == 0 || !strings.Contains(rendered(got[len(got)-1]), "Revise el equipo.") {
		t.Errorf("the specialist's notices lack the instructions addressed to her")
	}
}

// TestReplyToClosedTicketNamesIt: a new ticket that follows a closed one
// says so to the desk and to the requester.
func TestReplyToClosedTicketNamesIt(t *testing.T) {
	e := newNotifyEnv(t)
	first := e.open(t)
	var tk store.Ticket
	err := e.svc.InTx(context.Background(), func(tx *service.Tx) error {
		var err error
		tk, _, err = tx.Open(service.OpenRequest{Requester: "ana.suarez@example.gov.co", RequesterName: "Ana Suárez",
			Subject: "Pantalla azul", Body: "Otra vez.", NoRouting: true, LinkedTo: first,
			By: tickets.Actor{Email: "ana.suarez@example.gov.co", Role: tickets.RoleRequester}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := tickets.Ref("OTI", first)
	for _, who := range []string{"jgomez@example.gov.co", "ana.suarez@example.gov.co"} {
		rows := e.rows(t, tk.ID, who)
		if len(rows) != 1 || !strings.Contains(rows[0].TextBody, ref) {
			t.Errorf("%s is not told the new ticket follows %s", who, ref)
		}
		if strings.Contains(rows[0].TextBody, "ana.suarez@example.gov.co:") || !strings.Contains(rows[0].TextBody, "Cordial saludo, ") {
			t.Errorf("%s is greeted oddly:\n%s", who, rows[0].TextBody)
		}
	}
}

// TestBatchOpenedCaseCarriesItsAttachments: the intake opens a batch of
// requests with OpenMany, composing from records known before the
// messages are stored; a request routed straight to its specialist still
// sends her the case with its attachment, and the one without attachments
// is notified as well.
func TestBatchOpenedCaseCarriesItsAttachments(t *testing.T) {
	e := newNotifyEnv(t)
	roster := *viewRoster
	roster.Services = []tickets.Service{{Name: "equipos", Keywords: []string{"pantalla"}, Level: 2, Assignee: "lperez"}}
	e.n.Roster, e.svc.Roster = &roster, &roster
	shot := randomBytes(t, 5000)
	type req struct {
		from, body string
		files      []store.Attachment
	}
	reqs := []req{
		{"ana.suarez@example.gov.co", "La pantalla se queda en negro.", []store.Attachment{{Filename: "negro.jpg", ContentType: "image/jpeg", Data: shot}}},
		{"pedro@example.gov.co", "La pantalla parpadea.", nil},
	}
	var opened []store.Ticket
	err := e.svc.InTx(context.Background(), func(tx *service.Tx) error {
		rs := make([]service.OpenRequest, len(reqs))
		for i, r := range reqs {
			known := &store.TicketRecord{Body: r.body, HasRequest: true, Thread: []string{fmt.Sprintf("b%d@mail.example", i)}}
			for _, f := range r.files {
				known.Attachments = append(known.Attachments, f.Filename)
			}
			rs[i] = service.OpenRequest{Requester: r.from, Subject: "Pantalla", Body: r.body, Known: known,
				Trigger: &store.Message{FromAddr: r.from, MessageID: known.Thread[0]},
				By:      tickets.Actor{Email: r.from, Role: tickets.RoleRequester}}
		}
		attach := func(ts []store.Ticket) error {
			for i, tk := range ts {
				m := e.stored(t, tx.Q)
				*rs[i].Trigger = *m
				e.attach(t, tx.Q, rs[i].Trigger, tk.ID, reqs[i].from, reqs[i].body, reqs[i].files...)
			}
			return nil
		}
		var err error
		opened, err = tx.OpenMany(rs, attach)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, tk := range opened {
		rows := e.rows(t, tk.ID, "lperez@example.gov.co")
		if len(rows) != 1 || rows[0].Kind != "case_assigned" {
			t.Fatalf("request %d: the specialist got %d rows, want the case", i, len(rows))
		}
		var carried []string
		e.db.Select(&carried, `SELECT a.filename FROM outbox_files f JOIN attachments a ON a.id = f.attachment_id
			WHERE f.message_row = $1`, rows[0].MessageRow)
		want := ""
		if len(reqs[i].files) > 0 {
			want = "negro.jpg"
		}
		if strings.Join(carried, ",") != want {
			t.Errorf("request %d: the case carries %v, want %q", i, carried, want)
		}
		if ack := e.rows(t, tk.ID, reqs[i].from); len(ack) == 0 || ack[0].Kind != "opened_ack" {
			t.Errorf("request %d: no acknowledgement", i)
		}
	}
}
