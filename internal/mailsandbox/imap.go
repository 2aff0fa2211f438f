package mailsandbox

import (
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// defaultMailboxes are created for an account with no saved mail. Clients
// such as Thunderbird look for Drafts, Sent and Trash by name when the server
// has no SPECIAL-USE (imapmemserver drops special-use attributes on CREATE).
var defaultMailboxes = []string{"INBOX", "Drafts", "Sent", "Trash"}

// imapCaps is what the server advertises. IMAP4rev2 implies the rest; they
// are listed for IMAP4rev1 clients (Thunderbird, mutt, ticketd), and each is
// implemented by imapmemserver: MOVE and UIDPLUS matter to ticketd, which
// moves processed messages. imapserver adds IDLE, UNSELECT, ENABLE,
// SASL-IR and LITERAL- by itself.
var imapCaps = imap.CapSet{
	imap.CapIMAP4rev1:    {},
	imap.CapIMAP4rev2:    {},
	imap.CapNamespace:    {},
	imap.CapUIDPlus:      {},
	imap.CapESearch:      {},
	imap.CapSearchRes:    {},
	imap.CapListExtended: {},
	imap.CapListStatus:   {},
	imap.CapMove:         {},
	imap.CapStatusSize:   {},
	imap.CapBinary:       {},
}

func (s *System) newIMAPServer() *imapserver.Server {
	return imapserver.New(&imapserver.Options{
		// No closed check here: Close saves through this server before it
		// stops it.
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			s.imapLive.enter()
			return &imapSession{sys: s}, nil, nil
		},
		Caps:         imapCaps,
		InsecureAuth: true,
		Logger:       printfLogger{s.log.With("proto", "imap")},
	})
}

// imapSession is one IMAP connection: before LOGIN it has no user; after, it
// is an imapmemserver.UserSession on the account's user, whose mailboxes are
// shared with every other session of that account and with delivery.
type imapSession struct {
	*imapmemserver.UserSession // nil until Login

	sys *System
}

var (
	_ imapserver.SessionIMAP4rev2   = (*imapSession)(nil)
	_ imapserver.SessionAppendLimit = (*imapSession)(nil)
)

// Login accepts the account's address in any case as the username. It serves
// both LOGIN and AUTHENTICATE PLAIN.
func (is *imapSession) Login(username, password string) error {
	canon := canonical(username)
	a := is.sys.lookup(canon)
	if a == nil {
		is.sys.log.Info("imap auth failed", "username", canon)
		return imapserver.ErrAuthFailed
	}
	if err := a.user.Login(canon, password); err != nil {
		is.sys.log.Info("imap auth failed", "username", canon)
		return err
	}
	is.UserSession = imapmemserver.NewUserSession(a.user)
	return nil
}

// idlePoll is how often an idling session looks for updates.
const idlePoll = 50 * time.Millisecond

// Idle writes the mailbox's updates until stop is closed. imapmemserver's
// own Idle waits for the next update without writing those already queued:
// a message delivered between the server's "+ idling" and the start of
// that wait was announced only with the next one (seen under load as an
// IDLE that missed a delivery). Polling the session's queue, at once and
// then every idlePoll, has no such gap.
func (is *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	t := time.NewTicker(idlePoll)
	defer t.Stop()
	for {
		if err := is.UserSession.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}

// AppendLimit advertises APPENDLIMIT (RFC 7889) at the SMTP size limit.
func (is *imapSession) AppendLimit() uint32 { return MaxMessageBytes }

func (is *imapSession) Close() error {
	err := is.UserSession.Close() // nil-safe
	is.sys.imapLive.leave()
	return err
}

// createDefaultMailboxes creates and subscribes whichever of the default
// mailboxes the user lacks.
func createDefaultMailboxes(u *imapmemserver.User) error {
	for _, name := range defaultMailboxes {
		if _, err := u.Status(name, &imap.StatusOptions{}); err == nil {
			continue
		}
		if err := u.Create(name, nil); err != nil {
			return err
		}
		if err := u.Subscribe(name); err != nil {
			return err
		}
	}
	return nil
}
