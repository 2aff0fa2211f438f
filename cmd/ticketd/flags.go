package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"
)

// flagSet is a command's flags with its synopsis, in the reader's
// language. Parsing never prints: help goes to stdout, a usage error
// comes back as an exitError with status 2 that names the flag.
type flagSet struct {
	*flag.FlagSet
	a        *app
	synopsis string
}

// newFlags returns the flag set of a command; synopsis is its usage line
// after "ticketd". Every command also takes --config and --lang.
func (a *app) newFlags(name, synopsis string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), a: a, synopsis: synopsis}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Func("config", a.t("flag.config"), func(s string) error { a.configPath = s; return nil })
	fs.Func("lang", a.t("flag.lang"), a.setLang)
	return fs
}

// parseFlags parses flags that may come before or after positional
// arguments ("tickets show 12 --json") and returns the positionals. After
// "--" everything is positional.
func parseFlags(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printHelp(fs.a.stdout)
				return nil, err
			}
			return nil, fs.a.usageError(fs.Name(), flagProblem(fs.a, err))
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// printHelp writes the synopsis and every flag with its help.
func (fs *flagSet) printHelp(w io.Writer) {
	a := fs.a
	fmt.Fprintf(w, "%s ticketd %s\n", a.t("help.usage"), fs.synopsis)
	var own, common []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "config" || f.Name == "lang" {
			common = append(common, f)
		} else {
			own = append(own, f)
		}
	})
	// A one-letter flag with the same help as a long one is its short
	// name: "-q, --quiet".
	short := map[string]string{}
	for _, f := range own {
		if len(f.Name) == 1 {
			short[f.Usage] = f.Name
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	if len(own) > 0 {
		fmt.Fprintf(tw, "\n%s\n", a.t("help.options"))
		for _, f := range own {
			s, hasShort := short[f.Usage]
			switch {
			case len(f.Name) == 1 && hasShort && s == f.Name && hasLong(own, f):
				continue
			case len(f.Name) > 1 && hasShort:
				printFlag(tw, a, f, "-"+s+", ")
			default:
				printFlag(tw, a, f, "")
			}
		}
	}
	fmt.Fprintf(tw, "\n%s\n", a.t("help.common_options"))
	for _, f := range common {
		printFlag(tw, a, f, "")
	}
	fmt.Fprintf(tw, "  -h, --help\t%s\n", a.t("flag.help"))
	tw.Flush()
}

func hasLong(fs []*flag.Flag, short *flag.Flag) bool {
	for _, f := range fs {
		if len(f.Name) > 1 && f.Usage == short.Usage {
			return true
		}
	}
	return false
}

func printFlag(w io.Writer, a *app, f *flag.Flag, prefix string) {
	name, usage := flag.UnquoteUsage(f)
	if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
		name = ""
	}
	if name != "" {
		name = " " + name
	}
	if d := f.DefValue; d != "" && d != "0" && d != "false" {
		usage += " " + a.t("help.default", d)
	}
	fmt.Fprintf(w, "  %s%s%s\t%s\n", prefix, dashed(f.Name), name, usage)
}

// Go's flag package words its errors in English; these are the ones it
// has (flag.go), with the flag or the value they name.
var flagErrors = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^flag provided but not defined: -(.*)$`), "flag.err.undefined"},
	{regexp.MustCompile(`^flag needs an argument: -(.*)$`), "flag.err.needs_value"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "flag.err.syntax"},
	{regexp.MustCompile(`^invalid boolean value ("(?:[^"\\]|\\.)*") for -(\S+): `), "flag.err.bad_bool"},
	{regexp.MustCompile(`^invalid boolean flag (\S+): `), "flag.err.bool_value"},
	{regexp.MustCompile(`^invalid value ("(?:[^"\\]|\\.)*") for flag -(\S+): `), "flag.err.bad_value"},
}

// flagProblem says a flag error in the reader's language, naming the flag
// as the help does ("--json"; "-q" for a one-letter flag).
func flagProblem(a *app, err error) string {
	msg := err.Error()
	for _, fe := range flagErrors {
		m := fe.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		if fe.key == "flag.err.bad_value" && m[2] == "lang" {
			return a.t("flag.err.lang", m[1])
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
		}
		if fe.key != "flag.err.syntax" {
			// The flag's name is the last argument but for bool_value,
			// where it is the only one.
			i := len(args) - 1
			if n, ok := args[i].(string); ok && !strings.HasPrefix(n, "-") {
				args[i] = dashed(n)
			}
		}
		return a.t(fe.key, args...)
	}
	return a.t("flag.err.other", strings.TrimSpace(msg))
}

// dashed is a flag's name as the help writes it.
func dashed(name string) string {
	if len([]rune(name)) == 1 {
		return "-" + name
	}
	return "--" + name
}
