package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/tickets"
)

// labels is what the text report says, by language: the one catalogue of
// this package's words. Keys name the place they go.
var labels = map[string]map[string]string{
	"es": {
		"title":             "Informe de la mesa de servicio",
		"period":            "Periodo: del %s al %s.",
		"hours":             "Horario de atención: %s, %s horas por día hábil. Los tiempos son hábiles: en horas y en días de ese horario.",
		"filter":            "Solo los casos de: %s.",
		"filter.service":    "el servicio %s",
		"filter.level":      "el nivel %d",
		"filter.person":     "%s",
		"received":          "Casos recibidos: %d (%d por correo, %d por teléfono o en persona); %d resueltos o cerrados al terminar el periodo.",
		"first_level":       "Resueltos en el primer nivel, sin escalar: %s.",
		"reopened":          "Reabiertos por el solicitante o la mesa: %s.",
		"of":                "%d de %d (%s)",
		"none":              "sin casos",
		"escalation":        "Escalamiento",
		"esc.2":             "al nivel 2 o 3",
		"esc.3":             "al nivel 3",
		"first_response":    "Tiempo hasta la primera respuesta",
		"resolution":        "Tiempo hasta la resolución",
		"backlog":           "Casos pendientes al terminar el periodo (nuevos o en atención), por antigüedad en días hábiles",
		"people":            "Por responsable",
		"satisfaction":      "Satisfacción de los solicitantes con los casos cerrados en el periodo, de 1 a 5 (cuenta la última calificación de cada caso)",
		"col.closed":        "cerrados",
		"col.rated":         "calificados",
		"col.response":      "tasa de respuesta",
		"col.average":       "promedio",
		"col.group":         "",
		"col.tickets":       "casos",
		"col.share":         "porcentaje",
		"col.median":        "mediana",
		"col.p90":           "percentil 90",
		"col.level":         "nivel",
		"col.total":         "total",
		"col.person":        "responsable",
		"col.role":          "rol",
		"col.resolved":      "resueltos",
		"col.backlog":       "pendientes",
		"all":               "todos",
		"level":             "nivel %d",
		"service":           "servicio %s",
		"no_service":        "sin servicio",
		"group":             "%s, sin asignar",
		"group.1":           "Mesa de servicio",
		"hours_days":        "%s h (%s d)",
		"dash":              "–",
		"age.0-1d":          "menos de 1",
		"age.1-3d":          "1 a 3",
		"age.3-5d":          "3 a 5",
		"age.5-10d":         "5 a 10",
		"age.10d+":          "más de 10",
		"role.mesa":         "mesa de servicio",
		"role.especialista": "especialista",
		"role.sitio":        "soporte en sitio",
		"role.proveedor":    "proveedor",
		"date":              "%d de %s de %d",
		"month":             "%s de %d",
		"short_date":        "%d de %s",
		"months":            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
		"decimal":           ",",
	},
	"en": {
		"title":             "Service desk report",
		"period":            "Period: from %s to %s.",
		"hours":             "Working hours: %s, %s hours a business day. Times are business time: in hours and in days of those hours.",
		"filter":            "Only the tickets of: %s.",
		"filter.service":    "service %s",
		"filter.level":      "level %d",
		"filter.person":     "%s",
		"received":          "Tickets received: %d (%d by email, %d by phone or in person); %d resolved or closed at the end of the period.",
		"first_level":       "Resolved at the first level, without escalation: %s.",
		"reopened":          "Reopened by the requester or the desk: %s.",
		"of":                "%d of %d (%s)",
		"none":              "no tickets",
		"escalation":        "Escalation",
		"esc.2":             "to level 2 or 3",
		"esc.3":             "to level 3",
		"first_response":    "Time to first response",
		"resolution":        "Time to resolution",
		"backlog":           "Tickets pending at the end of the period (new or in progress), by age in business days",
		"people":            "By person",
		"satisfaction":      "Requesters' satisfaction with the tickets closed in the period, from 1 to 5 (each ticket's latest rating counts)",
		"col.closed":        "closed",
		"col.rated":         "rated",
		"col.response":      "response rate",
		"col.average":       "average",
		"col.group":         "",
		"col.tickets":       "tickets",
		"col.share":         "share",
		"col.median":        "median",
		"col.p90":           "90th percentile",
		"col.level":         "level",
		"col.total":         "total",
		"col.person":        "person",
		"col.role":          "role",
		"col.resolved":      "resolved",
		"col.backlog":       "pending",
		"all":               "all",
		"level":             "level %d",
		"service":           "service %s",
		"no_service":        "no service",
		"group":             "%s, unassigned",
		"group.1":           "Service desk",
		"hours_days":        "%s h (%s d)",
		"dash":              "–",
		"age.0-1d":          "under 1",
		"age.1-3d":          "1 to 3",
		"age.3-5d":          "3 to 5",
		"age.5-10d":         "5 to 10",
		"age.10d+":          "over 10",
		"role.mesa":         "service desk",
		"role.especialista": "specialist",
		"role.sitio":        "on-site support",
		"role.proveedor":    "provider",
		"date":              "%[2]s %[1]d, %[3]d",
		"month":             "%s %d",
		"short_date":        "%[2]s %[1]d",
		"months":            "January February March April May June July August September October November December",
		"decimal":           ".",
	},
}

// words is the catalogue of one language (Spanish unless "en").
type words map[string]string

func wordsFor(lang string) words {
	if lang == "en" {
		return labels["en"]
	}
	return labels["es"]
}

func (w words) f(key string, args ...any) string { return fmt.Sprintf(w[key], args...) }

// num writes x with one decimal and the language's decimal mark.
func (w words) num(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', 1, 64), ".", w["decimal"], 1)
}

// count writes x as a whole number when it is one, else as num does.
func (w words) count(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return w.num(x)
}

func (w words) pct(r *float64) string {
	if r == nil {
		return w["dash"]
	}
	return w.num(*r*100) + " %"
}

func (w words) share(s Share) string {
	if s.Of == 0 {
		return w["none"]
	}
	return w.f("of", s.Part, s.Of, w.pct(s.Rate))
}

func (w words) date(t time.Time) string {
	return w.f("date", t.Day(), w.monthName(t.Month()), t.Year())
}

func (w words) monthName(m time.Month) string { return strings.Fields(w["months"])[m-1] }

// hoursList writes working hours as "08:00-12:00, 13:00-17:00".
func (w words) hoursList(h string) string { return strings.ReplaceAll(h, ",", ", ") }

func (w words) duration(h, d *float64) string {
	if h == nil || d == nil {
		return w["dash"]
	}
	return w.f("hours_days", w.num(*h), w.num(*d))
}

func (w words) role(r tickets.Role) string {
	if s, ok := w["role."+string(r)]; ok {
		return s
	}
	return w["dash"]
}

func (w words) serviceName(s string) string {
	if s == "" {
		return w["no_service"]
	}
	return s
}

// groupKey labels a TimeRow.
func (w words) groupKey(r TimeRow) string { return w.group(r.By, r.Key) }

// group labels a group of tickets: all, a level, a service.
func (w words) group(by, key string) string {
	switch by {
	case "level":
		n, _ := strconv.Atoi(key)
		return w.f("level", n)
	case "service":
		return w.f("service", w.serviceName(key))
	}
	return w["all"]
}

// score writes an average or a median of ratings, a dash with none.
func (w words) score(x *float64) string {
	if x == nil {
		return w["dash"]
	}
	return w.num(*x)
}

// satisfactionCells are a SatisfactionRow's cells after its label: closed,
// rated, response rate, average, median and the count of each score.
func (w words) satisfactionCells(s SatisfactionRow) []string {
	out := []string{strconv.Itoa(s.Closed), strconv.Itoa(s.Rated), w.pct(s.ResponseRate), w.score(s.Average), w.score(s.Median)}
	for _, n := range s.Scores {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// satisfactionHead is the satisfaction table's header after its label.
func (w words) satisfactionHead() []string {
	return []string{w["col.closed"], w["col.rated"], w["col.response"], w["col.average"], w["col.median"], "1", "2", "3", "4", "5"}
}

// personName labels a PersonRow.
func (w words) personName(p PersonRow) string {
	if p.Person != "" {
		return p.Name
	}
	if p.Level == 1 {
		return w["group.1"]
	}
	return w.f("group", w.f("level", int(p.Level)))
}
