package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// novemberFigures are the figures of november(), worked out by hand there,
// keyed table/by/key/age/measure as in the CSV. Times are business hours
// and days of 8 hours.
var novemberFigures = map[string]float64{
	"received/all///total":          6,
	"received/channel/mail//total":  5,
	"received/channel/phone//total": 1,
	"received/all///resolved":       4,

	"first_level_resolution/all///part": 2, "first_level_resolution/all///of": 4, "first_level_resolution/all///rate": 0.5,
	"reopened/all///part": 1, "reopened/all///of": 4, "reopened/all///rate": 0.25,

	"escalation/level/2//part": 3, "escalation/level/2//of": 6, "escalation/level/2//rate": 0.5,
	"escalation/level/2//n": 3, "escalation/level/2//median_hours": 0.5, "escalation/level/2//p90_hours": 0.9,
	"escalation/level/3//part": 1, "escalation/level/3//of": 6,
	"escalation/level/3//median_hours": 4, "escalation/level/3//median_days": 0.5,

	"first_response/all///n": 5, "first_response/all///median_hours": 0.5, "first_response/all///p90_hours": 1,
	"first_response/level/1//n": 2, "first_response/level/1//median_hours": 0.625, "first_response/level/1//p90_hours": 0.925,
	"first_response/level/2//n": 2, "first_response/level/2//median_hours": 0.5,
	"first_response/level/3//n": 1, "first_response/level/3//median_hours": 1,
	"first_response/service/correo//n": 2, "first_response/service/impresoras//n": 2, "first_response/service/red//n": 1,

	"resolution/all///n": 4, "resolution/all///median_hours": 2.75, "resolution/all///p90_hours": 21.9,
	"resolution/level/1//n": 2, "resolution/level/1//median_hours": 2.25, "resolution/level/1//p90_hours": 2.45,
	"resolution/level/2//median_hours": 3, "resolution/level/3//median_hours": 30, "resolution/level/3//median_days": 3.75,
	"resolution/service/correo//median_hours": 2.25, "resolution/service/impresoras//median_hours": 3,
	"resolution/service/red//median_hours": 30,

	"backlog/level/1/0-1d/tickets": 0, "backlog/level/1/1-3d/tickets": 1,
	"backlog/level/2/1-3d/tickets": 1, "backlog/level/2/10d+/tickets": 1, "backlog/level/2/0-1d/tickets": 0,
	"backlog/level/3/10d+/tickets": 0,

	"people/group/1//n": 3, "people/group/1//median_hours": 2.5, "people/group/1//p90_hours": 24.5, "people/group/1//backlog": 1,
	"people/person/lperez@example.gov.co//n": 1, "people/person/lperez@example.gov.co//median_hours": 3,
	"people/person/lperez@example.gov.co//backlog":         1,
	"people/person/soporte@proveedor.example.com//n":       0,
	"people/person/soporte@proveedor.example.com//backlog": 1,

	// Weeks from Monday; the first one starts with the period (Sunday 1).
	"weekly/week/2026-11-01//level_1": 0, "weekly/week/2026-11-02//level_1": 1, "weekly/week/2026-11-02//level_3": 1,
	"weekly/week/2026-11-09//level_2": 1, "weekly/week/2026-11-23//level_2": 1, "weekly/week/2026-11-23//level_1": 1,
	"weekly/week/2026-11-30//level_1": 1, "weekly/week/2026-11-16//level_1": 0,

	// Closed in the period: T1 (rated 2, then 5: the 5 counts), T2 (rated
	// 3; its 1 of December does not count), T3 (never rated) and T9
	// (registered in October, rated 4); not T10, closed in October and
	// rated in November. Level 1 (T1, T9): 5 and 4, a median of 4.5.
	"satisfaction/all///closed": 4, "satisfaction/all///rated": 3, "satisfaction/all///response_rate": 0.75,
	"satisfaction/all///average": 4, "satisfaction/all///median": 4,
	"satisfaction/all///score_1": 0, "satisfaction/all///score_2": 0, "satisfaction/all///score_3": 1,
	"satisfaction/all///score_4": 1, "satisfaction/all///score_5": 1,
	"satisfaction/level/1//closed": 2, "satisfaction/level/1//rated": 2, "satisfaction/level/1//average": 4.5,
	"satisfaction/level/1//median": 4.5, "satisfaction/level/1//score_2": 0,
	"satisfaction/level/2//closed": 1, "satisfaction/level/2//rated": 1, "satisfaction/level/2//median": 3,
	"satisfaction/level/3//closed": 1, "satisfaction/level/3//rated": 0, "satisfaction/level/3//response_rate": 0,
	"satisfaction/service/correo//average": 4.5, "satisfaction/service/correo//closed": 2,
	"satisfaction/service/impresoras//average": 3,
	"satisfaction/service/red//closed":         1, "satisfaction/service/red//rated": 0,
}

func buildNovember(t *testing.T, d *desk, f report.Filter) *report.Report {
	t.Helper()
	from, to := report.Month(bizdays.Colombia(), 2026, time.November)
	r, err := report.Build(context.Background(), d.db, report.Params{From: from, To: to, Filter: f, Roster: roster, Now: bogota("2026-12-03 09:00")})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestBacklogAgeOfAPeriodNotOver: the backlog of a period not yet over is
// aged to the report's time. T4, registered on Saturday 28, is half a day
// old on Monday 30 at noon.
func TestBacklogAgeOfAPeriodNotOver(t *testing.T) {
	d := november(t)
	from, to := report.Month(bizdays.Colombia(), 2026, time.November)
	r, err := report.Build(context.Background(), d.db, report.Params{From: from, To: to, Now: bogota("2026-11-30 12:00")})
	if err != nil {
		t.Fatal(err)
	}
	if !r.AsOf.Equal(bogota("2026-11-30 12:00")) {
		t.Errorf("as of %v, want the report's time", r.AsOf)
	}
	for _, b := range r.Backlog {
		if b.Level == 1 && b.Age == "0-1d" && b.Tickets != 1 {
			t.Errorf("level 1, under a day: %d tickets, want 1 (T4)", b.Tickets)
		}
	}
}

// TestNovemberInEveryFormat: the figures of the hand-built month are the
// ones the report prints, in CSV, JSON and text.
func TestNovemberInEveryFormat(t *testing.T) {
	d := november(t)
	r := buildNovember(t, d, report.Filter{})

	var csvOut bytes.Buffer
	if err := report.WriteCSV(&csvOut, r); err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "CSV", csvFigures(t, csvOut.Bytes()))

	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "JSON", jsonFigures(t, js))

	for _, lang := range []string{"es", "en"} {
		var text bytes.Buffer
		if err := report.WriteText(&text, r, lang); err != nil {
			t.Fatal(err)
		}
		golden(t, "november."+lang+".txt", text.Bytes())
	}
	var text bytes.Buffer
	report.WriteText(&text, r, "es")
	for _, want := range []string{
		"Casos recibidos: 6 (5 por correo, 1 por teléfono o en persona); 4 resueltos o cerrados",
		"Resueltos en el primer nivel, sin escalar: 2 de 4 (50,0 %).",
		"Reabiertos por el solicitante o la mesa: 1 de 4 (25,0 %).",
		"Luis Pérez", "Proveedor Uno S.A.S.", "Mesa de servicio",
		"30,0 h (3,8 d)", // T3, resolved at level 3
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report does not say %q:\n%s", want, text.String())
		}
	}
}

// TestNovemberFiltered: a filter narrows the tickets received and the
// backlog alike.
func TestNovemberFiltered(t *testing.T) {
	d := november(t)
	tests := []struct {
		name              string
		f                 report.Filter
		received, backlog int
	}{
		{name: "level 2", f: report.Filter{Level: 2}, received: 2, backlog: 2},                           // T2, T5; T5, T6
		{name: "level 3", f: report.Filter{Level: 3}, received: 1, backlog: 0},                           // T3
		{name: "service", f: report.Filter{Service: "impresoras"}, received: 2, backlog: 1},              // T2, T5; T5
		{name: "assignee", f: report.Filter{Assignee: "lperez@example.gov.co"}, received: 1, backlog: 1}, // T2; T6
	}
	for _, tt := range tests {
		r := buildNovember(t, d, tt.f)
		backlog := 0
		for _, b := range r.Backlog {
			backlog += b.Tickets
		}
		if r.Received.Total != tt.received || backlog != tt.backlog {
			t.Errorf("%s: received %d, backlog %d; want %d and %d", tt.name, r.Received.Total, backlog, tt.received, tt.backlog)
		}
	}
	// The satisfaction of level 1 is T1's and T9's (registered in October):
	// 5 and 4.
	if s := buildNovember(t, d, report.Filter{Level: 1}).Satisfaction[0]; s.Closed != 2 || s.Rated != 2 || s.Scores != [5]int{0, 0, 0, 1, 1} {
		t.Errorf("level 1's satisfaction: %+v, want T1 and T9, rated 5 and 4", s)
	}
	r := buildNovember(t, d, report.Filter{Assignee: "lperez@example.gov.co"})
	var text bytes.Buffer
	report.WriteText(&text, r, "es")
	if !strings.Contains(text.String(), "Solo los casos de: Luis Pérez.") {
		t.Errorf("the filtered report does not name the person:\n%s", text.String())
	}
}

// TestEmptyPeriod: a period with no tickets has no rates and no times, and
// prints in every format.
func TestEmptyPeriod(t *testing.T) {
	d := newDesk(t)
	from, to := report.Month(bizdays.Colombia(), 2026, time.March)
	r, err := report.Build(context.Background(), d.db, report.Params{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if r.Received.Total != 0 || r.FirstLevel.Rate != nil || r.Resolution[0].Time.MedianHours != nil {
		t.Errorf("empty period: %+v", r)
	}
	var b bytes.Buffer
	if err := report.WriteText(&b, r, "es"); err != nil || !strings.Contains(b.String(), "sin casos") {
		t.Errorf("text of an empty period: %v\n%s", err, b.String())
	}
	if _, err := report.Build(context.Background(), d.db, report.Params{From: to, To: from}); err == nil {
		t.Error("a period that ends before it starts was accepted")
	}
}

func checkFigures(t *testing.T, format string, got map[string]float64) {
	t.Helper()
	for k, want := range novemberFigures {
		v, ok := got[k]
		if !ok {
			t.Errorf("%s: no figure %s", format, k)
			continue
		}
		if math.Abs(v-want) > 1e-4 {
			t.Errorf("%s: %s = %v, want %v", format, k, v, want)
		}
	}
}

func csvFigures(t *testing.T, b []byte) map[string]float64 {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Fatalf("CSV header %v", recs[0])
	}
	out := map[string]float64{}
	for _, r := range recs[1:] {
		if r[5] == "" {
			continue
		}
		v, err := strconv.ParseFloat(r[5], 64)
		if err != nil {
			t.Fatalf("CSV value %q: %v", r[5], err)
		}
		out[strings.Join(r[:5], "/")] = v
	}
	return out
}

// jsonFigures reads the JSON form as a script would, by its documented
// names, into the CSV's keys.
func jsonFigures(t *testing.T, b []byte) map[string]float64 {
	var j struct {
		Received   map[string]float64 `json:"received"`
		FirstLevel map[string]any     `json:"first_level_resolution"`
		Reopened   map[string]any     `json:"reopened"`
		Escalation []map[string]any   `json:"escalation"`
		First      []map[string]any   `json:"first_response"`
		Resolution []map[string]any   `json:"resolution"`
		Backlog    []map[string]any   `json:"backlog"`
		People     []map[string]any   `json:"people"`
		Weekly     []map[string]any   `json:"weekly"`
		Satisfied  []struct {
			By, Key      string
			Closed       float64
			Rated        float64
			ResponseRate *float64 `json:"response_rate"`
			Average      *float64
			Median       *float64
			Scores       []float64
		} `json:"satisfaction"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	put := func(prefix string, m map[string]any) {
		for k, v := range m {
			if f, ok := v.(float64); ok {
				out[prefix+k] = f
			}
		}
	}
	out["received/all///total"] = j.Received["total"]
	out["received/channel/mail//total"] = j.Received["mail"]
	out["received/channel/phone//total"] = j.Received["phone"]
	out["received/all///resolved"] = j.Received["resolved"]
	put("first_level_resolution/all///", j.FirstLevel)
	put("reopened/all///", j.Reopened)
	for _, e := range j.Escalation {
		p := fmt.Sprintf("escalation/level/%v//", e["level"])
		put(p, e)
		put(p, e["time"].(map[string]any))
	}
	for _, sec := range []struct {
		name string
		rows []map[string]any
	}{{"first_response", j.First}, {"resolution", j.Resolution}} {
		for _, r := range sec.rows {
			put(fmt.Sprintf("%s/%v/%v//", sec.name, r["by"], r["key"]), r["time"].(map[string]any))
		}
	}
	for _, b := range j.Backlog {
		out[fmt.Sprintf("backlog/level/%v/%v/tickets", b["level"], b["age"])] = b["tickets"].(float64)
	}
	for _, p := range j.People {
		by, key := "person", fmt.Sprint(p["person"])
		if key == "" {
			by, key = "group", fmt.Sprint(p["level"])
		}
		put(fmt.Sprintf("people/%s/%s//", by, key), p["resolution"].(map[string]any))
		out[fmt.Sprintf("people/%s/%s//backlog", by, key)] = p["backlog"].(float64)
	}
	for _, w := range j.Weekly {
		out[fmt.Sprintf("weekly/week/%v//level_%v", w["week"], w["level"])] = w["tickets"].(float64)
	}
	for _, s := range j.Satisfied {
		p := fmt.Sprintf("satisfaction/%s/%s//", s.By, s.Key)
		out[p+"closed"], out[p+"rated"] = s.Closed, s.Rated
		for name, v := range map[string]*float64{"response_rate": s.ResponseRate, "average": s.Average, "median": s.Median} {
			if v != nil {
				out[p+name] = *v
			}
		}
		for i, n := range s.Scores {
			out[fmt.Sprintf("%sscore_%d", p, i+1)] = n
		}
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}
