package config

import (
	"time"
)

// Alerts is who is told when a mailbox goes quiet ([alerts]): when a
// mailbox cannot be read, or mail cannot be sent, for longer than
// QuietAfter.
type Alerts struct {
	Admins        []string `toml:"admins"`         // email addresses; none: only /readyz, status and the metric say it
	QuietAfter    Duration `toml:"quiet_after"`    // default 15m
	CheckInterval Duration `toml:"check_interval"` // default 30s
	Language      string   `toml:"language"`       // es (default) or en
}

// AlertsQuietAfter is [alerts] quiet_after, or its default.
func (c *Config) AlertsQuietAfter() time.Duration {
	if d := c.Alerts.QuietAfter.Duration; d > 0 {
		return d
	}
	return 15 * time.Minute
}

// AlertsCheckInterval is [alerts] check_interval, or its default.
func (c *Config) AlertsCheckInterval() time.Duration {
	if d := c.Alerts.CheckInterval.Duration; d > 0 {
		return d
	}
	return 30 * time.Second
}

// checkAlerts reports what is wrong with [alerts].
func (c *Config) checkAlerts() Errors {
	var errs Errors
	add := errs.add
	for i, a := range c.Alerts.Admins {
		if !validAddress(a) {
			add("alerts.admins[%d] %q is not a valid email address", i, a)
		}
	}
	if c.Alerts.QuietAfter.Duration < 0 || c.Alerts.CheckInterval.Duration < 0 {
		add("alerts.quiet_after and alerts.check_interval must not be negative")
	}
	if l := c.Alerts.Language; l != "" && l != "es" && l != "en" {
		add("alerts.language %q must be es or en", l)
	}
	return errs
}
