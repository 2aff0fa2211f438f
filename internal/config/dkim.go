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
}

// checkDKIM reports what is wrong with [security.dkim].
func (c *Config) checkDKIM() Errors {
	var errs Errors
	if t := c.Security.DKIM.Timeout.Duration; t < 0 || t > time.Minute {
		errs.add("security.dkim.timeout %s must be between 0 (the default, 5s) and 1m", t)
	}
	return errs
}
