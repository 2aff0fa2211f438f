package mailout

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"

	gomail "github.com/wneessen/go-mail"
)

// Transaction modes of a connection, from the server's EHLO reply.
//
// go-mail runs a transaction one command at a time: MAIL FROM, wait, RCPT
// TO, wait, DATA, wait, the dot-stuffed message, wait. Four round trips,
// and every byte of the message goes through a dot-stuffing writer one at a
// time (and a dot-unstuffing reader on the server). Most servers offer
// better (Postfix, Exchange, Gmail, go-smtp):
//
//   - PIPELINING (RFC 2920) lets MAIL FROM, RCPT TO and DATA go out in one
//     write: two round trips.
//   - CHUNKING (RFC 3030) with PIPELINING sends "BDAT <size> LAST" and the
//     message as it is, right after RCPT TO: one write, one round trip, and
//     no dot-stuffing on either side.
//
// The message bytes are go-mail's own (Msg.WriteTo), so what is sent does
// not depend on the mode; only the envelope commands are written here.
type txMode int

const (
	txOneByOne txMode = iota // go-mail's own transaction
	txPipelined
	txChunked
)

func (m txMode) String() string {
	switch m {
	case txPipelined:
		return "PIPELINING"
	case txChunked:
		return "PIPELINING+CHUNKING"
	}
	return "one command at a time"
}

// modeOf reads what the connection's server offers.
func (s *Sender) modeOf() txMode {
	if s.noPipelining {
		return txOneByOne
	}
	if ok, _ := s.conn.Extension("PIPELINING"); !ok {
		return txOneByOne
	}
	if ok, _ := s.conn.Extension("CHUNKING"); ok {
		return txChunked
	}
	return txPipelined
}

// envelopeOf returns m's MAIL FROM and RCPT TO paths, and whether this file's
// transaction can carry them: ASCII addresses only. A non-ASCII address
// needs SMTPUTF8's rules, which go-mail's transaction applies.
func envelopeOf(m *gomail.Msg) (from string, rcpts []string, ok bool, err error) {
	if from, err = m.GetSender(false); err != nil {
		return "", nil, false, err
	}
	if rcpts, err = m.GetRecipients(); err != nil {
		return "", nil, false, err
	}
	for _, a := range append([]string{from}, rcpts...) {
		for i := 0; i < len(a); i++ {
			// Compose validated every address; a control character or
			// a non-ASCII byte is left to go-mail's checks.
			if c := a[i]; c < 0x21 && c != ' ' || c >= 0x7f {
				return from, rcpts, false, nil
			}
		}
	}
	return from, rcpts, true, nil
}

// sendPipelined runs one transaction in s.mode over the open connection.
// It reads every reply the server owes before it returns, so the
// connection stays in step for the next message; after a refused command
// it sends RSET (RFC 5321 §4.1.1.5), as go-mail does.
func (s *Sender) sendPipelined(m *gomail.Msg, from string, rcpts []string) *DeliveryError {
	s.msg.Reset()
	if _, err := m.WriteTo(&s.msg); err != nil {
		// Writing into memory fails only for a message that cannot be
		// built: sending it again would fail the same way.
		return &DeliveryError{Err: fmt.Errorf("write message: %w", err)}
	}
	data := s.msg.Bytes()

	c := s.conn
	if err := c.UpdateDeadline(s.cfg.Timeout); err != nil {
		return &DeliveryError{Temporary: true, ConnLost: true, beforeData: true, Err: err}
	}
	out := s.out[:0]
	out = append(out, "MAIL FROM:"...)
	out = append(out, from...)
	// The parameters go-mail's own MAIL FROM would carry.
	if ok, _ := c.Extension("8BITMIME"); ok {
		out = append(out, " BODY=8BITMIME"...)
	}
	if ok, _ := c.Extension("SMTPUTF8"); ok {
		out = append(out, " SMTPUTF8"...)
	}
	out = append(out, "\r\n"...)
	for _, r := range rcpts {
		out = append(out, "RCPT TO:"...)
		out = append(out, r...)
		out = append(out, "\r\n"...)
	}
	if s.mode == txChunked {
		bareLF := bytes.Count(data, []byte("\n")) - bytes.Count(data, []byte("\r\n"))
		out = append(out, "BDAT "...)
		out = strconv.AppendInt(out, int64(len(data)+bareLF), 10)
		out = append(out, " LAST\r\n"...)
		out = appendCRLF(out, data)
	} else {
		out = append(out, "DATA\r\n"...)
	}
	s.keep(out)

	// One write: the buffered writer passes a slice larger than its
	// buffer straight to the connection when it holds nothing else.
	if _, err := c.Text.W.Write(out); err != nil {
		return lost(err, true)
	}
	if err := c.Text.W.Flush(); err != nil {
		return lost(err, true)
	}

	var refused error // the first refusal, reported
	replied := false  // the server answered something
	read := func(stage string, expect int) (ok bool, de *DeliveryError) {
		code, msg, err := c.Text.ReadResponse(expect)
		if err == nil {
			replied = true
			return true, nil
		}
		var te *textproto.Error
		if !errors.As(err, &te) {
			de := lost(fmt.Errorf("%s: %w", stage, err), !replied)
			// Once the message's end is written the server may have it:
			// a reply that never comes to the end of the data, or, with
			// BDAT, a silence (a server may hold its pipelined replies
			// until the message is processed, RFC 2920 §3.2), is no
			// refusal. A closed connection before any reply is a server
			// that dropped an idle client, as before.
			if stage == endStage || s.mode == txChunked && (replied || isTimeout(err)) {
				de.Unconfirmed, de.beforeData = true, false
			}
			return false, de
		}
		replied = true
		if refused == nil {
			refused = fmt.Errorf("%s: %w", stage, &textproto.Error{Code: code, Msg: msg})
		}
		return false, nil
	}
	if _, de := read("MAIL FROM "+from, 250); de != nil {
		return de
	}
	for _, r := range rcpts {
		if _, de := read("RCPT TO "+r, 25); de != nil {
			return de
		}
	}
	if s.mode == txChunked {
		if _, de := read(endStage, 250); de != nil {
			return de
		}
		return s.endRefused(refused)
	}
	ok, de := read("DATA", 354)
	if de != nil {
		return de
	}
	if !ok {
		return s.endRefused(refused)
	}
	if refused != nil {
		// A server that takes DATA after refusing the sender or a
		// recipient wants a message we must not hand over (RFC 2920 §3.1
		// says it should not happen). Walking away is the only safe end:
		// without the final dot nothing is delivered.
		s.drop()
		return classifyRefusal(refused)
	}
	out = dotStuff(s.out[:0], data)
	s.keep(out)
	if _, err := c.Text.W.Write(out); err != nil {
		return lost(err, false)
	}
	if err := c.Text.W.Flush(); err != nil {
		return lost(err, false)
	}
	if _, de := read(endStage, 250); de != nil {
		return de
	}
	return s.endRefused(refused)
}

// endStage names the reply to the end of the message (the final dot, or
// BDAT LAST) in errors.
const endStage = "end of data"

// isTimeout reports whether err is a deadline that passed.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// endRefused finishes a transaction whose replies were all read: nil when
// nothing was refused; otherwise RSET, then the refusal classified.
func (s *Sender) endRefused(refused error) *DeliveryError {
	if refused == nil {
		return nil
	}
	de := classifyRefusal(refused)
	if de.ConnLost {
		return de
	}
	if err := s.conn.Reset(); err != nil {
		// Not in step any more: the next message starts on a new one.
		s.drop()
	}
	return de
}

// classifyRefusal classifies an SMTP error reply as classify does go-mail's
// errors.
func classifyRefusal(err error) *DeliveryError {
	de := &DeliveryError{Temporary: true, Err: err}
	var te *textproto.Error
	if errors.As(err, &te) {
		de.Code = te.Code
	}
	classifyCode(de)
	return de
}

// lost is a connection that failed mid-transaction. beforeData: the server
// had answered nothing, so it cannot have taken the message and a retry on
// a new connection is safe.
func lost(err error, beforeData bool) *DeliveryError {
	return &DeliveryError{Temporary: true, ConnLost: true, beforeData: beforeData, Err: err}
}

// dotStuff appends data to dst as the DATA command carries it (RFC 5321
// §4.5.2): a dot doubled at the start of every line, CRLF line ends, then
// the terminating ".\r\n".
func dotStuff(dst, data []byte) []byte {
	for len(data) > 0 {
		if data[0] == '.' {
			dst = append(dst, '.')
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			dst = append(dst, data...)
			dst = append(dst, "\r\n"...)
			break
		}
		line := data[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		dst = append(dst, line...)
		dst = append(dst, "\r\n"...)
		data = data[i+1:]
	}
	return append(dst, ".\r\n"...)
}

// appendCRLF appends data to dst with every bare LF turned into CRLF, as
// the DATA path's dot-stuffing does: BDAT carries the bytes as they are,
// and RFC 5322 wants CRLF line ends. go-mail writes CRLF already, so this
// is a copy that changes nothing in the usual case.
func appendCRLF(dst, data []byte) []byte {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return append(dst, data...)
		}
		if i > 0 && data[i-1] == '\r' {
			dst = append(dst, data[:i+1]...)
		} else {
			dst = append(dst, data[:i]...)
			dst = append(dst, "\r\n"...)
		}
		data = data[i+1:]
	}
	return dst
}

// keep holds on to out's memory for the next message, unless it is large.
func (s *Sender) keep(out []byte) {
	if cap(out) > maxKeptBuffer {
		s.out = nil
		return
	}
	s.out = out[:0]
}

// maxKeptBuffer bounds the buffers a Sender keeps between messages: an
// unusually large message does not pin its size in memory.
const maxKeptBuffer = 1 << 20
