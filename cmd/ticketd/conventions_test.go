package main

import (
	"flag"
	"strings"
	"testing"
	"unicode/utf8"
)

// helpCommands are every help the command line has.
var helpCommands = [][]string{
	{"--help"}, {"-h"}, {"-help"}, {"help"},
	{"run", "-h"}, {"migrate", "-h"}, {"config", "-h"}, {"config", "check", "--help"},
	{"tickets", "-h"}, {"tickets", "--help"}, {"tickets", "help"}, {"help", "tickets"},
	{"tickets", "open", "-h"}, {"tickets", "list", "-h"}, {"tickets", "show", "--help"},
	{"tickets", "classify", "-h"}, {"tickets", "escalate", "-h"}, {"tickets", "assign", "-h"},
	{"tickets", "comment", "-h"}, {"tickets", "note", "-h"}, {"tickets", "resolve", "-h"},
	{"tickets", "close", "-h"}, {"tickets", "reopen", "-h"},
	{"templates", "-h"}, {"templates", "preview", "--help"}, {"sandbox", "-h"}, {"sandbox", "--walkthrough", "--help"},
	{"status", "-h"}, {"version", "-h"}, {"help", "sandbox"},
	{"cuarentena", "-h"}, {"quarantine", "-h"}, {"cuarentena", "help"}, {"help", "cuarentena"}, {"help", "quarantine"},
	{"cuarentena", "list", "-h"}, {"cuarentena", "show", "-h"}, {"cuarentena", "liberar", "-h"}, {"cuarentena", "descartar", "-h"},
	{"quarantine", "list", "--help"}, {"quarantine", "show", "-h"}, {"quarantine", "release", "-h"}, {"quarantine", "discard", "-h"},
	{"oauth2", "-h"}, {"oauth2", "--help"}, {"help", "oauth2"}, {"oauth2", "login", "-h"}, {"oauth2", "status", "-h"},
}

// TestHelpGoesToStdout: every help, top level and each command's, exits 0
// on stdout, in the reader's language, within 100 columns.
func TestHelpGoesToStdout(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	for _, lang := range []string{"es", "en"} {
		for _, args := range helpCommands {
			out, errs, code := ticketd(t, append([]string{"--lang", lang}, args...)...)
			name := lang + " " + strings.Join(args, " ")
			if code != 0 || errs != "" || out == "" {
				t.Errorf("%s: exit %d, stdout %d bytes, stderr %q", name, code, len(out), errs)
				continue
			}
			want, not := "Uso:", "Usage:"
			if lang == "en" {
				want, not = not, want
			}
			if !strings.Contains(out, want) || strings.Contains(out, not) {
				t.Errorf("%s: help not in its language:\n%s", name, out)
			}
			if lang == "en" {
				for _, es := range []string{"opciones", "correo", "caso", "por omisión"} {
					if strings.Contains(strings.ToLower(out), es) {
						t.Errorf("%s: English help says %q:\n%s", name, es, out)
					}
				}
			}
			checkWidth(t, name, out)
		}
	}
	// TICKETD_LANG chooses it too.
	t.Setenv("TICKETD_LANG", "en_US.UTF-8")
	if out, _, _ := ticketd(t, "tickets", "open", "-h"); !strings.Contains(out, "Usage: ticketd tickets open --requester EMAIL") {
		t.Errorf("TICKETD_LANG=en_US.UTF-8:\n%s", out)
	}
}

func checkWidth(t *testing.T, name, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > width {
			t.Errorf("%s: a line of %d columns: %q", name, n, l)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}, {"--lang", "en", "--version"}} {
		out, errs, code := ticketd(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "ticketd ") || strings.Count(out, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

// TestUsageErrors: a mistake in how a command is written exits 2 on
// stderr, says what is wrong, naming the flag, in the reader's language,
// and where the help is.
func TestUsageErrors(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	tests := []struct {
		args   []string
		es, en string
		hint   string
	}{
		{[]string{"-bogus", "run"}, "la opción --bogus no existe", "there is no option --bogus", "ticketd -h"},
		{[]string{"bailar"}, `el comando "bailar" no existe`, `there is no command "bailar"`, "ticketd -h"},
		{[]string{"tickets", "list", "--jsn"}, "la opción --jsn no existe", "there is no option --jsn", "ticketd tickets list -h"},
		{[]string{"tickets", "list", "--level", "dos"}, `el valor "dos" de la opción --level no es válido`, `the value "dos" of option --level is not valid`, "ticketd tickets list -h"},
		{[]string{"tickets", "list", "--state"}, "a la opción --state le falta su valor", "option --state needs a value", "ticketd tickets list -h"},
		{[]string{"tickets", "list", "--json=quizá"}, `el valor "quizá" de la opción --json no es true ni false`, `the value "quizá" of option --json is neither true nor false`, "ticketd tickets list -h"},
		{[]string{"tickets", "list", "--state", "abierto"}, `el estado "abierto" no existe`, `there is no state "abierto"`, "ticketd tickets list -h"},
		{[]string{"tickets", "bailar"}, `la acción "bailar" no existe`, `there is no action "bailar"`, "ticketd tickets -h"},
		{[]string{"tickets", "open", "--subject", "x"}, "--requester y --subject son obligatorios", "--requester and --subject are required", "ticketd tickets open -h"},
		{[]string{"tickets", "open", "--requester", "ana", "--subject", "x"}, `--requester "ana" no es un correo electrónico válido`, `--requester "ana" is not a valid email address`, "ticketd tickets open -h"},
		{[]string{"tickets", "close", "1"}, "falta --as", "--as is missing", "ticketd tickets close -h"},
		{[]string{"tickets", "comment", "1", "--as", "jgomez"}, "falta --text", "--text is missing", "ticketd tickets comment -h"},
		{[]string{"tickets", "assign", "1", "--as", "jgomez"}, "falta --to", "--to is missing", "ticketd tickets assign -h"},
		{[]string{"config"}, "falta la acción", "the action is missing", "ticketd config -h"},
		{[]string{"templates", "preview", "nada"}, `no hay una plantilla "nada"`, `there is no template "nada"`, "ticketd templates -h"},
		{[]string{"tickets", "-", "x"}, `la acción "-" no existe`, `there is no action "-"`, "ticketd tickets -h"},
	}
	for _, tc := range tests {
		for _, lang := range []string{"es", "en"} {
			want, other, hint := tc.es, tc.en, "«"+tc.hint+"» muestra la ayuda."
			if lang == "en" {
				want, other, hint = tc.en, tc.es, `"`+tc.hint+`" shows the help.`
			}
			out, errs, code := ticketd(t, append([]string{"--lang", lang}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errs, want) || !strings.Contains(errs, hint) ||
				(want != other && strings.Contains(errs, other)) || !strings.HasPrefix(errs, "ticketd: ") {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want exit 2 saying %q and %q", lang, tc.args, code, out, errs, want, hint)
			}
		}
	}
	// No command at all: the usage, on stderr.
	out, errs, code := ticketd(t)
	if code != 2 || out != "" || !strings.Contains(errs, "Uso:") {
		t.Errorf("no command: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if out, errs, code := ticketd(t, "tickets"); code != 2 || out != "" || !strings.Contains(errs, "Uso: ticketd tickets") {
		t.Errorf("tickets alone: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestLanguageIsChosenFirst(t *testing.T) {
	cases := []struct {
		args []string
		env  string
		want string
	}{
		{nil, "", "es"},
		{nil, "en", "en"},
		{nil, "EN_gb.utf8", "en"},
		{nil, "fr", "es"},
		{[]string{"--lang", "en"}, "es", "en"},
		{[]string{"tickets", "list", "-lang=en"}, "", "en"},
		{[]string{"--lang", "en", "x", "--lang", "es"}, "en", "es"},
		{[]string{"--", "--lang", "en"}, "", "es"},
		{[]string{"--lang"}, "en", "en"},
	}
	for _, c := range cases {
		got := initialLang(c.args, func(string) string { return c.env })
		if got != c.want {
			t.Errorf("initialLang(%q, TICKETD_LANG=%q) = %q, want %q", c.args, c.env, got, c.want)
		}
	}
}

// TestFlagsAfterDashes: after "--" everything is positional, as the flag
// package has it.
func TestFlagsAfterDashes(t *testing.T) {
	a := &app{lang: "es"}
	fs := a.newFlags("x", "x")
	j := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, []string{"12", "--json", "--", "--json", "-x"})
	if err != nil || !*j || strings.Join(pos, " ") != "12 --json -x" {
		t.Errorf("pos %q, json %v, err %v", pos, *j, err)
	}
}

// FuzzFlags: whatever the arguments, parsing gives positionals, the help,
// or a usage error that exits 2 with words; never a panic or Go's English.
func FuzzFlags(f *testing.F) {
	for _, s := range []string{"12 --json", "--level dos", "-jsn", "--lang en --state", "--json=x -- --y", "---x", "-=", "--lang=fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		a := &app{lang: initialLang(args, func(string) string { return "" })}
		var out strings.Builder
		a.stdout = &out
		fs := a.newFlags("tickets list", a.t("syn.list"))
		fs.Int("level", 0, a.t("flag.level_filter"))
		fs.String("state", "", a.t("flag.state"))
		fs.Bool("json", false, a.t("flag.json"))
		_, err := parseFlags(fs, args)
		if err == nil {
			return
		}
		if err == flag.ErrHelp {
			if out.Len() == 0 {
				t.Fatal("help printed nothing")
			}
			return
		}
		ee, ok := err.(*exitError)
		if !ok || ee.code != 2 || ee.msg == "" {
			t.Fatalf("%q: %#v", args, err)
		}
		for _, en := range []string{"flag provided", "invalid value", "bad flag syntax", "needs an argument"} {
			if strings.Contains(ee.msg, en) {
				t.Fatalf("%q: Go's words: %s", args, ee.msg)
			}
		}
	})
}
