package main

import (
	"errors"
	"fmt"
	"strings"
)

// The reader's language: --lang (anywhere on the line, so that even the
// first usage error is in it), else TICKETD_LANG, else Spanish.

// initialLang picks the language before any flag is parsed.
func initialLang(args []string, getenv func(string) string) string {
	if l, ok := normalLang(langArg(args)); ok {
		return l
	}
	if l, ok := normalLang(getenv("TICKETD_LANG")); ok {
		return l
	}
	return "es"
}

// langArg returns the value of the last --lang or -lang in args (the one
// the flag package keeps), "" when there is none. It stops at "--".
func langArg(args []string) string {
	v := ""
	for i := 0; i < len(args); i++ {
		s := args[i]
		if s == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "-"), "=")
		if !strings.HasPrefix(s, "-") || name != "lang" {
			continue
		}
		if hasVal {
			v = val
		} else if i+1 < len(args) {
			i++
			v = args[i]
		}
	}
	return v
}

// normalLang reads "es", "en", "EN", "es_CO.UTF-8" or "en-US".
func normalLang(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		s = s[:i]
	}
	if s == "es" || s == "en" {
		return s, true
	}
	return "", false
}

// setLang is the --lang flag.
func (a *app) setLang(s string) error {
	l, ok := normalLang(s)
	if !ok {
		return errors.New("no such language") // flagProblem says it in words
	}
	a.lang = l
	return nil
}

// t returns the catalogue's message key in the reader's language.
func (a *app) t(key string, args ...any) string { return say(a.lang, key, args...) }

// say returns message key of the catalogue in lang.
func say(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	f := m.es
	if lang == "en" {
		f = m.en
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// fail is an exit status with a message of the catalogue.
func (a *app) fail(code int, key string, args ...any) error {
	return &exitError{code: code, msg: a.t(key, args...)}
}
