package mailout

import (
	"errors"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ticketd/ticketd/templates"
)

// newTestRenderer builds the default renderer once per test.
func newTestRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer("")
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

func TestNamesAreTheProcedureNotifications(t *testing.T) {
	want := []string{
		"case_assigned", "closed", "command_result", "comment", "comment_on_resolved",
		"delivery_failed", "level_changed", "opened_ack", "opened_desk", "quarantined", "rating_thanks",
		"reminder", "reopened", "reopened_notice", "resolved", "resolved_desk",
	}
	got := newTestRenderer(t).Names()
	if !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if newTestRenderer(t).Names()[0] != "case_assigned" {
		t.Fatal("Names() returns the renderer's own slice")
	}
}

// Every notification has its three templates in every language, and the
// embedded tree holds nothing else (a stray file would be dead weight or a
// misspelt name).
func TestEmbeddedTreeIsComplete(t *testing.T) {
	for _, lang := range languages {
		for _, name := range names {
			for _, part := range parts {
				p := path.Join(lang, fileName(name, part))
				if _, err := fs.Stat(templates.FS, p); err != nil {
					t.Errorf("missing %s: %v", p, err)
				}
			}
		}
	}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		lang, base := path.Split(p)
		if !slices.Contains(languages, strings.TrimSuffix(lang, "/")) {
			t.Errorf("%s: not under a language folder", p)
		}
		if _, _, ok := parseFileName(base); !ok {
			t.Errorf("%s: not a known template file name", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRenderSamples(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range languages {
		for _, name := range names {
			t.Run(lang+"/"+name, func(t *testing.T) {
				d := SampleData(name, lang)
				out, err := r.Render(name, lang, d)
				if err != nil {
					t.Fatal(err)
				}
				ref := d.Ticket.Ref
				if !strings.HasPrefix(out.Subject, "["+ref+"] ") {
					t.Errorf("subject %q does not start with the tag [%s]", out.Subject, ref)
				}
				if strings.ContainsAny(out.Subject, "\r\n\t") || utf8.RuneCountInString(out.Subject) > MaxSubjectLen {
					t.Errorf("subject %q is not one short line", out.Subject)
				}
				if !strings.Contains(out.Text, ref) {
					t.Errorf("text does not name %s:\n%s", ref, out.Text)
				}
				if !strings.Contains(out.HTML, ref) {
					t.Errorf("HTML does not name %s", ref)
				}
				if !strings.Contains(out.HTML, `<html lang="`+lang+`">`) {
					t.Errorf("HTML does not declare lang %q", lang)
				}
				if strings.Contains(out.Text, "<no value>") || strings.Contains(out.HTML, "<no value>") ||
					strings.Contains(out.HTML, "&lt;no value&gt;") {
					t.Error("a template prints a missing value")
				}
				if !strings.HasSuffix(out.Text, "\n") || strings.Contains(out.Text, "\n\n\n") || strings.Contains(out.Text, "\r") {
					t.Errorf("text is not normalised:\n%q", out.Text)
				}
				greeting := map[string]string{"es": "Cordial saludo", "en": "Dear "}[lang]
				if !strings.HasPrefix(out.Text, greeting) {
					t.Errorf("text does not open with %q:\n%s", greeting, out.Text)
				}
			})
		}
	}
}

// The templates print what they are given; the caller filters the history
// for requesters with PublicHistory, and SampleData does the same. So the
// internal note of the sample history must show in the assignee's case and
// never in anything addressed to the requester.
func TestRequesterNeverSeesInternalNotes(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range languages {
		note := ""
		full := SampleData("case_assigned", lang)
		for _, h := range full.History {
			if !h.Public {
				note = h.Text
			}
		}
		if note == "" {
			t.Fatal("the sample history has no internal note: the test would prove nothing")
		}
		out, err := r.Render("case_assigned", lang, full)
		if err != nil {
			t.Fatal(err)
		}
		// Text parts are wrapped at 78 columns: compare words, not lines.
		if !strings.Contains(oneSpace(out.Text), oneSpace(note)) || !strings.Contains(out.HTML, note) {
			t.Errorf("%s: case_assigned does not show the internal note to the assignee", lang)
		}
		printsHistory := 0
		for name := range toRequester {
			d := SampleData(name, lang)
			for _, h := range d.History {
				if !h.Public {
					t.Errorf("%s/%s: SampleData gives the requester a private item", lang, name)
				}
			}
			out, err := r.Render(name, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(oneSpace(out.Text), oneSpace(note)) || strings.Contains(out.HTML, note) {
				t.Errorf("%s/%s: the requester sees the internal note", lang, name)
			}
			if len(d.History) > 0 && strings.Contains(oneSpace(out.Text), oneSpace(d.History[0].Text)) {
				printsHistory++
			}
		}
		if printsHistory == 0 {
			t.Errorf("%s: no requester template prints the history; the check above proves nothing", lang)
		}
	}
}

func TestPublicHistory(t *testing.T) {
	pub1 := HistoryItem{Kind: "opened", Text: "a", Public: true}
	priv := HistoryItem{Kind: "noted", Text: "b"}
	pub2 := HistoryItem{Kind: "commented", Text: "c", Public: true}
	tests := []struct {
		name string
		in   []HistoryItem
		want []HistoryItem
	}{
		{"nil", nil, []HistoryItem{}},
		{"all public", []HistoryItem{pub1, pub2}, []HistoryItem{pub1, pub2}},
		{"only private", []HistoryItem{priv, priv}, []HistoryItem{}},
		{"mixed keeps order", []HistoryItem{pub1, priv, pub2, priv}, []HistoryItem{pub1, pub2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PublicHistory(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("PublicHistory = %v, want %v", got, tt.want)
			}
			if len(got) > 0 && len(tt.in) > 0 {
				got[0].Text = "changed"
				if tt.in[0].Text == "changed" {
					t.Fatal("result aliases the input")
				}
			}
		})
	}
}

func TestLanguageFallback(t *testing.T) {
	r := newTestRenderer(t)
	d := SampleData("comment", "es")
	es, err := r.Render("comment", "es", d)
	if err != nil {
		t.Fatal(err)
	}
	en, err := r.Render("comment", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		want Rendered
	}{
		{"", es}, {"fr", es}, {"ES", es}, {"es-CO", es}, {"es_CO", es},
		{"en", en}, {"EN-us", en}, {" en ", en},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			got, err := r.Render("comment", tt.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Render(lang=%q) differs from the expected language", tt.lang)
			}
		})
	}
}

func TestRenderUnknownName(t *testing.T) {
	_, err := newTestRenderer(t).Render("openned_ack", "es", SampleData("opened_ack", "es"))
	if !errors.Is(err, ErrUnknownTemplate) {
		t.Fatalf("err = %v, want ErrUnknownTemplate", err)
	}
}

// Real events come with missing pieces; no template may fail on the zero Data.
func TestRenderZeroData(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range languages {
		for _, name := range names {
			out, err := r.Render(name, lang, Data{})
			if err != nil {
				t.Errorf("%s/%s: %v", lang, name, err)
				continue
			}
			if out.Subject == "" || out.Text == "" {
				t.Errorf("%s/%s: empty subject or text", lang, name)
			}
		}
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	r := newTestRenderer(t)
	for _, name := range names {
		a, err := r.Render(name, "es", SampleData(name, "es"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := r.Render(name, "es", SampleData(name, "es"))
		if a != b {
			t.Errorf("%s: two renders of the same data differ", name)
		}
	}
}

func TestSubjectIsOneCleanLine(t *testing.T) {
	r := newTestRenderer(t)
	long := strings.Repeat("ñ", 400)
	tests := []struct {
		name    string
		subject string
		want    string // expected subject, or "" to check only the length
	}{
		{"injection", "Hola\r\nBcc: x@evil.example", "[OTI-123] Nuevo comentario: Hola Bcc: x@evil.example"},
		{"bare CR and tabs", "a\rb\t\tc", "[OTI-123] Nuevo comentario: a b c"},
		{"unicode separators", "a\u2028b\u0085c", "[OTI-123] Nuevo comentario: a b c"},
		{"control chars", "a\x00\x1b[31mb", "[OTI-123] Nuevo comentario: a [31mb"},
		{"very long multibyte", long, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := SampleData("comment", "es")
			d.Ticket.Subject = tt.subject
			out, err := r.Render("comment", "es", d)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && out.Subject != tt.want {
				t.Errorf("subject = %q, want %q", out.Subject, tt.want)
			}
			if n := utf8.RuneCountInString(out.Subject); n > MaxSubjectLen || !utf8.ValidString(out.Subject) {
				t.Errorf("subject has %d characters (max %d) or invalid UTF-8", n, MaxSubjectLen)
			}
		})
	}
}

func TestHTMLEscapesUserText(t *testing.T) {
	r := newTestRenderer(t)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	for _, name := range names {
		d := SampleData(name, "es")
		d.Ticket.Subject = evil
		d.Text = evil
		d.Reason = evil
		d.Ticket.Body = evil
		d.Recipient.Name = evil
		d.Ticket.Attachments = []string{evil}
		d.History = append(d.History, HistoryItem{Who: evil, Kind: evil, Text: evil, Public: true})
		d.Commands = []string{evil}
		d.Results = []CommandResult{{Line: evil, Reason: evil, Hint: evil}}
		out, err := r.Render(name, "es", d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.HTML, "<script") || strings.Contains(out.HTML, "<img") {
			t.Errorf("%s: user text reaches the HTML unescaped", name)
		}
		if !strings.Contains(out.HTML, "&lt;script&gt;") {
			t.Errorf("%s: the escaped text is missing from the HTML", name)
		}
		if !strings.Contains(out.Text, "<script>") {
			// Plain text is not HTML: it prints the text as written.
			t.Errorf("%s: the text part does not show the text as written", name)
		}
	}
}

func TestBodiesDropControlCharacters(t *testing.T) {
	r := newTestRenderer(t)
	d := SampleData("comment", "es")
	d.Text = "uno\x00dos\x1b[0m\r\ntres\rcuatro\x7f"
	out, err := r.Render("comment", "es", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"unodos[0m\n", "  > tres\n", "  > cuatro\n"} {
		if !strings.Contains(out.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, out.Text)
		}
	}
	if strings.ContainsAny(out.Text+out.HTML, "\x00\x1b\x7f\r") {
		t.Error("control characters survive")
	}
}

func TestStateLabel(t *testing.T) {
	tests := []struct{ state, lang, want string }{
		{"nuevo", "es", "Nuevo"},
		{"en_atencion", "es", "En atención"},
		{"resuelto", "", "Resuelto"},
		{"cerrado", "fr", "Cerrado"},
		{"nuevo", "en", "New"},
		{"en_atencion", "en", "In progress"},
		{"resuelto", "en", "Resolved"},
		{"cerrado", "en", "Closed"},
		{"EN_ATENCION", "es", "En atención"},
		{"archivado", "es", "archivado"},
	}
	for _, tt := range tests {
		t.Run(tt.state+"/"+tt.lang, func(t *testing.T) {
			if got := StateLabel(tt.state, tt.lang); got != tt.want {
				t.Fatalf("StateLabel(%q, %q) = %q, want %q", tt.state, tt.lang, got, tt.want)
			}
		})
	}
}

func TestLevelLabelAndDates(t *testing.T) {
	if got := LevelLabel(2, "es"); got != "Nivel 2" {
		t.Errorf("LevelLabel(2, es) = %q", got)
	}
	if got := LevelLabel(3, "en"); got != "Level 3" {
		t.Errorf("LevelLabel(3, en) = %q", got)
	}
	// 14:05 UTC is 09:05 in Colombia, whatever zone the time comes in.
	at := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    time.Time
		lang string
		want string
	}{
		{"es utc", at, "es", "02/03/2026 09:05"},
		{"en utc", at, "en", "2026-03-02 09:05"},
		{"es other zone", at.In(time.FixedZone("X", 3*3600)), "es", "02/03/2026 09:05"},
		{"zero", time.Time{}, "es", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDate(tt.t, tt.lang, DefaultZone); got != tt.want {
				t.Fatalf("formatDate = %q, want %q", got, tt.want)
			}
		})
	}
	// Another desk.timezone: the times and the label follow it.
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	if got := formatDate(at, "es", madrid); got != "02/03/2026 15:05" {
		t.Errorf("formatDate in Madrid = %q", got)
	}
	r, err := NewRendererIn("", madrid)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render("case_assigned", "es", SampleData("case_assigned", "es"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Text, "(hora de Europe/Madrid)") || strings.Contains(out.Text, "hora de Colombia") {
		t.Errorf("a desk in Madrid gets times labelled otherwise:\n%s", out.Text)
	}
}

func TestNormBody(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"adds final newline", "a", "a\n"},
		{"crlf", "a\r\nb\r\n", "a\nb\n"},
		{"blank runs collapse", "\n\na\n\n\n\nb\n\n", "a\n\nb\n"},
		{"trailing blanks cut", "a  \t\nb ", "a\nb\n"},
		{"whitespace-only lines are blank", "a\n  \n \t\nb", "a\n\nb\n"},
		{"leading indentation kept", "  a\n    b", "  a\n    b\n"},
		{"signature separator kept", "a\n-- \nDesk\n--  \n", "a\n-- \nDesk\n--\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normBody(tt.in); got != tt.want {
				t.Fatalf("normBody(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHeaderText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"plain", "Hola", 10, "Hola"},
		{"trim and collapse", "  a \r\n\t b  ", 10, "a b"},
		{"cut at max", "abcdef", 3, "abc"},
		{"no trailing space at cut", "ab cd", 3, "ab"},
		{"cut counts characters", "ñññññ", 2, "ññ"},
		{"invalid utf-8", "a\xffb", 10, "a b"},
		{"only controls", "\r\n\x00", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headerText(tt.in, tt.max); got != tt.want {
				t.Fatalf("headerText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestParseFileName(t *testing.T) {
	tests := []struct {
		base       string
		name, part string
		ok         bool
	}{
		{"comment.txt.tmpl", "comment", "txt", true},
		{"opened_ack.subject.tmpl", "opened_ack", "subject", true},
		{"comment_on_resolved.html.tmpl", "comment_on_resolved", "html", true},
		{"_partials.html.tmpl", "_partials", "html", true},
		{"coment.txt.tmpl", "", "", false},
		{"comment.text.tmpl", "", "", false},
		{"comment.txt", "", "", false},
		{"comment.txt.tmpl~", "", "", false},
		{".comment.txt.tmpl.swp", "", "", false},
		{"tmpl", "", "", false},
		{".tmpl", "", "", false},
		{"README.md", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			name, part, ok := parseFileName(tt.base)
			if name != tt.name || part != tt.part || ok != tt.ok {
				t.Fatalf("parseFileName(%q) = %q, %q, %v", tt.base, name, part, ok)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	r := newTestRenderer(b)
	for _, name := range []string{"opened_ack", "case_assigned"} {
		d := SampleData(name, "es")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Render(name, "es", d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewRenderer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewRenderer(""); err != nil {
			b.Fatal(err)
		}
	}
}

// The service layer renders from many transactions at once.
func TestRenderConcurrently(t *testing.T) {
	r := newTestRenderer(t)
	want := map[string]Rendered{}
	for _, name := range names {
		want[name], _ = r.Render(name, "en", SampleData(name, "en"))
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(names)*4)
	for range 4 {
		for _, name := range names {
			wg.Go(func() {
				got, err := r.Render(name, "en", SampleData(name, "en"))
				if err != nil || got != want[name] {
					errs <- name
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for name := range errs {
		t.Errorf("%s: concurrent render differs or fails", name)
	}
}

// oneSpace is s with every run of white space made one space.
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestNamingSaysTheCommandsOffered: the list of people one may name is
// introduced by the commands offered that name one, not by both always:
// at level 3 a provider may #assign but not #escalate.
func TestNamingSaysTheCommandsOffered(t *testing.T) {
	r := newTestRenderer(t)
	for lang, c := range map[string]struct{ verb, want, not string }{
		"es": {"#asignar", "En #asignar puede nombrar a:", "#escalar puede nombrar"},
		"en": {"#assign", "In #assign you may name:", "#escalate you may name"},
	} {
		d := SampleData("case_assigned", lang)
		d.Naming = []string{c.verb}
		out, err := r.Render("case_assigned", lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.Text, c.want) || strings.Contains(out.Text, c.not) || strings.Contains(out.HTML, c.not) {
			t.Errorf("%s: the people list is introduced wrongly:\n%s", lang, out.Text)
		}
	}
}

// TestRequesterWithoutAName: a reader who gets no addresses (a provider)
// and a requester who wrote with no name still read a field that says
// so, in their language, not an empty one.
func TestRequesterWithoutAName(t *testing.T) {
	r := newTestRenderer(t)
	for lang, want := range map[string]string{"es": "(no dio su nombre)", "en": "(name not given)"} {
		d := SampleData("case_assigned", lang)
		d.Ticket.Requester = Person{}
		out, err := r.Render("case_assigned", lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.Text, want) || !strings.Contains(out.HTML, want) {
			t.Errorf("%s: no %q in\n%s", lang, want, out.Text)
		}
	}
}
