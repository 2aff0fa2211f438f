package bizdays

import (
	"testing"
	"time"
)

// at is a wall-clock time in Bogotá.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, bogota)
	if err != nil {
		panic(err) // test tables only
	}
	return t
}

func TestColombia(t *testing.T) {
	c := Colombia()
	if got := c.Loc.String(); got != "America/Bogota" {
		t.Fatalf("zone = %q, want America/Bogota (embedded tzdata)", got)
	}
	_, off := at("2026-06-01 12:00").Zone()
	if off != -5*60*60 {
		t.Fatalf("offset = %d, want -18000", off)
	}
}

func TestIsBusinessDay(t *testing.T) {
	utc := func(s string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", s)
		return t
	}
	tests := []struct {
		name string
		cal  *Calendar
		t    time.Time
		want bool
	}{
		{name: "ordinary Tuesday", cal: Colombia(), t: at("2025-03-25 09:00"), want: true},
		{name: "Saturday", cal: Colombia(), t: at("2025-03-22 09:00")},
		{name: "Sunday", cal: Colombia(), t: at("2025-03-23 09:00")},
		{name: "Reyes 2025", cal: Colombia(), t: at("2025-01-06 09:00")},
		{name: "San José 2025", cal: Colombia(), t: at("2025-03-24 09:00")},
		{name: "Jueves Santo 2025", cal: Colombia(), t: at("2025-04-17 09:00")},
		{name: "Viernes Santo 2025", cal: Colombia(), t: at("2025-04-18 09:00")},
		{name: "Inmaculada 2025", cal: Colombia(), t: at("2025-12-08 09:00")},
		{name: "Reyes 2026", cal: Colombia(), t: at("2026-01-12 09:00")},
		{name: "San José 2026", cal: Colombia(), t: at("2026-03-23 09:00")},
		{name: "first minute of a holiday", cal: Colombia(), t: at("2026-03-23 00:00")},
		{name: "last minute before a holiday", cal: Colombia(), t: at("2026-03-20 23:59"), want: true},
		// 02:00 UTC on Saturday is still Friday 21:00 in Bogotá.
		{name: "UTC instant judged in Bogotá", cal: Colombia(), t: utc("2025-03-22 02:00"), want: true},
		{name: "UTC instant, Bogotá Saturday", cal: Colombia(), t: utc("2025-03-22 05:00")},
		{name: "nil Loc means Bogotá", cal: &Calendar{}, t: utc("2025-03-22 02:00"), want: true},
		{name: "nil Calendar means Bogotá", cal: nil, t: utc("2025-03-22 02:00"), want: true},
		{name: "other zone judged there", cal: &Calendar{Loc: time.UTC}, t: utc("2025-03-22 02:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.IsBusinessDay(tc.t); got != tc.want {
				t.Fatalf("IsBusinessDay(%s) = %v, want %v", tc.t, got, tc.want)
			}
		})
	}
}

func TestAddBusinessDays(t *testing.T) {
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{name: "Friday plus 3", start: "2025-03-07 16:45", n: 3, want: "2025-03-12 16:45"},
		{name: "Friday plus 3 over San José", start: "2025-03-21 10:00", n: 3, want: "2025-03-27 10:00"},
		{name: "Friday plus 1 is Monday", start: "2025-03-07 10:00", n: 1, want: "2025-03-10 10:00"},
		{name: "Saturday plus 1 is Monday", start: "2025-03-08 10:00", n: 1, want: "2025-03-10 10:00"},
		{name: "holiday Monday plus 1 is Tuesday", start: "2025-03-24 08:00", n: 1, want: "2025-03-25 08:00"},
		{name: "over Semana Santa 2025", start: "2025-04-15 11:30", n: 3, want: "2025-04-22 11:30"},
		{name: "resolved on Jueves Santo 2026", start: "2026-04-02 09:00", n: 3, want: "2026-04-08 09:00"},
		{name: "over Christmas and New Year", start: "2025-12-24 17:00", n: 3, want: "2025-12-30 17:00"},
		{name: "over New Year and Reyes 2026", start: "2025-12-31 12:00", n: 3, want: "2026-01-06 12:00"},
		{name: "Reyes 2026 Monday", start: "2026-01-09 12:00", n: 1, want: "2026-01-13 12:00"},
		{name: "June 2025 double Monday", start: "2025-06-27 08:00", n: 1, want: "2025-07-01 08:00"},
		{name: "zero days is the same instant", start: "2025-03-07 16:45", n: 0, want: "2025-03-07 16:45"},
		{name: "ten business days", start: "2025-03-03 09:00", n: 10, want: "2025-03-17 09:00"},
		{name: "minus 1 from Monday is Friday", start: "2025-03-10 09:00", n: -1, want: "2025-03-07 09:00"},
		{name: "minus 1 from Tuesday after San José", start: "2025-03-25 09:00", n: -1, want: "2025-03-21 09:00"},
	}
	c := Colombia()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddBusinessDays(at(tc.start), tc.n)
			if want := at(tc.want); !got.Equal(want) {
				t.Fatalf("AddBusinessDays(%s, %d) = %s, want %s", tc.start, tc.n, got, want)
			}
			if tc.n > 0 && !c.IsBusinessDay(got) {
				t.Fatalf("landed on a non-business day %s", got)
			}
		})
	}
}

func TestAddBusinessDaysKeepsLocationAndClock(t *testing.T) {
	c := Colombia()
	// Friday 2025-03-07 22:15:30.5 in Bogotá is Saturday 03:15:30.5 UTC.
	start := time.Date(2025, 3, 8, 3, 15, 30, 500, time.UTC)
	got := c.AddBusinessDays(start, 3)
	if got.Location() != time.UTC {
		t.Errorf("location = %v, want UTC", got.Location())
	}
	want := time.Date(2025, 3, 13, 3, 15, 30, 500, time.UTC) // Wednesday 22:15:30.5 Bogotá
	if !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{name: "same instant", a: "2025-03-07 10:00", b: "2025-03-07 10:00", want: 0},
		{name: "same day, later clock", a: "2025-03-07 08:00", b: "2025-03-07 18:00", want: 0},
		{name: "Friday to Monday", a: "2025-03-07 18:00", b: "2025-03-10 08:00", want: 1},
		{name: "Friday to Wednesday", a: "2025-03-07 10:00", b: "2025-03-12 10:00", want: 3},
		{name: "Friday to Wednesday over San José", a: "2025-03-21 10:00", b: "2025-03-26 10:00", want: 2},
		{name: "Semana Santa week 2025", a: "2025-04-11 10:00", b: "2025-04-18 10:00", want: 3},
		{name: "Semana Santa week 2026", a: "2026-03-27 10:00", b: "2026-04-03 10:00", want: 3},
		{name: "weekend only", a: "2025-03-07 10:00", b: "2025-03-09 10:00", want: 0},
		{name: "backwards", a: "2025-03-12 10:00", b: "2025-03-07 10:00", want: -3},
		{name: "whole of 2025", a: "2024-12-31 12:00", b: "2025-12-31 12:00", want: 261 - 16},
		{name: "whole of 2026", a: "2025-12-31 12:00", b: "2026-12-31 12:00", want: 261 - 19},
	}
	c := Colombia()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.BusinessDaysBetween(at(tc.a), at(tc.b)); got != tc.want {
				t.Fatalf("BusinessDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// FuzzAddBetween checks the identities the doc comments promise, on any
// instant and count.
func FuzzAddBetween(f *testing.F) {
	f.Add(at("2025-03-21 10:00").Unix(), 3)
	f.Add(at("2025-04-15 11:30").Unix(), 5)
	f.Add(at("2025-12-24 23:59").Unix(), 40)
	f.Add(int64(0), -7)
	c := Colombia()
	f.Fuzz(func(t *testing.T, unix int64, n int) {
		// Keep to years 1 to 9999 and a few years of business days.
		const lo, hi = -62135596800, 253402300799
		if unix < lo || unix > hi || n < -1000 || n > 1000 {
			t.Skip()
		}
		start := time.Unix(unix, 0)
		got := c.AddBusinessDays(start, n)
		if n >= 0 {
			if between := c.BusinessDaysBetween(start, got); between != n {
				t.Fatalf("Between(t, Add(t, %d)) = %d", n, between)
			}
		}
		if n != 0 && !c.IsBusinessDay(got) {
			t.Fatalf("Add(%s, %d) = %s, not a business day", start, n, got)
		}
		if n != 0 && got.In(bogota).Format("15:04:05") != start.In(bogota).Format("15:04:05") {
			t.Fatalf("clock changed: %s -> %s", start, got)
		}
		other := got.AddDate(0, 0, n%17)
		if c.BusinessDaysBetween(start, other) != -c.BusinessDaysBetween(other, start) {
			t.Fatalf("Between not antisymmetric for %s, %s", start, other)
		}
	})
}

func BenchmarkAddBusinessDays3(b *testing.B) {
	c := Colombia()
	start := at("2025-04-15 11:30")
	for b.Loop() {
		c.AddBusinessDays(start, 3)
	}
}

func BenchmarkBusinessDaysBetweenYear(b *testing.B) {
	c := Colombia()
	from, to := at("2024-12-31 12:00"), at("2025-12-31 12:00")
	for b.Loop() {
		c.BusinessDaysBetween(from, to)
	}
}
