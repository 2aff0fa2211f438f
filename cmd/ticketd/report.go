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

const reportHelp = `report [--mes AAAA-MM | --desde AAAA-MM-DD --hasta AAAA-MM-DD] [--servicio S] [--nivel N] [--responsable PERSONA]
               [--formato texto|csv|json] [--lang es|en] [--horario 08:00-12:00,13:00-17:00]

Las cifras del procedimiento en un periodo (por omisión, el mes anterior),
en tiempo hábil del calendario colombiano. Las definiciones están en el
README, sección "Reports".`

// cmdReport prints the report of a period.
func (a *app) cmdReport(ctx context.Context, args []string) error {
	fs := a.newFlags("report", reportHelp)
	month := fs.String("mes", "", "a calendar month, AAAA-MM")
	from := fs.String("desde", "", "first day, AAAA-MM-DD")
	to := fs.String("hasta", "", "last day (included), AAAA-MM-DD")
	service := fs.String("servicio", "", "only this service")
	level := fs.Int("nivel", 0, "only the tickets whose highest level was this one (1, 2 or 3)")
	person := fs.String("responsable", "", "only the tickets of this person or provider (alias or email)")
	format := fs.String("formato", "texto", "texto, csv or json")
	lang := fs.String("lang", "es", "es or en (text)")
	hours := fs.String("horario", "", "the desk's working hours (default: reports.working_hours, or "+bizdays.DefaultHours().String()+")")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fail(2, "report no lleva argumentos (sobra %q)", pos[0])
	}
	cal := bizdays.Colombia()
	p := report.Params{Calendar: cal}
	switch {
	case *month != "" && (*from != "" || *to != ""):
		return fail(2, "use --mes o bien --desde y --hasta, no ambos")
	case *month != "":
		m, err := time.Parse("2006-01", *month)
		if err != nil {
			return fail(2, "--mes %q: escriba el mes como AAAA-MM (por ejemplo 2026-11)", *month)
		}
		p.From, p.To = report.Month(cal, m.Year(), m.Month())
	case *from != "" || *to != "":
		d1, err1 := time.Parse("2006-01-02", *from)
		d2, err2 := time.Parse("2006-01-02", *to)
		if err1 != nil || err2 != nil {
			return fail(2, "--desde y --hasta van juntos, como AAAA-MM-DD (por ejemplo 2026-11-01)")
		}
		if d2.Before(d1) {
			return fail(2, "--hasta (%s) es anterior a --desde (%s)", *to, *from)
		}
		p.From, p.To = report.Period(cal, d1, d2)
	default:
		now := time.Now().In(cal.Loc)
		p.From, p.To = report.Month(cal, now.Year(), now.Month()-1)
	}
	if *hours != "" {
		if p.Hours, err = bizdays.ParseHours(*hours); err != nil {
			return fail(2, "--horario %q: %v", *hours, err)
		}
	}
	if *level != 0 {
		p.Filter.Level = tickets.Level(*level)
		if !p.Filter.Level.Valid() {
			return fail(2, "--nivel debe ser 1, 2 o 3")
		}
	}
	switch *format {
	case "texto", "text", "csv", "json":
	default:
		return fail(2, "--formato debe ser texto, csv o json")
	}
	if *lang != "es" && *lang != "en" {
		return fail(2, "--lang debe ser es o en")
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
			return fail(2, "--responsable %q no está en la lista de personal (use un alias o un correo)", *person)
		}
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	if err := checkSchema(ctx, db); err != nil {
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
	return report.WriteText(a.stdout, r, *lang)
}
