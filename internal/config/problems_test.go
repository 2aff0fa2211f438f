package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEveryProblemIsTranslated reads this package's sources: every problem
// they can report has its Spanish text, with the same verbs in the same
// order, and the catalogue holds nothing else.
func TestEveryProblemIsTranslated(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`(?:\badd|\bproblem)\("((?:[^"\\]|\\.)*)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			s, err := strconv.Unquote(`"` + m[1] + `"`)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			used[s] = true
		}
	}
	if len(used) < 60 {
		t.Fatalf("found only %d problems in the sources", len(used))
	}
	for en := range used {
		es, ok := problemsES[en]
		switch {
		case !ok:
			t.Errorf("no Spanish text for %q", en)
		case es == en:
			t.Errorf("not translated: %q", en)
		case !slices.Equal(verbs(es), verbs(en)):
			t.Errorf("%q and %q take different arguments", en, es)
		}
	}
	for en := range problemsES {
		if !used[en] {
			t.Errorf("the catalogue has %q, which nothing reports", en)
		}
	}
}

var verbRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func verbs(s string) []string { return verbRE.FindAllString(s, -1) }

// TestBadDurationAmongTheOthers: a value that is not a duration is one
// problem of the list, named by its key, not the end of the check.
func TestBadDurationAmongTheOthers(t *testing.T) {
	text := merge(minimal, "[imap]\naddress = \"mail.example.com:993\"\nusername = \"u\"\npassword = \"p\"\npoll_interval = \"treinta\"\nidle_renew = 30\n"+
		"[smtp]\naddress = \"x\"\nretry_for = \"2d\"\n[log]\nformat = \"xml\"\n")
	_, err := Parse([]byte(text))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	en, es := errs.In("en"), errs.In("es")
	for _, want := range []string{
		`imap.poll_interval = "treinta" is not a duration`,
		`imap.idle_renew = 30 is not a duration`,
		`smtp.retry_for = "2d" is not a duration`,
		`smtp.address "x" must be host:port`,
		`log.format "xml"`,
		"the configuration has 5 problems:",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English problems lack %q:\n%s", want, en)
		}
	}
	for _, want := range []string{
		`imap.poll_interval = "treinta" no es una duración`,
		`smtp.address "x" debe ser servidor:puerto`,
		"la configuración tiene 5 problemas:",
	} {
		if !strings.Contains(es, want) {
			t.Errorf("Spanish problems lack %q:\n%s", want, es)
		}
	}
}

func TestFileProblemsInBothLanguages(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nada.toml")
	_, err := Load(missing)
	var errs Errors
	if !errors.As(err, &errs) || errs.In("es") != "el archivo de configuración "+missing+" no existe" ||
		errs.In("en") != "the configuration file "+missing+" does not exist" {
		t.Errorf("missing file: %v", err)
	}
	text := merge(minimal, "[security]\nreply_token_secret_file = \""+missing+"\"")
	_, err = Parse([]byte(text))
	if !errors.As(err, &errs) || !strings.Contains(errs.In("es"), "no se puede leer: no existe") ||
		!strings.Contains(errs.In("en"), "cannot be read: it does not exist") {
		t.Errorf("missing secret file: %v", err)
	}
	_, err = Parse([]byte("[desk\naddress = 1"))
	if !errors.As(err, &errs) || !strings.Contains(errs.In("es"), "no es TOML válido (línea ") {
		t.Errorf("invalid TOML: %v", err)
	}
}

// FuzzParse: any text yields a configuration or Errors, never a panic, and
// the problems render in both languages with their arguments.
func FuzzParse(f *testing.F) {
	ex, _ := os.ReadFile(filepath.Join("..", "..", "ticketd.example.toml"))
	f.Add(string(ex))
	f.Add(minimal)
	f.Add(merge(minimal, "[imap]\npoll_interval = \"treinta\"\nidle_renew = [1]\n"))
	f.Add("[desk\naddress = 1")
	f.Add(merge(minimal, twoAccounts))
	f.Add("imap = [1, 2]\n" + minimal)
	f.Add(merge(minimal, "[[imap]]\nname = \"a\"\n[[imap]]\naddress = \"x:1\"\npoll_interval = 3\n[imap.mailbox_services]\nINBOX = 1\n"))
	f.Fuzz(func(t *testing.T, text string) {
		_, err := Parse([]byte(text))
		if err == nil {
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error is not a list of problems: %v", err)
		}
		for _, lang := range []string{"es", "en"} {
			if s := errs.In(lang); strings.Contains(s, "(MISSING)") || strings.Contains(s, "%!(EXTRA") {
				t.Fatalf("%s: badly formatted problem: %s", lang, s)
			}
		}
	})
}
