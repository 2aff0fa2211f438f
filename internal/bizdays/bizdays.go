// Package bizdays counts business days on the Colombian calendar: Monday to
// Friday, less the public holidays of Ley 51 de 1983 ("Ley Emiliani", with
// its moves to Monday and the Easter-based feasts) and of later laws that add
// holidays (Ley 2578 de 2026). ticketd uses it to close a resuelto ticket
// after N business days with no objection.
//
// No maintained Go library covers Colombia (github.com/rickar/cal/v2, the
// usual choice, has no "co" package up to v2.1.27), so the rules live in
// holidays.go, tested against the published 2025 and 2026 calendars. When
// Congress adds a holiday, add a rule there.
//
// Days are civil dates in the calendar's time zone, America/Bogota by
// default; the zone database is embedded so this works on machines without
// one. The package is pure: it imports no database, mail or network package.
package bizdays

import (
	"time"
	_ "time/tzdata" // America/Bogota on hosts without a zoneinfo database
)

// Calendar decides business days in Loc. A nil Loc means America/Bogota.
// A Calendar is safe for concurrent use.
type Calendar struct {
	Loc *time.Location
}

// bogota is UTC-5 with no daylight saving since 1993. The fixed zone is a
// fallback only: the embedded database always has the real one.
var bogota = func() *time.Location {
	loc, err := time.LoadLocation("America/Bogota")
	if err != nil {
		return time.FixedZone("-05", -5*60*60)
	}
	return loc
}()

// Colombia returns a Calendar in America/Bogota.
func Colombia() *Calendar {
	return &Calendar{Loc: bogota}
}

func (c *Calendar) loc() *time.Location {
	if c == nil || c.Loc == nil {
		return bogota
	}
	return c.Loc
}

// IsBusinessDay reports whether t, seen in the calendar's zone, falls on a
// Monday to Friday that is not a public holiday.
func (c *Calendar) IsBusinessDay(t time.Time) bool {
	y, m, d := t.In(c.loc()).Date()
	return isBusinessDate(y, m, d)
}

// HolidayName reports the name of the public holiday on t's date in the
// calendar's zone, if there is one ("Navidad"), whatever the weekday.
func (c *Calendar) HolidayName(t time.Time) (name string, ok bool) {
	y, m, d := t.In(c.loc()).Date()
	return holidayName(y, m, d)
}

// AddBusinessDays returns the instant n business days after t, at the same
// wall-clock time in the calendar's zone, in t's location. The days counted
// are those after t's date: a Friday plus one is the next business day,
// Monday or later; a Saturday plus one is also that day. n == 0 returns t; a
// negative n counts business days before t's date. It takes time in
// proportion to n.
func (c *Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	if n == 0 {
		return t
	}
	loc := c.loc()
	lt := t.In(loc)
	y, m, d := lt.Date()
	step, left := 1, n
	if n < 0 {
		step, left = -1, -n
	}
	k := 0
	for left > 0 {
		k += step
		yy, mm, dd := time.Date(y, m, d+k, 12, 0, 0, 0, time.UTC).Date()
		if isBusinessDate(yy, mm, dd) {
			left--
		}
	}
	hh, mi, ss := lt.Clock()
	return time.Date(y, m, d+k, hh, mi, ss, lt.Nanosecond(), loc).In(t.Location())
}

// BusinessDaysBetween counts the business days after a's date up to and
// including b's date, in the calendar's zone; it is negative when b is
// before a, and BusinessDaysBetween(a, b) == -BusinessDaysBetween(b, a).
// For n >= 0, BusinessDaysBetween(t, AddBusinessDays(t, n)) == n. The
// clock time is ignored. It takes time in proportion to the span.
func (c *Calendar) BusinessDaysBetween(a, b time.Time) int {
	loc := c.loc()
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	from := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	to := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if isBusinessDate(d.Date()) {
			n++
		}
	}
	return sign * n
}

// isBusinessDate works on a civil date, free of any zone.
func isBusinessDate(y int, m time.Month, d int) bool {
	switch time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, holiday := holidayName(y, m, d)
	return !holiday
}
