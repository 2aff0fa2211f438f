package imapin

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestConfigValidation(t *testing.T) {
	var tok TokenSource = fixedToken("tok")
	ok := func(c Config) Config {
		c.Username = "soporte@example.org"
		if c.Password == "" && c.Token == nil {
			c.Password = "x"
		}
		return c
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{
			name: "defaults",
			cfg:  ok(Config{Address: "imap.example.org:993"}),
			check: func(t *testing.T, c Config) {
				if c.Name != "default" || c.TLS != TLSImplicit || c.Auth != AuthLogin || c.Mailbox != "INBOX" ||
					c.ProcessedMailbox != "Procesados" || c.QuarantineMailbox != "Cuarentena" || c.After != AfterMove ||
					c.PollInterval != 30*time.Second || c.IdleRenew != 25*time.Minute || c.BatchSize != 100 ||
					c.MaxMessageBytes != 25<<20 || c.Logger == nil {
					t.Errorf("defaults not applied: %+v", c)
				}
			},
		},
		{name: "no_address", cfg: ok(Config{}), wantErr: "address is required"},
		{name: "address_without_port", cfg: ok(Config{Address: "imap.example.org"}), wantErr: "not host:port"},
		{name: "address_bad_port", cfg: ok(Config{Address: "imap.example.org:imap"}), wantErr: "invalid port"},
		{name: "address_port_zero", cfg: ok(Config{Address: "imap.example.org:0"}), wantErr: "invalid port"},
		{name: "address_no_host", cfg: ok(Config{Address: ":993"}), wantErr: "no host"},
		{
			name:    "plain_tcp_refused_on_remote_host",
			cfg:     ok(Config{Address: "imap.example.org:143", TLS: "none"}),
			wantErr: `imap: tls = "none" is only allowed on a loopback address; set allow_insecure = true to override`,
		},
		{
			name:    "plain_tcp_refused_on_private_ip",
			cfg:     ok(Config{Address: "10.0.0.5:143", TLS: "none"}),
			wantErr: "only allowed on a loopback address",
		},
		{name: "plain_tcp_ipv4_loopback", cfg: ok(Config{Address: "127.0.0.1:143", TLS: "none"})},
		{name: "plain_tcp_other_loopback", cfg: ok(Config{Address: "127.1.2.3:143", TLS: "NONE"})},
		{name: "plain_tcp_ipv6_loopback", cfg: ok(Config{Address: "[::1]:143", TLS: "none"})},
		{name: "plain_tcp_localhost", cfg: ok(Config{Address: "localhost:143", TLS: "none"})},
		{name: "plain_tcp_allow_insecure", cfg: ok(Config{Address: "imap.example.org:143", TLS: "none", AllowInsecure: true})},
		{name: "starttls", cfg: ok(Config{Address: "imap.example.org:143", TLS: " StartTLS "}),
			check: func(t *testing.T, c Config) {
				if c.TLS != TLSStartTLS {
					t.Errorf("TLS = %q", c.TLS)
				}
			}},
		{name: "unknown_tls", cfg: ok(Config{Address: "h:1", TLS: "ssl"}), wantErr: `tls = "ssl"`},
		{name: "no_username", cfg: Config{Address: "h:1", Password: "x"}, wantErr: "username is required"},
		{name: "no_password", cfg: Config{Address: "h:1", Username: "u"}, wantErr: "password is required"},
		{name: "token_without_auth", cfg: Config{Address: "h:1", Username: "u", Token: tok}, wantErr: "auth is empty"},
		{name: "plain_needs_password", cfg: Config{Address: "h:1", Username: "u", Auth: "plain", Token: tok}, wantErr: "needs a password"},
		{name: "xoauth2_needs_token", cfg: Config{Address: "h:1", Username: "u", Auth: "XOAUTH2", Password: "x"}, wantErr: "needs a token source"},
		{name: "oauthbearer", cfg: Config{Address: "h:1", Username: "u", Auth: "oauthbearer", Token: tok}},
		{name: "unknown_auth", cfg: ok(Config{Address: "h:1", Auth: "cram-md5"}), wantErr: `auth = "cram-md5"`},
		{name: "unknown_after", cfg: ok(Config{Address: "h:1", After: "delete"}), wantErr: `after = "delete"`},
		{name: "processed_is_inbox", cfg: ok(Config{Address: "h:1", ProcessedMailbox: "inbox"}), wantErr: "processed_mailbox"},
		{name: "quarantine_is_mailbox", cfg: ok(Config{Address: "h:1", Mailbox: "Soporte", QuarantineMailbox: "Soporte"}), wantErr: "quarantine_mailbox"},
		{name: "seen_mode_may_share", cfg: ok(Config{Address: "h:1", After: "seen", ProcessedMailbox: "INBOX"})},
		{name: "negative_poll", cfg: ok(Config{Address: "h:1", PollInterval: -time.Second}), wantErr: "poll_interval"},
		{name: "idle_renew_too_long", cfg: ok(Config{Address: "h:1", IdleRenew: 30 * time.Minute}), wantErr: "RFC 2177"},
		{name: "idle_renew_max", cfg: ok(Config{Address: "h:1", IdleRenew: 29 * time.Minute})},
		{name: "negative_batch", cfg: ok(Config{Address: "h:1", BatchSize: -1}), wantErr: "batch_size"},
		{name: "negative_max_bytes", cfg: ok(Config{Address: "h:1", MaxMessageBytes: -1}), wantErr: "max_message_bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(tc.cfg, newMemHandler())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New() error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			if tc.check != nil {
				tc.check(t, p.cfg)
			}
		})
	}
}

func TestNewRejectsNilHandler(t *testing.T) {
	if _, err := New(Config{Address: "127.0.0.1:1", Username: "u", Password: "p"}, nil); err == nil {
		t.Fatal("New accepted a nil handler")
	}
}

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.255.0.1", true},
		{"::1", true},
		{"::1%lo", true},
		{"localhost", true},
		{"LOCALHOST.", true},
		{"imap.localhost", true},
		{"0.0.0.0", false},
		{"::", false},
		{"10.0.0.1", false},
		{"localhost.example.org", false},
		{"127.0.0.1.nip.io", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			if got := isLoopbackHost(tc.host); got != tc.want {
				t.Errorf("isLoopbackHost(%q) = %v, want %v", tc.host, got, tc.want)
			}
		})
	}
}

func FuzzConfigAddress(f *testing.F) {
	for _, s := range []string{"127.0.0.1:143", "[::1]:993", "imap.example.org:143", ":1", "x", "[::1%25lo]:143", "localhost:65536"} {
		f.Add(s, "none")
		f.Add(s, "starttls")
	}
	f.Fuzz(func(t *testing.T, addr, mode string) {
		cfg, err := Config{Address: addr, TLS: mode, Username: "u", Password: "p"}.withDefaults()
		if err != nil {
			return
		}
		host, port, err := net.SplitHostPort(cfg.Address)
		if err != nil || host == "" || port == "" {
			t.Fatalf("accepted address %q: host %q port %q err %v", addr, host, port, err)
		}
		if cfg.TLS == TLSNone {
			if !isLoopbackHost(host) {
				t.Fatalf("plain TCP accepted towards non-loopback %q", addr)
			}
		}
	})
}

// fixedToken is a token source that always hands out the same token.
type fixedToken string

func (f fixedToken) Token(context.Context) (string, error) { return string(f), nil }
