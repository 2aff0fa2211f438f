package bizdays

import (
	"reflect"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err) // test tables only
	}
	return t
}

func TestEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1818, "1818-03-22"}, // earliest possible
		{1943, "1943-04-25"}, // latest possible
		{1984, "1984-04-22"},
		{2000, "2000-04-23"},
		{2019, "2019-04-21"},
		{2024, "2024-03-31"},
		{2025, "2025-04-20"},
		{2026, "2026-04-05"},
		{2027, "2027-03-28"},
		{2038, "2038-04-25"},
	}
	for _, tc := range tests {
		if got := Easter(tc.year).Format("2006-01-02"); got != tc.want {
			t.Errorf("Easter(%d) = %s, want %s", tc.year, got, tc.want)
		}
	}
}

// The calendars the government published for 2025 and 2026 (Ley 51 de 1983;
// 2026 also has the Virgen de Chiquinquirá of Ley 2578 de 2026), complete.
func TestHolidaysComplete(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2025, []string{
			"2025-01-01", "2025-01-06", "2025-03-24", "2025-04-17", "2025-04-18",
			"2025-05-01", "2025-06-02", "2025-06-23", "2025-06-30", "2025-06-30",
			"2025-07-20", "2025-08-07", "2025-08-18", "2025-10-13", "2025-11-03",
			"2025-11-17", "2025-12-08", "2025-12-25",
		}},
		{2026, []string{
			"2026-01-01", "2026-01-12", "2026-03-23", "2026-04-02", "2026-04-03",
			"2026-05-01", "2026-05-18", "2026-06-08", "2026-06-15", "2026-06-29",
			"2026-07-13", "2026-07-20", "2026-08-07", "2026-08-17", "2026-10-12",
			"2026-11-02", "2026-11-16", "2026-12-08", "2026-12-25",
		}},
	}
	for _, tc := range tests {
		var got []string
		for _, h := range Holidays(tc.year) {
			got = append(got, h.Date.Format("2006-01-02"))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Holidays(%d) =\n%v\nwant\n%v", tc.year, got, tc.want)
		}
	}
}

func TestHolidayRules(t *testing.T) {
	tests := []struct {
		name string
		day  string
		want string // holiday name, "" for none
	}{
		{name: "Reyes on a Monday stays", day: "2025-01-06", want: "Día de los Reyes Magos"},
		{name: "Reyes on a Tuesday moves a week", day: "2026-01-12", want: "Día de los Reyes Magos"},
		{name: "6 January 2026 is a working Tuesday", day: "2026-01-06"},
		{name: "San José moved from Wednesday", day: "2025-03-24", want: "Día de San José"},
		{name: "San José moved from Thursday", day: "2026-03-23", want: "Día de San José"},
		{name: "19 March 2026 is a working Thursday", day: "2026-03-19"},
		{name: "Jueves Santo never moves", day: "2025-04-17", want: "Jueves Santo"},
		{name: "Viernes Santo never moves", day: "2025-04-18", want: "Viernes Santo"},
		{name: "Easter Monday is not a holiday", day: "2025-04-21"},
		{name: "Ascensión: Easter + 43", day: "2025-06-02", want: "Ascensión del Señor"},
		{name: "Corpus Christi: Easter + 64", day: "2026-06-08", want: "Corpus Christi"},
		{name: "Sagrado Corazón and San Pedro share a Monday", day: "2025-06-30", want: "Sagrado Corazón de Jesús y San Pedro y San Pablo"},
		{name: "holiday on a Sunday moves to Monday", day: "2025-10-13", want: "Día de la Raza"},
		{name: "holiday on a Saturday moves to Monday", day: "2025-11-03", want: "Todos los Santos"},
		{name: "fixed holiday stays on a Sunday", day: "2025-07-20", want: "Día de la Independencia"},
		{name: "no move for the day after a fixed Sunday holiday", day: "2025-07-21"},
		{name: "Chiquinquirá from 2026", day: "2026-07-13", want: "Virgen de Chiquinquirá"},
		{name: "Chiquinquirá not before 2026", day: "2025-07-14"},
		{name: "Inmaculada Concepción", day: "2025-12-08", want: "Inmaculada Concepción"},
		{name: "Navidad", day: "2026-12-25", want: "Navidad"},
		{name: "Christmas Eve is a working day", day: "2025-12-24"},
	}
	c := Colombia()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Noon in Bogotá of that date.
			d := date(tc.day).Add(17 * time.Hour)
			name, ok := c.HolidayName(d)
			if ok != (tc.want != "") || name != tc.want {
				t.Fatalf("HolidayName(%s) = %q, %v; want %q", tc.day, name, ok, tc.want)
			}
		})
	}
}

// Every year has the 18 feasts of Ley 51 (19 from 2026), all on Mondays
// when movable, and never on a date outside the year.
func TestHolidaysShape(t *testing.T) {
	movable := map[string]bool{}
	for _, r := range rules {
		movable[r.name] = r.monday
	}
	for y := 1984; y <= 2200; y++ {
		hs := Holidays(y)
		want := 18
		if y >= 2026 {
			want = 19
		}
		if len(hs) != want {
			t.Fatalf("%d: %d holidays, want %d", y, len(hs), want)
		}
		for i, h := range hs {
			if h.Date.Year() != y {
				t.Errorf("%d: %s on %s", y, h.Name, h.Date.Format(time.DateOnly))
			}
			if movable[h.Name] && h.Date.Weekday() != time.Monday {
				t.Errorf("%d: movable %s on a %s", y, h.Name, h.Date.Weekday())
			}
			if i > 0 && h.Date.Before(hs[i-1].Date) {
				t.Errorf("%d: not in date order at %s", y, h.Name)
			}
		}
	}
}
