package email

import (
	"errors"
	"strings"
	"testing"
)

// TestParseHostile feeds inputs built to make a naive parser quadratic or
// deep: they must parse, within the default limits, to a sane result. The
// test asserts on results only, never on time; a regression to quadratic
// work shows up as a test that takes minutes.
func TestParseHostile(t *testing.T) {
	tests := []struct {
		name  string
		raw   func() string
		check func(*Message, error) string
	}{
		{"field folded over 60k lines", func() string {
			return "From: a@b.co\r\nSubject: x" + strings.Repeat("\r\n y", 60000) + "\r\n\r\nbody"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if len(m.Subject) != 1+2*60000 {
				return "folded subject not joined"
			}
			return ""
		}},
		{"subject full of =?", func() string {
			return "From: a@b.co\r\nSubject: " + strings.Repeat("=?", 100000) + "\r\n\r\nbody"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if m.Subject != strings.Repeat("=?", 100000) {
				return "broken words must stay as written"
			}
			return ""
		}},
		{"subject of many encoded words", func() string {
			return "From: a@b.co\r\nSubject: " + strings.Repeat("=?utf-8?q?a?= ", 10000) + "\r\n\r\nbody"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if m.Subject != strings.Repeat("a", 10000) {
				return "encoded words not joined"
			}
			return ""
		}},
		{"references of 50k ids", func() string {
			return "From: a@b.co\r\nReferences: " + strings.Repeat("<x@y> <z", 25000) + "\r\n\r\nbody"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if len(m.References) > MaxReferences {
				return "References not capped"
			}
			return ""
		}},
		{"to of 50k addresses", func() string {
			return "From: a@b.co\r\nTo: " + strings.Repeat("x@y.co, ", 25000) + "\r\n\r\nbody"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if len(m.To) > maxAddresses {
				return "To not capped"
			}
			return ""
		}},
		{"body of delimiter look-alikes", func() string {
			return "From: a@b.co\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n" + strings.Repeat("--bx\r\n-- b\r\n", 50000) + "--b--\r\n"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if !strings.HasPrefix(m.Text, "--bx\n-- b\n") {
				return "look-alike delimiters must stay in the part"
			}
			return ""
		}},
		{"deep nesting is refused", func() string {
			var b strings.Builder
			b.WriteString("From: a@b.co\r\n")
			for i := 0; i < 5000; i++ {
				b.WriteString("Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n")
			}
			return b.String()
		}, func(m *Message, err error) string {
			var le *LimitError
			if !errors.As(err, &le) {
				return "want a LimitError"
			}
			return ""
		}},
		{"html of 100k nested divs", func() string {
			return "From: a@b.co\r\nContent-Type: text/html\r\n\r\n" + strings.Repeat("<div><blockquote><ul><li>", 25000) + "fin"
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if !m.TextFromHTML || !strings.HasSuffix(m.Text, "fin") {
				return "HTML text lost"
			}
			return ""
		}},
		{"base64 body of garbage", func() string {
			return "From: a@b.co\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + strings.Repeat("!!==**\r\n", 50000)
		}, func(m *Message, err error) string {
			if err != nil {
				return err.Error()
			}
			if len(m.Attachments) != 1 {
				return "attachment lost"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw()), DefaultLimits())
			if errors.Is(err, errInternal) {
				t.Fatalf("Parse panicked: %v", err)
			}
			if msg := tt.check(m, err); msg != "" {
				t.Error(msg)
			}
			if m != nil {
				checkMessage(t, m)
			}
		})
	}
}
