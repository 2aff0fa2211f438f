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
	t.Setenv("TICKETD_LANG", "")
	c := []string{"-config", cfg}
	en := []string{"-config", cfg, "--lang", "en"}
	mustRun(t, append(c, "config", "check")...)
	mustRun(t, append(c, "migrate")...)
	contains(t, "status before login", mustRun(t, append(c, "oauth2", "status")...),
		[]string{"No hay una concesión guardada para la cuenta default: ejecute «ticketd oauth2 login»."})
	contains(t, "status before login (en)", mustRun(t, append(en, "oauth2", "status")...),
		[]string{"No grant is stored for account default: run \"ticketd oauth2 login\"."})
	out := mustRun(t, append(c, "oauth2", "login", "--device")...)
	contains(t, "device login", out, []string{"/activate en un navegador y escriba el código WDJB-MJHT antes de las ",
		"Inicie sesión con la cuenta del buzón y autorice el acceso. Esperando…", "Listo: la concesión de la cuenta default quedó guardada"})
	out = mustRun(t, append(en, "oauth2", "login", "--device")...)
	contains(t, "device login (en)", out, []string{"/activate in a browser and type the code WDJB-MJHT before ",
		"Sign in with the mailbox's account and authorise the access. Waiting…", "Done: the grant of account default is stored"},
		"navegador", "Listo")
	contains(t, "status after login", mustRun(t, append(c, "oauth2", "status")...),
		[]string{"Cuenta default: concesión guardada.", "Última renovación: 2", "El token de acceso vence: 2"})
	contains(t, "status after login (en)", mustRun(t, append(en, "oauth2", "estado")...),
		[]string{"Account default: grant stored.", "Last renewal: 2", "The access token expires: 2"}, "Cuenta", "concesión")

	// The authorisation-code login, with the code pasted.
	oauth2Input = strings.NewReader("code-1\n")
	t.Cleanup(func() { oauth2Input = os.Stdin })
	out = mustRun(t, append(c, "oauth2", "login")...)
	if !strings.Contains(out, srv.URL+"/authorize?") || !strings.Contains(out, "code_challenge=") || !strings.Contains(out, "Listo") {
		t.Errorf("authorisation-code login:\n%s", out)
	}
	contains(t, "authorisation-code login", out, []string{"Abra esta dirección en un navegador", "Luego pegue aquí la dirección"})
	oauth2Input = strings.NewReader("code-1\n")
	contains(t, "authorisation-code login (en)", mustRun(t, append(en, "oauth2", "login")...),
		[]string{"Open this address in a browser", "Then paste here the address", "Done:"}, "Abra", "Listo")
	oauth2Input = strings.NewReader("http://127.0.0.1/callback?code=code-1&state=forged\n")
	if _, errs, code := ticketd(t, append(c, "oauth2", "login")...); code != 1 || !strings.Contains(errs, "no se completó el inicio de sesión") || !strings.Contains(errs, "state") {
		t.Errorf("a foreign state: exit %d %s", code, errs)
	}
	oauth2Input = strings.NewReader("http://127.0.0.1/callback?code=code-1&state=forged\n")
	if _, errs, code := ticketd(t, append(en, "oauth2", "login")...); code != 1 || !strings.Contains(errs, "the login did not complete") {
		t.Errorf("a foreign state (en): exit %d %s", code, errs)
	}
	oauth2Input = strings.NewReader("http://127.0.0.1/callback?error=access_denied\n")
	if _, errs, code := ticketd(t, append(en, "oauth2", "login")...); code != 1 || !strings.Contains(errs, "the pasted address carries no authorisation code") {
		t.Errorf("no code (en): exit %d %s", code, errs)
	}
}

// TestOAuth2Refusals: a login where the grant needs none, and a mistyped
// action, in both languages.
func TestOAuth2Refusals(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t) // the example's [oauth2] has no grant
	mustRun(t, "-config", cfg, "migrate")
	tests := []struct {
		args   []string
		es, en string
	}{
		{[]string{"oauth2", "login"}, `[oauth2] grant no es "refresh_token": la concesión de credenciales de cliente no necesita inicio de sesión`,
			`[oauth2] grant is not "refresh_token": the client-credentials grant needs no login`},
		{[]string{"oauth2", "entrar"}, `la acción "entrar" no existe` + "\n«ticketd oauth2 -h» muestra la ayuda.",
			`there is no action "entrar"` + "\n\"ticketd oauth2 -h\" shows the help."},
		{[]string{"oauth2", "status", "--device"}, "la opción --device no existe\n«ticketd oauth2 status -h» muestra la ayuda.",
			"there is no option --device\n\"ticketd oauth2 status -h\" shows the help."},
	}
	for _, tc := range tests {
		for _, lang := range []string{"es", "en"} {
			want, other := tc.es, tc.en
			if lang == "en" {
				want, other = tc.en, tc.es
			}
			out, errs, code := ticketd(t, append([]string{"-config", cfg, "--lang", lang}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errs, want) || strings.Contains(errs, other) {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want exit 2 saying %q", lang, tc.args, code, out, errs, want)
			}
		}
	}
	if out, errs, code := ticketd(t, "--lang", "en", "oauth2"); code != 2 || out != "" || !strings.Contains(errs, "Usage: ticketd oauth2 ACTION") {
		t.Errorf("oauth2 alone: exit %d, stdout %q, stderr %q", code, out, errs)
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
