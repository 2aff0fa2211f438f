package mailout

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/ticketd/ticketd/templates"
)

// ErrUnknownTemplate is returned by Render for a notification name that does
// not exist.
var ErrUnknownTemplate = errors.New("unknown notification template")

// names are the notifications, in the order of PROCEDURE.md "Who is told what".
// The comment says who receives each one and which Data fields it prints
// beyond Desk, Recipient, Ticket and ReplyAddress.
var names = []string{
	"opened_ack",          // requester; LinkedRef
	"opened_desk",         // mesa; Ticket.Body, Ticket.Attachments, Commands
	"level_changed",       // requester; Actor, Ticket.Level, Ticket.Assignee
	"case_assigned",       // assignee; Actor, Text, Ticket.Body, Attachments, History, Commands
	"comment",             // requester, mesa or assignee; Actor, Text
	"resolved",            // requester; Actor, Text (the resolution), History (public)
	"resolved_desk",       // mesa; Actor, Text, Commands
	"reopened",            // requester; Text
	"reopened_notice",     // mesa and previous assignee; Actor, Text, Commands
	"closed",              // requester; Actor, History (public)
	"command_result",      // the command's sender; Results
	"quarantined",         // the sender of the message; Reason (Ticket.Ref may be empty)
	"delivery_failed",     // mesa; Actor (who could not be reached), Reason, Text (subject that failed)
	"reminder",            // assignee and mesa; Waiting, Ticket.Level, Ticket.Assignee, Commands
	"comment_on_resolved", // mesa; Actor, Text, Commands
	"rating_thanks",       // requester; Rating, Text (the comment with the rating)
}

// The three templates of a notification.
const (
	partSubject = "subject"
	partText    = "txt"
	partHTML    = "html"
)

var parts = []string{partSubject, partText, partHTML}

// partialsName is the base name of the file of shared {{define}} blocks of a
// part, e.g. "_partials.txt.tmpl".
const partialsName = "_partials"

// Rendered is a notification ready to be stored in the outbox.
type Rendered struct {
	Subject string // one line, no control characters, at most MaxSubjectLen characters
	Text    string // plain text, LF line ends, ends in a newline
	HTML    string // an HTML document; "" when the operator's HTML template renders nothing
}

// Renderer renders notifications. It is safe for concurrent use; all the
// parsing and checking happens in NewRenderer.
type Renderer struct {
	sets map[setKey]*tmplSet
	zone *time.Location // the desk's time zone: every time is printed in it
}

type setKey struct{ lang, name string }

// tmplSet is the parsed templates of one notification in one language. The
// file fields name where each template came from, for error messages.
type tmplSet struct {
	subject                *texttemplate.Template
	text                   *texttemplate.Template
	html                   *htmltemplate.Template
	subjectF, textF, htmlF string // "file" or "file (with partials file)"
}

// source is the text of one template file and the name errors give it.
type source struct {
	file string // "templates/es/comment.txt.tmpl" or the override's path
	text string
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// NewRenderer parses the embedded templates and, if overrideDir is not "",
// the files <lang>/<name>.<part>.tmpl and <lang>/_partials.<part>.tmpl found
// there, each replacing its default. A file or folder in overrideDir that is
// not one of those is an error, so that a typo does not silently leave the
// default in place.
//
// It then renders every notification of every language twice, with
// SampleData and with a sparse variant of it (no actor, no assignee, no
// history, empty texts), so that a broken template is reported now, naming
// its file, and not when a notification is due.
func NewRenderer(overrideDir string) (*Renderer, error) {
	return NewRendererIn(overrideDir, DefaultZone)
}

// NewRendererIn is NewRenderer for a desk in time zone zone
// (desk.timezone): the templates print times in it and Data.Zone names
// it.
func NewRendererIn(overrideDir string, zone *time.Location) (*Renderer, error) {
	if zone == nil {
		zone = DefaultZone
	}
	srcs, err := defaultSources()
	if err != nil {
		return nil, err
	}
	if overrideDir != "" {
		if err := readOverrides(overrideDir, srcs); err != nil {
			return nil, err
		}
	}
	r := &Renderer{sets: make(map[setKey]*tmplSet, len(languages)*len(names)), zone: zone}
	for _, lang := range languages {
		for _, name := range names {
			set, err := parseSet(lang, name, srcs, zone)
			if err != nil {
				return nil, err
			}
			r.sets[setKey{lang, name}] = set
		}
	}
	if err := r.selfCheck(); err != nil {
		return nil, err
	}
	return r, nil
}

// Names returns the notification names, sorted.
func (r *Renderer) Names() []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return out
}

// Render executes the templates of notification name in lang (an unknown
// language falls back to Spanish) with d. It does no I/O.
func (r *Renderer) Render(name, lang string, d Data) (Rendered, error) {
	lang = normLang(lang)
	set, ok := r.sets[setKey{lang, name}]
	if !ok {
		return Rendered{}, fmt.Errorf("render %q: %w", name, ErrUnknownTemplate)
	}
	d.Lang, d.Zone = lang, r.zone.String()
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)

	var out Rendered
	buf.Reset()
	if err := set.subject.Execute(buf, d); err != nil {
		return Rendered{}, fmt.Errorf("render %s: %w", set.subjectF, err)
	}
	out.Subject = headerText(buf.String(), MaxSubjectLen)

	buf.Reset()
	if err := set.text.Execute(buf, d); err != nil {
		return Rendered{}, fmt.Errorf("render %s: %w", set.textF, err)
	}
	out.Text = wrapText(normBodyBytes(buf.Bytes()), textWidth)

	if set.html == nil {
		return out, nil
	}
	buf.Reset()
	if err := set.html.Execute(buf, d); err != nil {
		return Rendered{}, fmt.Errorf("render %s: %w", set.htmlF, err)
	}
	out.HTML = normBodyBytes(buf.Bytes())
	if strings.TrimSpace(out.HTML) == "" {
		out.HTML = ""
	}
	return out, nil
}

// selfCheck renders everything with the sample data and its sparse variant
// and checks the results are usable.
func (r *Renderer) selfCheck() error {
	for _, lang := range languages {
		for _, name := range names {
			set := r.sets[setKey{lang, name}]
			full := SampleData(name, lang)
			for _, d := range []Data{full, sparse(full)} {
				out, err := r.Render(name, lang, d)
				if err != nil {
					return fmt.Errorf("check with sample data: %w", err)
				}
				if out.Subject == "" {
					return fmt.Errorf("check with sample data: %s renders an empty subject", set.subjectF)
				}
				if ref := d.Ticket.Ref; ref != "" && !strings.Contains(out.Subject, ref) {
					return fmt.Errorf("check with sample data: %s must carry the ticket tag %q (replies are matched by it)",
						set.subjectF, ref)
				}
				if strings.TrimSpace(out.Text) == "" {
					return fmt.Errorf("check with sample data: %s renders an empty text", set.textF)
				}
			}
		}
	}
	return nil
}

// sparse is d with everything optional left out, the way many real events
// come: a template that dereferences a nil Actor fails here, at start.
func sparse(d Data) Data {
	d.Actor = nil
	d.Ticket.Assignee = nil
	d.Ticket.Attachments = nil
	d.Ticket.Body = ""
	d.Ticket.Service = ""
	d.Text = ""
	d.History = nil
	d.Commands = nil
	d.Results = nil
	d.LinkedRef = ""
	d.Reason = ""
	d.Waiting = ""
	d.ReplyAddress = ""
	d.Recipient.Name = ""
	return d
}

// fileName is the base name of a template file.
func fileName(name, part string) string { return name + "." + part + ".tmpl" }

// defaultSources reads every embedded template, keyed by "<lang>/<file>", and
// checks that none is missing.
func defaultSources() (map[string]source, error) {
	srcs := make(map[string]source)
	for _, lang := range languages {
		for _, name := range append([]string{partialsName}, names...) {
			for _, part := range parts {
				rel := path.Join(lang, fileName(name, part))
				b, err := fs.ReadFile(templates.FS, rel)
				if errors.Is(err, fs.ErrNotExist) && name == partialsName {
					continue // partials are optional
				}
				if err != nil {
					return nil, fmt.Errorf("embedded template %s: %w", rel, err)
				}
				srcs[rel] = source{file: "templates/" + rel, text: string(b)}
			}
		}
	}
	return srcs, nil
}

// readOverrides replaces entries of srcs with the files of dir.
func readOverrides(dir string, srcs map[string]source) error {
	langs, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("template override directory: %w", err)
	}
	for _, l := range langs {
		ldir := filepath.Join(dir, l.Name())
		if !slices.Contains(languages, l.Name()) {
			return fmt.Errorf("template override %s: unknown entry (want one folder per language: %s)",
				ldir, strings.Join(languages, ", "))
		}
		files, err := os.ReadDir(ldir)
		if err != nil {
			return fmt.Errorf("template override %s: %w", ldir, err)
		}
		for _, f := range files {
			p := filepath.Join(ldir, f.Name())
			if _, _, ok := parseFileName(f.Name()); !ok {
				return fmt.Errorf("template override %s: unknown file (want <name>.subject.tmpl, <name>.txt.tmpl or <name>.html.tmpl with a name from: %s)",
					p, strings.Join(names, ", "))
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("template override %s: %w", p, err)
			}
			srcs[path.Join(l.Name(), f.Name())] = source{file: p, text: string(b)}
		}
	}
	return nil
}

// parseFileName splits "comment.txt.tmpl" into ("comment", "txt"). It accepts
// only the known notification names, the partials and the three parts.
func parseFileName(base string) (name, part string, ok bool) {
	rest, found := strings.CutSuffix(base, ".tmpl")
	if !found {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return "", "", false
	}
	name, part = rest[:i], rest[i+1:]
	if !slices.Contains(parts, part) {
		return "", "", false
	}
	if name != partialsName && !slices.Contains(names, name) {
		return "", "", false
	}
	return name, part, true
}

// parseAfter parses main into t (an HTML or a text template) after the
// partials, if there are any (a file name).
func parseAfter[T interface {
	New(name string) T
	Parse(text string) (T, error)
}](t T, partials, main source) error {
	if partials.file != "" {
		if _, err := t.New(partials.file).Parse(partials.text); err != nil {
			return fmt.Errorf("parse %s: %w", partials.file, err)
		}
	}
	if _, err := t.Parse(main.text); err != nil {
		return fmt.Errorf("parse %s: %w", main.file, err)
	}
	return nil
}

// parseSet parses the three templates of one notification, each after the
// partials of its part.
func parseSet(lang, name string, srcs map[string]source, zone *time.Location) (*tmplSet, error) {
	funcs := funcMap(lang, zone)
	set := &tmplSet{}
	for _, part := range parts {
		main := srcs[path.Join(lang, fileName(name, part))]
		partials, hasPartials := srcs[path.Join(lang, fileName(partialsName, part))]
		// Errors while executing name the main file; a block missing or broken
		// in the partials shows there too, so name those as well.
		label := main.file
		if hasPartials {
			label += " (with partials " + partials.file + ")"
		}
		switch part {
		case partHTML:
			if strings.TrimSpace(main.text) == "" {
				// An operator who wants text-only mail empties the HTML template.
				set.htmlF = label
				continue
			}
			t := htmltemplate.New(main.file).Funcs(funcs)
			if err := parseAfter(t, partials, main); err != nil {
				return nil, err
			}
			set.html, set.htmlF = t, label
		default:
			t := texttemplate.New(main.file).Funcs(funcs)
			if err := parseAfter(t, partials, main); err != nil {
				return nil, err
			}
			if part == partSubject {
				set.subject, set.subjectF = t, label
			} else {
				set.text, set.textF = t, label
			}
		}
	}
	return set, nil
}
