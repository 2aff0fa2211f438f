package config

import (
	"github.com/ticketd/ticketd/internal/bizdays"
)

// Reports configures the reports (README, "Reports").
type Reports struct {
	// MonthlyTo are the addresses the monthly report goes to (for example
	// the office's head and the SIG link); empty: no monthly report.
	MonthlyTo []string `toml:"monthly_to"`
	// WorkingHours are the desk's working hours on a business day, the
	// business time of the reports ("08:00-12:00,13:00-17:00" when empty).
	WorkingHours string `toml:"working_hours"`
}

// Hours are the configured working hours.
func (r Reports) Hours() bizdays.Hours {
	if r.WorkingHours == "" {
		return bizdays.DefaultHours()
	}
	h, err := bizdays.ParseHours(r.WorkingHours)
	if err != nil {
		return bizdays.DefaultHours() // check refused it at start
	}
	return h
}

func (c *Config) checkReports() Errors {
	var errs Errors
	for _, a := range c.Reports.MonthlyTo {
		if !validAddress(a) {
			errs.add("reports.monthly_to: %q is not a valid email address", a)
		}
	}
	if c.Reports.WorkingHours != "" {
		if _, err := bizdays.ParseHours(c.Reports.WorkingHours); err != nil {
			errs.add("reports.working_hours %q is not valid: %v", c.Reports.WorkingHours, err)
		}
	}
	return errs
}
