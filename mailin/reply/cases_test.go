package reply

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The named cases live in testdata/cases/<language>/<client_what>.txt,
// written for this package (see testdata/cases/README.md). Each file is
// the body of a reply, a line "=== trimmed ===", and what Trim must
// return.

// casesDir holds the named cases, one folder per language.
const casesDir = "testdata/cases"

// caseSeparator divides a case file into the reply and its trimmed form.
const caseSeparator = "\n=== trimmed ===\n"

// namedCase is one case file.
type namedCase struct {
	name string // language/file, without ".txt"
	in   string
	want string
}

// readNamedCases reads every case under dir, by language folder.
func readNamedCases(t testing.TB, dir string) map[string][]namedCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no named cases in %s: %v", dir, err)
	}
	out := map[string][]namedCase{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read case: %v", err)
		}
		in, want, ok := strings.Cut(string(b), caseSeparator)
		if !ok {
			t.Fatalf("%s: no %q line", p, strings.TrimSpace(caseSeparator))
		}
		lang := filepath.Base(filepath.Dir(p))
		out[lang] = append(out[lang], namedCase{
			name: lang + "/" + strings.TrimSuffix(filepath.Base(p), ".txt"),
			in:   in + "\n",
			want: strings.TrimRight(want, "\n"),
		})
	}
	return out
}

// namedCorpora makes one corpus of each language folder. Every named case
// must pass.
func namedCorpora(t *testing.T, dir string) []corpus {
	var cs []corpus
	byLang := readNamedCases(t, dir)
	for _, lang := range sortedKeys(byLang) {
		var fs []fixture
		for _, nc := range byLang[lang] {
			fs = append(fs, fixture{
				name: nc.name,
				check: func() (bool, string, string) {
					got := Trim(nc.in)
					return got == nc.want, got, nc.want
				},
			})
		}
		cs = append(cs, corpus{name: "cases/" + lang, fixtures: fs, min: 1})
	}
	return cs
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
