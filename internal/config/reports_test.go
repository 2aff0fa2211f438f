package config

import (
	"errors"
	"strings"
	"testing"
)

func TestReportsSection(t *testing.T) {
	c, err := Parse([]byte(minimal + "[reports]\nmonthly_to = [\"jefe.oti@example.gov.co\"]\nworking_hours = \"07:00-16:00\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Reports.MonthlyTo) != 1 || c.Reports.Hours().String() != "07:00-16:00" {
		t.Errorf("reports: %+v, hours %s", c.Reports, c.Reports.Hours())
	}
	if d, _ := Parse([]byte(minimal)); d.Reports.Hours().String() != "08:00-12:00,13:00-17:00" {
		t.Errorf("default working hours: %s", d.Reports.Hours())
	}
	_, err = Parse([]byte(minimal + "[reports]\nmonthly_to = [\"jefe\"]\nworking_hours = \"17:00-08:00\"\n"))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 2 || !strings.Contains(errs.Error(), `reports.monthly_to: "jefe"`) ||
		!strings.Contains(errs.Error(), "reports.working_hours") {
		t.Errorf("bad reports section: %v", err)
	}
}
