package mailout

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

// FuzzComposeFiles feeds arbitrary attachment names, content types and
// Content-IDs (the sender's, as stored) to Compose. The message always
// parses; every part's header is one of the few a part may have, so no
// header comes from the input; each attachment's bytes come back as they
// went in.
func FuzzComposeFiles(f *testing.F) {
	f.Add("pantallazo.png", "image/png", "img1@mail.example", true, []byte("\x89PNG\r\n"))
	f.Add("a\r\nContent-Type: text/html\r\n\r\n<script>", "text/plain\r\nBcc: x@evil.example", "x>\r\nX-Evil: 1", false, []byte("data"))
	f.Add("../../etc/passwd", "image/png; name=\"x\"\"; evil", "", true, []byte{})
	f.Add("=?utf-8?b?QmNjOiB4?=", "", "<a@b>", true, []byte("--ticketd-"))
	f.Fuzz(func(t *testing.T, name, ctype, cid string, inline bool, data []byte) {
		e := testEnvelope()
		e.Files = []File{{Name: name, ContentType: ctype, ContentID: cid, Inline: inline, Data: data},
			{Name: "second.txt", ContentType: "text/plain", Data: []byte("second")}}
		var buf bytes.Buffer
		if err := WriteMessage(&buf, e); err != nil {
			if !errors.Is(err, ErrBadAddress) && !errors.Is(err, ErrBadHeader) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		msg, err := mail.ReadMessage(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("output does not parse: %v", err)
		}
		var got [][]byte
		var walk func(ct string, body io.Reader)
		walk = func(ct string, body io.Reader) {
			mt, params, err := mime.ParseMediaType(ct)
			if err != nil {
				t.Fatalf("content type %q: %v", ct, err)
			}
			if !strings.HasPrefix(mt, "multipart/") {
				return
			}
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("part: %v", err)
				}
				for k := range p.Header {
					switch k {
					case "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-Id":
					default:
						t.Fatalf("unexpected part header %q", k)
					}
				}
				pct := p.Header.Get("Content-Type")
				if strings.HasPrefix(pct, "multipart/") {
					walk(pct, p)
					continue
				}
				if p.Header.Get("Content-Disposition") == "" {
					continue // a body part
				}
				if p.Header.Get("Content-Transfer-Encoding") != "base64" {
					t.Fatalf("attachment encoded %q", p.Header.Get("Content-Transfer-Encoding"))
				}
				b, err := io.ReadAll(base64Decoder(p))
				if err != nil {
					t.Fatalf("attachment: %v", err)
				}
				got = append(got, b)
			}
		}
		walk(msg.Header.Get("Content-Type"), msg.Body)
		if len(got) != 2 || !bytes.Equal(got[0], data) && !bytes.Equal(got[1], data) {
			t.Fatalf("got %d attachments; the first one's bytes do not come back", len(got))
		}
	})
}

func base64Decoder(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, r) }

// TestInlineImageStaysInline: an inline image with its Content-ID goes as
// an inline part (multipart/related) with that Content-ID; an inline part
// without a usable one, and any other file, as an attachment.
func TestInlineImageStaysInline(t *testing.T) {
	e := testEnvelope()
	e.Files = []File{
		{Name: "logo.png", ContentType: "image/png", ContentID: "logo1@mail.example", Inline: true, Data: []byte("png")},
		{Name: "sin-id.png", ContentType: "image/png", ContentID: "not an id", Inline: true, Data: []byte("png2")},
		{Name: "informe.pdf", ContentType: "application/pdf", Data: []byte("%PDF")},
	}
	var buf bytes.Buffer
	if err := WriteMessage(&buf, e); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	for _, want := range []string{"multipart/related", "Content-Id: <logo1@mail.example>", `inline; filename="logo.png"`,
		`attachment; filename="sin-id.png"`, `attachment; filename="informe.pdf"`} {
		if !strings.Contains(strings.ReplaceAll(raw, "Content-ID", "Content-Id"), want) {
			t.Errorf("message lacks %q:\n%s", want, raw)
		}
	}
}

// TestInlineImageIsShown: the HTML of a notice that carries an inline
// image shows it by its Content-ID, the one its part has.
func TestInlineImageIsShown(t *testing.T) {
	r := newTestRenderer(t)
	d := SampleData("comment", "es")
	d.Recipient = Person{Name: "Carlos Gómez", Email: "cgomez@entidad.example", Role: "mesa"}
	d.Ticket.Files = []FileView{{ID: 9, Name: "captura.png", Size: 2048, Attached: true, Inline: true, ContentID: "img1@mail.example"},
		{ID: 10, Name: "otra.png", Size: 10, Attached: true, Inline: true, ContentID: "\"><script>"}}
	out, err := r.Render("comment", "es", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.HTML, `<img src="cid:img1@mail.example" alt="captura.png"`) {
		t.Errorf("the inline image is not shown:\n%s", out.HTML)
	}
	if strings.Contains(out.HTML, "<script>") {
		t.Errorf("a Content-ID reached the HTML unescaped")
	}
}
