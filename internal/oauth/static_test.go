package oauth

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	src := FileToken(path)
	ctx := context.Background()
	if _, err := src.Token(ctx); err == nil {
		t.Fatal("missing file gave no error")
	}
	steps := []struct {
		name    string
		content string
		want    string
		wantErr string
	}{
		{"trimmed", "  ya29.first\n", "ya29.first", ""},
		{"re_read_after_rewrite", "ya29.second\r\n", "ya29.second", ""},
		{"empty", " \n\t", "", "is empty"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(st.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := src.Token(ctx)
			if st.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), st.wantErr) {
					t.Fatalf("err = %v, want %q", err, st.wantErr)
				}
				return
			}
			if err != nil || got != st.want {
				t.Fatalf("Token() = %q, %v; want %q", got, err, st.want)
			}
		})
	}
}

// jwt builds an unsigned JWT with the given payload JSON.
func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(payload)) + ".sig"
}

func TestParseTokenOutput(t *testing.T) {
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		out     string
		wantTok string
		wantExp time.Time
	}{
		{"bare", "ya29.abc\n", "ya29.abc", time.Time{}},
		{"json_expires_in", `{"access_token":"ya29.j","expires_in":3599,"token_type":"Bearer"}`, "ya29.j", now.Add(3599 * time.Second)},
		{"json_expires_in_string", `{"access_token":"t","expires_in":"60"}`, "t", now.Add(time.Minute)},
		{"json_without_expiry", `{"access_token":"t"}`, "t", time.Time{}},
		{"json_negative_expiry_ignored", `{"access_token":"t","expires_in":-5}`, "t", time.Time{}},
		{"json_no_token", `{"error":"invalid_grant"}`, "", time.Time{}},
		{"broken_json", `{"access_token":`, "", time.Time{}},
		{"jwt_exp", jwt(`{"exp":1748862000}`), jwt(`{"exp":1748862000}`), time.Unix(1748862000, 0)},
		{"jwt_without_exp", jwt(`{"sub":"x"}`), jwt(`{"sub":"x"}`), time.Time{}},
		{"multi_line_refused", "line one\nline two", "", time.Time{}},
		{"empty", "\n", "", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, exp := parseTokenOutput([]byte(tc.out), now)
			if tok != tc.wantTok || !exp.Equal(tc.wantExp) {
				t.Errorf("got %q, %v; want %q, %v", tok, exp, tc.wantTok, tc.wantExp)
			}
		})
	}
}

func FuzzParseTokenOutput(f *testing.F) {
	for _, s := range []string{"ya29.abc", `{"access_token":"t","expires_in":3599}`, jwt(`{"exp":1e300}`),
		jwt(`{"exp":"soon"}`), "a.b.c", `{"expires_in":"1e9"}`, "\x01"} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, out []byte) {
		tok, exp := parseTokenOutput(out, now)
		if strings.ContainsAny(tok, " \t\r\n\x01") {
			t.Fatalf("token with separator: %q", tok)
		}
		if tok == "" && !exp.IsZero() {
			t.Fatalf("expiry without token")
		}
		if until := tokenCacheUntil(now, exp); until.After(now.Add(commandTokenMaxTTL)) {
			t.Fatalf("cached beyond the 5 minute cap: %v", until)
		}
	})
}

func TestTokenCacheUntil(t *testing.T) {
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		exp  time.Time
		want time.Time
	}{
		{"unknown_expiry_five_minutes", time.Time{}, now.Add(5 * time.Minute)},
		{"long_lived_capped", now.Add(time.Hour), now.Add(5 * time.Minute)},
		{"short_lived_margin", now.Add(2 * time.Minute), now.Add(90 * time.Second)},
		{"already_expired", now.Add(-time.Minute), now.Add(-90 * time.Second)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tokenCacheUntil(now, tc.exp); !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCommandToken(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "count")
	// The test uses sh as the token helper; CommandToken itself runs argv
	// directly, with no shell.
	src := CommandToken([]string{"/bin/sh", "-c", `echo x >> "$0"; echo "  tok-$(wc -l < "$0" | tr -d ' ')  "`, count}).(*commandToken)
	clock := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	src.now = func() time.Time { return clock }
	ctx := context.Background()

	steps := []struct {
		name    string
		advance time.Duration
		inval   bool
		want    string
	}{
		{"first_run", 0, false, "tok-1"},
		{"cached", time.Minute, false, "tok-1"},
		{"still_cached", 3 * time.Minute, false, "tok-1"},
		{"expired_after_5_minutes", 2 * time.Minute, false, "tok-2"},
		{"invalidated_after_rejection", 0, true, "tok-3"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock = clock.Add(st.advance)
			if st.inval {
				src.Invalidate()
			}
			got, err := src.Token(ctx)
			if err != nil || got != st.want {
				t.Fatalf("Token() = %q, %v; want %q", got, err, st.want)
			}
		})
	}
}

func TestCommandTokenErrors(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		wantErr string
	}{
		{"empty_argv", nil, "empty"},
		{"missing_binary", []string{"/nonexistent/token-helper"}, "token command"},
		{"failing_with_stderr", []string{"/bin/sh", "-c", "echo 'refresh token revoked' >&2; exit 3"}, "refresh token revoked"},
		{"no_output", []string{"/bin/true"}, "printed no token"},
		{"no_shell_expansion", []string{"/bin/echo", "$HOME"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := CommandToken(tc.argv).Token(context.Background())
			if tc.wantErr == "" {
				if err != nil || tok != "$HOME" {
					t.Fatalf("Token() = %q, %v; want the literal argument", tok, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestJWTExpiry(t *testing.T) {
	tests := []struct {
		name  string
		token string
		want  time.Time
	}{
		{"integer", jwt(`{"exp":1748862000}`), time.Unix(1748862000, 0)},
		{"float", jwt(`{"exp":1748862000.5}`), time.Unix(1748862000, 0)},
		{"padded_segment", strings.Replace(jwt(`{"exp":1748862000}`), ".sig", "", 1) + "==.sig", time.Unix(1748862000, 0)},
		{"numeric_string_exp_tolerated", jwt(`{"exp":"1748862000"}`), time.Unix(1748862000, 0)},
		{"word_exp", jwt(`{"exp":"soon"}`), time.Time{}},
		{"absurd_exp", jwt(`{"exp":1e300}`), time.Time{}},
		{"two_segments", "a.b", time.Time{}},
		{"bad_base64", "a.!!!.c", time.Time{}},
		{"opaque", "ya29.a0AfH6SM", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := jwtExpiry(tc.token); !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
