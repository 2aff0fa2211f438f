// Package htmltext turns the HTML body of an email into readable plain text.
//
// It is used when a message carries only an HTML body (Gmail, Outlook on the
// web, mobile clients), so that reply trimming, command parsing and the ticket
// history can work on text. The conversion keeps what a reader needs:
// paragraphs and line breaks, list items as "- ", link targets as
// "text (url)" when the text does not already show the URL, and quoted
// blocks (<blockquote>) as "> " lines. Scripts, styles and titles are
// dropped; entities are decoded; runs of whitespace collapse to one space.
//
// The converter streams tokens through golang.org/x/net/html's Tokenizer and
// never builds a tree, so work is linear in the input: hostile nesting or
// unclosed tags cannot make it quadratic, and the output is capped at
// MaxOutput bytes.
//
// This package is pure: it must not import anything from ticketd, nor any
// database, network or mail package.
package htmltext

import (
	"bytes"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// MaxOutput is the most bytes of text Convert produces; the rest of a longer
// document is dropped. A support ticket never needs more.
const MaxOutput = 1 << 20

// maxNest bounds the indentation and quote prefixes that nesting can produce,
// so a document of ten thousand nested <ul> stays readable and small.
const maxNest = 8

// maxURL is the longest link target kept in the text; longer ones (tracking
// redirects, data: URIs) are noise for a reader.
const maxURL = 2048

// nbsp is U+00A0. It is kept (not collapsed) while converting so that a
// paragraph holding only &nbsp; still makes a blank line, as it does on screen
// in Outlook; it becomes a plain space at the end.
const nbsp = '\u00a0'

// Convert returns the plain-text rendering of an HTML document or fragment.
// It never fails: broken markup gives the best text that can be read from it.
func Convert(src string) string {
	c := converter{}
	z := html.NewTokenizer(strings.NewReader(src))
	for !c.full() {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return c.finish()
		case html.TextToken:
			if c.skip == "" {
				c.text(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			var attrs map[string]string
			if hasAttr {
				attrs = readAttrs(z)
			}
			if c.skip != "" {
				if tag == c.skip && tt == html.StartTagToken {
					c.skipDepth++
				}
				continue
			}
			c.start(tag, attrs, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if c.skip != "" {
				if tag == c.skip {
					c.skipDepth--
					if c.skipDepth <= 0 {
						c.skip, c.skipDepth = "", 0
					}
				}
				continue
			}
			c.end(tag)
		}
	}
	return c.finish()
}

// readAttrs collects the few attributes the converter looks at.
func readAttrs(z *html.Tokenizer) map[string]string {
	var attrs map[string]string
	for {
		key, val, more := z.TagAttr()
		switch string(key) {
		case "href", "alt", "class", "src":
			if attrs == nil {
				attrs = make(map[string]string, 2)
			}
			attrs[string(key)] = string(val)
		}
		if !more {
			return attrs
		}
	}
}

// dropped lists the elements whose content is never shown to a reader.
var dropped = map[string]bool{
	"script": true, "style": true, "title": true,
	"template": true, "noscript": true, "iframe": true, "noembed": true,
	"noframes": true, "object": true, "svg": true, "math": true,
}

// paragraphTags end and start with a blank line.
var paragraphTags = map[string]bool{
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "table": true, "pre": true, "hr": true, "dl": true,
	"address": true, "figure": true, "fieldset": true, "xmp": true,
	"plaintext": true, "listing": true,
}

// lineTags end and start on a new line.
var lineTags = map[string]bool{
	"div": true, "tr": true, "section": true, "article": true, "header": true,
	"footer": true, "nav": true, "aside": true, "main": true, "form": true,
	"center": true, "dt": true, "dd": true, "caption": true, "tbody": true,
	"thead": true, "tfoot": true, "body": true, "html": true, "details": true,
	"summary": true, "figcaption": true, "textarea": true, "option": true,
	"li": true,
}

// list is one open <ul> or <ol>.
type list struct {
	ordered bool
	next    int
}

// converter holds the writer state while tokens stream through.
type converter struct {
	out bytes.Buffer

	// Pending separators, written lazily before the next visible text so that
	// nothing trails at the end and blocks never stack up blank lines.
	newlines int  // 0, 1 or 2 line breaks owed
	space    bool // a space owed between words on the same line
	bol      bool // the last byte written ended a line (or nothing written)

	skip      string // element whose content is being dropped
	skipDepth int

	tight  bool // inside an Outlook <p class=MsoNormal>: a line, not a paragraph
	pre    int  // depth of <pre>-like elements: whitespace kept
	quotes int  // depth of <blockquote>
	// lastQuotes is the quote depth of the last text written.
	lastQuotes int
	lists      []list
	deep       int // lists past maxNest, counted but not stored

	// The open link, if any: its target and where its text starts.
	href      string
	linkStart int
	inLink    bool
}

func (c *converter) full() bool { return c.out.Len() >= MaxOutput }

// breakLine owes at least n line breaks (1: new line, 2: blank line).
func (c *converter) breakLine(n int) {
	if n > c.newlines {
		c.newlines = n
	}
	c.space = false
}

// flush writes the owed separators before visible text.
func (c *converter) flush() {
	if c.out.Len() == 0 {
		c.newlines, c.space, c.bol = 0, false, true
	}
	if c.newlines > 0 {
		// A blank line between two lines of the same quote keeps the
		// marker, so the quote reads as one block.
		q := min(c.quotes, c.lastQuotes, maxNest)
		for i := 0; i < c.newlines; i++ {
			c.out.WriteByte('\n')
			if i < c.newlines-1 && q > 0 {
				c.out.WriteString(strings.Repeat(">", q))
			}
		}
		c.newlines, c.space, c.bol = 0, false, true
	}
	c.lastQuotes = c.quotes
	if c.bol {
		if c.quotes > 0 {
			c.out.WriteString(strings.Repeat(">", min(c.quotes, maxNest)))
			c.out.WriteByte(' ')
		}
		c.bol = false
		c.space = false
		return
	}
	if c.space {
		c.out.WriteByte(' ')
		c.space = false
	}
}

// text writes a run of character data.
func (c *converter) text(b []byte) {
	if c.pre > 0 {
		c.preText(b)
		return
	}
	for len(b) > 0 {
		// Split off leading whitespace.
		i := 0
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i > 0 {
			c.space = true
			b = b[i:]
			continue
		}
		j := 0
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		c.write(b[:j])
		b = b[j:]
	}
}

// preText writes preformatted text: spaces kept, each newline a line break.
func (c *converter) preText(b []byte) {
	for len(b) > 0 {
		k := bytes.IndexByte(b, '\n')
		line := b
		if k >= 0 {
			line = b[:k]
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) > 0 {
			c.write(line)
		}
		if k < 0 {
			return
		}
		// Each newline in <pre> counts, up to one blank line.
		if c.newlines < 2 {
			c.newlines++
		}
		b = b[k+1:]
	}
}

// write puts visible text after the owed separators, and marks where the
// text of an open link begins.
func (c *converter) write(b []byte) {
	c.flush()
	if c.inLink && c.linkStart < 0 {
		c.linkStart = c.out.Len()
	}
	c.out.Write(b)
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

// start handles an opening tag.
func (c *converter) start(tag string, attrs map[string]string, selfClosing bool) {
	if dropped[tag] {
		if !selfClosing {
			c.skip, c.skipDepth = tag, 1
		}
		return
	}
	switch tag {
	case "br":
		if c.newlines < 2 {
			c.newlines++
		}
		c.space = false
		return
	case "p":
		// Outlook writes every line as <p class=MsoNormal> with no margin; a
		// reader sees single lines there, not paragraphs.
		c.tight = strings.Contains(attrs["class"], "MsoNormal")
		c.breakLine(c.paraBreak())
		return
	case "li":
		c.breakLine(1)
		c.flush()
		c.out.WriteString(strings.Repeat("  ", max(0, min(len(c.lists), maxNest)-1)))
		if n := len(c.lists); n > 0 && c.lists[n-1].ordered {
			c.lists[n-1].next++
			c.out.WriteString(strconv.Itoa(c.lists[n-1].next))
			c.out.WriteString(". ")
		} else {
			c.out.WriteString("- ")
		}
		c.space = false
		return
	case "ul", "ol", "menu":
		if len(c.lists) == 0 {
			c.breakLine(2)
		} else {
			c.breakLine(1)
		}
		if len(c.lists) < maxNest {
			c.lists = append(c.lists, list{ordered: tag == "ol"})
		} else {
			c.deep++
		}
		return
	case "blockquote":
		c.breakLine(2)
		c.quotes++
		return
	case "pre", "xmp", "listing", "plaintext", "textarea":
		c.breakLine(paraOrLine(tag))
		c.pre++
		return
	case "td", "th":
		c.space = true
		return
	case "a":
		href := strings.TrimSpace(attrs["href"])
		if keepLink(href) && !c.inLink && !selfClosing {
			c.href, c.inLink = href, true
			c.linkStart = -1 // set when the link's first text is written
		}
		return
	case "img":
		// An image speaks only through a link it sits in: alt text of
		// signatures and spacer images is noise.
		if c.inLink {
			if alt := strings.TrimSpace(attrs["alt"]); alt != "" {
				c.text([]byte(alt))
			}
		}
		return
	}
	if paragraphTags[tag] {
		c.breakLine(2)
	} else if lineTags[tag] {
		c.breakLine(1)
	}
}

// paraBreak is the break a <p> owes: a blank line, or one line break for
// Outlook's margin-less paragraphs.
func (c *converter) paraBreak() int {
	if c.tight {
		return 1
	}
	return 2
}

func paraOrLine(tag string) int {
	if paragraphTags[tag] {
		return 2
	}
	return 1
}

// end handles a closing tag.
func (c *converter) end(tag string) {
	switch tag {
	case "p":
		c.breakLine(c.paraBreak())
		c.tight = false
		return
	case "ul", "ol", "menu":
		if c.deep > 0 {
			c.deep--
		} else if len(c.lists) > 0 {
			c.lists = c.lists[:len(c.lists)-1]
		}
		if len(c.lists) == 0 {
			c.breakLine(2)
		} else {
			c.breakLine(1)
		}
		return
	case "blockquote":
		if c.quotes > 0 {
			// The owed break is written lazily, after the quote has closed,
			// so the next line carries no marker.
			c.breakLine(2)
			c.quotes--
		}
		return
	case "pre", "xmp", "listing", "plaintext", "textarea":
		if c.pre > 0 {
			c.pre--
		}
		c.breakLine(paraOrLine(tag))
		return
	case "a":
		if c.inLink {
			c.closeLink()
		}
		return
	case "td", "th":
		c.space = true
		return
	}
	if paragraphTags[tag] {
		c.breakLine(2)
	} else if lineTags[tag] {
		c.breakLine(1)
	}
}

// closeLink appends " (url)" after the link text unless the text already
// says where the link goes.
func (c *converter) closeLink() {
	c.inLink = false
	href := c.href
	c.href = ""
	if c.linkStart < 0 {
		return // a link with no text: nothing to attach the target to
	}
	start := min(c.linkStart, c.out.Len())
	text := strings.Join(strings.Fields(string(c.out.Bytes()[start:])), " ")
	if text == "" || sameTarget(text, href) {
		return
	}
	if len(href) > maxURL {
		return
	}
	// Owed separators stay owed: the target belongs right after the text.
	c.out.WriteString(" (")
	c.out.WriteString(href)
	c.out.WriteByte(')')
}

// keepLink says whether a link target is worth showing to a reader.
func keepLink(href string) bool {
	if href == "" || strings.HasPrefix(href, "#") {
		return false
	}
	low := strings.ToLower(href)
	for _, p := range []string{"javascript:", "cid:", "data:", "vbscript:"} {
		if strings.HasPrefix(low, p) {
			return false
		}
	}
	return true
}

// sameTarget reports whether the link text already shows the target, as in
// <a href="https://x.co/">https://x.co</a> or <a href="mailto:a@b">a@b</a>.
func sameTarget(text, href string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		for _, p := range []string{"mailto:", "tel:", "https://", "http://", "www."} {
			s = strings.TrimPrefix(s, p)
		}
		if i := strings.IndexByte(s, '?'); i >= 0 && strings.Contains(href, "mailto:") {
			s = s[:i]
		}
		return strings.TrimRight(s, "/")
	}
	return norm(text) == norm(href)
}

// finish tidies the written text: non-breaking spaces become spaces, lines
// lose trailing blanks, no more than one blank line in a row, and no blank
// lines at either end.
func (c *converter) finish() string {
	s := c.out.String()
	if len(s) > MaxOutput {
		s = s[:MaxOutput]
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.ReplaceAll(s, string(nbsp), " ")
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for _, ln := range lines {
		ln = strings.TrimRight(ln, " \t")
		if ln == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(ln)
		b.WriteByte('\n')
	}
	return strings.Trim(b.String(), "\n")
}
