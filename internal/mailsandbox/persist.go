package mailsandbox

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// savedVersion is the version of the file format below.
const savedVersion = 1

// Restoring keeps UIDVALIDITY and UIDs by burning the values in between
// (RFC 9051 section 2.3.1.1: a client may cache by UID while UIDVALIDITY
// holds). A hand-edited file could ask for billions; past these bounds the
// values are not kept and the mailbox gets fresh ones.
const (
	maxBurnUIDs     = 100_000
	maxBurnValidity = 10_000
)

// burnMailbox is a name no IMAP client can create (astrings have no NUL).
const burnMailbox = "\x00mailsandbox-burn"

// placeholder is appended to take a UID and expunged straight after.
var placeholder = []byte("X-Mailsandbox-Placeholder: yes\r\n\r\n")

// savedAccount is one account's file: <Persist>/<escaped address>.json.
type savedAccount struct {
	Version   int            `json:"version"`
	Address   string         `json:"address"`
	Mailboxes []savedMailbox `json:"mailboxes"`
}

type savedMailbox struct {
	Name        string         `json:"name"`
	UIDValidity uint32         `json:"uid_validity"`
	UIDNext     uint32         `json:"uid_next"`
	Subscribed  bool           `json:"subscribed,omitempty"`
	Messages    []savedMessage `json:"messages"`
}

type savedMessage struct {
	UID          uint32    `json:"uid"`
	Flags        []string  `json:"flags,omitempty"`
	InternalDate time.Time `json:"internal_date"`
	Raw          []byte    `json:"raw"`
}

func (s *System) accountFile(canon string) string {
	return filepath.Join(s.cfg.Persist, url.PathEscape(canon)+".json")
}

// load fills a new account's user: from its saved file when Persist is set
// and the file exists, then the default mailboxes it lacks. A file that cannot
// be read is an error rather than an empty account, because Close would
// overwrite it.
func (s *System) load(a *account) error {
	if s.cfg.Persist != "" {
		path := s.accountFile(a.canon)
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("mailsandbox: load %s: %w", a.canon, err)
		default:
			var saved savedAccount
			if err := json.Unmarshal(data, &saved); err != nil {
				return fmt.Errorf("mailsandbox: load %s: %w", path, err)
			}
			if saved.Version != savedVersion {
				return fmt.Errorf("mailsandbox: load %s: version %d, want %d", path, saved.Version, savedVersion)
			}
			if err := s.restore(a.user, &saved); err != nil {
				return fmt.Errorf("mailsandbox: load %s: %w", path, err)
			}
		}
	}
	if err := createDefaultMailboxes(a.user); err != nil {
		return fmt.Errorf("mailsandbox: mailboxes for %s: %w", a.canon, err)
	}
	return nil
}

// restore recreates saved mailboxes in a user nobody can see yet. Mailboxes
// are created in UIDVALIDITY order and messages in UID order, burning the
// values in between, so that both come back as they were.
func (s *System) restore(u *imapmemserver.User, saved *savedAccount) error {
	boxes := slices.Clone(saved.Mailboxes)
	slices.SortStableFunc(boxes, func(x, y savedMailbox) int {
		return cmp.Compare(x.UIDValidity, y.UIDValidity)
	})
	var validity uint32 // the last UIDVALIDITY u handed out; imapmemserver starts at 0
	for _, mb := range boxes {
		if mb.Name == "" || mb.Name == burnMailbox {
			continue
		}
		if _, err := u.Status(mb.Name, &imap.StatusOptions{}); err == nil {
			s.log.Warn("saved mailbox listed twice; keeping the first", "mailbox", mb.Name)
			continue
		}
		for burned := 0; validity+1 < mb.UIDValidity && burned < maxBurnValidity; burned++ {
			if err := u.Create(burnMailbox, nil); err != nil {
				return err
			}
			if err := u.Delete(burnMailbox); err != nil {
				return err
			}
			validity++
		}
		if err := u.Create(mb.Name, nil); err != nil {
			return fmt.Errorf("create %q: %w", mb.Name, err)
		}
		validity++
		if mb.Subscribed {
			if err := u.Subscribe(mb.Name); err != nil {
				return err
			}
		}
		if err := restoreMessages(u, mb); err != nil {
			return fmt.Errorf("mailbox %q: %w", mb.Name, err)
		}
	}
	return nil
}

func restoreMessages(u *imapmemserver.User, mb savedMailbox) error {
	msgs := slices.Clone(mb.Messages)
	slices.SortStableFunc(msgs, func(x, y savedMessage) int { return cmp.Compare(x.UID, y.UID) })
	next := uint32(1) // UIDNEXT of a new mailbox
	var burnt imap.UIDSet
	burn := func(upTo uint32) error {
		for n := 0; next < upTo && n < maxBurnUIDs; n++ {
			data, err := u.Append(mb.Name, bytes.NewReader(placeholder), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDeleted}})
			if err != nil {
				return err
			}
			burnt.AddNum(data.UID)
			next = uint32(data.UID) + 1
		}
		return nil
	}
	for _, m := range msgs {
		if err := burn(m.UID); err != nil {
			return err
		}
		var flags []imap.Flag
		for _, f := range m.Flags {
			if !strings.EqualFold(f, `\Recent`) && f != "" {
				flags = append(flags, imap.Flag(f))
			}
		}
		data, err := u.Append(mb.Name, bytes.NewReader(m.Raw), &imap.AppendOptions{Flags: flags, Time: m.InternalDate})
		if err != nil {
			return err
		}
		next = uint32(data.UID) + 1
	}
	if err := burn(mb.UIDNext); err != nil {
		return err
	}
	if len(burnt) == 0 {
		return nil
	}
	sess := imapmemserver.NewUserSession(u)
	defer sess.Close()
	if _, err := sess.Select(mb.Name, nil); err != nil {
		return err
	}
	// Mailbox.Expunge does not write to its ExpungeWriter; nobody is
	// listening yet.
	return sess.Expunge(nil, &burnt)
}

// Save writes every account's mailboxes to the Persist folder now, as Close
// does. It reads them through the System's own IMAP server, the only way
// imapmemserver lets messages out. It blocks until every file is written.
func (s *System) Save() error {
	if s.cfg.Persist == "" {
		return errors.New("mailsandbox: save: Persist is not set")
	}
	if s.isClosed() {
		return ErrClosed
	}
	return s.save()
}

func (s *System) save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if err := os.MkdirAll(s.cfg.Persist, 0o700); err != nil {
		return fmt.Errorf("mailsandbox: save: %w", err)
	}
	var errs []error
	for _, a := range s.snapshotAccounts() {
		saved, err := s.dump(a)
		if err == nil {
			err = writeFileAtomic(s.accountFile(a.canon), saved)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("mailsandbox: save %s: %w", a.canon, err))
		}
	}
	return errors.Join(errs...)
}

// dump reads one account's mailboxes over IMAP.
func (s *System) dump(a *account) (*savedAccount, error) {
	c, err := imapclient.DialInsecure(s.IMAPAddr(), nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.Login(a.canon, a.Password).Wait(); err != nil {
		return nil, err
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	saved := &savedAccount{Version: savedVersion, Address: a.canon}
	for _, lb := range list {
		if slices.Contains(lb.Attrs, imap.MailboxAttrNoSelect) {
			continue
		}
		sel, err := c.Select(lb.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return nil, fmt.Errorf("select %q: %w", lb.Mailbox, err)
		}
		mb := savedMailbox{
			Name:        lb.Mailbox,
			UIDValidity: sel.UIDValidity,
			UIDNext:     uint32(sel.UIDNext),
			Subscribed:  slices.Contains(lb.Attrs, imap.MailboxAttrSubscribed),
			Messages:    []savedMessage{},
		}
		if sel.NumMessages > 0 {
			all := imap.UIDSet{{Start: 1, Stop: 0}} // 1:*
			msgs, err := c.Fetch(all, &imap.FetchOptions{
				UID: true, Flags: true, InternalDate: true,
				BodySection: []*imap.FetchItemBodySection{{Peek: true}},
			}).Collect()
			if err != nil {
				return nil, fmt.Errorf("fetch %q: %w", lb.Mailbox, err)
			}
			for _, m := range msgs {
				sm := savedMessage{UID: uint32(m.UID), InternalDate: m.InternalDate}
				for _, f := range m.Flags {
					sm.Flags = append(sm.Flags, string(f))
				}
				if len(m.BodySection) > 0 {
					sm.Raw = m.BodySection[0].Bytes
				}
				mb.Messages = append(mb.Messages, sm)
			}
		}
		saved.Mailboxes = append(saved.Mailboxes, mb)
	}
	if err := c.Logout().Wait(); err != nil {
		return nil, fmt.Errorf("logout: %w", err)
	}
	return saved, nil
}

// writeFileAtomic writes v as JSON next to path and renames it into place,
// so a crash leaves the old file or the new one, never half of one. The file
// holds mail, so only its owner may read it.
func writeFileAtomic(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".save-*.json")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
