package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/mailout"
)

func (a *app) cmdTemplates(ctx context.Context, args []string) error {
	fs := a.newFlags("templates preview", "templates preview NOMBRE [--lang es|en] [--html]  |  templates list")
	lang := fs.String("lang", "", "es | en (default: the desk's language)")
	html := fs.Bool("html", false, "print the HTML part too")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir := ""
	if a.configPath != "" || hasEnvConfig() {
		c, err := a.config()
		if err != nil {
			return err
		}
		dir = c.Notifications.TemplatesDir
		if *lang == "" {
			*lang = c.Desk.Language
		}
	}
	if *lang == "" {
		*lang = "es"
	}
	if *lang != "es" && *lang != "en" {
		return fail(2, "--lang debe ser es o en")
	}
	r, err := mailout.NewRenderer(dir)
	if err != nil {
		return fail(2, "plantillas: %v", err)
	}
	if len(pos) == 1 && pos[0] == "list" {
		fmt.Fprintln(a.stdout, strings.Join(r.Names(), "\n"))
		return nil
	}
	if len(pos) != 2 || pos[0] != "preview" {
		return fail(2, "uso: ticketd templates preview NOMBRE [--lang es|en]  (nombres: %s)", strings.Join(r.Names(), ", "))
	}
	out, err := r.Render(pos[1], *lang, mailout.SampleData(pos[1], *lang))
	if err != nil {
		return fail(2, "%v (nombres: %s)", err, strings.Join(r.Names(), ", "))
	}
	fmt.Fprintf(a.stdout, "Asunto: %s\n\n%s\n", out.Subject, out.Text)
	if *html && out.HTML != "" {
		fmt.Fprintf(a.stdout, "\n----- HTML -----\n%s\n", out.HTML)
	}
	return nil
}
