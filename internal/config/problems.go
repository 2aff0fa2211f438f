package config

import (
	"fmt"
	"reflect"
	"strings"
)

// Problem is one mistake in a configuration: an English format, the key
// of problemsES, and its arguments. In renders it in the reader's
// language.
type Problem struct {
	format string
	args   []any
}

func problem(format string, args ...any) Problem { return Problem{format: format, args: args} }

// In returns the problem in lang ("es" or "en"; anything else is Spanish,
// the desk's default).
// An argument that is itself a Problem is rendered in lang too.
func (p Problem) In(lang string) string {
	args := make([]any, len(p.args))
	for i, a := range p.args {
		if q, ok := a.(Problem); ok {
			a = q.In(lang)
		}
		args[i] = a
	}
	format := p.format
	if es, ok := problemsES[format]; ok && lang != "en" {
		format = es
	}
	return fmt.Sprintf(format, args...)
}

func (p Problem) String() string { return p.In("en") }

// Errors is every problem found in a configuration.
type Errors []Problem

func (e Errors) Error() string { return e.In("en") }

// In returns the problems as a list in lang, one a line, under a line that
// counts them. A single problem is said alone.
func (e Errors) In(lang string) string {
	if len(e) == 1 {
		return e[0].In(lang)
	}
	head := problem("the configuration has %d problems:", len(e)).In(lang)
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.In(lang)
	}
	return head + "\n  - " + strings.Join(lines, "\n  - ")
}

func (e *Errors) add(format string, args ...any) { *e = append(*e, problem(format, args...)) }

// badDurations reports every Duration key whose value was not a duration,
// by its TOML key, in the order of the file's sections.
func (c *Config) badDurations() Errors {
	errs := badDurationsIn(reflect.ValueOf(c).Elem(), "")
	for i := range c.Accounts {
		errs = append(errs, badDurationsIn(reflect.ValueOf(&c.Accounts[i]).Elem(), c.Accounts[i].key)...)
	}
	return errs
}

// badDurationsIn reports the bad Duration keys of the struct v, whose TOML
// key is key ("" at the top).
func badDurationsIn(v reflect.Value, key string) Errors {
	var errs Errors
	var walk func(v reflect.Value, key string)
	walk = func(v reflect.Value, key string) {
		if d, ok := v.Addr().Interface().(*Duration); ok {
			if d.bad != "" {
				errs.add("%s = %s is not a duration (write it like \"30s\", \"15m\" or \"4h\")", key, d.bad)
			}
			return
		}
		if v.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if !f.IsExported() || tag == "" || tag == "-" {
				continue
			}
			name := tag
			if key != "" {
				name = key + "." + tag
			}
			walk(v.Field(i), name)
		}
	}
	walk(v, key)
	return errs
}
