package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the first row of WriteCSV: one figure a row, named by the
// table it belongs to, the group within it (by and key: "level" and "2",
// "service" and its name, "person" and an email, "group" and a level for
// a level's unassigned tickets), the backlog's age bucket, the measure and
// its value. Names are those of the JSON form; numbers use a decimal point;
// a figure with no tickets is empty.
var CSVHeader = []string{"table", "by", "key", "age", "measure", "value"}

// WriteCSV writes the report as one CSV table (RFC 4180).
func WriteCSV(out io.Writer, r *Report) error {
	w := csv.NewWriter(out)
	row := func(table, by, key, age, measure, value string) {
		w.Write([]string{table, by, key, age, measure, value})
	}
	n := func(i int) string { return strconv.Itoa(i) }
	f := func(x *float64) string {
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', 4, 64)
	}
	shareRows := func(table, by, key string, s Share) {
		row(table, by, key, "", "part", n(s.Part))
		row(table, by, key, "", "of", n(s.Of))
		row(table, by, key, "", "rate", f(s.Rate))
	}
	statRows := func(table, by, key string, s Stat) {
		row(table, by, key, "", "n", n(s.N))
		row(table, by, key, "", "median_hours", f(s.MedianHours))
		row(table, by, key, "", "p90_hours", f(s.P90Hours))
		row(table, by, key, "", "median_days", f(s.MedianDays))
		row(table, by, key, "", "p90_days", f(s.P90Days))
	}
	w.Write(CSVHeader)
	row("received", "all", "", "", "total", n(r.Received.Total))
	row("received", "channel", "mail", "", "total", n(r.Received.Mail))
	row("received", "channel", "phone", "", "total", n(r.Received.Phone))
	row("received", "all", "", "", "resolved", n(r.Received.Resolved))
	shareRows("first_level_resolution", "all", "", r.FirstLevel)
	shareRows("reopened", "all", "", r.Reopened)
	for _, e := range r.Escalation {
		shareRows("escalation", "level", n(int(e.Level)), e.Share)
		statRows("escalation", "level", n(int(e.Level)), e.Time)
	}
	for _, t := range r.FirstResponse {
		statRows("first_response", t.By, t.Key, t.Time)
	}
	for _, t := range r.Resolution {
		statRows("resolution", t.By, t.Key, t.Time)
	}
	for _, b := range r.Backlog {
		row("backlog", "level", n(int(b.Level)), b.Age, "tickets", n(b.Tickets))
	}
	for _, p := range r.People {
		by, key := "person", p.Person
		if p.Person == "" {
			by, key = "group", n(int(p.Level))
		}
		statRows("people", by, key, p.Resolved)
		row("people", by, key, "", "backlog", n(p.Backlog))
	}
	for _, wk := range r.Weekly {
		row("weekly", "week", wk.Week, "", "level_"+n(int(wk.Level)), n(wk.Tickets))
	}
	for _, st := range r.Satisfaction {
		row("satisfaction", st.By, st.Key, "", "closed", n(st.Closed))
		row("satisfaction", st.By, st.Key, "", "rated", n(st.Rated))
		row("satisfaction", st.By, st.Key, "", "response_rate", f(st.ResponseRate))
		row("satisfaction", st.By, st.Key, "", "average", f(st.Average))
		row("satisfaction", st.By, st.Key, "", "median", f(st.Median))
		for i, c := range st.Scores {
			row("satisfaction", st.By, st.Key, "", "score_"+n(i+1), n(c))
		}
	}
	w.Flush()
	return w.Error()
}
