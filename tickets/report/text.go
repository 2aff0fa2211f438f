package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report as text a person reads, in lang ("es", the
// default, or "en").
func WriteText(out io.Writer, r *Report, lang string) error {
	w := wordsFor(lang)
	var b strings.Builder
	last := r.To.AddDate(0, 0, -1)
	fmt.Fprintf(&b, "%s\n%s\n%s\n", w["title"], w.f("period", w.date(r.From), w.date(last)),
		w.f("hours", w.hoursList(r.WorkingHours), w.count(r.HoursPerDay)))
	var only []string
	if r.Filter.Service != "" {
		only = append(only, w.f("filter.service", r.Filter.Service))
	}
	if r.Filter.Level != 0 {
		only = append(only, w.f("filter.level", int(r.Filter.Level)))
	}
	if r.Filter.Assignee != "" {
		only = append(only, w.f("filter.person", r.Filter.AssigneeName))
	}
	if len(only) > 0 {
		fmt.Fprintln(&b, w.f("filter", strings.Join(only, ", ")))
	}
	fmt.Fprintf(&b, "\n%s\n%s\n%s\n",
		w.f("received", r.Received.Total, r.Received.Mail, r.Received.Phone, r.Received.Resolved),
		w.f("first_level", w.share(r.FirstLevel)), w.f("reopened", w.share(r.Reopened)))

	t := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(t, "\n%s\t%s\t%s\t%s\t%s\n", w["escalation"], w["col.tickets"], w["col.share"], w["col.median"], w["col.p90"])
	for _, e := range r.Escalation {
		fmt.Fprintf(t, "  %s\t%d\t%s\t%s\t%s\n", w[fmt.Sprintf("esc.%d", e.Level)], e.Part, w.pct(e.Rate),
			w.duration(e.Time.MedianHours, e.Time.MedianDays), w.duration(e.Time.P90Hours, e.Time.P90Days))
	}
	for _, sec := range []struct {
		title string
		rows  []TimeRow
	}{{w["first_response"], r.FirstResponse}, {w["resolution"], r.Resolution}} {
		fmt.Fprintf(t, "\n%s\t%s\t%s\t%s\n", sec.title, w["col.tickets"], w["col.median"], w["col.p90"])
		for _, row := range sec.rows {
			fmt.Fprintf(t, "  %s\t%d\t%s\t%s\n", w.groupKey(row), row.Time.N,
				w.duration(row.Time.MedianHours, row.Time.MedianDays), w.duration(row.Time.P90Hours, row.Time.P90Days))
		}
	}
	t.Flush()

	fmt.Fprintf(&b, "\n%s\n", w["backlog"])
	t = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(t, "%s\t", w["col.level"])
	for _, a := range AgeBuckets {
		fmt.Fprintf(t, "%s\t", w["age."+a.Name])
	}
	fmt.Fprintf(t, "%s\t\n", w["col.total"])
	total := map[string]int{}
	for l := 1; l <= 3; l++ {
		fmt.Fprintf(t, "%d\t", l)
		sum := 0
		for _, row := range r.Backlog {
			if int(row.Level) == l {
				fmt.Fprintf(t, "%d\t", row.Tickets)
				sum += row.Tickets
				total[row.Age] += row.Tickets
			}
		}
		fmt.Fprintf(t, "%d\t\n", sum)
		total[""] += sum
	}
	fmt.Fprintf(t, "%s\t", w["col.total"])
	for _, a := range AgeBuckets {
		fmt.Fprintf(t, "%d\t", total[a.Name])
	}
	fmt.Fprintf(t, "%d\t\n", total[""])
	t.Flush()

	fmt.Fprintf(&b, "\n%s\n", w["people"])
	t = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(t, "  %s\t%s\t%s\t%s\t%s\t%s\n", w["col.person"], w["col.role"], w["col.resolved"], w["col.median"], w["col.p90"], w["col.backlog"])
	for _, p := range r.People {
		fmt.Fprintf(t, "  %s\t%s\t%d\t%s\t%s\t%d\n", w.personName(p), w.role(p.Role), p.Resolved.N,
			w.duration(p.Resolved.MedianHours, p.Resolved.MedianDays), w.duration(p.Resolved.P90Hours, p.Resolved.P90Days), p.Backlog)
	}
	t.Flush()

	fmt.Fprintf(&b, "\n%s\n", w["satisfaction"])
	t = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(t, "  \t%s\n", strings.Join(w.satisfactionHead(), "\t"))
	for _, s := range r.Satisfaction {
		fmt.Fprintf(t, "  %s\t%s\n", w.group(s.By, s.Key), strings.Join(w.satisfactionCells(s), "\t"))
	}
	t.Flush()
	_, err := io.WriteString(out, b.String())
	return err
}
