package e2e

// The benchmarks' SMTP server: it accepts everything and keeps, for each
// message, only what the measurements need (when it was accepted, its
// Message-ID, what it answers, whether it is an acknowledgement), so that
// ten thousand notifications cost a few megabytes and no IMAP delivery
// slows the sender down. The world's server (world_test.go) delivers into
// Dovecot instead, which the procedure tests need and the benchmarks must
// not pay for.

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// sinkAccept is one message the sink accepted.
type sinkAccept struct {
	at        time.Time // when the sink answered the end of DATA
	messageID string
	inReplyTo string
	ack       bool // Auto-Submitted: auto-replied (the requester's acknowledgement)
	rcpts     []string
}

// benchSink is an SMTP server that records what it accepts.
type benchSink struct {
	srv *smtp.Server
	ln  net.Listener

	mu     sync.Mutex
	all    []sinkAccept
	acks   map[string][]time.Time // In-Reply-To → accept times of acknowledgements
	byID   map[string]int         // Message-ID → times accepted
	notify chan struct{}          // a token after every accepted message
}

// startBenchSink starts a recording SMTP server on loopback, stopped at the end
// of the benchmark.
func startBenchSink(tb testing.TB) *benchSink {
	tb.Helper()
	s := &benchSink{acks: map[string][]time.Time{}, byID: map[string]int{}, notify: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &benchSinkSession{s: s}, nil }))
	s.srv.Domain = "mx.example.gov.co"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 30 << 20
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.ln = ln
	go s.srv.Serve(ln)
	tb.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *benchSink) addr() string { return s.ln.Addr().String() }

func (s *benchSink) record(a sinkAccept) {
	s.mu.Lock()
	s.all = append(s.all, a)
	s.byID[a.messageID]++
	if a.ack {
		s.acks[a.inReplyTo] = append(s.acks[a.inReplyTo], a.at)
	}
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// ackAt returns when the first acknowledgement answering msgID was
// accepted.
func (s *benchSink) ackAt(msgID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at := s.acks[msgID]; len(at) > 0 {
		return at[0], true
	}
	return time.Time{}, false
}

// counts returns how many messages and how many distinct acknowledged
// requests the sink has seen.
func (s *benchSink) counts() (messages, acked int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all), len(s.acks)
}

// lastAccept is when the sink accepted its latest message.
func (s *benchSink) lastAccept() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	for _, a := range s.all {
		if a.at.After(last) {
			last = a.at
		}
	}
	return last
}

// times returns how many times the sink accepted the message msgID.
func (s *benchSink) times(msgID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[msgID]
}

// duplicates returns the Message-IDs accepted more than once and the
// requests acknowledged more than once.
func (s *benchSink) duplicates() (messages, acks []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, n := range s.byID {
		if n > 1 {
			messages = append(messages, id)
		}
	}
	for id, at := range s.acks {
		if len(at) > 1 {
			acks = append(acks, id)
		}
	}
	return messages, acks
}

// benchSinkSession is one SMTP session of the sink.
type benchSinkSession struct {
	s     *benchSink
	rcpts []string
}

func (r *benchSinkSession) Mail(string, *smtp.MailOptions) error { return nil }

func (r *benchSinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	r.rcpts = append(r.rcpts, strings.ToLower(to))
	return nil
}

// Data reads the header section, skips the body and records the message.
func (r *benchSinkSession) Data(body io.Reader) error {
	br := bufio.NewReader(body)
	h, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return err
	}
	a := sinkAccept{
		messageID: benchTrimAngle(h.Get("Message-Id")),
		inReplyTo: benchTrimAngle(h.Get("In-Reply-To")),
		ack:       strings.EqualFold(strings.TrimSpace(h.Get("Auto-Submitted")), "auto-replied"),
		rcpts:     r.rcpts,
	}
	a.at = time.Now()
	r.s.record(a)
	return nil
}

func (r *benchSinkSession) Reset()        { r.rcpts = nil }
func (r *benchSinkSession) Logout() error { return nil }

func benchTrimAngle(s string) string {
	s = strings.TrimSpace(s)
	return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
}
