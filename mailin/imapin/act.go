package imapin

import (
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
)

// act applies the Handler's outcomes on the server: in move mode it moves
// processed messages to ProcessedMailbox and quarantined ones to
// QuarantineMailbox; in seen mode it flags them. Outcomes for UIDs not in the
// batch are ignored, and messages without an outcome stay where they are.
func (s *session) act(batch []Fetched, outcomes []Outcome) error {
	cfg := &s.p.cfg
	inBatch := make(map[uint32]bool, len(batch))
	for _, f := range batch {
		inBatch[f.UID] = false
	}
	var done, quarantine imap.UIDSet
	later := 0
	for _, o := range outcomes {
		seen, ok := inBatch[o.UID]
		if !ok {
			s.p.log.Warn("handler returned an outcome for a uid not in the batch", "uid", o.UID)
			continue
		}
		if seen {
			continue
		}
		inBatch[o.UID] = true
		if o.Later {
			// Stays where it is; the next drain offers it again (move
			// mode searches every message not yet moved).
			later++
			s.p.log.Info("message left for a later pass", "uid", o.UID, "reason", o.Reason)
			continue
		}
		if o.Quarantine {
			quarantine.AddNum(imap.UID(o.UID))
			s.p.log.Info("message quarantined", "uid", o.UID, "reason", o.Reason)
		} else {
			done.AddNum(imap.UID(o.UID))
		}
	}
	if later > 0 {
		if at := time.Now().Add(cfg.RetryLater); s.retryAt.IsZero() || at.Before(s.retryAt) {
			s.retryAt = at
		}
	}
	if missing := len(batch) - uidCount(done) - uidCount(quarantine) - later; missing > 0 {
		s.p.log.Warn("handler returned no outcome for some messages; they stay in the mailbox", "count", missing)
	}

	if cfg.After == AfterSeen {
		if err := s.addFlags(done, imap.FlagSeen); err != nil {
			return err
		}
		// Seen mode never moves: a quarantined message is flagged so a
		// person finds it among the read ones.
		return s.addFlags(quarantine, imap.FlagSeen, imap.FlagFlagged)
	}
	if err := s.move(done, cfg.ProcessedMailbox); err != nil {
		return err
	}
	return s.move(quarantine, cfg.QuarantineMailbox)
}

// move moves exactly the given UIDs to dest: UID MOVE (RFC 6851) when the
// server has it; else UID COPY, STORE \Deleted and UID EXPUNGE of those UIDs
// (UIDPLUS, RFC 4315); else UID COPY and flag \Seen \Deleted without
// expunging, since a plain EXPUNGE could remove other people's deletions.
func (s *session) move(set imap.UIDSet, dest string) error {
	if len(set) == 0 {
		return nil
	}
	if s.caps.Has(imap.CapMove) {
		if _, err := s.c.Move(set, dest).Wait(); err != nil {
			return fmt.Errorf("imap: uid move %s to %q: %w", set, dest, err)
		}
		return nil
	}
	if _, err := s.c.Copy(set, dest).Wait(); err != nil {
		return fmt.Errorf("imap: uid copy %s to %q: %w", set, dest, err)
	}
	if s.caps.Has(imap.CapUIDPlus) {
		if err := s.addFlags(set, imap.FlagDeleted); err != nil {
			return err
		}
		if err := s.c.UIDExpunge(set).Close(); err != nil {
			return fmt.Errorf("imap: uid expunge %s: %w", set, err)
		}
		return nil
	}
	if !s.warnedCopy {
		s.warnedCopy = true
		s.p.log.Warn("server has neither MOVE nor UIDPLUS: processed messages are copied and flagged \\Deleted but not expunged")
	}
	return s.addFlags(set, imap.FlagSeen, imap.FlagDeleted)
}

// addFlags runs UID STORE +FLAGS.SILENT.
func (s *session) addFlags(set imap.UIDSet, flags ...imap.Flag) error {
	if len(set) == 0 {
		return nil
	}
	err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
	if err != nil {
		return fmt.Errorf("imap: uid store %s +flags %v: %w", set, flags, err)
	}
	s.p.log.Debug("flags added", "uids", set.String(), "flags", fmt.Sprint(flags))
	return nil
}
