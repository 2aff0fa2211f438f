package email

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addFixtureSeeds seeds a fuzz target with every .eml under testdata and
// testdata/machine.
func addFixtureSeeds(f *testing.F) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	machine, err2 := filepath.Glob(filepath.Join("testdata", "machine", "*.eml"))
	paths = append(paths, machine...)
	if err != nil || err2 != nil || len(paths) == 0 || len(machine) == 0 {
		f.Fatalf("no seed fixtures in testdata: %v %v", err, err2)
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
}

// FuzzParse checks that any input gives a well-formed result or a
// documented error, and never reaches Parse's last-resort recover.
func FuzzParse(f *testing.F) {
	addFixtureSeeds(f)
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--a--"))
	f.Add([]byte("Subject: =?utf-8?B?w6k=?= =?x?q?=E9?=\nContent-Type: text/html\n\n<p>hi</p>"))
	lim := Limits{MaxBytes: 1 << 20, MaxHeaderBytes: 8 << 10, MaxDepth: 8, MaxParts: 50}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, lim)
		if errors.Is(err, errInternal) {
			t.Fatalf("Parse panicked: %v", err)
		}
		var le *LimitError
		if err != nil && !errors.As(err, &le) && !errors.Is(err, ErrEmpty) {
			t.Fatalf("undocumented error: %v", err)
		}
		if m == nil {
			return
		}
		checkMessage(t, m)
	})
}

// checkMessage asserts the promises the Message type makes.
func checkMessage(t *testing.T, m *Message) {
	t.Helper()
	// Every string is one PostgreSQL's text type takes: valid UTF-8, no NUL.
	texts := map[string]string{"Subject": m.Subject, "Text": m.Text, "HTML": m.HTML, "From.Name": m.From.Name,
		"AutoReason": m.AutoReason, "MessageID": m.MessageID}
	for i, a := range m.Attachments {
		texts[fmt.Sprintf("Attachments[%d].ContentID", i)] = a.ContentID
		texts[fmt.Sprintf("Attachments[%d].ContentType", i)] = a.ContentType
	}
	if m.DSN != nil {
		texts["DSN.OriginalMessageID"] = m.DSN.OriginalMessageID
		for i, st := range m.DSN.Recipients {
			texts[fmt.Sprintf("DSN.Recipients[%d]", i)] = st.Recipient + st.Action + st.Status + st.Diagnostic
		}
	}
	for name, s := range texts {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("%s is not storable text (invalid UTF-8 or NUL): %q", name, s)
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Fatalf("Subject holds CR/LF: %q", m.Subject)
	}
	addrs := append([]Address{m.From}, m.To...)
	addrs = append(addrs, m.Cc...)
	addrs = append(addrs, m.ReplyTo...)
	if m.Sender != nil {
		addrs = append(addrs, *m.Sender)
	}
	for _, a := range addrs {
		if a.Email == "" {
			continue
		}
		if !validEmail(a.Email) || a.Email != strings.ToLower(a.Email) {
			t.Fatalf("invalid address %q", a.Email)
		}
		if !utf8.ValidString(a.Name) || strings.ContainsAny(a.Name, "\r\n") {
			t.Fatalf("bad display name %q", a.Name)
		}
	}
	if len(m.References) > MaxReferences {
		t.Fatalf("%d References, over %d", len(m.References), MaxReferences)
	}
	for _, id := range append(append([]string{m.MessageID}, m.InReplyTo...), m.References...) {
		if strings.ContainsAny(id, "<> \r\n") {
			t.Fatalf("bad id %q", id)
		}
	}
	for _, a := range m.Attachments {
		if a.Filename == "" || strings.ContainsAny(a.Filename, "/\\\x00\r\n") || !utf8.ValidString(a.Filename) {
			t.Fatalf("unsafe filename %q", a.Filename)
		}
		if a.Size != len(a.Data) {
			t.Fatalf("attachment %q: Size %d != len(Data) %d", a.Filename, a.Size, len(a.Data))
		}
	}
	if len(m.ContentHash) != 64 {
		t.Fatalf("ContentHash %q", m.ContentHash)
	}
}

func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"=?utf-8?q?a_b?=", "=?iso-8859-1?B?6Q==?= x", "P\xe9rez", "=?x?q?=?=", "=?utf-8?Q?=C3?= =?utf-8?Q?=A9?="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := decodeText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("decodeText(%q) = %q: invalid UTF-8", s, got)
		}
		if !strings.Contains(s, "=?") && utf8.ValidString(s) && got != s {
			t.Fatalf("plain UTF-8 changed: %q -> %q", s, got)
		}
	})
}

func FuzzParseIDs(f *testing.F) {
	for _, s := range []string{"<a@b> <c@d>", "a@b, c@d", "<<a@b>", "junk <x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids := parseIDs(s, 5)
		if len(ids) > 5 {
			t.Fatalf("%d ids, over the cap", len(ids))
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !validID(id) || seen[id] {
				t.Fatalf("bad or repeated id %q in %q", id, ids)
			}
			seen[id] = true
		}
	})
}

func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{`"A, B" <a@b.co>, c@d.co`, "=?utf-8?q?Jos=C3=A9?= <j@x.co>", "A <a@x> B <b@x>", "g: a@b.co;", "a@b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range parseAddressList(s) {
			if !validEmail(a.Email) || !utf8.ValidString(a.Name) || strings.ContainsAny(a.Name, "\r\n") {
				t.Fatalf("bad address %+v from %q", a, s)
			}
		}
	})
}

func FuzzParseMediaHeader(f *testing.F) {
	for _, s := range []string{`text/plain; charset="utf-8"`, `attachment; filename*0*=UTF-8''a%C3; filename*1*=%B1o`, `a/b; x="\"`, `x; ;=;a=`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, params := parseMediaHeader(s)
		if name := sanitizeFilename(paramText(params, "filename")); strings.ContainsAny(name, "/\\\x00") || !utf8.ValidString(name) {
			t.Fatalf("unsafe filename %q from %q", name, s)
		}
	})
}
