package report

import (
	"bytes"
	htmltemplate "html/template"
	"strconv"
	texttemplate "text/template"
	"time"

	"github.com/ticketd/ticketd/templates"
)

// Mail is a report as a message: its subject, text and HTML alternative,
// and the CSV of its figures.
type Mail struct {
	Subject, Text, HTML string
	CSV                 []byte
}

// mailData is what the templates of templates/reports see. Words and
// numbers come formatted in the report's language; the sentences are the
// templates'.
type mailData struct {
	Period, Hours                   string
	Received, Mail, Phone, Resolved int
	FirstLevel, Reopened            string
	// The requesters' ratings of the tickets closed in the month:
	// counts only, never their words (the mail leaves the desk).
	Closed, Rated                 int
	ResponseRate, Average         string
	Text                          string // the whole text report (WriteText)
	Weekly, ByService, BacklogAge []bar
	Tables                        []table
}

// bar is one bar of a chart drawn with table cells (mail clients show them
// without loading images): Segments by level, widths in pixels.
type bar struct {
	Label, Value string
	Segments     []segment
}

type segment struct {
	Level int // 1-3: the level's colour; 0: the first
	Width int
}

type table struct {
	Title string
	Head  []string
	Rows  [][]string
}

// barWidth is the longest bar, in pixels.
const barWidth = 320

// RenderMail renders the monthly report's message from the templates of
// templates/reports in lang ("es", the default, or "en").
func RenderMail(r *Report, lang string) (Mail, error) {
	if lang != "en" {
		lang = "es"
	}
	w := wordsFor(lang)
	var text, csvOut bytes.Buffer
	if err := WriteText(&text, r, lang); err != nil {
		return Mail{}, err
	}
	if err := WriteCSV(&csvOut, r); err != nil {
		return Mail{}, err
	}
	d := mailData{
		Period: w.month(r.From), Hours: w.hoursList(r.WorkingHours),
		Received: r.Received.Total, Mail: r.Received.Mail, Phone: r.Received.Phone, Resolved: r.Received.Resolved,
		FirstLevel: w.share(r.FirstLevel), Reopened: w.share(r.Reopened), Text: text.String(),
		Weekly: weeklyBars(r, w), ByService: serviceBars(r, w), BacklogAge: backlogBars(r, w), Tables: mailTables(r, w),
	}
	if len(r.Satisfaction) > 0 { // "all" comes first
		all := r.Satisfaction[0]
		d.Closed, d.Rated, d.ResponseRate, d.Average = all.Closed, all.Rated, w.pct(all.ResponseRate), w.score(all.Average)
	}
	base := "reports/" + lang + "/monthly."
	subject, err := texttemplate.ParseFS(templates.Reports, base+"subject.tmpl")
	if err != nil {
		return Mail{}, err
	}
	txt, err := texttemplate.ParseFS(templates.Reports, base+"txt.tmpl")
	if err != nil {
		return Mail{}, err
	}
	html, err := htmltemplate.ParseFS(templates.Reports, base+"html.tmpl")
	if err != nil {
		return Mail{}, err
	}
	var sb, tb, hb bytes.Buffer
	if err := subject.Execute(&sb, d); err != nil {
		return Mail{}, err
	}
	if err := txt.Execute(&tb, d); err != nil {
		return Mail{}, err
	}
	if err := html.Execute(&hb, d); err != nil {
		return Mail{}, err
	}
	return Mail{Subject: oneLine(sb.String()), Text: tb.String(), HTML: hb.String(), CSV: csvOut.Bytes()}, nil
}

func oneLine(s string) string {
	return string(bytes.Join(bytes.Fields([]byte(s)), []byte(" ")))
}

func scale(v, max float64) int {
	if max <= 0 || v <= 0 {
		return 0
	}
	return max1(int(v / max * barWidth))
}

// max1 keeps a bar of a non-zero value visible.
func max1(n int) int { return max(n, 1) }

func weeklyBars(r *Report, w words) []bar {
	var out []bar
	totals := map[string]int{}
	most := 0
	for _, row := range r.Weekly {
		totals[row.Week] += row.Tickets
		most = max(most, totals[row.Week])
	}
	for _, row := range r.Weekly {
		if len(out) == 0 || out[len(out)-1].Label != w.shortDate(row.Week) {
			out = append(out, bar{Label: w.shortDate(row.Week), Value: strconv.Itoa(totals[row.Week])})
		}
		if row.Tickets > 0 {
			b := &out[len(out)-1]
			b.Segments = append(b.Segments, segment{Level: int(row.Level), Width: scale(float64(row.Tickets), float64(most))})
		}
	}
	return out
}

func serviceBars(r *Report, w words) []bar {
	var (
		out  []bar
		most float64
	)
	for _, row := range r.Resolution {
		if row.By == "service" && row.Time.MedianHours != nil {
			most = max(most, *row.Time.MedianHours)
		}
	}
	for _, row := range r.Resolution {
		if row.By != "service" || row.Time.MedianHours == nil {
			continue
		}
		h := *row.Time.MedianHours
		out = append(out, bar{Label: w.serviceName(row.Key), Value: w.num(h) + " h",
			Segments: []segment{{Width: scale(h, most)}}})
	}
	return out
}

func backlogBars(r *Report, w words) []bar {
	byAge := map[string][]BacklogRow{}
	totals := map[string]int{}
	most := 0
	for _, row := range r.Backlog {
		byAge[row.Age] = append(byAge[row.Age], row)
		totals[row.Age] += row.Tickets
		most = max(most, totals[row.Age])
	}
	var out []bar
	for _, a := range AgeBuckets {
		b := bar{Label: w["age."+a.Name], Value: strconv.Itoa(totals[a.Name])}
		for _, row := range byAge[a.Name] {
			if row.Tickets > 0 {
				b.Segments = append(b.Segments, segment{Level: int(row.Level), Width: scale(float64(row.Tickets), float64(most))})
			}
		}
		out = append(out, b)
	}
	return out
}

// mailTables are the text report's tables, for HTML.
func mailTables(r *Report, w words) []table {
	esc := table{Title: w["escalation"], Head: []string{"", w["col.tickets"], w["col.share"], w["col.median"], w["col.p90"]}}
	for _, e := range r.Escalation {
		esc.Rows = append(esc.Rows, []string{w["esc."+strconv.Itoa(int(e.Level))], strconv.Itoa(e.Part), w.pct(e.Rate),
			w.duration(e.Time.MedianHours, e.Time.MedianDays), w.duration(e.Time.P90Hours, e.Time.P90Days)})
	}
	out := []table{esc}
	for _, sec := range []struct {
		title string
		rows  []TimeRow
	}{{w["first_response"], r.FirstResponse}, {w["resolution"], r.Resolution}} {
		t := table{Title: sec.title, Head: []string{"", w["col.tickets"], w["col.median"], w["col.p90"]}}
		for _, row := range sec.rows {
			t.Rows = append(t.Rows, []string{w.groupKey(row), strconv.Itoa(row.Time.N),
				w.duration(row.Time.MedianHours, row.Time.MedianDays), w.duration(row.Time.P90Hours, row.Time.P90Days)})
		}
		out = append(out, t)
	}
	bl := table{Title: w["backlog"], Head: []string{w["col.level"]}}
	for _, a := range AgeBuckets {
		bl.Head = append(bl.Head, w["age."+a.Name])
	}
	for l := 1; l <= 3; l++ {
		row := []string{strconv.Itoa(l)}
		for _, b := range r.Backlog {
			if int(b.Level) == l {
				row = append(row, strconv.Itoa(b.Tickets))
			}
		}
		bl.Rows = append(bl.Rows, row)
	}
	ppl := table{Title: w["people"], Head: []string{w["col.person"], w["col.role"], w["col.resolved"], w["col.median"], w["col.p90"], w["col.backlog"]}}
	for _, p := range r.People {
		ppl.Rows = append(ppl.Rows, []string{w.personName(p), w.role(p.Role), strconv.Itoa(p.Resolved.N),
			w.duration(p.Resolved.MedianHours, p.Resolved.MedianDays), w.duration(p.Resolved.P90Hours, p.Resolved.P90Days), strconv.Itoa(p.Backlog)})
	}
	sat := table{Title: w["satisfaction"], Head: append([]string{""}, w.satisfactionHead()...)}
	for _, s := range r.Satisfaction {
		sat.Rows = append(sat.Rows, append([]string{w.group(s.By, s.Key)}, w.satisfactionCells(s)...))
	}
	return append(out, bl, ppl, sat)
}

// month names a period by its first month: "noviembre de 2026".
func (w words) month(t time.Time) string {
	return w.f("month", w.monthName(t.Month()), t.Year())
}

// shortDate writes an AAAA-MM-DD date as "2 de noviembre".
func (w words) shortDate(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return w.f("short_date", d.Day(), w.monthName(d.Month()))
}
