package imapin

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultAccount           = "default"
	DefaultMailbox           = "INBOX"
	DefaultProcessedMailbox  = "Procesados"
	DefaultQuarantineMailbox = "Cuarentena"
	DefaultPollInterval      = 30 * time.Second
	DefaultIdleRenew         = 25 * time.Minute
	DefaultBatchSize         = 100
	DefaultMaxMessageBytes   = 25 << 20
	DefaultRetryLater        = time.Minute

	// maxIdleRenew is the longest IDLE we allow: RFC 2177 section 3 says
	// servers may log out clients idle for 30 minutes, so re-issue before 29.
	maxIdleRenew = 29 * time.Minute
)

// TLS modes accepted in Config.TLS.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// Authentication methods accepted in Config.Auth.
const (
	AuthLogin       = "login"
	AuthPlain       = "plain"
	AuthXOAuth2     = "xoauth2"
	AuthOAuthBearer = "oauthbearer"
)

// What to do with a message once the Handler committed it (Config.After).
const (
	AfterMove = "move"
	AfterSeen = "seen"
)

// Config describes one IMAP account to read. Zero values take the defaults
// documented on each field; New validates the result.
type Config struct {
	Name               string      // account name; default "default"
	Address            string      // host:port
	TLS                string      // "implicit" (default) | "starttls" | "none"; none only on loopback or with AllowInsecure
	AllowInsecure      bool        // permit TLS = "none" towards a non-loopback host
	InsecureSkipVerify bool        // tests only: accept any server certificate
	TLSConfig          *tls.Config // optional (tests: custom roots); cloned, never modified
	Username, Password string
	Auth               string      // "login" (default when Password set) | "plain" | "xoauth2" | "oauthbearer"
	Token              TokenSource // for xoauth2/oauthbearer
	Mailbox            string      // mailbox to read; default "INBOX"
	ProcessedMailbox   string      // default "Procesados"; created if missing
	QuarantineMailbox  string      // default "Cuarentena"; created if missing
	After              string      // "move" (default) | "seen"
	PollInterval       time.Duration
	IdleRenew          time.Duration // default 25m, at most 29m (RFC 2177)
	BatchSize          int           // UIDs per FETCH; default 100
	MaxMessageBytes    int64         // larger messages are fetched header-only; default 25 MiB
	RetryLater         time.Duration // a message the Handler left for later is offered again after this; default 1m
	Logger             *slog.Logger
}

// withDefaults returns a copy of cfg with defaults applied and values
// normalised, or an error naming the first invalid field. Error texts are
// meant for an operator reading the daemon's start-up output.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Name == "" {
		cfg.Name = DefaultAccount
	}
	if cfg.Address == "" {
		return cfg, errors.New("imap: address is required (host:port)")
	}
	host, port, err := net.SplitHostPort(cfg.Address)
	if err != nil {
		return cfg, fmt.Errorf("imap: address %q is not host:port: %w", cfg.Address, err)
	}
	if host == "" {
		return cfg, fmt.Errorf("imap: address %q has no host", cfg.Address)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return cfg, fmt.Errorf("imap: address %q has an invalid port", cfg.Address)
	}

	cfg.TLS = strings.ToLower(strings.TrimSpace(cfg.TLS))
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSImplicit
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !isLoopbackHost(host) && !cfg.AllowInsecure {
			return cfg, errors.New(`imap: tls = "none" is only allowed on a loopback address; set allow_insecure = true to override`)
		}
	default:
		return cfg, fmt.Errorf(`imap: tls = %q is not one of "implicit", "starttls", "none"`, cfg.TLS)
	}

	if cfg.Username == "" {
		return cfg, errors.New("imap: username is required")
	}
	cfg.Auth = strings.ToLower(strings.TrimSpace(cfg.Auth))
	if cfg.Auth == "" {
		switch {
		case cfg.Password != "":
			cfg.Auth = AuthLogin
		case cfg.Token != nil:
			return cfg, errors.New(`imap: a token source is set but auth is empty; set auth = "xoauth2" or "oauthbearer"`)
		default:
			return cfg, errors.New("imap: password is required (or auth = \"xoauth2\"/\"oauthbearer\" with a token)")
		}
	}
	switch cfg.Auth {
	case AuthLogin, AuthPlain:
		if cfg.Password == "" {
			return cfg, fmt.Errorf("imap: auth = %q needs a password", cfg.Auth)
		}
	case AuthXOAuth2, AuthOAuthBearer:
		if cfg.Token == nil {
			return cfg, fmt.Errorf("imap: auth = %q needs a token source (token_file or token_command)", cfg.Auth)
		}
	default:
		return cfg, fmt.Errorf(`imap: auth = %q is not one of "login", "plain", "xoauth2", "oauthbearer"`, cfg.Auth)
	}

	cfg.Mailbox = cmp.Or(cfg.Mailbox, DefaultMailbox)
	cfg.ProcessedMailbox = cmp.Or(cfg.ProcessedMailbox, DefaultProcessedMailbox)
	cfg.QuarantineMailbox = cmp.Or(cfg.QuarantineMailbox, DefaultQuarantineMailbox)
	cfg.After = strings.ToLower(strings.TrimSpace(cfg.After))
	switch cfg.After {
	case "":
		cfg.After = AfterMove
	case AfterMove, AfterSeen:
	default:
		return cfg, fmt.Errorf(`imap: after = %q is not one of "move", "seen"`, cfg.After)
	}
	if cfg.After == AfterMove {
		if sameMailbox(cfg.Mailbox, cfg.ProcessedMailbox) {
			return cfg, fmt.Errorf("imap: processed_mailbox %q must differ from mailbox", cfg.ProcessedMailbox)
		}
		if sameMailbox(cfg.Mailbox, cfg.QuarantineMailbox) {
			return cfg, fmt.Errorf("imap: quarantine_mailbox %q must differ from mailbox", cfg.QuarantineMailbox)
		}
	}

	if cfg.PollInterval < 0 {
		return cfg, fmt.Errorf("imap: poll_interval %v is negative", cfg.PollInterval)
	}
	cfg.PollInterval = cmp.Or(cfg.PollInterval, DefaultPollInterval)
	if cfg.IdleRenew < 0 {
		return cfg, fmt.Errorf("imap: idle_renew %v is negative", cfg.IdleRenew)
	}
	cfg.IdleRenew = cmp.Or(cfg.IdleRenew, DefaultIdleRenew)
	if cfg.IdleRenew > maxIdleRenew {
		return cfg, fmt.Errorf("imap: idle_renew %v exceeds %v (servers may drop IDLE after 30 minutes, RFC 2177)", cfg.IdleRenew, maxIdleRenew)
	}
	if cfg.BatchSize < 0 {
		return cfg, fmt.Errorf("imap: batch_size %d is negative", cfg.BatchSize)
	}
	cfg.BatchSize = cmp.Or(cfg.BatchSize, DefaultBatchSize)
	if cfg.MaxMessageBytes < 0 {
		return cfg, fmt.Errorf("imap: max_message_bytes %d is negative", cfg.MaxMessageBytes)
	}
	cfg.MaxMessageBytes = cmp.Or(cfg.MaxMessageBytes, DefaultMaxMessageBytes)
	if cfg.RetryLater < 0 {
		return cfg, fmt.Errorf("imap: retry_later %v is negative", cfg.RetryLater)
	}
	cfg.RetryLater = cmp.Or(cfg.RetryLater, DefaultRetryLater)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

// isLoopbackHost reports whether host (without port) names the local machine
// without a DNS lookup: "localhost" or a loopback IP literal. Names that
// merely resolve to 127.0.0.1 do not count: resolution can change later.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if i := strings.IndexByte(host, '%'); i >= 0 { // IPv6 zone
		host = host[:i]
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameMailbox compares mailbox names; INBOX is case-insensitive (RFC 3501
// section 5.1), every other name is compared exactly.
func sameMailbox(a, b string) bool {
	if strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX") {
		return true
	}
	return a == b
}

// tlsConfig returns the TLS configuration for host.
func (cfg *Config) tlsConfig(host string) *tls.Config {
	var tc *tls.Config
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	if cfg.InsecureSkipVerify {
		tc.InsecureSkipVerify = true
	}
	return tc
}
