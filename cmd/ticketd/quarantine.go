package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/rawview"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// cmdQuarantine is "ticketd cuarentena" (or "quarantine", the name typed).
func (a *app) cmdQuarantine(ctx context.Context, name string, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, a.t("usage.quarantine"))
		return &exitError{code: 2}
	}
	action, args := args[0], args[1:]
	cmd := name + " " + action
	switch action {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.stdout, a.t("usage.quarantine"))
		return nil
	case "list", "listar":
		return a.quarantineList(ctx, cmd, args)
	case "show", "ver", "mostrar":
		return a.quarantineShow(ctx, cmd, args)
	case "liberar", "release":
		return a.quarantineRelease(ctx, cmd, args)
	case "descartar", "discard":
		return a.quarantineDiscard(ctx, cmd, args)
	}
	return a.usageError(name, a.t("err.unknown_action", action))
}

// intake builds the mail intake the daemon runs, for a release.
func (a *app) intake(ctx context.Context) (*mailin.Intake, error) {
	parts, err := a.parts(ctx)
	if err != nil {
		return nil, err
	}
	return parts.Intake(slog.New(slog.DiscardHandler), nil), nil
}

func (a *app) quarantineList(ctx context.Context, cmd string, args []string) error {
	fs := a.newFlags(cmd, a.t("syn.q_list"))
	asJSON := fs.Bool("json", false, a.t("flag.json"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return a.usageError(cmd, a.t("err.q_list_args", pos[0]))
	}
	db, err := a.openCurrent(ctx)
	if err != nil {
		return err
	}
	list, err := store.ListQuarantined(ctx, db)
	if err != nil {
		return err
	}
	if *asJSON {
		type item struct {
			ID        int64     `json:"id"`
			MessageID string    `json:"message_id"`
			From      string    `json:"from"`
			Subject   string    `json:"subject"`
			Reason    string    `json:"reason"`
			Size      int64     `json:"size"`
			CreatedAt time.Time `json:"created_at"`
		}
		out := []item{}
		for _, q := range list {
			out = append(out, item{q.ID, q.MessageID, q.FromAddr, q.Subject, q.Reason, q.Size, q.CreatedAt})
		}
		return a.printJSON(out)
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stdout, a.t("out.q_none"))
		return nil
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, a.t("out.q_list_header"))
	for _, q := range list {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", q.ID, q.CreatedAt.Local().Format("2006-01-02 15:04"),
			orDash(printable(q.FromAddr, 40)), orDash(printable(q.Subject, 40)), a.size(q.Size), printable(a.reasonWords(q.Reason), 80))
	}
	return w.Flush()
}

func (a *app) quarantineShow(ctx context.Context, cmd string, args []string) error {
	fs := a.newFlags(cmd, a.t("syn.q_show"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := a.messageNumber(cmd, pos)
	if err != nil {
		return err
	}
	db, err := a.openCurrent(ctx)
	if err != nil {
		return err
	}
	m, err := store.GetInboundRaw(ctx, db, id)
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(1, "err.q_no_message", id)
	}
	if err != nil {
		return err
	}
	acts, err := store.QuarantineActions(ctx, db, id)
	if err != nil {
		return err
	}
	out := a.stdout
	fmt.Fprintln(out, a.t("out.q_title", m.ID, m.CreatedAt.Local().Format("2006-01-02 15:04:05"), a.size(int64(len(m.Raw)))))
	fmt.Fprintln(out, a.t("out.q_status", a.statusWords(m.Status)))
	if m.Reason != "" {
		fmt.Fprintln(out, a.t("out.q_reason", printable(a.reasonWords(m.Reason), 300)))
	}
	if m.TicketID != nil {
		fmt.Fprintln(out, a.t("out.q_ticket", tickets.Ref(a.cfg.Desk.SubjectTag, *m.TicketID)))
	}
	v := rawview.Outline(m.Raw)
	fmt.Fprintf(out, "\n%s\n", a.t("out.q_headers"))
	for _, f := range v.Header {
		fmt.Fprintf(out, "  %s: %s\n", f.Name, f.Value)
	}
	fmt.Fprintf(out, "\n%s\n", a.t("out.q_parts"))
	for _, p := range v.Parts {
		line := p.ContentType
		if p.BadType != "" {
			line += " " + a.t("out.q_bad_type", p.BadType)
		}
		if p.Disposition != "" {
			line += ", " + p.Disposition
		}
		if p.Filename != "" {
			line += ", «" + p.Filename + "»"
		}
		if p.Encoding != "" {
			line += ", " + p.Encoding
		}
		fmt.Fprintf(out, "  %s%s, %s\n", strings.Repeat("  ", p.Depth), line, a.size(int64(p.Size)))
	}
	for _, p := range v.Problems {
		fmt.Fprintf(out, "  (%s)\n", a.problemWords(p))
	}
	if len(acts) > 0 {
		fmt.Fprintf(out, "\n%s\n", a.t("out.q_record"))
		r := a.roster()
		for _, x := range acts {
			what := a.t("out.q_released_by", personName(r, x.Actor))
			if x.Action == "discarded" {
				what = a.t("out.q_discarded_by", personName(r, x.Actor))
			}
			fmt.Fprintf(out, "  %s  %s", x.At.Local().Format("2006-01-02 15:04"), what)
			if x.Note != "" {
				fmt.Fprintf(out, ": %s", printable(x.Note, 200))
			}
			if x.Outcome != "" {
				fmt.Fprintf(out, " %s", a.t("out.q_outcome", a.outcomeWords(x.Outcome)))
			}
			fmt.Fprintln(out)
		}
	}
	return nil
}

func (a *app) quarantineRelease(ctx context.Context, cmd string, args []string) error {
	in, id, who, note, err := a.quarantineAct(ctx, cmd, args, "syn.q_release", "flag.q_as_release", "nota", "note", "flag.q_note", "")
	if err != nil {
		return err
	}
	rel, err := in.Release(ctx, id, who, note)
	if err != nil {
		return a.quarantineError(id, err)
	}
	switch {
	case rel.Outcome == "quarantined":
		fmt.Fprintln(a.stdout, a.t("out.q_back", id, printable(a.reasonWords(rel.Reason), 300)))
	case rel.TicketID != nil && rel.Outcome == "opened":
		fmt.Fprintln(a.stdout, a.t("out.q_opened", id, in.Service.Ref(*rel.TicketID)))
	case rel.TicketID != nil:
		fmt.Fprintln(a.stdout, a.t("out.q_released_on", id, a.outcomeWords(rel.Outcome), in.Service.Ref(*rel.TicketID)))
	default:
		fmt.Fprintln(a.stdout, a.t("out.q_released", id, a.outcomeWords(rel.Outcome)))
	}
	return nil
}

func (a *app) quarantineDiscard(ctx context.Context, cmd string, args []string) error {
	in, id, who, reason, err := a.quarantineAct(ctx, cmd, args, "syn.q_discard", "flag.q_as_discard", "motivo", "reason", "flag.q_reason",
		"err.q_reason_required")
	if err != nil {
		return err
	}
	if err := in.Discard(ctx, id, who, reason); err != nil {
		return a.quarantineError(id, err)
	}
	fmt.Fprintln(a.stdout, a.t("out.q_discarded", id))
	return nil
}

// quarantineAct reads what releasing and discarding both take: the
// message's number, the desk agent who acts (--as) and a text under its
// Spanish and English flag names (es, en; required when need names the
// error that says so), and opens the intake that acts.
func (a *app) quarantineAct(ctx context.Context, cmd string, args []string, syn, asHelp, es, en, textHelp, need string) (
	in *mailin.Intake, id int64, who, text string, err error) {
	fs := a.newFlags(cmd, a.t(syn))
	as := fs.String("as", "", a.t(asHelp))
	fs.StringVar(&text, es, "", a.t(textHelp))
	fs.StringVar(&text, en, "", a.t(textHelp))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, 0, "", "", err
	}
	if id, err = a.messageNumber(cmd, pos); err != nil {
		return nil, 0, "", "", err
	}
	if strings.TrimSpace(*as) == "" {
		return nil, 0, "", "", a.usageError(cmd, a.t("err.q_as_required"))
	}
	if text = strings.TrimSpace(text); need != "" && text == "" {
		return nil, 0, "", "", a.usageError(cmd, a.t(need))
	}
	if in, err = a.intake(ctx); err != nil {
		return nil, 0, "", "", err
	}
	who, err = a.deskAgent(in.Service.Roster, *as)
	return in, id, who, text, err
}

// deskAgent resolves --as to a desk agent's address: deciding about
// quarantined mail is the single point of contact's.
func (a *app) deskAgent(r *tickets.Roster, as string) (string, error) {
	p, ok := r.Find(as)
	if !ok {
		return "", a.fail(3, "err.not_in_roster", as)
	}
	if p.Role != tickets.RoleDesk {
		return "", a.fail(3, "err.q_not_desk", personName(r, p.Email))
	}
	return strings.ToLower(p.Email), nil
}

func (a *app) quarantineError(id int64, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a.fail(1, "err.q_no_message", id)
	case errors.Is(err, store.ErrNotQuarantined):
		return a.fail(3, "err.q_not_quarantined", id, id)
	case errors.Is(err, mailin.ErrHeaderOnly):
		return a.fail(3, "err.q_header_only", id)
	}
	return err
}

// messageNumber reads the one positional argument: a message row number.
func (a *app) messageNumber(cmd string, pos []string) (int64, error) {
	if len(pos) != 1 {
		return 0, a.usageError(cmd, a.t("err.q_message_required"))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(pos[0]), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, a.usageError(cmd, a.t("err.q_bad_message", pos[0]))
	}
	return id, nil
}

// reasonWords is a quarantine reason, recorded in English, in the
// reader's language with the catalogue's words; a record quarantine does
// not write (an older one) is shown as it is.
func (a *app) reasonWords(record string) string {
	words, detail, ok := tickets.QuarantineWords(record, a.lang)
	switch {
	case !ok:
		return record
	case detail != "":
		return a.t("out.q_reason_detail", words, detail)
	}
	return words
}

// statusWords is a stored message's status in words, as it is when the
// catalogue has none for it.
func (a *app) statusWords(s string) string {
	if _, ok := messages["qstatus."+s]; ok {
		return a.t("qstatus." + s)
	}
	return s
}

// outcomeWords is what became of a released message, in words.
func (a *app) outcomeWords(o string) string {
	if _, ok := messages["outcome."+o]; ok {
		return a.t("outcome." + o)
	}
	return o
}

func (a *app) problemWords(p rawview.Problem) string {
	switch p {
	case rawview.TooManyParts:
		return a.t("problem.too_many_parts", rawview.MaxParts)
	case rawview.TooDeep:
		return a.t("problem.too_deep", rawview.MaxDepth)
	case rawview.NoBoundary:
		return a.t("problem.no_boundary")
	case rawview.Unclosed:
		return a.t("problem.unclosed")
	case rawview.TooManyFields:
		return a.t("problem.too_many_fields", rawview.MaxFields)
	case rawview.BadHeaderLines:
		return a.t("problem.bad_header_lines")
	}
	return a.t("problem.other")
}

// size is a size as people read it: "1,5 MiB" in Spanish, "1.5 MiB" in
// English.
func (a *app) size(n int64) string {
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
	if a.lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// printable is s on one line, without control characters, at most n runes.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return truncate(oneLine(s), n)
}
