package config

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// IMAP is one mailbox account the intake reads: the single [imap] table,
// or one [[imap]] of a list (for example the desk's soporte.OTI mailbox
// and a provider-facing one). Each account has its own server,
// credentials, mailboxes, default service and lease, and is read by its own
// pollers: one failing account never holds back another.
type IMAP struct {
	Name string `toml:"name"` // keys the account's leases, positions and stored OAuth 2.0 grant
	Connection
	Mailboxes         []string          `toml:"mailboxes"`
	Service           string            `toml:"service"`          // default service of new tickets from this account
	MailboxServices   map[string]string `toml:"mailbox_services"` // per mailbox, before Service
	ProcessedMailbox  string            `toml:"processed_mailbox"`
	QuarantineMailbox string            `toml:"quarantine_mailbox"`
	After             string            `toml:"after"`
	PollInterval      Duration          `toml:"poll_interval"`
	IdleRenew         Duration          `toml:"idle_renew"`
	BatchSize         int               `toml:"batch_size"`

	key string // "imap" or "imap[N]": how problems name it
}

// DefaultAccount is the name of an account that has none: the single
// [imap] table, or a list of one.
const DefaultAccount = "default"

// Key is how the configuration names the account in problems: "imap" for
// the single table, "imap[N]" for the list's N-th (from 0).
func (a IMAP) Key() string {
	if a.key == "" {
		return "imap"
	}
	return a.key
}

// PasswordEnv is the environment variable that overrides the account's
// password: TICKETD_IMAP_PASSWORD_<NAME> (the name in capitals, anything
// but letters and digits as "_"); TICKETD_IMAP_PASSWORD too when there is
// one account.
func (a IMAP) PasswordEnv() string {
	var b strings.Builder
	for _, r := range strings.ToUpper(a.Name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "TICKETD_IMAP_PASSWORD_" + b.String()
}

// ServiceFor is the default service of a new ticket from mailbox: the
// mailbox's own, else the account's ("" for none).
func (a IMAP) ServiceFor(mailbox string) string {
	if s := a.MailboxServices[mailbox]; s != "" {
		return s
	}
	return a.Service
}

// decodeAccounts reads [imap] or [[imap]] into Accounts and names them.
func (c *Config) decodeAccounts(md toml.MetaData) Errors {
	switch md.Type("imap") {
	case "":
		return nil
	case "Hash":
		var a IMAP
		if err := md.PrimitiveDecode(c.IMAPTable, &a); err != nil {
			return Errors{problem("the configuration cannot be read: %v", err)}
		}
		a.key = "imap"
		c.Accounts = []IMAP{a}
	case "ArrayHash":
		var list []IMAP
		if err := md.PrimitiveDecode(c.IMAPTable, &list); err != nil {
			return Errors{problem("the configuration cannot be read: %v", err)}
		}
		for i := range list {
			list[i].key = fmt.Sprintf("imap[%d]", i)
		}
		c.Accounts = list
	default:
		return Errors{problem("imap must be one table ([imap]) or a list of tables ([[imap]])")}
	}
	if len(c.Accounts) == 1 && c.Accounts[0].Name == "" {
		c.Accounts[0].Name = DefaultAccount
	}
	return nil
}

// applyAccountsEnv takes each account's password from the environment.
func (c *Config) applyAccountsEnv() {
	for i := range c.Accounts {
		a := &c.Accounts[i]
		if len(c.Accounts) == 1 {
			if v := os.Getenv("TICKETD_IMAP_PASSWORD"); v != "" {
				a.Password = v
			}
		}
		if a.Name != "" {
			if v := os.Getenv(a.PasswordEnv()); v != "" {
				a.Password = v
			}
		}
	}
}

// accountDefaults fills in each account's defaults. A single [imap] table
// without an address turns the intake off, as it always did.
func (c *Config) accountDefaults() {
	if len(c.Accounts) == 1 && c.Accounts[0].key == "imap" && c.Accounts[0].Address == "" {
		c.SMTPAccountName = c.Accounts[0].Name
		c.Accounts = nil
		return
	}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		a.TLS = cmp.Or(a.TLS, "implicit")
		if len(a.Mailboxes) == 0 {
			a.Mailboxes = []string{"INBOX"}
		}
		a.ProcessedMailbox = cmp.Or(a.ProcessedMailbox, "Procesados")
		a.QuarantineMailbox = cmp.Or(a.QuarantineMailbox, "Cuarentena")
		a.After = cmp.Or(a.After, "move")
		a.PollInterval.Duration = cmp.Or(a.PollInterval.Duration, 30*time.Second)
		a.IdleRenew.Duration = cmp.Or(a.IdleRenew.Duration, 25*time.Minute)
		a.BatchSize = cmp.Or(a.BatchSize, 100)
	}
}

// checkIMAP reports the problems of every account at once.
func (c *Config) checkIMAP() Errors {
	var errs Errors
	names := map[string]string{}
	type box struct{ server, user, mailbox string }
	read := map[box]string{}
	for _, a := range c.Accounts {
		sec := a.Key()
		switch {
		case a.Name == "":
			errs.add("%s.name is empty: with several accounts each needs a name (it keys the account's lease, its messages' positions and its stored OAuth 2.0 grant)", sec)
		case !validAlias(a.Name) && a.key != "imap":
			// A single [imap] table's name was never checked before there
			// were several accounts, and it keys stored state (positions,
			// the lease, the OAuth 2.0 grant): it is taken as it is.
			errs.add("%s.name %q must be letters, digits, dots, dashes or underscores", sec, a.Name)
		default:
			if prev, ok := names[strings.ToLower(a.Name)]; ok {
				errs.add("%s.name %q is already the name of %s", sec, a.Name, prev)
			}
			names[strings.ToLower(a.Name)] = sec
		}
		if a.Address == "" {
			errs.add("%s.address is empty: the account's server, host:port", sec)
		} else {
			errs = append(errs, c.checkAccount(a, sec)...)
		}
		for _, mb := range a.Mailboxes {
			k := box{strings.ToLower(a.Address), strings.ToLower(a.Username), mb}
			if strings.EqualFold(mb, "INBOX") {
				k.mailbox = "INBOX"
			}
			if prev, ok := read[k]; ok {
				errs.add("%s.mailboxes: %q of %s at %s is already read by %s: each mailbox is read by one account", sec, mb, a.Username, a.Address, prev)
			}
			read[k] = sec
		}
	}
	return errs
}

// checkAccount reports what is wrong with one account that has an address.
func (c *Config) checkAccount(a IMAP, sec string) Errors {
	var errs Errors
	add := errs.add
	a.checkTransport(add, sec)
	if a.Username == "" {
		add("%s.username is empty", sec)
	}
	env := a.PasswordEnv()
	if len(c.Accounts) == 1 {
		env = "TICKETD_IMAP_PASSWORD"
	}
	a.checkAuth(add, sec, env, c.OAuth2Managed())
	if !slices.Contains([]string{"move", "seen"}, a.After) {
		add("%s.after %q must be move or seen", sec, a.After)
	}
	if a.Service != "" && !c.hasService(a.Service) {
		add("%s.service: service %q is not in the service catalogue", sec, a.Service)
	}
	mbs := make([]string, 0, len(a.MailboxServices))
	for mb := range a.MailboxServices {
		mbs = append(mbs, mb)
	}
	slices.Sort(mbs)
	for _, mb := range mbs {
		if !slices.Contains(a.Mailboxes, mb) {
			add("%s.mailbox_services: mailbox %q is not in %s.mailboxes", sec, mb, sec)
		}
		if svc := a.MailboxServices[mb]; !c.hasService(svc) {
			add("%s.mailbox_services: service %q is not in the service catalogue", sec, svc)
		}
	}
	for _, mb := range a.Mailboxes {
		if mb == a.ProcessedMailbox || mb == a.QuarantineMailbox {
			add("%s.mailboxes: %q is also the processed or quarantine mailbox", sec, mb)
		}
	}
	if a.PollInterval.Duration < time.Second {
		add("%s.poll_interval must be at least 1s", sec)
	}
	if a.IdleRenew.Duration < time.Minute || a.IdleRenew.Duration >= 29*time.Minute {
		add("%s.idle_renew must be between 1m and 29m (RFC 2177)", sec)
	}
	if a.BatchSize < 1 || a.BatchSize > 1000 {
		add("%s.batch_size must be between 1 and 1000", sec)
	}
	return errs
}
