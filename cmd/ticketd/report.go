package main

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/report"
)

// cmdReport prints the report of a period.
func (a *app) cmdReport(ctx context.Context, args []string) error {
	fs := a.newFlags("report", a.t("syn.report"))
	month := fs.String("mes", "", a.t("flag.report_month"))
	from := fs.String("desde", "", a.t("flag.report_from"))
	to := fs.String("hasta", "", a.t("flag.report_to"))
	service := fs.String("servicio", "", a.t("flag.report_service"))
	level := fs.Int("nivel", 0, a.t("flag.report_level"))
	person := fs.String("responsable", "", a.t("flag.report_person"))
	format := fs.String("formato", "texto", a.t("flag.report_format"))
	hours := fs.String("horario", "", a.t("flag.report_hours", bizdays.DefaultHours().String()))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return a.usageError("report", a.t("err.report_args", pos[0]))
	}
	cal := bizdays.Colombia()
	p := report.Params{Calendar: cal}
	switch {
	case *month != "" && (*from != "" || *to != ""):
		return a.usageError("report", a.t("err.report_both"))
	case *month != "":
		m, err := time.Parse("2006-01", *month)
		if err != nil {
			return a.usageError("report", a.t("err.report_month", *month))
		}
		p.From, p.To = report.Month(cal, m.Year(), m.Month())
	case *from != "" || *to != "":
		d1, err1 := time.Parse("2006-01-02", *from)
		d2, err2 := time.Parse("2006-01-02", *to)
		if err1 != nil || err2 != nil {
			return a.usageError("report", a.t("err.report_days"))
		}
		if d2.Before(d1) {
			return a.usageError("report", a.t("err.report_order", *to, *from))
		}
		p.From, p.To = report.Period(cal, d1, d2)
	default:
		now := time.Now().In(cal.Loc)
		p.From, p.To = report.Month(cal, now.Year(), now.Month()-1)
	}
	if *hours != "" {
		if p.Hours, err = bizdays.ParseHours(*hours); err != nil {
			return a.usageError("report", a.t("err.report_hours", *hours, err))
		}
	}
	if *level != 0 {
		p.Filter.Level = tickets.Level(*level)
		if !p.Filter.Level.Valid() {
			return a.usageError("report", a.t("err.report_level"))
		}
	}
	switch *format {
	case "texto", "text", "csv", "json":
	default:
		return a.usageError("report", a.t("err.report_format"))
	}
	c, err := a.config()
	if err != nil {
		return err
	}
	p.Roster = c.Roster()
	if *hours == "" {
		p.Hours = c.Reports.Hours()
	}
	p.Filter.Service = strings.TrimSpace(*service)
	if *person != "" {
		who, ok := p.Roster.Find(*person)
		switch {
		case ok:
			p.Filter.Assignee = strings.ToLower(who.Email)
		case validEmail(*person):
			p.Filter.Assignee = strings.ToLower(*person)
		default:
			return a.fail(3, "err.report_person", *person)
		}
	}
	db, err := a.openCurrent(ctx)
	if err != nil {
		return err
	}
	r, err := report.Build(ctx, db, p)
	if err != nil {
		return err
	}
	switch *format {
	case "csv":
		return report.WriteCSV(a.stdout, r)
	case "json":
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return report.WriteText(a.stdout, r, a.lang)
}
