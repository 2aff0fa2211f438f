package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// loginEndpoint is a token endpoint for the one-time login: device codes,
// authorisation codes, and the tokens they give.
func loginEndpoint(t *testing.T) *httptest.Server {
	var (
		mu sync.Mutex
		n  int
	)
	issue := func(w http.ResponseWriter) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "refresh_token": "rt", "token_type": "Bearer", "expires_in": 3600})
	}
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("POST /device", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"device_code": "dev-1", "user_code": "WDJB-MJHT",
			"verification_uri": srv.URL + "/activate", "expires_in": 600, "interval": 1})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch {
		case r.PostForm.Get("device_code") == "dev-1", r.PostForm.Get("code") == "code-1" && r.PostForm.Get("code_verifier") != "":
			issue(w)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant"}`))
		}
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestOAuth2Login(t *testing.T) {
	cfg := testConfig(t)
	srv := loginEndpoint(t)
	b, _ := os.ReadFile(cfg)
	// [oauth2] is the example's last section: replace it.
	head, _, ok := strings.Cut(string(b), "\n[oauth2]\n")
	if !ok {
		t.Fatal("the example configuration has no [oauth2] section")
	}
	s := head + `
[oauth2]
grant = "refresh_token"
token_url = "` + srv.URL + `/token"
device_auth_url = "` + srv.URL + `/device"
auth_url = "` + srv.URL + `/authorize"
redirect_url = "http://127.0.0.1/callback"
client_id = "ticketd"
client_secret = "s3cret"
token_key = "una clave de prueba de al menos 32 caracteres"
`
	if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	c := []string{"-config", cfg}
	mustRun(t, append(c, "config", "check")...)
	mustRun(t, append(c, "migrate")...)
	if out := mustRun(t, append(c, "oauth2", "status")...); !strings.Contains(out, "No hay una concesión guardada para la cuenta default") {
		t.Errorf("status before login:\n%s", out)
	}
	out := mustRun(t, append(c, "oauth2", "login", "--device")...)
	if !strings.Contains(out, "/activate en un navegador y escriba el código WDJB-MJHT") || !strings.Contains(out, "Listo") {
		t.Errorf("device login:\n%s", out)
	}
	if out := mustRun(t, append(c, "oauth2", "status")...); !strings.Contains(out, "Cuenta default: concesión guardada.") {
		t.Errorf("status after login:\n%s", out)
	}

	// The authorisation-code login, with the code pasted.
	oauth2Input = strings.NewReader("code-1\n")
	t.Cleanup(func() { oauth2Input = os.Stdin })
	out = mustRun(t, append(c, "oauth2", "login")...)
	if !strings.Contains(out, srv.URL+"/authorize?") || !strings.Contains(out, "code_challenge=") || !strings.Contains(out, "Listo") {
		t.Errorf("authorisation-code login:\n%s", out)
	}
	oauth2Input = strings.NewReader("http://127.0.0.1/callback?code=code-1&state=forged\n")
	if _, errs, code := ticketd(t, append(c, "oauth2", "login")...); code != 1 || !strings.Contains(errs, "state") {
		t.Errorf("a foreign state: exit %d %s", code, errs)
	}
}

func TestCodeFrom(t *testing.T) {
	cases := []struct{ in, code, state string }{
		{"http://127.0.0.1/callback?code=abc&state=s1", "abc", "s1"},
		{"abc", "abc", "sent"},
		{"http://127.0.0.1/callback?error=access_denied", "", ""},
		{"no es un código", "", ""},
	}
	for _, c := range cases {
		if code, state := codeFrom(c.in, "sent"); code != c.code || state != c.state {
			t.Errorf("codeFrom(%q) = %q, %q", c.in, code, state)
		}
	}
}

// FuzzCodeFrom: whatever is pasted, no panic, and a code never carries
// spaces or the query's separators.
func FuzzCodeFrom(f *testing.F) {
	f.Add("http://127.0.0.1/callback?code=abc&state=s1")
	f.Add("abc")
	f.Add("%zz?code=")
	f.Fuzz(func(t *testing.T, s string) {
		code, _ := codeFrom(s, "sent")
		if code != "" && !strings.Contains(s, "?") && strings.ContainsAny(code, " \t&=") {
			t.Fatalf("code %q from %q", code, s)
		}
	})
}
