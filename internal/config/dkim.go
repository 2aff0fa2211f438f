package config

import (
	"time"
)

// DKIM is ticketd checking DKIM signatures itself ([security.dkim]): a
// third way to know who sent a command, for mail servers that write no
// Authentication-Results we can trust. Off by default.
type DKIM struct {
	Verify  bool     `toml:"verify"`
	Timeout Duration `toml:"timeout"` // DNS lookups of one message; default 5s
	// RetryFor is how long a message whose key lookup failed for a
	// temporary reason waits in the mailbox, offered again every minute,
	// before its sender counts as unverified; default 15m.
	RetryFor Duration `toml:"retry_for"`
}

// checkDKIM reports what is wrong with [security.dkim].
func (c *Config) checkDKIM() Errors {
	var errs Errors
	if t := c.Security.DKIM.Timeout.Duration; t < 0 || t > time.Minute {
		errs.add("security.dkim.timeout %s must be between 0 (the default, 5s) and 1m", t)
	}
	if t := c.Security.DKIM.RetryFor.Duration; t < 0 || t > 24*time.Hour {
		errs.add("security.dkim.retry_for %s must be between 0 (the default, 15m) and 24h", t)
	}
	return errs
}
