package tickets

import (
	"errors"
	"time"
)

// Allowed lists the commands a may run on t now, in the order of the
// procedure's table: what a notice may offer and what "#ayuda" answers.
// Each kind is tried with the domain's own rules (Apply) on a probe
// command, so this list cannot disagree with what Apply accepts. A command
// refused only for its argument (a missing one, a target who cannot serve,
// a level it cannot go to) is allowed: the sender must say it.
func Allowed(t Ticket, a Actor) []CommandKind {
	probes := []Command{
		{Kind: CmdClassify, Level: t.Level},
		{Kind: CmdEscalate},
		{Kind: CmdAssign},
		{Kind: CmdResolve, Text: "-"},
		{Kind: CmdClose},
		{Kind: CmdReopen},
		{Kind: CmdNote, Text: "-"},
	}
	if t.Level == 0 {
		t.Level = 1
	}
	var out []CommandKind
	for _, c := range probes {
		if c.Kind == CmdClassify && c.Level == 0 {
			c.Level = 1
		}
		_, _, err := Apply(t, c, a, time.Time{})
		if err == nil || isAny(err, ErrMissingArgument, ErrCannotServe, ErrInvalidLevel) {
			out = append(out, c.Kind)
		}
	}
	return out
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
