package mailout

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/templates"
)

// writeOverrides creates an override directory holding files (relative path →
// content) and returns it.
func writeOverrides(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func embedded(t *testing.T, rel string) string {
	t.Helper()
	b, err := fs.ReadFile(templates.FS, rel)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOverrideReplacesOneTemplate(t *testing.T) {
	dir := writeOverrides(t, map[string]string{
		"es/comment.txt.tmpl":      "Comentario en {{.Ticket.Ref}}: {{.Text}}\n",
		"en/resolved.subject.tmpl": "[{{.Ticket.Ref}}] Fixed!",
	})
	r, err := NewRenderer(dir)
	if err != nil {
		t.Fatal(err)
	}
	def := newTestRenderer(t)

	d := SampleData("comment", "es")
	got, err := r.Render("comment", "es", d)
	if err != nil {
		t.Fatal(err)
	}
	// Render wraps text parts at 78 columns, overrides included.
	if want := wrapText("Comentario en OTI-123: "+d.Text+"\n", textWidth); got.Text != want {
		t.Errorf("overridden text = %q, want %q", got.Text, want)
	}
	want, _ := def.Render("comment", "es", d)
	if got.Subject != want.Subject || got.HTML != want.HTML {
		t.Error("the override changed the parts it does not replace")
	}
	if en, _ := r.Render("comment", "en", d); en.Text == got.Text {
		t.Error("the Spanish override leaked into English")
	}
	res, err := r.Render("resolved", "en", SampleData("resolved", "en"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Subject != "[OTI-123] Fixed!" {
		t.Errorf("overridden subject = %q", res.Subject)
	}
}

// An operator may restyle the shared blocks; every notification of that
// language picks the change up.
func TestOverridePartials(t *testing.T) {
	partials := embedded(t, "es/_partials.txt.tmpl")
	changed := strings.Replace(partials, "Este es un mensaje automático.", "Mensaje automático de la OTI; no lo reenvíe.", 1)
	if changed == partials {
		t.Fatal("the footer text the test edits is gone")
	}
	r, err := NewRenderer(writeOverrides(t, map[string]string{"es/_partials.txt.tmpl": changed}))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		out, err := r.Render(name, "es", SampleData(name, "es"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.Text, "no lo reenvíe") {
			t.Errorf("%s does not use the overridden footer", name)
		}
	}
}

func TestOverrideEmptyHTMLMeansTextOnly(t *testing.T) {
	r, err := NewRenderer(writeOverrides(t, map[string]string{"es/reminder.html.tmpl": "\n"}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render("reminder", "es", SampleData("reminder", "es"))
	if err != nil {
		t.Fatal(err)
	}
	if out.HTML != "" || out.Text == "" {
		t.Fatalf("HTML = %q, text empty = %v", out.HTML, out.Text == "")
	}
}

// A broken override fails NewRenderer, and the error names the file, whether
// the mistake shows when parsing or only when executing.
func TestBrokenOverrideFailsAtStart(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		inErr   string // besides the file's path
	}{
		{"parse error", "es/comment.html.tmpl", "<p>{{.Ticket.Ref</p>", "bad character"},
		{"unknown field", "en/comment.txt.tmpl", "{{.Ticket.Nope}}", "Nope"},
		{"unknown function", "es/closed.txt.tmpl", "{{upper .Text}}", "upper"},
		{"nil actor", "es/resolved.txt.tmpl", "{{.Actor.Name}} {{.Ticket.Ref}}", "nil pointer"},
		{"missing block", "es/closed.txt.tmpl", `{{template "pie" .}}`, "pie"},
		{"subject without tag", "es/comment.subject.tmpl", "Nuevo comentario", "tag"},
		{"empty subject", "en/comment.subject.tmpl", "  \n", "empty"},
		{"empty text", "es/comment.txt.tmpl", "", "empty"},
		{"html bad context", "es/comment.html.tmpl", `<a href="{{.Ticket.Ref}}`, "comment.html.tmpl"},
		{"partials missing a block", "en/_partials.html.tmpl", `{{define "top"}}<html>{{end}}`, `no such template "bottom"`},
		{"broken partial", "es/_partials.txt.tmpl",
			strings.Replace(embedded(t, "es/_partials.txt.tmpl"), `{{- define "footer"}}`, `{{- define "footer"}}{{.Nope}}`, 1), "Nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeOverrides(t, map[string]string{tt.file: tt.content})
			_, err := NewRenderer(dir)
			if err == nil {
				t.Fatal("NewRenderer accepted a broken override")
			}
			want := filepath.Join(dir, filepath.FromSlash(tt.file))
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
			if !strings.Contains(err.Error(), tt.inErr) {
				t.Errorf("error %q does not say %q", err, tt.inErr)
			}
		})
	}
}

// A file or folder the renderer would not use is a typo: it must not leave
// the default silently in place.
func TestUnknownOverrideFileFails(t *testing.T) {
	tests := []struct {
		name string
		file string
	}{
		{"misspelt name", "es/coment.txt.tmpl"},
		{"wrong part", "es/comment.text.tmpl"},
		{"no extension", "es/comment.txt"},
		{"editor backup", "en/comment.txt.tmpl~"},
		{"unknown language", "fr/comment.txt.tmpl"},
		{"file at the top", "comment.txt.tmpl"},
		{"nested folder", "es/old/comment.txt.tmpl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeOverrides(t, map[string]string{tt.file: "x"})
			_, err := NewRenderer(dir)
			if err == nil {
				t.Fatal("NewRenderer accepted an unknown file")
			}
			// The error names the first path component that is wrong.
			parts := strings.Split(tt.file, "/")
			found := false
			for i := range parts {
				if strings.Contains(err.Error(), filepath.Join(append([]string{dir}, parts[:i+1]...)...)+":") {
					found = true
				}
			}
			if !found {
				t.Errorf("error %q does not name the offending path", err)
			}
		})
	}
}

func TestOverrideDirMustExist(t *testing.T) {
	if _, err := NewRenderer(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("NewRenderer accepted a missing override directory")
	}
}

// An override with the embedded defaults' own text changes nothing: the
// loader reads what it is given.
func TestOverrideWithDefaultsIsIdentity(t *testing.T) {
	files := map[string]string{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[p] = embedded(t, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(writeOverrides(t, files))
	if err != nil {
		t.Fatal(err)
	}
	def := newTestRenderer(t)
	for _, lang := range languages {
		for _, name := range names {
			a, _ := r.Render(name, lang, SampleData(name, lang))
			b, _ := def.Render(name, lang, SampleData(name, lang))
			if a != b {
				t.Errorf("%s/%s differs", lang, name)
			}
		}
	}
}
