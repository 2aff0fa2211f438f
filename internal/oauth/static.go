package oauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// TokenSource hands out an OAuth 2.0 access token for XOAUTH2 and
// OAUTHBEARER, to IMAP and SMTP alike: a *Source (ticketd renews the
// token itself), a token file or a token command. Token is called once
// per connection attempt.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Invalidator is implemented by token sources that cache: after a server
// refused a token the next call asks for a fresh one.
type Invalidator interface{ Invalidate() }

// Invalidate tells src, when it caches, that a server refused its token.
func Invalidate(src TokenSource) {
	if inv, ok := src.(Invalidator); ok {
		inv.Invalidate()
	}
}

var (
	_ TokenSource = (*Source)(nil)
	_ Invalidator = (*Source)(nil)
	_ Invalidator = (*commandToken)(nil)
)

// FileToken reads the token from path on every call, trimming surrounding
// whitespace, so an external refresher can rewrite the file at any time.
func FileToken(path string) TokenSource { return fileToken(path) }

type fileToken string

func (f fileToken) Token(context.Context) (string, error) {
	b, err := os.ReadFile(string(f))
	if err != nil {
		return "", fmt.Errorf("oauth2: read token file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("oauth2: token file %s is empty", string(f))
	}
	return tok, nil
}

const (
	commandTokenTimeout = 30 * time.Second
	commandTokenMaxTTL  = 5 * time.Minute
	// commandTokenMargin is how long before its stated expiry a token is
	// considered stale, so it is not rejected mid-login.
	commandTokenMargin = 30 * time.Second
	maxTokenOutput     = 64 << 10
)

// CommandToken runs argv (no shell) and uses its trimmed standard output as
// the token. Output may also be a JSON object with "access_token" and
// "expires_in" (seconds), as OAuth token endpoints and most helper tools print.
// The token is cached until shortly before its expiry (from expires_in or the
// "exp" claim of a JWT) and never longer than 5 minutes. The command gets 30
// seconds.
func CommandToken(argv []string) TokenSource {
	return &commandToken{argv: append([]string(nil), argv...), now: time.Now}
}

type commandToken struct {
	argv []string
	now  func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

func (c *commandToken) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.token != "" && now.Before(c.expires) {
		return c.token, nil
	}
	if len(c.argv) == 0 || c.argv[0] == "" {
		return "", errors.New("oauth2: token command is empty")
	}
	ctx, cancel := context.WithTimeout(ctx, commandTokenTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxTokenOutput, 512
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return "", fmt.Errorf("oauth2: token command %s: %w: %s", c.argv[0], err, msg)
		}
		return "", fmt.Errorf("oauth2: token command %s: %w", c.argv[0], err)
	}
	tok, exp := parseTokenOutput(stdout.Bytes(), now)
	if tok == "" {
		return "", fmt.Errorf("oauth2: token command %s printed no token", c.argv[0])
	}
	c.token, c.expires = tok, tokenCacheUntil(now, exp)
	return tok, nil
}

// Invalidate implements Invalidator: the next call runs the command again.
func (c *commandToken) Invalidate() {
	c.mu.Lock()
	c.token, c.expires = "", time.Time{}
	c.mu.Unlock()
}

// tokenCacheUntil returns when a token fetched at now with the given expiry
// (zero when unknown) stops being served from cache.
func tokenCacheUntil(now, exp time.Time) time.Time {
	until := now.Add(commandTokenMaxTTL)
	if !exp.IsZero() {
		if e := exp.Add(-commandTokenMargin); e.Before(until) {
			until = e
		}
	}
	return until
}

// parseTokenOutput extracts the token and, when stated, its expiry from a
// token command's output: either a bare token or a JSON object with
// "access_token" and optional "expires_in". A bare token that is a JWT
// contributes its "exp" claim. exp is zero when unknown.
func parseTokenOutput(out []byte, now time.Time) (token string, exp time.Time) {
	s := strings.TrimSpace(string(out))
	if strings.HasPrefix(s, "{") {
		var obj struct {
			AccessToken string          `json:"access_token"`
			ExpiresIn   json.RawMessage `json:"expires_in"`
		}
		if err := json.Unmarshal([]byte(s), &obj); err != nil {
			return "", time.Time{}
		}
		token = strings.TrimSpace(obj.AccessToken)
		var secs float64
		if len(obj.ExpiresIn) > 0 {
			// Some tools print the number as a string.
			raw := bytes.Trim(obj.ExpiresIn, `"`)
			if err := json.Unmarshal(raw, &secs); err == nil && secs > 0 && secs < 1e9 {
				exp = now.Add(time.Duration(secs * float64(time.Second)))
			}
		}
	} else {
		token = s
	}
	if token == "" || strings.ContainsAny(token, " \t\r\n\x01") {
		return "", time.Time{} // a token never contains these; refuse garbage
	}
	if exp.IsZero() {
		exp = jwtExpiry(token)
	}
	return token, exp
}

// jwtExpiry returns the "exp" claim of a JWT (RFC 7519 section 4.1.4), or
// zero when token is not a JWT or has no usable exp.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return time.Time{}
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0)
}

// limitedBuffer keeps the first max bytes written and drops the rest, so a
// runaway command cannot exhaust memory.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}
