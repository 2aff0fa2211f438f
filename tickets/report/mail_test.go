package report_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets/report"
)

// TestMonthlyMailGolden: the monthly report's text and HTML, in both
// languages, for the hand-built November.
func TestMonthlyMailGolden(t *testing.T) {
	d := november(t)
	r := buildNovember(t, d, report.Filter{})
	for _, lang := range []string{"es", "en"} {
		m, err := report.RenderMail(r, lang)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "monthly."+lang+".txt", []byte("Subject: "+m.Subject+"\n\n"+m.Text))
		golden(t, "monthly."+lang+".html", []byte(m.HTML))
		var csv bytes.Buffer
		report.WriteCSV(&csv, r)
		if !bytes.Equal(m.CSV, csv.Bytes()) {
			t.Errorf("%s: the mail's CSV is not the report's", lang)
		}
	}
	m, _ := report.RenderMail(r, "es")
	if m.Subject != "Informe mensual de la mesa de servicio: noviembre de 2026" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{
		"Casos recibidos: <strong>6</strong> (5 por correo, 1 por teléfono o en persona)",
		"<strong>2 de 4 (50,0 %)</strong>",
		">Proveedor Uno S.A.S.</td>",
		"width: 320px", // the longest bar
		"Los solicitantes calificaron <strong>3 de 4</strong> casos cerrados en el mes (75,0 %), con un promedio de <strong>4,0</strong> sobre 5.",
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("the HTML does not have %q", want)
		}
	}
}

// TestMonthlyMailHasNoRequesterWords: the monthly mail goes to the office's
// head and the SIG link; of the requesters' ratings it carries the counts,
// never what they wrote with them.
func TestMonthlyMailHasNoRequesterWords(t *testing.T) {
	d := november(t)
	r := buildNovember(t, d, report.Filter{})
	for _, lang := range []string{"es", "en"} {
		m, err := report.RenderMail(r, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{m.Subject, m.Text, m.HTML, string(m.CSV)} {
			for _, words := range []string{"Tardó", "Pensándolo bien", "muy rápido", "Volvió a fallar", "Muy lento"} {
				if strings.Contains(part, words) {
					t.Errorf("%s: the mail carries a requester's words %q", lang, words)
				}
			}
		}
	}
}

// TestQueueMonthlyOnce: each recipient gets one report of a period, however
// many replicas queue it and however often.
func TestQueueMonthlyOnce(t *testing.T) {
	d := november(t)
	from, to := report.Month(bizdays.Colombia(), 2026, time.November)
	p := report.Params{From: from, To: to, Roster: roster}
	who := []report.Recipient{
		{Email: "jefe.oti@example.gov.co", Name: "Marta Ruiz"},
		{Email: "Enlace.SIG@example.gov.co", Name: "Pedro Salas", Lang: "en"},
	}
	desk := report.Sender{Address: "soporte.oti@example.gov.co", Name: "Mesa de servicio OTI"}
	ctx := context.Background()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for range 4 { // four replicas at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := report.QueueMonthly(ctx, d.db, p, who, desk)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n, err := report.QueueMonthly(ctx, d.db, p, who, desk); err != nil || n != 0 {
		t.Errorf("queued again: %d, %v", n, err)
	}
	var rows []struct {
		Recipient string `db:"recipient"`
		Subject   string `db:"subject"`
		Ticket    *int64 `db:"ticket_id"`
		HTML      string `db:"html_body"`
	}
	if err := d.db.Select(&rows, `SELECT o.recipient, m.subject, o.ticket_id, m.html_body FROM outbox o
		JOIN messages m ON m.id = o.message_row WHERE o.kind = $1 ORDER BY o.recipient`, report.KindMonthly); err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(rows) != 2 {
		t.Fatalf("queued %d, %d rows; want one for each of the 2 recipients: %+v", total, len(rows), rows)
	}
	if rows[0].Recipient != "enlace.sig@example.gov.co" || rows[0].Subject != "Service desk monthly report: November 2026" ||
		rows[1].Subject != "Informe mensual de la mesa de servicio: noviembre de 2026" || rows[0].Ticket != nil || rows[1].HTML == "" {
		t.Errorf("rows: %+v", rows)
	}
	// Each carries the figures as CSV, once.
	var csvs []struct {
		Filename string `db:"filename"`
		Type     string `db:"content_type"`
		Data     []byte `db:"data"`
	}
	if err := d.db.Select(&csvs, `SELECT a.filename, a.content_type, a.data FROM outbox o
		JOIN outbox_files f ON f.message_row = o.message_row JOIN attachments a ON a.id = f.attachment_id
		WHERE o.kind = $1`, report.KindMonthly); err != nil {
		t.Fatal(err)
	}
	if len(csvs) != 2 || csvs[0].Filename != "informe-2026-11.csv" || csvs[0].Type != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(string(csvs[0].Data), "table,") {
		t.Errorf("attached CSVs: %d %+v", len(csvs), csvs)
	}
	// The next month is another report.
	dec1, dec2 := report.Month(bizdays.Colombia(), 2026, time.December)
	if n, err := report.QueueMonthly(ctx, d.db, report.Params{From: dec1, To: dec2}, who[:1], desk); err != nil || n != 1 {
		t.Errorf("December: queued %d, %v", n, err)
	}
}
