package daemon

import (
	"context"
	"fmt"

	"github.com/ticketd/ticketd/tickets/report"
)

// monthlyReport queues the report of the last month that ended for the
// people reports.monthly_to names, through the outbox. Every replica runs
// it with the other timers; report.QueueMonthly queues one message per
// month and recipient, ever, so the first tick of a month sends it and the
// rest find it queued (a few index probes).
func (t *timers) monthlyReport(ctx context.Context) error {
	c := t.d.Parts.Config
	if len(c.Reports.MonthlyTo) == 0 {
		return nil
	}
	roster := t.d.Parts.Service.Roster
	var to []report.Recipient
	for _, addr := range c.Reports.MonthlyTo {
		r := report.Recipient{Email: addr, Lang: c.Desk.Language}
		if p, ok := roster.Find(addr); ok {
			r.Name, r.Lang = p.Name, p.Language
		}
		to = append(to, r)
	}
	now := t.now().In(t.cal.Loc)
	from, until := report.Month(t.cal, now.Year(), now.Month()-1)
	p := report.Params{From: from, To: until, Calendar: t.cal, Hours: c.Reports.Hours(), Roster: roster, Now: now}
	n, err := report.QueueMonthly(ctx, t.d.Parts.Service.DB, p, to, report.Sender{Address: c.Desk.Address, Name: c.Desk.Name})
	if err != nil {
		return fmt.Errorf("monthly report: %w", err)
	}
	if n > 0 {
		t.d.log.Info("monthly report queued", "period", from.Format("2006-01"), "recipients", n)
	}
	return nil
}
