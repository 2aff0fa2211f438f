package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/mailout"
)

func (a *app) cmdTemplates(ctx context.Context, args []string) error {
	fs := a.newFlags("templates", a.t("syn.templates"))
	html := fs.Bool("html", false, a.t("flag.html"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	// --lang, when given (here or before the command), is the reader's
	// language and the template's; without it the template is in the
	// desk's language, or the reader's when there is no configuration.
	lang := a.langFlag
	dir := ""
	if a.configPath != "" || hasEnvConfig() {
		c, err := a.config()
		if err != nil {
			return err
		}
		dir = c.Notifications.TemplatesDir
		if lang == "" {
			lang = c.Desk.Language
		}
	}
	lang, ok := normalLang(lang)
	if !ok {
		lang = a.lang
	}
	r, err := mailout.NewRenderer(dir)
	if err != nil {
		return a.fail(2, "err.templates", err)
	}
	if len(pos) == 1 && pos[0] == "list" {
		fmt.Fprintln(a.stdout, strings.Join(r.Names(), "\n"))
		return nil
	}
	if len(pos) != 2 || pos[0] != "preview" {
		return a.usageError("templates", a.t("err.templates_usage", strings.Join(r.Names(), ", ")))
	}
	if !slices.Contains(r.Names(), pos[1]) {
		return a.usageError("templates", a.t("err.template_unknown", pos[1], strings.Join(r.Names(), ", ")))
	}
	out, err := r.Render(pos[1], lang, mailout.SampleData(pos[1], lang))
	if err != nil {
		return a.fail(2, "err.templates", err)
	}
	fmt.Fprintf(a.stdout, "%s %s\n\n%s\n", say(lang, "out.subject"), out.Subject, out.Text)
	if *html && out.HTML != "" {
		fmt.Fprintf(a.stdout, "\n----- HTML -----\n%s\n", out.HTML)
	}
	return nil
}
