package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The single [imap] table of before is one account, named "default",
// with its mailbox services.
func TestSingleIMAPTableIsOneAccount(t *testing.T) {
	c, err := Parse([]byte(merge(minimal, `
[[services]]
name = "impresoras"
level = 1
[imap]
address = "mail.example.gov.co:993"
username = "soporte@example.gov.co"
password = "x"
mailboxes = ["INBOX", "Impresoras"]
mailbox_services = { "Impresoras" = "impresoras" }
`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Accounts) != 1 {
		t.Fatalf("accounts = %+v", c.Accounts)
	}
	a := c.Accounts[0]
	if a.Name != "default" || a.Key() != "imap" || a.Address != "mail.example.gov.co:993" || len(a.Mailboxes) != 2 ||
		a.ServiceFor("Impresoras") != "impresoras" || a.ServiceFor("INBOX") != "" || a.After != "move" {
		t.Errorf("account = %+v", a)
	}
	// Without an address the intake is off, as before.
	c, err = Parse([]byte(merge(minimal, "[imap]\nusername = \"u\"\n")))
	if err != nil || len(c.Accounts) != 0 {
		t.Errorf("no address: %v, %+v", err, c.Accounts)
	}
	// A single table's name was never checked before there were several
	// accounts, and it keys stored state: an upgrade takes it as it is.
	c, err = Parse([]byte(merge(minimal, `
[imap]
name = "soporte@example.gov.co"
address = "mail.example.gov.co:993"
username = "soporte@example.gov.co"
password = "x"
`)))
	if err != nil || len(c.Accounts) != 1 || c.Accounts[0].Name != "soporte@example.gov.co" {
		t.Errorf("a single table's old name: %v, %+v", err, c.Accounts)
	}
	// Without an address its name still keys SMTP's grant, as before.
	c, err = Parse([]byte(merge(minimal, "[imap]\nname = \"mesa\"\n")))
	if err != nil || len(c.Accounts) != 0 || c.SMTPAccountName != "mesa" {
		t.Errorf("no address, named: %v, %+v, %q", err, c.Accounts, c.SMTPAccountName)
	}
}

const twoAccounts = `
[[services]]
name = "impresoras"
level = 1
[[services]]
name = "garantias"
level = 2
[[imap]]
name = "soporte"
address = "outlook.office365.com:993"
username = "soporte.oti@example.gov.co"
password = "x"
[[imap]]
name = "proveedores"
address = "imap.proveedor.example.com:993"
username = "mesa-proveedores@example.gov.co"
password_file = "/dev/null"
service = "garantias"
mailboxes = ["INBOX", "Impresoras"]
mailbox_services = { "Impresoras" = "impresoras" }
poll_interval = "10s"
`

func TestSeveralAccounts(t *testing.T) {
	t.Setenv("TICKETD_IMAP_PASSWORD_SOPORTE", "from-env")
	c, err := Parse([]byte(merge(minimal, twoAccounts)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Accounts) != 2 {
		t.Fatalf("accounts = %+v", c.Accounts)
	}
	s, p := c.Accounts[0], c.Accounts[1]
	if s.Name != "soporte" || s.Key() != "imap[0]" || s.Password != "from-env" || s.PollInterval.Seconds() != 30 || len(s.Mailboxes) != 1 {
		t.Errorf("first account = %+v", s)
	}
	if p.Name != "proveedores" || p.Key() != "imap[1]" || p.PollInterval.Seconds() != 10 ||
		p.ServiceFor("INBOX") != "garantias" || p.ServiceFor("Impresoras") != "impresoras" {
		t.Errorf("second account = %+v", p)
	}
	if s.PasswordEnv() != "TICKETD_IMAP_PASSWORD_SOPORTE" || (IMAP{Name: "mesa.2"}).PasswordEnv() != "TICKETD_IMAP_PASSWORD_MESA_2" {
		t.Errorf("password variables: %s", s.PasswordEnv())
	}
}

// Every account's problems are reported at once, each by its place in the
// list, in both languages.
func TestEveryAccountsProblemsAtOnce(t *testing.T) {
	text := merge(minimal, `
[[imap]]
name = "soporte"
address = "mail.example.gov.co"
username = "soporte@example.gov.co"
password = "x"
[[imap]]
address = "mail.example.gov.co:993"
username = "u"
poll_interval = "diez"
service = "nada"
[[imap]]
name = "Soporte"
address = "mail.example.gov.co"
username = "soporte@example.gov.co"
password = "x"
mailboxes = ["INBOX", "Procesados"]
[[imap]]
name = "a/b"
tls = "none"
`)
	_, err := Parse([]byte(text))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	en, es := errs.In("en"), errs.In("es")
	for _, want := range []string{
		`imap[0].address "mail.example.gov.co" must be host:port`,
		`imap[1].poll_interval = "diez" is not a duration`,
		"imap[1].name is empty",
		"imap[1]: no password: set imap[1].password, imap[1].password_file or TICKETD_IMAP_PASSWORD_ (or",
		`imap[1].service: service "nada" is not in the service catalogue`,
		`imap[2].name "Soporte" is already the name of imap[0]`,
		`imap[2].mailboxes: "Procesados" is also the processed or quarantine mailbox`,
		`imap[2].mailboxes: "INBOX" of soporte@example.gov.co at mail.example.gov.co is already read by imap[0]`,
		`imap[3].name "a/b" must be letters`,
		"imap[3].address is empty",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English problems lack %q:\n%s", want, en)
		}
	}
	for _, want := range []string{
		`imap[1].poll_interval = "diez" no es una duración`,
		"imap[1].name está vacío",
		`imap[2].name "Soporte" ya es el nombre de imap[0]`,
		"imap[3].address está vacía",
		"la configuración tiene 11 problemas:",
	} {
		if !strings.Contains(es, want) {
			t.Errorf("Spanish problems lack %q:\n%s", want, es)
		}
	}
}

// An [imap] that is neither a table nor a list of tables is a problem, not
// a panic; an unknown key inside an account is named by its place.
func TestIMAPShapes(t *testing.T) {
	_, err := Parse([]byte("imap = 3\n" + minimal))
	if err == nil || !strings.Contains(err.Error(), "imap must be one table") {
		t.Errorf("imap = 3: %v", err)
	}
	_, err = Parse([]byte(merge(minimal, twoAccounts+"adress = \"x\"\n")))
	if err == nil || !strings.Contains(err.Error(), `unknown key "imap.adress"`) {
		t.Errorf("unknown key: %v", err)
	}
}

// The README's example of several accounts is a valid configuration.
func TestReadmeAccountsExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### Several mailbox accounts")
	_, block, ok2 := strings.Cut(section, "```toml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("the README has no TOML example under \"Several mailbox accounts\"")
	}
	t.Setenv("TICKETD_IMAP_PASSWORD_PROVEEDORES", "from-env")
	c, err := Parse([]byte(merge(minimal, `
[[services]]
name = "impresoras"
level = 1
[[services]]
name = "garantias"
level = 2
[oauth2]
grant = "client_credentials"
token_url = "https://login.microsoftonline.com/t/oauth2/v2.0/token"
client_id = "app"
client_secret = "secret"
`+block)))
	if err != nil {
		t.Fatalf("the README's example: %v\n%s", err, block)
	}
	if len(c.Accounts) != 2 || c.Accounts[1].Password != "from-env" || !c.Accounts[0].Renewed(c) || c.Accounts[1].Renewed(c) {
		t.Errorf("accounts = %+v", c.Accounts)
	}
}
