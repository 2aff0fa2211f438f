package bizdays

import (
	"sort"
	"sync"
	"time"
)

// Holiday is one Colombian public holiday as observed (after any move to
// Monday). Date is midnight UTC of that civil date; Name is the Spanish name.
type Holiday struct {
	Date time.Time
	Name string
}

// rule is one holiday of the law: a civil date in a year, and whether the
// Ley Emiliani moves it to the following Monday.
type rule struct {
	name   string
	since  int // first year it applies; 0 for always
	month  time.Month
	day    int // fixed date, when month != 0
	easter int // days after Easter Sunday, when month == 0
	monday bool
}

// rules are the holidays of Ley 51 de 1983 (art. 1 lists them, art. 2 moves
// the marked ones to the next Monday when they do not fall on one, Sundays
// included), plus Ley 2578 de 2026 (Virgen de Chiquinquirá, 9 July, moved
// the same way, from 2026). Jueves and Viernes Santo never move; the three
// Easter-based feasts are counted from the Thursday or Friday the Church
// keeps them on (Easter+39, +60, +68) and then moved.
var rules = []rule{
	{name: "Año Nuevo", month: time.January, day: 1},
	{name: "Día de los Reyes Magos", month: time.January, day: 6, monday: true},
	{name: "Día de San José", month: time.March, day: 19, monday: true},
	{name: "Jueves Santo", easter: -3},
	{name: "Viernes Santo", easter: -2},
	{name: "Día del Trabajo", month: time.May, day: 1},
	{name: "Ascensión del Señor", easter: 39, monday: true},
	{name: "Corpus Christi", easter: 60, monday: true},
	{name: "Sagrado Corazón de Jesús", easter: 68, monday: true},
	{name: "San Pedro y San Pablo", month: time.June, day: 29, monday: true},
	{name: "Virgen de Chiquinquirá", since: 2026, month: time.July, day: 9, monday: true},
	{name: "Día de la Independencia", month: time.July, day: 20},
	{name: "Batalla de Boyacá", month: time.August, day: 7},
	{name: "Asunción de la Virgen", month: time.August, day: 15, monday: true},
	{name: "Día de la Raza", month: time.October, day: 12, monday: true},
	{name: "Todos los Santos", month: time.November, day: 1, monday: true},
	{name: "Independencia de Cartagena", month: time.November, day: 11, monday: true},
	{name: "Inmaculada Concepción", month: time.December, day: 8},
	{name: "Navidad", month: time.December, day: 25},
}

// Holidays returns the year's holidays in date order. Two feasts moved to
// the same Monday (2025: San Pedro and Sagrado Corazón on 30 June) are two
// entries with the same date. The rules are applied to any year; they are
// the law only from 1984 on.
func Holidays(year int) []Holiday {
	var out []Holiday
	easter := Easter(year)
	for _, r := range rules {
		if r.since != 0 && year < r.since {
			continue
		}
		var d time.Time
		if r.month != 0 {
			d = time.Date(year, r.month, r.day, 0, 0, 0, 0, time.UTC)
		} else {
			d = easter.AddDate(0, 0, r.easter)
		}
		if r.monday {
			d = d.AddDate(0, 0, (8-int(d.Weekday()))%7)
		}
		out = append(out, Holiday{Date: d, Name: r.name})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Easter returns Easter Sunday of the Gregorian calendar (the anonymous
// Gregorian algorithm, Meeus/Jones/Butcher) at midnight UTC.
func Easter(year int) time.Time {
	a := mod(year, 19)
	b, c := floorDiv(year, 100), mod(year, 100)
	d, e := floorDiv(b, 4), mod(b, 4)
	f := floorDiv(b+8, 25)
	g := floorDiv(b-f+1, 3)
	h := mod(19*a+b-d-g+15, 30)
	i, k := c/4, c%4
	l := mod(32+2*e+2*i-h-k, 7)
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func mod(a, n int) int {
	r := a % n
	if r < 0 {
		r += n
	}
	return r
}

func floorDiv(a, n int) int {
	return (a - mod(a, n)) / n
}

// yearTable maps month*32+day to the holiday's name(s) for one year.
type yearTable map[int]string

// cache holds one yearTable per year asked between cacheFrom and cacheTo; a
// year is ~20 entries. Years outside are computed each time, so odd inputs
// cannot grow the cache without bound.
var cache sync.Map // int -> yearTable

const cacheFrom, cacheTo = 1900, 2300

func tableFor(year int) yearTable {
	if t, ok := cache.Load(year); ok {
		return t.(yearTable)
	}
	t := yearTable{}
	for _, h := range Holidays(year) {
		k := int(h.Date.Month())*32 + h.Date.Day()
		if prev, dup := t[k]; dup {
			t[k] = prev + " y " + h.Name
		} else {
			t[k] = h.Name
		}
	}
	if year < cacheFrom || year > cacheTo {
		return t
	}
	actual, _ := cache.LoadOrStore(year, t)
	return actual.(yearTable)
}

// holidayName reports the holiday on a civil date, if any.
func holidayName(year int, month time.Month, day int) (string, bool) {
	name, ok := tableFor(year)[int(month)*32+day]
	return name, ok
}
