package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ticketd/ticketd/tickets"
)

// check returns every problem of an already-defaulted configuration.
func (c *Config) check() Errors {
	var errs Errors
	add := errs.add

	if c.Database.URL == "" {
		add("database.url is empty: set it or TICKETD_DATABASE_URL (postgres://user:pass@host/db)")
	} else if !strings.HasPrefix(c.Database.URL, "postgres://") && !strings.HasPrefix(c.Database.URL, "postgresql://") && !kvStart.MatchString(c.Database.URL) {
		add("database.url %q is not a PostgreSQL URL (postgres://...) or key=value connection string", Redact(c.Database.URL))
	} else if strings.Contains(c.Database.URL, "://") {
		// The parser's own error would echo the URL, password and all.
		if _, err := url.Parse(c.Database.URL); err != nil {
			add("database.url %q is not a valid URL: in a password, write '@' as %%40, '#' as %%23, '/' as %%2F and '?' as %%3F", Redact(c.Database.URL))
		}
	}
	if c.Database.MaxConnections < 1 {
		add("database.max_connections must be at least 1")
	}

	if !validAddress(c.Desk.Address) {
		add("desk.address %q is not a valid email address", c.Desk.Address)
	}
	if !validTag(c.Desk.SubjectTag) {
		add("desk.subject_tag %q must be 1-16 letters, digits or dashes", c.Desk.SubjectTag)
	}
	checkLang(add, "desk.language", c.Desk.Language)
	if _, err := time.LoadLocation(c.Desk.Timezone); err != nil {
		add("desk.timezone %q is not a known time zone (e.g. America/Bogota)", c.Desk.Timezone)
	}

	errs = append(errs, c.checkRoster()...)
	errs = append(errs, c.checkReports()...)
	errs = append(errs, c.checkIMAP()...)
	errs = append(errs, c.checkSMTP()...)
	errs = append(errs, c.checkDKIM()...)
	errs = append(errs, c.checkOAuth2()...)
	errs = append(errs, c.checkAlerts()...)

	if c.Security.ReplyTokenSecret == "" && c.Security.ReplyTokenSecretFile != "" {
		if _, err := os.Stat(c.Security.ReplyTokenSecretFile); err != nil {
			add("security.reply_token_secret_file %q cannot be read: %v", c.Security.ReplyTokenSecretFile, statReason(err))
		}
	} else if c.Security.ReplyTokenSecret != "" && len(c.Security.ReplyTokenSecret) < 32 {
		add("security.reply_token_secret must be at least 32 characters (try: head -c 32 /dev/urandom | base64)")
	}
	for i, s := range c.Security.PreviousSecrets {
		if len(s) < 32 {
			add("security.previous_reply_token_secrets[%d] must be at least 32 characters", i)
		}
	}
	if c.Security.ReplyTokenTTL.Duration < time.Hour {
		add("security.reply_token_ttl must be at least 1h")
	}

	if c.Limits.MaxMessageBytes < 64<<10 {
		add("limits.max_message_bytes must be at least 65536")
	}
	if c.Limits.MaxHeaderBytes < 4096 {
		add("limits.max_header_bytes must be at least 4096")
	}
	if c.Limits.MaxMIMEDepth < 1 || c.Limits.MaxParts < 1 {
		add("limits.max_mime_depth and limits.max_parts must be at least 1")
	}
	if c.Notifications.MaxPerHour < 1 || c.Notifications.MaxPerDay < c.Notifications.MaxPerHour {
		add("notifications.max_per_hour must be at least 1 and max_per_day at least max_per_hour")
	}
	if c.Notifications.MaxAttachmentBytes < 0 {
		add("notifications.max_attachment_bytes must not be negative")
	}
	if c.Notifications.TemplatesDir != "" {
		if fi, err := os.Stat(c.Notifications.TemplatesDir); err != nil || !fi.IsDir() {
			add("notifications.templates_dir %q is not a folder", c.Notifications.TemplatesDir)
		}
	}
	if c.Timers.AutoCloseBusinessDays < 1 || c.Timers.AutoCloseBusinessDays > 60 {
		add("timers.auto_close_business_days must be between 1 and 60")
	}
	if c.Timers.Interval.Duration < time.Second {
		add("timers.interval must be at least 1s")
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		add("log.format %q must be text or json", c.Log.Format)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		add("log.level %q must be debug, info, warn or error", c.Log.Level)
	}
	if c.Admin.Address != "" {
		if _, _, err := net.SplitHostPort(c.Admin.Address); err != nil {
			add("admin.address %q must be host:port (or empty to turn it off)", c.Admin.Address)
		}
	}
	return errs
}

func (c *Config) checkRoster() Errors {
	var errs Errors
	add := errs.add
	seen := map[string]string{}
	desk := 0
	for i, p := range c.People {
		where := fmt.Sprintf("people[%d]", i)
		if p.Email != "" {
			where = fmt.Sprintf("people[%d] (%s)", i, p.Email)
		}
		if !validAddress(p.Email) {
			add("%s: email %q is not a valid address", where, p.Email)
		}
		role := tickets.Role(p.Role)
		if !slices.Contains(tickets.RosterRoles, role) {
			add("%s: role %q must be mesa, especialista, sitio or proveedor", where, p.Role)
		}
		if role == tickets.RoleDesk {
			desk++
		}
		for _, l := range p.Levels {
			lv := tickets.Level(l)
			switch {
			case !lv.Valid():
				add("%s: level %d does not exist (levels are 1, 2 and 3)", where, l)
			case role == tickets.RoleDesk && l != 1:
				add("%s: the desk (mesa) works at level 1 only", where)
			case role == tickets.RoleOnSite && l != 2:
				add("%s: on-site support (sitio) works at level 2 only", where)
			case (role == tickets.RoleSpecialist || role == tickets.RoleProvider) && l == 1:
				add("%s: level 1 is the desk's; %s serves levels 2 and 3", where, role)
			}
		}
		if p.Alias != "" && !validAlias(p.Alias) {
			add("%s: alias %q must be letters, digits, dots, dashes or underscores", where, p.Alias)
		}
		checkLang(add, where+".language", p.Language)
		for _, name := range []string{p.Email, strings.ToLower(p.Alias)} {
			if name == "" {
				continue
			}
			if prev, ok := seen[name]; ok {
				add("%s: %q is already used by %s", where, name, prev)
			}
			seen[name] = where
		}
		if p.Email == c.Desk.Address && p.Email != "" {
			add("%s: the desk's own address cannot be a person", where)
		}
		for _, s := range p.Services {
			if !c.hasService(s) {
				add("%s: service %q is not in the service catalogue", where, s)
			}
		}
	}
	if desk == 0 {
		add("the roster has no desk agent (role = \"mesa\"); someone must receive new tickets")
	}
	r := c.Roster()
	names := map[string]bool{}
	for i, s := range c.Services {
		where := fmt.Sprintf("services[%d] (%s)", i, s.Name)
		if !validAlias(s.Name) {
			add("services[%d]: name %q must be letters, digits, dots, dashes or underscores", i, s.Name)
		}
		if names[strings.ToLower(s.Name)] {
			add("%s: duplicate service name", where)
		}
		names[strings.ToLower(s.Name)] = true
		lv := tickets.Level(s.Level)
		if s.Level == 0 {
			add("%s: level is missing (1, 2 or 3)", where)
		} else if !lv.Valid() {
			add("%s: level %d does not exist", where, s.Level)
		}
		if s.Assignee != "" {
			p, ok := r.Find(s.Assignee)
			switch {
			case !ok:
				add("%s: assignee %q is not in the roster (use an alias or email)", where, s.Assignee)
			case lv.Valid() && !p.Serves(lv):
				add("%s: assignee %q does not serve level %d", where, s.Assignee, s.Level)
			}
		}
		for _, k := range append(append([]string{}, s.Keywords...), s.BodyKeywords...) {
			if strings.TrimSpace(k) == "" {
				add("%s: empty keyword", where)
			}
		}
	}
	return errs
}

func (c *Config) hasService(name string) bool {
	for _, s := range c.Services {
		if strings.EqualFold(s.Name, name) {
			return true
		}
	}
	return false
}

func (c *Config) checkSMTP() Errors {
	var errs Errors
	add := errs.add
	s := c.SMTP
	if s.Address == "" {
		return nil // sending off: notifications wait in the outbox
	}
	s.checkTransport(add, "smtp")
	if s.Username != "" || s.Auth != "" {
		s.checkAuth(add, "smtp", "TICKETD_SMTP_PASSWORD", c.OAuth2Managed())
	}
	if s.Connections < 1 || s.Connections > 64 {
		add("smtp.connections must be between 1 and 64")
	}
	if s.BatchSize < 1 {
		add("smtp.batch_size must be at least 1")
	}
	if s.RetryFor.Duration < time.Minute {
		add("smtp.retry_for must be at least 1m")
	}
	if s.RetryInitial.Duration < time.Second || s.RetryInitial.Duration > s.RetryFor.Duration {
		add("smtp.retry_initial must be at least 1s and at most smtp.retry_for")
	}
	// The outbox stops starting messages at half the lease; the other half
	// must cover the message in hand and a redial (two timeouts), or a
	// slow batch is sent twice.
	if s.ClaimLease.Duration < 4*s.Timeout.Duration {
		add("smtp.claim_lease must be at least four times smtp.timeout (%s)", s.Timeout.Duration)
	}
	return errs
}

// checkTransport checks a section's address and TLS mode.
func (k Connection) checkTransport(add func(string, ...any), sec string) {
	host, _, err := net.SplitHostPort(k.Address)
	if err != nil {
		add("%s.address %q must be host:port", sec, k.Address)
	}
	switch k.TLS {
	case "implicit", "starttls":
	case "none":
		if err == nil && !IsLoopback(host) && !k.AllowInsecure {
			add("%s.tls = \"none\" sends passwords in clear; it is allowed only on a loopback address, or with %s.allow_insecure = true", sec, sec)
		}
	default:
		add("%s.tls %q must be implicit, starttls or none", sec, k.TLS)
	}
}

// checkAuth checks a section's authentication; env is the variable that
// may hold its password; managed: [oauth2] renews the tokens.
func (k Connection) checkAuth(add func(string, ...any), sec, env string, managed bool) {
	switch k.Auth {
	case "", "login", "plain":
		if k.Password == "" && k.PasswordFile == "" {
			add("%s: no password: set %s.password, %s.password_file or %s (or auth = \"xoauth2\" with a token source)", sec, sec, sec, env)
		}
		if k.PasswordFile != "" && k.Password == "" {
			if _, err := os.Stat(k.PasswordFile); err != nil {
				add("%s.password_file %q cannot be read: %v", sec, k.PasswordFile, statReason(err))
			}
		}
	case "xoauth2", "oauthbearer":
		if k.OAuth2TokenFile == "" && len(k.OAuth2TokenCommand) == 0 && !managed {
			add("%s.auth = %q needs %s.oauth2_token_file, %s.oauth2_token_command or an [oauth2] section", sec, k.Auth, sec, sec)
		}
	default:
		add("%s.auth %q must be login, plain, xoauth2 or oauthbearer", sec, k.Auth)
	}
}

func checkLang(add func(string, ...any), where, lang string) {
	if lang != "es" && lang != "en" {
		add("%s %q must be es or en", where, lang)
	}
}

// statReason is why a file named in the configuration cannot be used, in
// the words of the problems catalogue where it has them.
func statReason(err error) any {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return problem("it does not exist")
	case errors.Is(err, fs.ErrPermission):
		return problem("permission denied")
	}
	return err
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validTag(s string) bool {
	if len(s) < 1 || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func validAlias(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-", r)) {
			return false
		}
	}
	return true
}

// Redact hides the passwords of a database URL or key=value connection
// string for messages: a URL's user information and password parameter,
// a key=value string's password (quoted or not), and, in a string that is
// neither (a mistyped URL), what lies between its first ':' and last '@'.
// It hides more rather than less.
func Redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = urlPassword.ReplaceAllString(u, "${1}***")
		// The user information ends at the last '@' and its password
		// starts after its first ':'. A password may hold an '@', or an
		// unescaped '/', '?' or '#' (a URL that then fails to connect,
		// and so is printed); an '@' later in the query only hides more.
		rest := u[i+3:]
		if j := strings.LastIndex(rest, "@"); j >= 0 {
			if k := strings.Index(rest[:j], ":"); k >= 0 {
				return u[:i+3+k+1] + "***" + u[i+3+j:]
			}
		}
		return u
	}
	if !kvStart.MatchString(u) {
		if j := strings.LastIndex(u, "@"); j >= 0 {
			if k := strings.Index(u[:j], ":"); k >= 0 {
				return u[:k+1] + "***" + u[j:]
			}
		}
		return u
	}
	var b strings.Builder
	for {
		loc := kvPassword.FindStringIndex(u)
		if loc == nil {
			b.WriteString(u)
			return b.String()
		}
		b.WriteString(u[:loc[1]])
		b.WriteString("***")
		u = u[loc[1]+kvValueLen(u[loc[1]:]):]
	}
}

// kvValueLen is the length of the value that starts v in a key=value
// connection string: a single-quoted value with its backslash escapes,
// or, unquoted, everything up to the next " key=" (a blank left
// unescaped in a password is a mistake whose rest must not show either).
func kvValueLen(v string) int {
	if strings.HasPrefix(v, "'") {
		for i := 1; i < len(v); i++ {
			switch v[i] {
			case '\\':
				i++
			case '\'':
				return i + 1
			}
		}
		return len(v)
	}
	if loc := kvNextKey.FindStringIndex(v); loc != nil {
		return loc[0]
	}
	return len(v)
}

var (
	// urlPassword is a password parameter in a URL's query.
	urlPassword = regexp.MustCompile(`(?i)([?&]password=)[^&]*`)
	// kvStart is how a key=value string starts; anything else with no
	// "://" is a mistyped URL ("postgres:/u:p@h/db?sslmode=disable").
	kvStart = regexp.MustCompile(`^\s*[A-Za-z_]+\s*=`)
	// kvPassword is the password key of a key=value string, up to its value.
	kvPassword = regexp.MustCompile(`(?i)(?:^|\s)password\s*=\s*`)
	// kvNextKey is the start of the next key of a key=value string.
	kvNextKey = regexp.MustCompile(`\s+[A-Za-z_]+\s*=`)
)
