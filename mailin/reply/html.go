package reply

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"

	"github.com/ticketd/ticketd/mailin/htmltext"
)

// TrimHTML returns the new part of an HTML reply as text. Quoted parts are
// removed at the element level first, where clients mark them: Outlook's
// div#divRplyFwdMsg and its header container, and everything after them;
// Gmail's div.gmail_quote and .gmail_extra; blockquote type=cite (Apple
// Mail, Thunderbird) and Thunderbird's cite prefix; Yahoo's yahoo_quoted;
// Outlook for Mac's OLK_SRC_BODY_SECTION; the <hr> that Outlook (tabindex
// -1), Hotmail and Zimbra put above the quoted headers. Any other <hr> is
// left to the text stage, which cuts when quoted headers follow it. The rest is converted with htmltext.Convert
// and then trimmed as text by Trim, which finds what the markup did not say.
//
// TrimHTML reads at most MaxInput bytes of markup. The elements are pruned
// on the token stream, without building a tree, so work is linear. Its
// result is never longer than its input.
func TrimHTML(src string) string {
	src = capInput(src)
	out := Trim(htmltext.Convert(pruneQuoted(src)))
	// Text is shorter than its markup, except for pathological nesting
	// where quote and list prefixes outgrow the tags that caused them.
	return capBytes(out, len(src))
}

// TrimBody chooses the text body when it has something after Trim, else
// the HTML body through TrimHTML.
func TrimBody(text, html string) string {
	if t := Trim(text); strings.TrimSpace(t) != "" {
		return t
	}
	return TrimHTML(html)
}

// action is what pruning does with an element.
type action uint8

const (
	keep    action = iota
	skip           // drop the element and its content
	stopAll        // drop the element and everything after it
)

// skipClasses mark the container of a quoted message. Outlook on the web
// prefixes quoted class names and ids with "x_"; that prefix is ignored.
var skipClasses = map[string]bool{
	"gmail_quote": true, "gmail_extra": true, "gmail_attr": true,
	"gmail_quote_container": true, "yahoo_quoted": true,
	"moz-cite-prefix": true, "moz-forward-container": true,
	"protonmail_quote": true, "zmail_extra": true, "zmail_extra_hr": true,
	"ms-outlook-mobile-reference-message": true, "outlookmessageheader": true,
}

// stopIDs mark where the quoted history starts; nothing after is new.
var stopIDs = map[string]bool{
	"divrplyfwdmsg": true, "appendonsend": true, "olk_src_body_section": true,
	"mail-editor-reference-message-container": true, "stopspelling": true,
	"zwchr": true,
}

// pruneQuoted copies src, leaving out the quoted elements.
func pruneQuoted(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var out bytes.Buffer
	out.Grow(len(src))
	var raw []byte
	skipTag, skipDepth := "", 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		// TagName and TagAttr rewrite the token in place: keep a copy.
		raw = append(raw[:0], z.Raw()...)
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if skipTag != "" {
				if tag == skipTag && tt == html.StartTagToken {
					skipDepth++
				}
				continue
			}
			switch decide(tag, hasAttr, z) {
			case stopAll:
				return out.String()
			case skip:
				if tt == html.StartTagToken && !voidElements[tag] {
					skipTag, skipDepth = tag, 1
				}
				continue
			}
		case html.EndTagToken:
			if skipTag != "" {
				name, _ := z.TagName()
				if string(name) == skipTag {
					skipDepth--
					if skipDepth == 0 {
						skipTag = ""
					}
				}
				continue
			}
		default:
			if skipTag != "" {
				continue
			}
		}
		out.Write(raw)
	}
}

// voidElements have no content and no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "link": true, "meta": true,
	"source": true, "track": true, "wbr": true,
}

// decide reads the attributes of a start tag and says what to do with it.
func decide(tag string, hasAttr bool, z *html.Tokenizer) action {
	if !hasAttr {
		return keep
	}
	act := keep
	for {
		k, v, more := z.TagAttr()
		key := string(k)
		val := strings.ToLower(string(v))
		switch key {
		case "id":
			if stopIDs[strings.TrimPrefix(val, "x_")] {
				act = stopAll
			} else if strings.HasPrefix(strings.TrimPrefix(val, "x_"), "yahoo_quoted") && act == keep {
				act = skip
			}
		case "class":
			for _, c := range strings.Fields(val) {
				if skipClasses[strings.TrimPrefix(c, "x_")] && act == keep {
					act = skip
				}
			}
		case "type":
			if tag == "blockquote" && val == "cite" && act == keep {
				act = skip
			}
		case "style":
			if tag == "div" && outlookHeaderStyle(val) {
				act = stopAll
			}
		case "tabindex":
			// Outlook's reply separator: <hr ... tabindex="-1">.
			if tag == "hr" && strings.TrimSpace(val) == "-1" {
				act = stopAll
			}
		}
		if !more {
			return act
		}
	}
}

// outlookHeaderStyle recognises the style of the box that Outlook for
// Windows draws around the headers of the message it quotes:
// "border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0cm 0cm 0cm"
// (#E1E1E1 in newer versions).
func outlookHeaderStyle(style string) bool {
	s := strings.ReplaceAll(style, " ", "")
	return strings.Contains(s, "border-top:solid#b5c4df") ||
		strings.Contains(s, "border-top:solid#e1e1e1")
}
