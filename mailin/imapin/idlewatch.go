package imapin

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// idleWatch spots an untagged NO or BAD that the server sends while the
// session is in IDLE. Such a line means the server lost track of the selected
// mailbox: Dovecot 2.3, for one, answers a mailbox deleted and re-created
// under an idling client with "* NO Internal error occurred" and only drops
// the session at the next command. No EXISTS follows, so without this the
// poller would sit on a dead mailbox until the next IDLE renewal (25 min).
//
// It is installed as imapclient's DebugWriter because that is the one hook
// that sees the server's bytes as plain text after STARTTLS too. It only
// looks at them while watching is on, i.e. inside IDLE, where the server
// sends short untagged lines and the client sends nothing but DONE.
type idleWatch struct {
	watching atomic.Bool
	alert    chan struct{} // buffered 1; signalled on a NO/BAD line

	mu         sync.Mutex
	collecting bool   // at the start of a line, gathering its first bytes
	prefix     []byte // first bytes of the current line
}

func newIdleWatch() *idleWatch {
	return &idleWatch{alert: make(chan struct{}, 1), prefix: make([]byte, 0, 8)}
}

// start begins watching; the caller is at a line boundary (IDLE's
// continuation request was read in full).
func (w *idleWatch) start() {
	w.mu.Lock()
	w.collecting, w.prefix = true, w.prefix[:0]
	w.mu.Unlock()
	select { // drop a stale alert from an earlier IDLE
	case <-w.alert:
	default:
	}
	w.watching.Store(true)
}

func (w *idleWatch) stop() { w.watching.Store(false) }

// Write receives the connection's traffic. It never fails.
func (w *idleWatch) Write(p []byte) (int, error) {
	if !w.watching.Load() {
		return len(p), nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range p {
		if b == '\n' {
			w.collecting, w.prefix = true, w.prefix[:0]
			continue
		}
		if !w.collecting {
			continue
		}
		w.prefix = append(w.prefix, b)
		if isAlertLine(w.prefix) {
			select {
			case w.alert <- struct{}{}:
			default:
			}
			w.collecting = false
		} else if len(w.prefix) >= len("* BAD ") {
			w.collecting = false
		}
	}
	return len(p), nil
}

// isAlertLine reports whether a line starts with an untagged NO or BAD
// (RFC 3501 section 7.1), case-insensitively.
func isAlertLine(prefix []byte) bool {
	return bytes.EqualFold(prefix, []byte("* NO ")) || bytes.EqualFold(prefix, []byte("* BAD "))
}
