package imapin

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

const (
	testUser     = "soporte@example.org"
	testPassword = "s3cret"
)

// Capability sets for the in-memory server: with MOVE, with only UIDPLUS,
// and bare IMAP4rev1 (neither).
var (
	capsMove    = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}}
	capsUIDPlus = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	capsBare    = imap.CapSet{imap.CapIMAP4rev1: {}}
)

// memServer is go-imap's in-memory server on a real loopback socket.
type memServer struct {
	Addr string
	User *imapmemserver.User
}

type memOptions struct {
	caps      imap.CapSet
	tlsConfig *tls.Config // STARTTLS offered when set
	implicit  bool        // wrap the listener in TLS (needs tlsConfig)
	sasl      func(sess imapserver.Session) imapserver.Session
}

func startMem(t testing.TB, o memOptions) *memServer {
	t.Helper()
	if o.caps == nil {
		o.caps = capsMove
	}
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(testUser, testPassword)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			sess := mem.NewSession()
			if o.sasl != nil {
				sess = o.sasl(sess)
			}
			return sess, nil, nil
		},
		Caps:         o.caps,
		InsecureAuth: o.tlsConfig == nil,
		TLSConfig:    o.tlsConfig,
		Logger:       discardLogger{},
	})
	var ln net.Listener
	var err error
	if o.implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", o.tlsConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &memServer{Addr: ln.Addr().String(), User: user}
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// testLogger sends the poller's log to the test log (visible with -v or on
// failure) at debug level.
func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("IMAPIN_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// baseConfig is a plain-text loopback account on addr.
func baseConfig(t testing.TB, addr string) Config {
	return Config{
		Name:         "default",
		Address:      addr,
		TLS:          TLSNone,
		Username:     testUser,
		Password:     testPassword,
		PollInterval: time.Hour, // tests that poll say so
		Logger:       testLogger(t),
	}
}

// startPoller runs a Poller until the test ends (or stop is called) and
// reports Run's result on the returned channel.
func startPoller(t testing.TB, cfg Config, h Handler, tweak func(*Poller)) (p *Poller, stop func() error) {
	t.Helper()
	p, err := New(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	p.minBackoff, p.maxBackoff = 5*time.Millisecond, 50*time.Millisecond
	if tweak != nil {
		tweak(p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(20 * time.Second):
				runErr = errors.New("Run did not return after cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	return p, stop
}

// memHandler is an in-memory Handler: a map from content hash to the stored
// message, deduplicating like the real store does.
type memHandler struct {
	mu       sync.Mutex
	stored   map[[32]byte]Outcome
	messages []Fetched
	batches  [][]uint32 // UIDs per Handle call, in order
	dups     int
	cursors  map[string]uint32
	cursorN  atomic.Int32   // Cursor calls: one per drain in seen mode
	calls    chan []Fetched // optional: each Handle's batch, after commit

	// quarantine decides the outcome of a new message (nil: process).
	quarantine func(f Fetched) (bool, string)
	// later, when it says so, leaves a message for a later pass: nothing
	// stored, outcome Later.
	later func(f Fetched) bool
	// fail, when set, is called first; a non-nil error fails the batch.
	fail func(batch []Fetched) error
	// afterCommit runs after the batch is stored, before returning.
	afterCommit func(batch []Fetched)
}

func newMemHandler() *memHandler {
	return &memHandler{stored: map[[32]byte]Outcome{}, cursors: map[string]uint32{}}
}

func cursorKey(account, mailbox string, uidValidity uint32) string {
	return fmt.Sprintf("%s\x00%s\x00%d", account, mailbox, uidValidity)
}

func (h *memHandler) Handle(ctx context.Context, batch []Fetched) ([]Outcome, error) {
	if h.fail != nil {
		if err := h.fail(batch); err != nil {
			return nil, err
		}
	}
	h.mu.Lock()
	var uids []uint32
	outs := make([]Outcome, 0, len(batch))
	for _, f := range batch {
		uids = append(uids, f.UID)
		if h.later != nil && h.later(f) {
			outs = append(outs, Outcome{UID: f.UID, Later: true, Reason: "dns: temporary failure"})
			continue
		}
		key := sha256.Sum256(f.Raw)
		o, ok := h.stored[key]
		if ok {
			h.dups++
		} else {
			if h.quarantine != nil {
				o.Quarantine, o.Reason = h.quarantine(f)
			}
			h.stored[key] = o
			h.messages = append(h.messages, f)
		}
		o.UID = f.UID
		outs = append(outs, o)
		k := cursorKey(f.Account, f.Mailbox, f.UIDValidity)
		if f.UID > h.cursors[k] {
			h.cursors[k] = f.UID
		}
	}
	h.batches = append(h.batches, uids)
	h.mu.Unlock()
	if h.afterCommit != nil {
		h.afterCommit(batch)
	}
	if h.calls != nil {
		h.calls <- batch
	}
	return outs, nil
}

func (h *memHandler) Cursor(ctx context.Context, account, mailbox string, uidValidity uint32) (uint32, error) {
	h.cursorN.Add(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cursors[cursorKey(account, mailbox, uidValidity)], nil
}

func (h *memHandler) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.messages)
}

func (h *memHandler) snapshot() (messages []Fetched, batches [][]uint32, dups int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Fetched(nil), h.messages...), append([][]uint32(nil), h.batches...), h.dups
}

// testMessage returns a small RFC 5322 message; pad adds body bytes.
func testMessage(i, pad int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: usuario%d@example.org\r\n", i)
	b.WriteString("To: soporte@example.org\r\n")
	fmt.Fprintf(&b, "Subject: Solicitud %d\r\n", i)
	fmt.Fprintf(&b, "Message-ID: <m%d.%d@example.org>\r\n", i, time.Now().UnixNano())
	b.WriteString("Date: Mon, 02 Jun 2025 10:00:00 -0500\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	fmt.Fprintf(&b, "No puedo ingresar al sistema (%d).\r\n", i)
	for b.Len() < pad {
		b.WriteString("Relleno para alcanzar el tamaño pedido en la prueba.\r\n")
	}
	return b.Bytes()
}

// client logs in to addr as the test user with LOGIN over plain TCP.
func client(t testing.TB, addr, user, password string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(user, password).Wait(); err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// appendMessage APPENDs raw to mailbox through c.
func appendMessage(t testing.TB, c *imapclient.Client, mailbox string, raw []byte) {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append to %s: %v", mailbox, err)
	}
}

// boxMessage is one message as seen by an inspecting client.
type boxMessage struct {
	UID   uint32
	Flags []string
	Raw   []byte
}

// listMailbox examines mailbox and returns its messages in UID order; a
// missing mailbox yields nil.
func listMailbox(t testing.TB, c *imapclient.Client, mailbox string) []boxMessage {
	t.Helper()
	data, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil
	}
	if data.NumMessages == 0 {
		return []boxMessage{}
	}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("fetch %s: %v", mailbox, err)
	}
	var out []boxMessage
	for _, b := range bufs {
		m := boxMessage{UID: uint32(b.UID)}
		for _, f := range b.Flags {
			m.Flags = append(m.Flags, string(f))
		}
		sort.Strings(m.Flags)
		if len(b.BodySection) > 0 {
			m.Raw = b.BodySection[0].Bytes
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out
}

// eventually polls cond until it holds or the (generous) limit passes. It
// waits for a state; it does not measure time.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// selfSignedTLS returns a server config for 127.0.0.1/localhost and a client
// config trusting it.
func selfSignedTLS(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "imapin test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

// proxy forwards TCP connections to target and can cut them all, to
// simulate a crash or a network failure at a chosen moment.
type proxy struct {
	Addr   string
	target string
	mu     sync.Mutex
	conns  []net.Conn
	ln     net.Listener
}

func startProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{Addr: ln.Addr().String(), target: target, ln: ln}
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

// cut closes every connection made so far.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
