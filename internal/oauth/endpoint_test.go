package oauth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// clock is the time the tests move forward by hand, shared by the token
// endpoint and the sources: tokens expire in seconds without anyone
// waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	clientID     = "ticketd"
	clientSecret = "s3cret"
)

// tokenEndpoint speaks the OAuth 2.0 grants a mailbox provider does:
// client credentials, refresh tokens that rotate on every use (the one
// used stops working), device codes and authorisation codes with PKCE.
// Access tokens expire ttl after they were issued, by clock.
type tokenEndpoint struct {
	clock *clock
	ttl   time.Duration

	mu       sync.Mutex
	n        int
	refresh  string               // the one refresh token that works
	access   map[string]time.Time // issued access tokens and their expiry
	revoked  bool
	calls    map[string]int // by grant_type
	verifier string         // the PKCE verifier of the last exchange

	srv *httptest.Server
}

func newEndpoint(t *testing.T, c *clock) *tokenEndpoint {
	e := &tokenEndpoint{clock: c, ttl: 60 * time.Second, refresh: "rt-0", access: map[string]time.Time{}, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", e.token)
	mux.HandleFunc("POST /device", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"device_code": "dev-1", "user_code": "WDJB-MJHT",
			"verification_uri": e.srv.URL + "/activate", "expires_in": 600, "interval": 1})
	})
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *tokenEndpoint) config(grant string) Config {
	return Config{Account: "default", Grant: grant, TokenURL: e.srv.URL + "/token", DeviceAuthURL: e.srv.URL + "/device",
		AuthURL: e.srv.URL + "/authorize", RedirectURL: "http://127.0.0.1/callback", ClientID: clientID, ClientSecret: clientSecret,
		Scopes: []string{"https://outlook.office365.com/.default"}, TokenKey: "una clave de prueba de al menos 32 caracteres",
		RenewBefore: 10 * time.Second, Clock: e.clock.now}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (e *tokenEndpoint) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	grant := r.PostForm.Get("grant_type")
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls[grant]++
	if id != clientID || (secret != clientSecret && grant != "urn:ietf:params:oauth:grant-type:device_code") {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	switch grant {
	case "client_credentials":
		writeJSON(w, 200, e.issue(false))
	case "refresh_token":
		if e.revoked || r.PostForm.Get("refresh_token") != e.refresh {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "AADSTS70000: the grant is expired or revoked"})
			return
		}
		writeJSON(w, 200, e.issue(true))
	case "urn:ietf:params:oauth:grant-type:device_code":
		if r.PostForm.Get("device_code") != "dev-1" {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, 200, e.issue(true))
	case "authorization_code":
		e.verifier = r.PostForm.Get("code_verifier")
		if r.PostForm.Get("code") != "code-1" || e.verifier == "" {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, 200, e.issue(true))
	default:
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
	}
}

// issue makes a new access token and, for the grants that have one, a new
// refresh token that replaces the old.
func (e *tokenEndpoint) issue(refresh bool) map[string]any {
	e.n++
	at := fmt.Sprintf("at-%d", e.n)
	e.access[at] = e.clock.now().Add(e.ttl)
	out := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(e.ttl / time.Second)}
	if refresh {
		e.refresh = fmt.Sprintf("rt-%d", e.n)
		out["refresh_token"] = e.refresh
	}
	return out
}

// valid is the resource server's check of a bearer token.
func (e *tokenEndpoint) valid(tok string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.access[tok]
	return ok && e.clock.now().Before(exp)
}

// withdraw makes the resource servers refuse an access token before its
// expiry (a password change, a policy): the client must renew.
func (e *tokenEndpoint) withdraw(tok string) {
	e.mu.Lock()
	delete(e.access, tok)
	e.mu.Unlock()
}

func (e *tokenEndpoint) revoke() {
	e.mu.Lock()
	e.revoked = true
	e.mu.Unlock()
}

func (e *tokenEndpoint) count(grant string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls[grant]
}

func (e *tokenEndpoint) currentRefresh() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.refresh
}
