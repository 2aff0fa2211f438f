package tickets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// verbs counts a format's verbs (%s, %d, %q…), "%%" apart.
func verbs(f string) int {
	return len(regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`).FindAllString(strings.ReplaceAll(f, "%%", ""), -1))
}

// rawIdentifier matches what prose must never show: a state's identifier,
// a notice's or an event kind's name, a catalogue key, a format gone wrong.
var rawIdentifier = regexp.MustCompile(`en_atencion|\b(opened_ack|opened_desk|case_assigned|level_changed|resolved_desk|` +
	`reopened_notice|command_result|delivery_failed|comment_on_resolved|rating_thanks|command_refused|notice_held)\b|` +
	`\b(note|notice|identity|reply|hint|usage|may|help|summary|duration|quarantine)\.[a-z_]+\b|%!|\{"`)

// TestEveryEntryInBothLanguages walks the catalogue: every entry has its
// Spanish and its English, they differ (but for punctuation), and they take
// the same arguments.
func TestEveryEntryInBothLanguages(t *testing.T) {
	if len(words) < 50 {
		t.Fatalf("the catalogue has only %d entries", len(words))
	}
	for key, w := range words {
		es, en := w[0], w[1]
		if strings.TrimSpace(es) == "" || strings.TrimSpace(en) == "" {
			t.Errorf("%s: missing a language: es %q, en %q", key, es, en)
		}
		if es == en && !sameInBothLanguages[key] {
			t.Errorf("%s: not translated: %q in both", key, es)
		}
		if verbs(es) != verbs(en) {
			t.Errorf("%s: Spanish takes %d arguments, English %d", key, verbs(es), verbs(en))
		}
	}
	for _, r := range reasons {
		if r.es == r.en || r.es == "" || r.en == "" {
			t.Errorf("reason %s: es %q, en %q", r.code, r.es, r.en)
		}
		if verbs(r.es) != verbs(r.en) {
			t.Errorf("reason %s: Spanish takes %d arguments, English %d", r.code, verbs(r.es), verbs(r.en))
		}
	}
	// Worded with arguments of the kinds their verbs take, no entry and no
	// reason shows an identifier (a state reads "en atención").
	verb := regexp.MustCompile(`%[-+# 0-9.]*([a-zA-Z])`)
	sample := func(f string) []any {
		var args []any
		for _, m := range verb.FindAllStringSubmatch(strings.ReplaceAll(f, "%%", ""), -1) {
			if m[1] == "d" {
				args = append(args, 2)
			} else {
				args = append(args, StateInProgress)
			}
		}
		return args
	}
	for key, w := range words {
		for _, lang := range []string{"es", "en"} {
			if got := Say(lang, key, sample(w[langIndex(lang)])...); rawIdentifier.MatchString(got) || strings.Contains(got, "%!") {
				t.Errorf("%s (%s) reads %q", key, lang, got)
			}
		}
	}
	for _, r := range reasons {
		var args []Arg
		for _, a := range sample(r.en) {
			if n, ok := a.(int); ok {
				args = append(args, NumArg(n))
			} else {
				args = append(args, StateArg(StateInProgress))
			}
		}
		for _, lang := range []string{"es", "en"} {
			if got := (Reason{Code: r.code, Args: args}).Text(lang); rawIdentifier.MatchString(got) || strings.Contains(got, "%!") {
				t.Errorf("reason %s (%s) reads %q", r.code, lang, got)
			}
		}
	}
	if Say("es", "no.such.entry") != "no.such.entry" {
		t.Error("an unknown entry should show its key, for this test to catch")
	}
}

// sampleNotes holds one note of each code with what its code needs.
func sampleNotes() map[NoteCode]Note {
	refused := Reason{Code: "close.state", Args: []Arg{StateArg(StateInProgress)}}
	return map[NoteCode]Note{
		NoteCommandsOutsider:   {Address: "ana@example.gov.co", Lines: []string{"#cerrar", "#nivel 2"}},
		NoteCommandsUnverified: {Address: "luis@example.gov.co", Why: "identity.expired", Lines: []string{"#resolver"}},
		NoteCommandsRefused:    {Refused: []RefusedLine{{Line: "#cerrar", Reason: refused}}},
		NoteCommandRefused:     {Refused: []RefusedLine{{Line: "#asignar nadie", Reason: Reason{Code: "person.unknown", Args: []Arg{TextArg("nadie")}}}}},
		NoteCommentRefused:     {Reason: &Reason{Code: "comment.state", Args: []Arg{StateArg(StateClosed)}}},
		NoteUnverifiedKept:     {Address: "luis@example.gov.co", Why: "identity.unsigned", Words: "Ya reinicié el servidor."},
		NoteAutomaticKept:      {Address: "robot@example.com", Detail: "Auto-Submitted: auto-replied", Subject: "Fuera de la oficina"},
		NoteBounceReported:     {Address: "MAILER-DAEMON@example.com", Failures: []Failure{{Recipient: "x@example.com", Status: "5.1.1", Diagnostic: "user unknown"}}},
		NoteDeliveryFailed:     {Notice: "case_assigned", Address: "mrojas@example.gov.co", Detail: "550 5.1.1 user unknown"},
		NoteReminder:           {Waited: 8 * time.Hour, Level: 2},
		NoteNoticeHeld:         {Notice: "command_result", Address: "ana@example.gov.co"},
		NoteRoutedMailbox:      {},
		NoteRoutedKeyword:      {Keyword: "impresora", InSubject: true},
		NoteAutoClosed:         {Days: 3},
	}
}

// TestEveryNoteInBothLanguages words a note of every code in Spanish and in
// English: each reads differently in the two, shows no identifier, and
// survives the trip through JSON (the database column) word for word.
func TestEveryNoteInBothLanguages(t *testing.T) {
	src, err := os.ReadFile("note.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`NoteCode = "`).FindAllString(string(src), -1)); n != len(NoteCodes) {
		t.Fatalf("note.go declares %d codes, NoteCodes lists %d", n, len(NoteCodes))
	}
	samples := sampleNotes()
	for _, code := range NoteCodes {
		n, ok := samples[code]
		if !ok {
			t.Errorf("no sample note for %s", code)
			continue
		}
		n.Code = code
		es, en := n.Text("es"), n.Text("en")
		if es == en {
			t.Errorf("%s: the same in both languages: %q", code, es)
		}
		for lang, s := range map[string]string{"es": es, "en": en} {
			if strings.TrimSpace(s) == "" || strings.HasPrefix(s, Say(lang, "note.unknown", "")) {
				t.Errorf("%s (%s): not worded: %q", code, lang, s)
			}
			if m := rawIdentifier.FindString(s); m != "" {
				t.Errorf("%s (%s): %q shows %q", code, lang, s, m)
			}
		}
		b, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		var back Note
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %s does not read back: %v", code, b, err)
		}
		if back.Text("es") != es || back.Text("en") != en {
			t.Errorf("%s: after JSON %s reads %q / %q", code, b, back.Text("es"), back.Text("en"))
		}
	}
	// Spot checks of the words themselves.
	if got := samples[NoteCommandsRefused].withCode(NoteCommandsRefused).Text("es"); got !=
		"Comando rechazado; no se aplicó nada del mensaje: #cerrar: el caso está en atención; solo se cierra un caso resuelto" {
		t.Errorf("refused, es: %q", got)
	}
	if got := samples[NoteCommandsRefused].withCode(NoteCommandsRefused).Text("en"); got !=
		"Command refused; nothing of the message was applied: #cerrar: ticket is in progress; only a resolved ticket is closed" {
		t.Errorf("refused, en: %q", got)
	}
}

func (n Note) withCode(c NoteCode) Note { n.Code = c; return n }

// TestEveryNoticeHasAName: a delivery failure or a held notice names the
// notice in words, for every notice the templates define.
func TestEveryNoticeHasAName(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "templates", "es", "*.subject.tmpl"))
	if err != nil || len(files) < 10 {
		t.Fatalf("templates not found (%d): %v", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".subject.tmpl")
		if !Has("notice." + name) {
			t.Errorf("no words for the notice %s", name)
		}
	}
	if NoticeName("no_such_notice", "es") != "una notificación" {
		t.Errorf("an unknown notice reads %q", NoticeName("no_such_notice", "es"))
	}
}

// TestOldAndUnknownNotes: an event without data shows its text; a code
// this version does not know shows what the note holds, worded as a note.
func TestOldAndUnknownNotes(t *testing.T) {
	e := Event{Note: "Comando rechazado: #cerrar: el caso está en atención"}
	if e.Text("en") != e.Note {
		t.Errorf("an old note reads %q", e.Text("en"))
	}
	e = e.WithNote(Note{Code: NoteReminder, Waited: 72 * time.Hour, Level: 1}, "es")
	if e.Note != "El caso lleva más de 3 días en el nivel 1" || e.Text("en") != "The ticket has waited more than 3 days at level 1" {
		t.Errorf("reminder: %q / %q", e.Note, e.Text("en"))
	}
	held := Note{Code: NoteNoticeHeld, Notice: "closed", Address: "ana@example.gov.co"}
	if got := held.Render("es", func(string) string { return "Ana Suárez" }); got !=
		"Aviso retenido por el límite de avisos por destinatario: el aviso de cierre para Ana Suárez" {
		t.Errorf("named: %q", got)
	}
	n := Note{Code: "from.a.later.version", Address: "ana@example.gov.co"}
	if got := n.Text("en"); got != "System note: ana@example.gov.co" {
		t.Errorf("unknown code: %q", got)
	}
	if got := (Reason{Code: "later", Args: []Arg{TextArg("x"), NumArg(2)}}).Text("es"); got != "x, 2" {
		t.Errorf("unknown reason: %q", got)
	}
}

// FuzzNoteJSON: whatever the note column holds, reading it never panics,
// and a note that reads back words the same after another trip.
func FuzzNoteJSON(f *testing.F) {
	for _, n := range sampleNotes() {
		b, _ := json.Marshal(n)
		f.Add(b)
	}
	f.Add([]byte(`{"code":"command.refused","refused":[{"line":"#x","reason":{"code":"level.invalid","args":[1.5]}}]}`))
	f.Add([]byte(`{"code":"comment.refused","reason":{"code":"close.state","args":[{"state":"en_atencion"},"x",3]}}`))
	f.Add([]byte(`{"code":"reminder","waited_ns":-1,"level":99}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var n Note
		if err := json.Unmarshal(b, &n); err != nil {
			return
		}
		es, en := n.Text("es"), n.Text("en")
		out, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("%s reads but does not write back: %v", b, err)
		}
		var back Note
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s does not read back: %v", out, err)
		}
		if back.Text("es") != es || back.Text("en") != en {
			t.Fatalf("%s words differently after a trip: %q → %q", b, es, back.Text("es"))
		}
	})
}
