package templates

import "embed"

// Reports are the templates of the reports sent by mail (the monthly report
// of tickets/report), apart from the notifications because they show a
// period's figures, not a ticket: reports/<lang>/<name>.subject.tmpl,
// .txt.tmpl (text/template) and .html.tmpl (html/template).
//
//go:embed reports/es/*.tmpl reports/en/*.tmpl
var Reports embed.FS
