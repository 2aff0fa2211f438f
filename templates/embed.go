// Package templates holds the default notification templates of ticketd,
// embedded in the binary: for every notification and language one subject,
// one plain-text and one HTML template, plus shared partials
// (_partials.txt.tmpl, _partials.html.tmpl) that define the footer, the
// history and other blocks the notifications reuse.
//
// Layout: <lang>/<name>.subject.tmpl, <lang>/<name>.txt.tmpl (text/template)
// and <lang>/<name>.html.tmpl (html/template). Spanish ("es") is the default
// language; English ("en") is available. The package only carries files: the
// mailout package parses and renders them, and an operator's directory with
// the same layout may override any of them.
//
// It must not import anything: it is data.
package templates

import "embed"

// FS is the tree of default templates. Explicit globs are used because a
// directory pattern would skip the files whose names start with "_" (the
// partials).
//
//go:embed es/*.tmpl en/*.tmpl
var FS embed.FS
