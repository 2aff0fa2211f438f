package e2e

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
)

// cutProxy is a TCP proxy between ticketd and Dovecot that cuts
// connections: in the middle of a FETCH of message bodies (cutFetches), or
// all at once on command (cutAll). A cut closes both sides, as a network
// failure or a server restart would.
type cutProxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	mu    sync.Mutex
	plan  []int // bytes of FETCH response to let through, one per connection to cut
	conns map[*proxied]bool
	cuts  int // connections cut mid-fetch
}

// proxied is one client connection and its server connection.
type proxied struct {
	client, server net.Conn
	budget         int  // server bytes left before the cut; -1: no cut planned
	armed          bool // a body FETCH was sent: the budget counts down
	once           sync.Once
}

// fetchMarker is what a body FETCH command carries (RFC 3501 section
// 6.4.5, "BODY.PEEK[<section>]").
var fetchMarker = []byte("BODY.PEEK[")

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{t: t, ln: ln, target: target, conns: map[*proxied]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cutAll()
	})
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

// cutFetches plans cuts: the next len(after) connections that send a body
// FETCH are cut once after[i] bytes of the server's answers have gone
// through from then on (so a cut may also land in a later batch, or in the
// MOVE that follows one).
func (p *cutProxy) cutFetches(after ...int) {
	p.mu.Lock()
	p.plan = append(p.plan, after...)
	p.mu.Unlock()
}

// cutAll cuts every open connection now and returns how many there were.
func (p *cutProxy) cutAll() int {
	p.mu.Lock()
	var cs []*proxied
	for c := range p.conns {
		cs = append(cs, c)
	}
	p.mu.Unlock()
	for _, c := range cs {
		c.close()
	}
	return len(cs)
}

// fetchCuts returns how many connections were cut mid-fetch, and how many
// planned cuts are still waiting for a connection.
func (p *cutProxy) fetchCuts() (done, planned int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts, len(p.plan)
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		pc := &proxied{client: c, server: s, budget: -1}
		p.mu.Lock()
		p.conns[pc] = true
		p.mu.Unlock()
		go p.upstream(pc)
		go p.downstream(pc)
	}
}

// upstream copies the client's commands to the server, arming the
// connection's cut when a body FETCH goes by.
func (p *cutProxy) upstream(pc *proxied) {
	defer p.drop(pc)
	buf := make([]byte, 32<<10)
	var tail []byte // the end of the previous read, for a marker split across reads
	for {
		n, err := pc.client.Read(buf)
		if n > 0 {
			look := append(tail, buf[:n]...)
			if bytes.Contains(look, fetchMarker) {
				p.arm(pc)
			}
			tail = append(tail[:0], look[max(0, len(look)-len(fetchMarker)):]...)
			if _, werr := pc.server.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// arm gives the connection the next planned cut, the first time it sends a
// body FETCH. It runs before the command reaches the server.
func (p *cutProxy) arm(pc *proxied) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pc.armed || len(p.plan) == 0 {
		return
	}
	pc.armed, pc.budget = true, p.plan[0]
	p.plan = p.plan[1:]
}

// downstream copies the server's answers to the client, cutting the
// connection when an armed budget runs out.
func (p *cutProxy) downstream(pc *proxied) {
	defer p.drop(pc)
	buf := make([]byte, 32<<10)
	for {
		n, err := pc.server.Read(buf)
		if n > 0 {
			send, cut := n, false
			p.mu.Lock()
			if pc.armed && pc.budget >= 0 {
				if n >= pc.budget {
					send, cut = pc.budget, true
					p.cuts++
				} else {
					pc.budget -= n
				}
			}
			p.mu.Unlock()
			if _, werr := pc.client.Write(buf[:send]); werr != nil {
				return
			}
			if cut {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *cutProxy) drop(pc *proxied) {
	pc.close()
	p.mu.Lock()
	delete(p.conns, pc)
	p.mu.Unlock()
}

func (pc *proxied) close() {
	pc.once.Do(func() {
		pc.client.Close()
		pc.server.Close()
	})
}

// TestFaultProxyCuts checks the proxy itself: a connection is cut after the
// planned number of bytes once a body FETCH went by, and not before.
func TestFaultProxyCuts(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	p := newCutProxy(t, echo.Addr().String())
	p.cutFetches(10)
	cases := []struct {
		name  string
		send  []string
		cutAt int // bytes echoed back before the cut; 0: no cut, all come back
	}{
		{"no fetch, no cut", []string{"a001 NOOP\r\n", "a002 UID SEARCH ALL\r\n"}, 0},
		{"cut ten bytes into the fetch", []string{"a003 UID FETCH 1:* (UID BODY.PEEK[])\r\n", "0123456789abcdef"}, 10},
		{"plan used up: no more cuts", []string{"a004 UID FETCH 1 (BODY.PEEK[])\r\n"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", p.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var want int
			for _, s := range c.send {
				if _, err := conn.Write([]byte(s)); err != nil {
					t.Fatal(err)
				}
				want += len(s)
			}
			if c.cutAt > 0 {
				want = c.cutAt
			}
			got, err := io.ReadAtLeast(conn, make([]byte, 1024), want)
			if err != nil || got != want {
				t.Fatalf("read %d bytes (%v), want %d", got, err, want)
			}
			if c.cutAt == 0 {
				return
			}
			if n, err := conn.Read(make([]byte, 1024)); err != io.EOF {
				t.Errorf("the connection was not cut: %d more bytes, %v", n, err)
			}
		})
	}
	if done, left := p.fetchCuts(); done != 1 || left != 0 {
		t.Errorf("cuts: %d done, %d planned; want 1 and 0", done, left)
	}
}
