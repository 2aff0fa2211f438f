package bizdays

import (
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		in, want string
		perDay   time.Duration
		bad      bool
	}{
		{in: "08:00-12:00,13:00-17:00", want: "08:00-12:00,13:00-17:00", perDay: 8 * time.Hour},
		{in: " 13:00-17:00 , 8:00-12:00 ", want: "08:00-12:00,13:00-17:00", perDay: 8 * time.Hour},
		{in: "07:30-16:30", want: "07:30-16:30", perDay: 9 * time.Hour},
		{in: "00:00-24:00", want: "00:00-24:00", perDay: 24 * time.Hour},
		{in: "", bad: true},
		{in: "08:00", bad: true},
		{in: "12:00-08:00", bad: true},
		{in: "08:00-08:00", bad: true},
		{in: "08:00-12:00,11:00-13:00", bad: true},
		{in: "08:60-12:00", bad: true},
		{in: "24:30-25:00", bad: true},
		{in: "+8:00-12:00", bad: true},
		{in: "8:0-12:00", bad: true},
		{in: "08:00-12:00,", bad: true},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseHours(%q) = %v, want an error", tt.in, h)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseHours(%q): %v", tt.in, err)
			continue
		}
		if h.String() != tt.want || h.PerDay() != tt.perDay {
			t.Errorf("ParseHours(%q) = %s (%v a day), want %s (%v)", tt.in, h, h.PerDay(), tt.want, tt.perDay)
		}
	}
}

func TestWorkClockBetween(t *testing.T) {
	c := Colombia()
	w := c.WorkClock(DefaultHours(), at("2026-10-01 00:00"), at("2026-12-31 00:00"))
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{name: "one morning", a: "2026-11-03 09:00", b: "2026-11-03 11:00", want: 2 * time.Hour},
		{name: "across lunch", a: "2026-11-03 11:00", b: "2026-11-03 14:00", want: 2 * time.Hour},
		{name: "before opening to after closing", a: "2026-11-03 06:00", b: "2026-11-03 19:00", want: 8 * time.Hour},
		{name: "night", a: "2026-11-03 18:00", b: "2026-11-04 07:00", want: 0},
		{name: "weekend", a: "2026-10-31 09:00", b: "2026-11-01 16:00", want: 0},
		{name: "Friday to Tuesday over the Todos los Santos Monday", a: "2026-10-30 16:00", b: "2026-11-03 09:00", want: 2 * time.Hour},
		{name: "a whole week with the Cartagena Monday", a: "2026-11-13 17:00", b: "2026-11-20 17:00", want: 4 * 8 * time.Hour},
		{name: "backwards is zero", a: "2026-11-03 11:00", b: "2026-11-03 09:00", want: 0},
		{name: "before the range", a: "2026-09-28 08:00", b: "2026-10-01 08:00", want: 3 * 8 * time.Hour},
		{name: "after the range, over Año Nuevo", a: "2026-12-31 16:00", b: "2027-01-04 09:00", want: 2 * time.Hour},
	}
	for _, tt := range tests {
		if got := w.Between(at(tt.a), at(tt.b)); got != tt.want {
			t.Errorf("%s: Between(%s, %s) = %v, want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

// slowWork counts working minutes one by one: the definition, by brute force.
func slowWork(c *Calendar, h Hours, a, b time.Time) time.Duration {
	var d time.Duration
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		lt := t.In(c.loc())
		if !c.IsBusinessDay(lt) {
			continue
		}
		tod := lt.Hour()*3600 + lt.Minute()*60
		for _, s := range h.spans {
			if tod >= s.from && tod < s.to {
				d += time.Minute
			}
		}
	}
	return d
}

// FuzzWorkClock checks the clock against the minute-by-minute count, for
// instants inside and outside the clock's range and any working hours.
func FuzzWorkClock(f *testing.F) {
	f.Add("08:00-12:00,13:00-17:00", int64(0), int64(600), int64(3000))
	f.Add("07:00-19:00", int64(-4000), int64(100), int64(9000))
	f.Fuzz(func(t *testing.T, hours string, from, a, b int64) {
		h, err := ParseHours(hours)
		if err != nil {
			return
		}
		base := at("2026-03-20 00:00") // before San José and Semana Santa
		minute := func(n int64) time.Time { return base.Add(time.Duration(n%20000) * time.Minute) }
		c := Colombia()
		w := c.WorkClock(h, minute(from), minute(from).Add(10*24*time.Hour))
		ta, tb := minute(a), minute(b)
		if got, want := w.Between(ta, tb), slowWork(c, h, ta, tb); got != want {
			t.Fatalf("hours %s, Between(%s, %s) = %v, want %v", h, ta, tb, got, want)
		}
	})
}

// FuzzParseHours: any input is refused or read back as written by String.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"08:00-12:00,13:00-17:00", "7:30-16:30", "00:00-24:00", "a-b", "08:00-12:00,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			return
		}
		again, err := ParseHours(h.String())
		if err != nil || again.String() != h.String() || again.PerDay() != h.PerDay() {
			t.Fatalf("ParseHours(%q) = %s, which reads back as %s, %v", s, h, again, err)
		}
		if h.PerDay() <= 0 || h.PerDay() > 24*time.Hour {
			t.Fatalf("ParseHours(%q): %v a day", s, h.PerDay())
		}
	})
}

// TestWorkClockAcrossDaylightSaving: in a zone whose offset changes within
// the range, the clock still counts what the wall clock shows.
func TestWorkClockAcrossDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	c := &Calendar{Loc: ny}
	h := DefaultHours()
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, ny) // 8 March: clocks go forward
	w := c.WorkClock(h, from, from.AddDate(0, 0, 14))
	if w.fixed {
		t.Fatal("the clock took New York's offset for fixed across 8 March")
	}
	for _, tc := range [][2]time.Time{
		{time.Date(2026, 3, 6, 16, 0, 0, 0, ny), time.Date(2026, 3, 9, 9, 0, 0, 0, ny)},
		{time.Date(2026, 3, 2, 7, 0, 0, 0, ny), time.Date(2026, 3, 13, 18, 0, 0, 0, ny)},
	} {
		if got, want := w.Between(tc[0], tc[1]), slowWork(c, h, tc[0], tc[1]); got != want {
			t.Errorf("Between(%s, %s) = %v, want %v", tc[0], tc[1], got, want)
		}
	}
	if !Colombia().WorkClock(h, from, from.AddDate(1, 0, 0)).fixed {
		t.Error("Bogotá's offset is fixed, but the clock does not know it")
	}
}
