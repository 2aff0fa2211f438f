package mailout

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// hidingProxy forwards SMTP connections to a real server and removes
// extensions from its EHLO reply, so one go-smtp server can stand for a
// server without CHUNKING, or without PIPELINING either.
type hidingProxy struct {
	addr string
	hide []string
}

func newHidingProxy(t testing.TB, target string, hide ...string) *hidingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &hidingProxy{addr: ln.Addr().String(), hide: hide}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); io.Copy(s, c); s.Close() }()
			go func() { defer wg.Done(); p.replies(c, s); c.Close() }()
		}
	}()
	return p
}

// replies copies the server's replies line by line, renaming the hidden
// extensions in "250-NAME" and "250 NAME" lines to a name no client knows.
func (p *hidingProxy) replies(c, s net.Conn) {
	r := bufio.NewReader(s)
	for {
		line, err := r.ReadString('\n')
		if len(line) > 4 && strings.HasPrefix(line, "250") {
			for _, h := range p.hide {
				if strings.HasPrefix(strings.ToUpper(line[4:]), h) {
					line = line[:4] + "X-HIDDEN-" + line[4:]
				}
			}
		}
		if _, werr := io.WriteString(c, line); werr != nil || err != nil {
			return
		}
	}
}

// senderModes are the ways a transaction can run, each with the server
// address that makes the Sender choose it.
func senderModes(t testing.TB, f *fakeSMTP) []struct {
	name string
	addr string
	mode txMode
	off  bool // noPipelining
} {
	return []struct {
		name string
		addr string
		mode txMode
		off  bool
	}{
		{"chunking", f.addr, txChunked, false},
		{"pipelining", newHidingProxy(t, f.addr, "CHUNKING").addr, txPipelined, false},
		{"neither", newHidingProxy(t, f.addr, "CHUNKING", "PIPELINING").addr, txOneByOne, false},
		{"off", f.addr, txOneByOne, true},
	}
}

// TestSenderModesSendTheSameBytes: whatever the server offers, it receives
// exactly the bytes go-mail writes for the message, including lines that
// start with a dot and a message that ends without a line break.
func TestSenderModesSendTheSameBytes(t *testing.T) {
	f := newFakeSMTP(t, plainSMTP)
	ctx := context.Background()
	for _, mode := range senderModes(t, f) {
		t.Run(mode.name, func(t *testing.T) {
			before := len(f.Messages())
			s, err := NewSender(SMTPConfig{Address: mode.addr, TLS: TLSNone})
			if err != nil {
				t.Fatal(err)
			}
			s.noPipelining = mode.off
			defer s.Close()
			var want [][]byte
			for i, text := range []string{
				"Hola.\n.una línea que empieza con punto\n..y otra con dos\n.\nfin",
				strings.Repeat("línea larga con acentos y más texto ", 400), // over one write buffer
				"sin salto final",
			} {
				m, err := Compose(Envelope{
					From: Person{Email: "mesa@example.org", Name: "Mesa"}, To: []Person{{Email: "ana@example.org"}},
					Subject: "prueba", Text: text, HTML: "<p>" + text + "</p>",
					MessageID: "mode-" + mode.name + "-" + string(rune('a'+i)) + "@example.org",
				})
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if _, err := m.WriteTo(&b); err != nil {
					t.Fatal(err)
				}
				want = append(want, b.Bytes())
				if err := s.Send(ctx, m); err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
			}
			if s.mode != mode.mode {
				t.Errorf("mode = %v, want %v", s.mode, mode.mode)
			}
			got := f.Messages()[before:]
			if len(got) != len(want) {
				t.Fatalf("server has %d messages, want %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i].Data, want[i]) {
					t.Errorf("message %d differs from what go-mail wrote:\n got %q\nwant %q", i, got[i].Data, want[i])
				}
				if got[i].From != "mesa@example.org" || len(got[i].To) != 1 || got[i].To[0] != "ana@example.org" {
					t.Errorf("message %d envelope: from %q to %q", i, got[i].From, got[i].To)
				}
			}
		})
	}
}

// TestSenderModesClassifyAlike: a refusal or a dropped connection at any
// stage gives the same classified error in every mode, and the connection
// is usable (or replaced) for the next message.
func TestSenderModesClassifyAlike(t *testing.T) {
	cases := []struct {
		stage      string
		code       int
		temp, lost bool
	}{
		{"mail", 450, true, false},
		{"mail", 552, false, false},
		{"rcpt", 451, true, false},
		{"rcpt", 550, false, false},
		{"rcpt", 421, true, true},
		{"data", 452, true, false},
		{"data", 554, false, false},
		{"data", 0, true, true},
		{"rcpt", 0, true, true},
	}
	f := newFakeSMTP(t, plainSMTP)
	ctx := context.Background()
	for _, mode := range senderModes(t, f) {
		t.Run(mode.name, func(t *testing.T) {
			s, err := NewSender(SMTPConfig{Address: mode.addr, TLS: TLSNone})
			if err != nil {
				t.Fatal(err)
			}
			s.noPipelining = mode.off
			defer s.Close()
			for i, c := range cases {
				before := f.Count()
				f.inject(c.stage, c.code, "", 1)
				err := s.Send(ctx, sendMsg(t, 100+i, "ana@example.org"))
				var de *DeliveryError
				if !errors.As(err, &de) {
					t.Fatalf("%s %d: error = %v, want a *DeliveryError", c.stage, c.code, err)
				}
				if de.Temporary != c.temp || de.ConnLost != c.lost || de.Code != c.code {
					t.Errorf("%s %d: temporary=%v conn_lost=%v code=%d, want %v %v %d (%v)",
						c.stage, c.code, de.Temporary, de.ConnLost, de.Code, c.temp, c.lost, c.code, err)
				}
				if c.code != 0 && !strings.Contains(de.Reason(), "injected by the test") {
					t.Errorf("%s %d: reason %q does not carry the server's text", c.stage, c.code, de.Reason())
				}
				if err := s.Send(ctx, sendMsg(t, 200+i, "ana@example.org")); err != nil {
					t.Fatalf("%s %d: next message: %v", c.stage, c.code, err)
				}
				if got := f.Count() - before; got != 1 {
					t.Errorf("%s %d: server took %d messages, want 1", c.stage, c.code, got)
				}
			}
		})
	}
}

// TestSenderPipelinedRefusedButDataTaken: a server that refuses the only
// recipient and then still answers 354 to the pipelined DATA must not get
// the message: the Sender walks away before the final dot.
func TestSenderPipelinedRefusedButDataTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	heard := make(chan []string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		tc := textproto.NewConn(c)
		var lines []string
		defer func() { heard <- lines }()
		tc.PrintfLine("220 scripted ESMTP")
		for {
			line, err := tc.ReadLine()
			if err != nil {
				return
			}
			lines = append(lines, line)
			switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
			case "EHLO":
				tc.PrintfLine("250-scripted\r\n250-PIPELINING\r\n250 8BITMIME")
			case "MAIL":
				tc.PrintfLine("250 ok")
			case "RCPT":
				tc.PrintfLine("550 5.1.1 no such user")
			case "DATA":
				tc.PrintfLine("354 go ahead anyway")
			case "QUIT":
				tc.PrintfLine("221 bye")
				return
			case ".":
				tc.PrintfLine("250 taken")
			}
		}
	}()
	s, err := NewSender(SMTPConfig{Address: ln.Addr().String(), TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Send(context.Background(), sendMsg(t, 1, "nadie@example.org"))
	var de *DeliveryError
	if !errors.As(err, &de) || de.Temporary || de.Code != 550 {
		t.Fatalf("error = %v, want the permanent 550", err)
	}
	if s.Connected() {
		t.Error("the connection was kept after the server took DATA for a refused transaction")
	}
	lines := <-heard
	for _, l := range lines {
		if l == "." {
			t.Fatalf("the message was ended with a dot: the server could deliver it\n%q", lines)
		}
	}
	if s.mode != txPipelined {
		t.Errorf("mode = %v, want %v", s.mode, txPipelined)
	}
}

// FuzzDotStuff: what dotStuff writes reads back, through the standard
// library's DATA reader, as the input with CRLF line ends; appendCRLF turns
// every bare LF into CRLF and changes nothing else.
func FuzzDotStuff(f *testing.F) {
	for _, s := range []string{"", ".", "a\n.b\r\n..c", "x\r\n.\r\n", "\n\n.", "a\rb\n", "fin sin salto"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		crlf := appendCRLF(nil, data)
		if bytes.Count(crlf, []byte("\n")) != bytes.Count(crlf, []byte("\r\n")) {
			t.Fatalf("appendCRLF(%q) = %q has a bare LF", data, crlf)
		}
		if got := bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\n")); !bytes.Equal(got, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))) {
			t.Fatalf("appendCRLF(%q) = %q changed more than line ends", data, crlf)
		}
		stuffed := dotStuff(nil, data)
		got, err := io.ReadAll(textproto.NewReader(bufio.NewReader(bytes.NewReader(stuffed))).DotReader())
		if err != nil {
			t.Fatalf("dotStuff(%q) = %q: %v", data, stuffed, err)
		}
		// DotReader turns CRLF into LF.
		want := bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\n"))
		if len(want) > 0 && want[len(want)-1] != '\n' {
			want = append(want, '\n')
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("dotStuff(%q) reads back as %q, want %q", data, got, want)
		}
	})
}

// TestSenderEightBitNeeds8BITMIME: an 8bit message goes as it is to a
// server that offers 8BITMIME, and as quoted-printable to one that does
// not, in every transaction mode; the text reads back the same.
func TestSenderEightBitNeeds8BITMIME(t *testing.T) {
	f := newFakeSMTP(t, plainSMTP)
	servers := []struct {
		name    string
		addr    string
		wantEnc string
	}{
		{"8BITMIME", f.addr, "8bit"},
		{"no 8BITMIME, chunking", newHidingProxy(t, f.addr, "8BITMIME").addr, "quoted-printable"},
		{"no 8BITMIME, pipelining", newHidingProxy(t, f.addr, "8BITMIME", "CHUNKING").addr, "quoted-printable"},
		{"no 8BITMIME, one by one", newHidingProxy(t, f.addr, "8BITMIME", "CHUNKING", "PIPELINING").addr, "quoted-printable"},
	}
	text := "Señora Núñez:\n.su caso quedó registrado.\n-- \nMesa de Servicio\n"
	for i, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s, err := NewSender(SMTPConfig{Address: srv.addr, TLS: TLSNone})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			e := testEnvelope()
			e.EightBit, e.Text, e.HTML = true, text, "<p>Señora Núñez</p>\n"
			e.MessageID = "eightbit-" + string(rune('a'+i)) + "@entidad.example"
			m, err := Compose(e)
			if err != nil {
				t.Fatal(err)
			}
			before := len(f.Messages())
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := f.Messages()[before:]
			if len(got) != 1 {
				t.Fatalf("server has %d new messages, want 1", len(got))
			}
			if !strings.Contains(string(got[0].Data), "Content-Transfer-Encoding: "+srv.wantEnc) {
				t.Errorf("message is not %s:\n%s", srv.wantEnc, got[0].Data)
			}
			if srv.wantEnc != "8bit" && bytes.Contains(got[0].Data, []byte("8bit")) {
				t.Errorf("an 8bit part went to a server without 8BITMIME:\n%s", got[0].Data)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
			if err != nil {
				t.Fatal(err)
			}
			parts := bodyParts(t, msg)
			if p := strings.ReplaceAll(parts["text/plain"], "\r\n", "\n"); p != text {
				t.Errorf("text reads back as %q, want %q", p, text)
			}
		})
	}
}
