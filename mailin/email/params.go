package email

import (
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseMediaHeader reads a Content-Type or Content-Disposition value into its
// lower-case value and parameters (names lower-cased, values raw).
//
// It is lenient where mime.ParseMediaType is strict, because mail in the wild
// has duplicate parameters (the first wins), unquoted values with spaces or
// tspecials, 8-bit bytes, and unterminated quotes. RFC 2231 extended
// parameters (name*=charset'lang'%XX, name*0=, name*1*=) are joined and
// decoded in any charset, and take precedence over the plain parameter.
func parseMediaHeader(s string) (string, map[string]string) {
	value, rest, _ := strings.Cut(s, ";")
	value = strings.TrimSpace(value)
	if i := strings.IndexAny(value, " \t"); i >= 0 {
		// "application/pdf name=x.pdf": a missing ";" before a parameter.
		rest = value[i:] + ";" + rest
		value = value[:i]
	}
	value = strings.ToLower(value)
	if rest == "" {
		return value, nil
	}
	params := make(map[string]string, 2)
	type segment struct {
		idx     int
		encoded bool
		text    string
	}
	var ext map[string][]segment

	for len(rest) > 0 {
		rest = strings.TrimLeft(rest, " \t;")
		if rest == "" {
			break
		}
		eq := strings.IndexAny(rest, "=;")
		if eq < 0 || rest[eq] == ';' {
			// A parameter with no value: skip it.
			if eq < 0 {
				break
			}
			rest = rest[eq+1:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var val string
		if strings.HasPrefix(rest, `"`) {
			val, rest = readQuoted(rest[1:])
		} else {
			end := strings.IndexByte(rest, ';')
			if end < 0 {
				end = len(rest)
			}
			val = strings.TrimSpace(rest[:end])
			rest = rest[end:]
		}
		if key == "" {
			continue
		}
		if star := strings.IndexByte(key, '*'); star >= 0 {
			name, suffix := key[:star], key[star+1:]
			seg := segment{encoded: strings.HasSuffix(suffix, "*") || suffix == "", text: val}
			suffix = strings.TrimSuffix(suffix, "*")
			if suffix != "" {
				n, err := strconv.Atoi(suffix)
				if err != nil || n < 0 || n > 999 {
					continue
				}
				seg.idx = n
			}
			if ext == nil {
				ext = make(map[string][]segment)
			}
			if len(ext[name]) < 1000 {
				ext[name] = append(ext[name], seg)
			}
			continue
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
	}

	for name, segs := range ext {
		sort.SliceStable(segs, func(i, j int) bool { return segs[i].idx < segs[j].idx })
		var raw []byte
		cs := ""
		anyEncoded := false
		for i, sg := range segs {
			if i > 0 && sg.idx == segs[i-1].idx {
				continue // duplicate section
			}
			t := sg.text
			if sg.encoded {
				anyEncoded = true
				if sg.idx == 0 {
					// charset'language'value
					if a, b, ok := strings.Cut(t, "'"); ok {
						cs = a
						if _, v, ok := strings.Cut(b, "'"); ok {
							t = v
						} else {
							t = b
						}
					}
				}
				raw = append(raw, percentDecode(t)...)
			} else {
				raw = append(raw, t...)
			}
		}
		var v string
		if anyEncoded {
			v = decodeCharset(cs, raw)
		} else {
			v = decodeText(string(raw))
		}
		params[name] = v      // the extended form wins over the plain one
		params[name+"*"] = "" // marks that the value is already decoded
	}
	return value, params
}

// readQuoted reads a quoted-string whose opening quote is consumed, with
// backslash escapes; an unterminated string runs to the end.
func readQuoted(s string) (val, rest string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// percentDecode undoes RFC 2231 %XX escapes; a stray "%" is kept.
func percentDecode(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return b
}

// paramText returns a decoded parameter value: RFC 2231 values are decoded
// already; plain ones may hold RFC 2047 words or 8-bit bytes (Outlook, Lotus).
func paramText(params map[string]string, name string) string {
	v, ok := params[name]
	if !ok {
		return ""
	}
	if _, ext := params[name+"*"]; ext {
		return v
	}
	return decodeText(v)
}

// maxFilename bounds a sanitised filename, in bytes.
const maxFilename = 200

// sanitizeFilename makes a decoded filename safe to store and show: the last
// path element only, no control or format characters, no leading dots, at
// most maxFilename bytes with the extension kept. It returns "" when nothing
// usable is left.
func sanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimRight(name, "/ "))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch {
		case r == utf8.RuneError, r < 0x20, r == 0x7f, unicode.Is(unicode.Cc, r),
			unicode.Is(unicode.Cf, r), r == '/', r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimSpace(b.String())
	name = strings.TrimLeft(name, ". ")
	if len(name) > maxFilename {
		ext := path.Ext(name)
		if len(ext) > 16 || !utf8.ValidString(ext) {
			ext = ""
		}
		keep := maxFilename - len(ext)
		for keep > 0 && !utf8.RuneStart(name[keep]) {
			keep--
		}
		name = name[:keep] + ext
	}
	if strings.Trim(name, "_ .") == "" {
		return ""
	}
	return name
}

// extensions gives a filename extension for common attachment types that
// arrive without a name.
var extensions = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/gif": ".gif",
	"image/bmp": ".bmp", "image/webp": ".webp", "image/tiff": ".tif", "image/svg+xml": ".svg",
	"application/pdf": ".pdf", "application/zip": ".zip", "text/plain": ".txt",
	"text/html": ".html", "text/csv": ".csv", "text/calendar": ".ics",
	"application/msword": ".doc", "application/vnd.ms-excel": ".xls",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"message/rfc822": ".eml", "application/pkcs7-signature": ".p7s",
	"application/x-pkcs7-signature": ".p7s", "application/pgp-signature": ".asc",
	"message/delivery-status": ".txt", "text/rfc822-headers": ".txt",
}
