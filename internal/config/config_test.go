package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleIsValid(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "ticketd.example.toml"))
	if err != nil {
		t.Fatalf("the example configuration does not load: %v", err)
	}
	r := c.Roster()
	roles := map[string]int{}
	for _, p := range r.People {
		roles[string(p.Role)]++
	}
	if roles["mesa"] < 2 || roles["especialista"] < 1 || roles["sitio"] < 1 || roles["proveedor"] < 1 {
		t.Errorf("example roster roles = %v", roles)
	}
	var provider23 bool
	for _, p := range r.People {
		if p.Role == "proveedor" && p.Serves(2) && p.Serves(3) {
			provider23 = true
		}
	}
	if !provider23 {
		t.Error("the example has no provider serving levels 2 and 3")
	}
	if len(c.Accounts) != 1 || c.Accounts[0].PollInterval.Seconds() != 30 || c.Accounts[0].Name != "default" || c.SMTP.RetryFor.Hours() != 48 || !c.RequireVerifiedCommands() {
		t.Errorf("defaults: accounts=%+v retry=%v verified=%v", c.Accounts, c.SMTP.RetryFor, c.RequireVerifiedCommands())
	}
}

const minimal = `
[database]
url = "postgres://localhost/ticketd"
[desk]
address = "soporte@example.gov.co"
[[people]]
email = "a@example.gov.co"
role = "mesa"
`

func TestMinimalDefaults(t *testing.T) {
	c, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Desk.SubjectTag != "OTI" || c.Desk.Language != "es" || len(c.Accounts) != 0 || c.SMTP.Connections != 4 ||
		c.Timers.AutoCloseBusinessDays != 3 || c.Notifications.MaxPerHour != 20 || c.People[0].Language != "es" {
		t.Errorf("defaults not applied: %+v", c)
	}
}

func TestProblemsAreReported(t *testing.T) {
	tests := []struct {
		name, extra string
		want        []string
	}{
		{"unknown key", "[desk]\nadress = \"x\"", []string{`unknown key "desk.adress"`}},
		{"bad role", "[[people]]\nemail = \"b@example.gov.co\"\nrole = \"jefe\"", []string{`role "jefe"`}},
		{"desk at level 2", "[[people]]\nemail = \"b@example.gov.co\"\nrole = \"mesa\"\nlevels = [2]", []string{"level 1 only"}},
		{"duplicate alias", "[[people]]\nemail = \"b@example.gov.co\"\nrole = \"mesa\"\nalias = \"x\"\n[[people]]\nemail = \"c@example.gov.co\"\nrole = \"mesa\"\nalias = \"X\"", []string{`"x" is already used`}},
		{"service with unknown assignee", "[[services]]\nname = \"s\"\nlevel = 2\nassignee = \"nadie\"", []string{`assignee "nadie" is not in the roster`}},
		{"service assignee at wrong level", "[[services]]\nname = \"s\"\nlevel = 2\nassignee = \"a@example.gov.co\"", []string{"does not serve level 2"}},
		{"plain imap off loopback", "[imap]\naddress = \"mail.example.com:143\"\ntls = \"none\"\nusername = \"u\"\npassword = \"p\"", []string{`imap.tls = "none"`}},
		{"imap without password", "[imap]\naddress = \"mail.example.com:993\"\nusername = \"u\"", []string{"imap: no password"}},
		{"bad duration", "[imap]\npoll_interval = \"treinta\"", []string{"not a duration"}},
		{"short secret", "[security]\nreply_token_secret = \"corto\"", []string{"at least 32 characters"}},
		{"bad log format", "[log]\nformat = \"xml\"", []string{"log.format"}},
		{"retry_initial too short", "[smtp]\naddress = \"127.0.0.1:25\"\ntls = \"none\"\nretry_initial = \"10ms\"", []string{"smtp.retry_initial"}},
		{"claim_lease shorter than the timeouts", "[smtp]\naddress = \"127.0.0.1:25\"\ntls = \"none\"\nclaim_lease = \"1m\"", []string{"smtp.claim_lease"}},
		{"xoauth2 without token", "[smtp]\naddress = \"smtp.example.com:587\"\nusername = \"u\"\nauth = \"xoauth2\"", []string{"oauth2_token_file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(merge(minimal, tc.extra)))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// merge appends extra to base; a repeated [table] header is folded into the
// first so the TOML stays valid.
func merge(base, extra string) string {
	for _, h := range []string{"[desk]\n", "[database]\n"} {
		if strings.HasPrefix(extra, h) {
			return strings.Replace(base, h, extra+"\n", 1)
		}
	}
	return base + "\n" + extra
}

func TestEveryProblemAtOnce(t *testing.T) {
	_, err := Parse([]byte("[desk]\naddress = \"no\"\n[log]\nformat = \"x\"\n"))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) < 4 {
		t.Fatalf("want several problems at once, got %v", err)
	}
}

func TestSecretsFromEnvironmentAndFiles(t *testing.T) {
	t.Setenv("TICKETD_DATABASE_URL", "postgres://env/db")
	t.Setenv("TICKETD_SMTP_PASSWORD", "from-env")
	c, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.URL != "postgres://env/db" || c.SMTP.Password != "from-env" {
		t.Errorf("environment not applied")
	}
	f := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(f, []byte("  s3creto\n"), 0o600)
	if s, err := Secret("", f); err != nil || s != "s3creto" {
		t.Errorf("Secret = %q, %v", s, err)
	}
}

func TestInvalidTOML(t *testing.T) {
	_, err := Parse([]byte("[desk\naddress = 1"))
	if err == nil || !strings.Contains(err.Error(), "not valid TOML") {
		t.Errorf("err = %v", err)
	}
}

// TestDatabaseURLThatDoesNotParse: a password typed with a raw '#' makes
// the URL unparseable; the problem says how to write it and shows no part
// of the password (the parser's own error would).
func TestDatabaseURLThatDoesNotParse(t *testing.T) {
	_, err := Parse([]byte(strings.Replace(minimal, `"postgres://localhost/ticketd"`, `"postgres://ticketd:zq#xw@db/ticketd"`, 1)))
	if err == nil || !strings.Contains(err.Error(), `"postgres://ticketd:***@db/ticketd" is not a valid URL`) || strings.Contains(err.Error(), "zq") {
		t.Errorf("error = %v", err)
	}
}
