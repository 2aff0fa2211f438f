package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

// width is what a line of the command line's output may take: a terminal
// a little wider than the traditional 80 columns.
const width = 100

// printDetail writes a ticket's life as the procedure's "Registro", in the
// reader's language: one entry per event with the activities it
// fulfilled, then the emails.
func (a *app) printDetail(d service.DetailJSON) { writeDetail(a.stdout, a.lang, a.nameOf, d) }

// nameOf names a roster person by name, anyone else by address.
func (a *app) nameOf(addr string) string {
	if r := a.roster(); r != nil {
		return personName(r, addr)
	}
	return addr
}

// writeDetail is printDetail for any writer and language (the sandbox's
// walkthrough ends with it); nameOf names people by their address.
func writeDetail(w io.Writer, lang string, nameOf func(string) string, d service.DetailJSON) {
	t := func(key string, args ...any) string { return say(lang, key, args...) }
	name := peopleIn(d, lang, nameOf)
	d = wordedIn(d, lang, name)
	assignee := "-"
	if d.Assignee != nil {
		assignee = name(*d.Assignee)
	}
	service := d.Service
	if service == "" {
		service = "-"
	}
	line(w, "[%s] %s", d.Ref, d.Subject)
	line(w, "  %s", t("show.summary", name(d.Requester), stateWord(lang, d.State), d.Level))
	line(w, "  %s", t("show.summary2", service, assignee))
	if d.LinkedTo != nil {
		line(w, "  %s", t("show.linked", *d.LinkedTo))
	}
	fmt.Fprintf(w, "\n%s\n", t("show.record"))
	for _, e := range d.Events {
		vis := ""
		if !e.Public {
			vis = " " + t("show.internal")
		}
		kind := e.Kind
		if _, ok := messages["kind."+kind]; ok {
			kind = t("kind." + kind)
		}
		line(w, "  %s  %-20s %s  %-12s  %s%s", e.At.Local().Format("2006-01-02 15:04"), kind,
			t("show.level", e.Level), stateWord(lang, e.State), name(e.Actor), vis)
		if len(e.Activities) > 0 {
			var acts []string
			for _, n := range e.Activities {
				acts = append(acts, strconv.Itoa(n)+" "+activityName(lang, e.Kind, n, e.Level))
			}
			wrap(w, "      "+t("show.activities")+" ", strings.Join(acts, "; "))
		}
		if e.Rating > 0 {
			line(w, "      %s", t("show.rating", e.Rating))
		}
		switch {
		case e.NoteData != nil:
			// What the system noted is read whole: the refused line and
			// why, each recipient a bounce reports.
			for _, l := range strings.Split(strings.TrimSpace(e.Note), "\n") {
				wrap(w, "      ", l)
			}
		case e.Note != "":
			// A person's words are read too, up to a screenful; --json
			// has the rest.
			lines := noteLines(e.Note)
			for i, l := range lines {
				if i == noteMaxLines && len(lines) > noteMaxLines+1 {
					line(w, "      %s", t("show.more_lines", len(lines)-i))
					break
				}
				wrap(w, "      ", l)
			}
		}
	}
	if len(d.Messages) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", t("show.messages", len(d.Messages)))
	for _, m := range d.Messages {
		arrow, who := "←", name(m.From)
		if m.Direction == "out" {
			var to []string
			for _, addr := range m.To {
				to = append(to, name(addr))
			}
			arrow, who = "→", strings.Join(to, ", ")
		}
		line(w, "  %s %s  %s: %s", arrow, m.At.Local().Format("2006-01-02 15:04"), who, m.Subject)
		if _, ok := messages["delivery."+m.Status]; ok && m.Status != "" {
			line(w, "      %s", t("delivery."+m.Status))
		}
		for _, at := range m.Attachments {
			line(w, "      %s", t("show.attachment", at.ID, at.Filename, at.ContentType, at.Size))
		}
	}
}

// peopleIn names the people of d's record for a reader of lang: the
// system in words, roster people by name (nameOf), the requester by the
// name she wrote with, anyone else by address.
func peopleIn(d service.DetailJSON, lang string, nameOf func(string) string) func(string) string {
	return func(addr string) string {
		if addr == tickets.System.Email {
			return say(lang, "actor.system")
		}
		if n := nameOf(addr); n != addr {
			return n
		}
		if d.RequesterName != "" && strings.EqualFold(addr, d.Requester) {
			return d.RequesterName
		}
		return addr
	}
}

// wordedIn returns d with the system's notes worded in lang, people named
// by name: each event that keeps its note as data (NoteData) gets that
// note's words for this reader in Note; a person's words, and notes from
// before they were kept as data, stay as written. The JSON output carries
// both, the data and the words.
func wordedIn(d service.DetailJSON, lang string, name func(string) string) service.DetailJSON {
	evs := make([]service.EventJSON, len(d.Events))
	for i, e := range d.Events {
		if e.NoteData != nil {
			e.Note = e.NoteData.Render(lang, name)
		}
		evs[i] = e
	}
	d.Events = evs
	return d
}

// activityName names activity n as an event of kind fulfilled it: what
// happened, not only the procedure's box. A reopening's 11 is the closure
// that did not happen and sends the case back to level 1; a comment or a
// note documents the attention (4, 7, 9) whoever wrote it.
func activityName(lang, kind string, n, level int) string {
	switch {
	case kind == "reopened" && (n == 11 || n == 4):
		return say(lang, "activity.reopened."+strconv.Itoa(n))
	case (kind == "commented" || kind == "noted") && (n == 4 || n == 7 || n == 9):
		return say(lang, "activity.documented", level)
	}
	return say(lang, "activity."+strconv.Itoa(n))
}

// stateWord is a state's name in words ("en atención", "in progress"):
// the domain's label, in lower case as it reads within a line.
func stateWord(lang, s string) string {
	if st := tickets.State(s); st.Valid() {
		return strings.ToLower(st.Label(lang))
	}
	return s
}

// line writes one line cut to width.
func line(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, fit(fmt.Sprintf(format, args...), width))
}

// wrap writes text after prefix, broken at spaces into lines of width,
// the later ones indented like the first.
func wrap(w io.Writer, prefix, text string) {
	indent := strings.Repeat(" ", len([]rune(prefix)))
	cur := prefix
	n := len([]rune(cur))
	for i, word := range strings.Fields(text) {
		wl := len([]rune(word))
		if i > 0 && n+1+wl > width {
			fmt.Fprintln(w, cur)
			cur, n = indent+word, len([]rune(indent))+wl
			continue
		}
		if i > 0 {
			cur += " "
			n++
		}
		cur += word
		n += wl
	}
	fmt.Fprintln(w, fit(cur, width))
}

// fit cuts s to n columns (runes), ending in "…" when cut.
func fit(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// noteMaxLines is how many lines of a person's note tickets show prints.
const noteMaxLines = 8

// noteLines are the lines of a person's note worth printing: without the
// blank ones.
func noteLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// roster is the configuration's roster, or nil before it is loaded.
func (a *app) roster() *tickets.Roster {
	if a.cfg == nil {
		return nil
	}
	return a.cfg.Roster()
}
