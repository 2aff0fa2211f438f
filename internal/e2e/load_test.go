package e2e

import (
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// letter is one message the fault suite puts in the support mailbox: a new
// request, or the requester's reply to an earlier request of hers (found
// by In-Reply-To and References).
type letter struct {
	id      string // Message-ID, without angle brackets
	from    string
	subject string
	answers string // the Message-ID of the request it replies to; "" for a request
	raw     []byte
}

func (l letter) isRequest() bool { return l.answers == "" }

// requesters write the load; none of them is in the roster, so what they
// write is a request or a comment, never a command.
var requesters = []string{ana, pedro, sofia}

// subjects vary the requests; the VPN and Wi-Fi ones are routed to the
// network service at level 2 by the configuration's keywords.
var subjects = []string{
	"No imprime la impresora del piso %d",
	"Sin acceso a la VPN desde casa (%d)",
	"Solicitud de equipo nuevo para el puesto %d",
	"El correo no sincroniza en el celular (%d)",
	"Wifi intermitente en la sala %d",
	"Restablecer contraseña del sistema de nómina, caso %d",
}

// makeLoad returns requests new requests and replies replies, in the order
// they are put in the mailbox: each reply comes a few messages after the
// request it answers, so it is never read before it. tag makes every
// Message-ID unique to the scenario.
func makeLoad(tag string, requests, replies int) []letter {
	var out, reqs []letter
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("COT", -5*3600))
	for i := range requests {
		from := requesters[i%len(requesters)]
		l := letter{
			id:      fmt.Sprintf("%s-pedido-%02d@example.gov.co", tag, i),
			from:    from,
			subject: fmt.Sprintf(subjects[i%len(subjects)], i+1),
		}
		date := base.Add(time.Duration(len(out)) * time.Minute)
		l.raw = []byte(fmt.Sprintf("From: %s\r\nTo: Mesa de Servicio <%s>\r\nSubject: %s\r\nMessage-ID: <%s>\r\n"+
			"Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
			"Buenos días,\r\n\r\n%s\r\n\r\n%s\r\nGracias.\r\n",
			from, deskAddr, l.subject, l.id, date.Format(time.RFC1123Z), l.subject, filler(i)))
		out = append(out, l)
		reqs = append(reqs, l)
		// One reply after every third request, to the request before last.
		if r := len(reqs) - 2; r >= 0 && i%3 == 2 && countReplies(out) < replies {
			out = append(out, replyTo(reqs[r], len(out), base))
		}
	}
	for r := 0; countReplies(out) < replies && requests > 0; r++ {
		out = append(out, replyTo(reqs[r%len(reqs)], len(out), base))
	}
	return out
}

func countReplies(ls []letter) int {
	n := 0
	for _, l := range ls {
		if !l.isRequest() {
			n++
		}
	}
	return n
}

// replyTo is the requester's follow-up to her request, quoting it.
func replyTo(req letter, n int, base time.Time) letter {
	l := letter{
		id:      fmt.Sprintf("%s-respuesta-%02d", strings.TrimSuffix(req.id, "@example.gov.co"), n) + "@example.gov.co",
		from:    req.from,
		subject: "Re: " + req.subject,
		answers: req.id,
	}
	date := base.Add(time.Duration(n) * time.Minute)
	l.raw = []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n"+
		"Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		"Sigue pasando, ¿alguna novedad? (seguimiento %d)\r\n\r\nEl 2 mar 2026, %s escribió:\r\n> %s\r\n",
		l.from, deskAddr, l.subject, l.id, req.id, req.id, date.Format(time.RFC1123Z), n, l.from, req.subject))
	return l
}

// filler makes the messages a realistic size (about 2 KB), so that a
// FETCH of a batch is long enough to be cut in the middle.
func filler(i int) string {
	var b strings.Builder
	for j := range 24 {
		fmt.Fprintf(&b, "Detalle %02d.%02d: el equipo muestra el mismo error al iniciar sesión.\r\n", i, j)
	}
	return b.String()
}

// put appends the letters to the support INBOX in order, over one IMAP
// connection straight to Dovecot, as the mail system's delivery agent
// would: it works while the SMTP server is down.
func (w *world) put(ls []letter) {
	w.t.Helper()
	c, err := imapclient.DialInsecure(w.dove.Addr, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(deskAddr, w.dove.Password).Wait(); err != nil {
		w.t.Fatal(err)
	}
	for _, l := range ls {
		msg := append([]byte("Delivered-To: "+deskAddr+"\r\n"), l.raw...)
		cmd := c.Append("INBOX", int64(len(msg)), nil)
		if _, err := cmd.Write(msg); err != nil {
			w.t.Fatalf("appending %s: %v", l.id, err)
		}
		if err := cmd.Close(); err != nil {
			w.t.Fatalf("appending %s: %v", l.id, err)
		}
		if _, err := cmd.Wait(); err != nil {
			w.t.Fatalf("appending %s: %v", l.id, err)
		}
	}
	c.Logout().Wait()
}
