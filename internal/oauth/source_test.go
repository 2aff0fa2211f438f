package oauth

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/oauth2"

	"github.com/ticketd/ticketd/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func newSource(t *testing.T, cfg Config, db *sqlx.DB) *Source {
	t.Helper()
	s, err := New(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func token(t *testing.T, s *Source) string {
	t.Helper()
	tok, err := s.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestClientCredentialsRenewsBeforeExpiry(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	s := newSource(t, e.config(ClientCredentials), nil)
	first := token(t, s)
	if !e.valid(first) {
		t.Fatalf("token %q not issued by the endpoint", first)
	}
	c.advance(45 * time.Second) // 15 s left, more than RenewBefore: kept
	if tok := token(t, s); tok != first {
		t.Errorf("renewed with 15 s left: %q", tok)
	}
	c.advance(10 * time.Second) // 5 s left: renewed before it expires
	second := token(t, s)
	if second == first || !e.valid(second) || !e.valid(first) {
		t.Errorf("second = %q (first %q still valid: %v)", second, first, e.valid(first))
	}
	if n := e.count("client_credentials"); n != 2 {
		t.Errorf("%d calls to the endpoint, want 2", n)
	}
}

func TestInvalidateForcesARenewal(t *testing.T) {
	for _, grant := range []string{ClientCredentials, RefreshToken} {
		t.Run(grant, func(t *testing.T) {
			c := newClock()
			e := newEndpoint(t, c)
			db := pgtest.New(t)
			if grant == RefreshToken {
				login(t, e, db)
			}
			s := newSource(t, e.config(grant), db)
			first := token(t, s)
			e.withdraw(first)
			s.Invalidate()
			second := token(t, s)
			if second == first || !e.valid(second) {
				t.Errorf("after a refusal: %q, was %q", second, first)
			}
		})
	}
}

// login stores a grant as 'ticketd oauth2 login' does, through the device
// flow.
func login(t *testing.T, e *tokenEndpoint, db *sqlx.DB) {
	t.Helper()
	var shown DeviceCode
	if err := DeviceLogin(context.Background(), e.config(RefreshToken), db, func(d DeviceCode) { shown = d }); err != nil {
		t.Fatal(err)
	}
	if shown.UserCode != "WDJB-MJHT" || !strings.HasSuffix(shown.VerificationURI, "/activate") {
		t.Errorf("shown = %+v", shown)
	}
}

func TestRotatedRefreshTokenSurvivesARestart(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	afterLogin := e.currentRefresh()

	s := newSource(t, e.config(RefreshToken), db)
	first := token(t, s) // the access token of the login, from the database
	if n := e.count("refresh_token"); n != 0 || !e.valid(first) {
		t.Fatalf("%d renewals for a fresh login, token valid %v", n, e.valid(first))
	}
	c.advance(55 * time.Second)
	second := token(t, s)
	if second == first || e.count("refresh_token") != 1 {
		t.Fatalf("not renewed: %q, %d calls", second, e.count("refresh_token"))
	}
	if e.currentRefresh() == afterLogin {
		t.Fatal("the endpoint did not rotate the refresh token")
	}

	// The daemon restarts: a new source, nothing in memory. Only the
	// rotated refresh token works now (the old one is refused).
	c.advance(55 * time.Second)
	restarted := newSource(t, e.config(RefreshToken), db)
	third := token(t, restarted)
	if !e.valid(third) || third == second {
		t.Errorf("after the restart: %q", third)
	}

	// Neither token is in the database in clear.
	var refreshEnc, accessEnc []byte
	if err := db.QueryRow(`SELECT refresh_enc, access_enc FROM oauth_tokens WHERE account = 'default'`).Scan(&refreshEnc, &accessEnc); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(refreshEnc, []byte(e.currentRefresh())) || bytes.Contains(accessEnc, []byte(third)) {
		t.Error("a token is stored in clear")
	}
	// Another key does not read them.
	other := e.config(RefreshToken)
	other.TokenKey = strings.Repeat("x", 40)
	c.advance(55 * time.Second)
	if _, err := newSource(t, other, db).Token(context.Background()); !errors.Is(err, errUnseal) {
		t.Errorf("another key: %v", err)
	}
}

// Two replicas renewing the same account at once: one calls the endpoint,
// the other takes the token it stored. Were both to call it, the second
// would present a refresh token the first had rotated away.
func TestTwoReplicasShareOneRenewal(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	a := newSource(t, e.config(RefreshToken), db)
	b := newSource(t, e.config(RefreshToken), db)
	token(t, a)
	token(t, b)
	for round := 1; round <= 3; round++ {
		c.advance(55 * time.Second)
		var wg sync.WaitGroup
		got := make([]string, 2)
		errs := make([]error, 2)
		for i, s := range []*Source{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = s.Token(context.Background())
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
		if got[0] != got[1] || !e.valid(got[0]) {
			t.Errorf("round %d: replicas got %q and %q", round, got[0], got[1])
		}
		if n := e.count("refresh_token"); n != round {
			t.Errorf("round %d: %d renewals at the endpoint, want %d", round, n, round)
		}
	}
}

func TestRevokedGrant(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	s := newSource(t, e.config(RefreshToken), db)
	if _, err := s.Token(context.Background()); !errors.Is(err, ErrNoGrant) {
		t.Errorf("before any login: %v", err)
	}
	login(t, e, db)
	token(t, s)
	e.revoke()
	c.advance(55 * time.Second)
	_, err := s.Token(context.Background())
	if !errors.Is(err, ErrRevoked) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("revoked: %v", err)
	}
	info, err2 := Status(context.Background(), db, "default")
	if err2 != nil || !info.Stored || !strings.Contains(info.LastError, "invalid_grant") {
		t.Errorf("status = %+v, %v", info, err2)
	}
	// A wrong client secret is as permanent.
	cfg := e.config(ClientCredentials)
	cfg.ClientSecret = "wrong"
	if _, err := newSource(t, cfg, nil).Token(context.Background()); !errors.Is(err, ErrRevoked) {
		t.Errorf("wrong secret: %v", err)
	}
}

func TestAuthorizationCodeLogin(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	cfg := e.config(RefreshToken)
	a, err := StartAuthCode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"code_challenge_method=S256", "access_type=offline", "client_id=ticketd", "state=" + a.State} {
		if !strings.Contains(a.URL, want) {
			t.Errorf("%s lacks %s", a.URL, want)
		}
	}
	if err := FinishAuthCode(context.Background(), cfg, db, a, "code-1", "otro-estado"); err == nil {
		t.Error("a foreign state was accepted")
	}
	if err := FinishAuthCode(context.Background(), cfg, db, a, "code-1", a.State); err != nil {
		t.Fatal(err)
	}
	if e.verifier == "" || oauth2.S256ChallengeFromVerifier(e.verifier) == "" || !strings.Contains(a.URL, oauth2.S256ChallengeFromVerifier(e.verifier)) {
		t.Error("the exchange did not send the PKCE verifier of the challenge")
	}
	s := newSource(t, cfg, db)
	if tok := token(t, s); !e.valid(tok) {
		t.Errorf("token %q", tok)
	}
}
