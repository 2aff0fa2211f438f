package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/sandbox"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// families are the keys the code builds from a prefix, with every value
// the prefix is completed with.
func families() map[string][]string {
	kinds := []string{}
	for _, k := range tickets.EventKinds {
		kinds = append(kinds, string(k))
	}
	roles := []string{}
	for _, p := range sandbox.People {
		roles = append(roles, p.Role)
	}
	var acts []string
	for n := 1; n <= 12; n++ {
		acts = append(acts, strconv.Itoa(n))
	}
	return map[string][]string{
		"syn.":       {"classify", "escalate", "assign", "comment", "note", "resolve", "close", "reopen"},
		"flag.text_": {"comment", "note"},
		"flag.note_": {"resolve", "reopen"},
		"kind.":      kinds,
		"activity.":  acts,
		"role.":      roles,
		"walk.":      {"classify", "escalate", "resolve", "reopen", "close"},
		// what became of a notification that was not simply sent
		"delivery.": {"held", "pending", "failed"},
		// a reopening's activities
		"activity.reopened.": {"11", "4"},
		// a quarantined message's status, and what releasing it did
		"qstatus.": {store.StatusQuarantined, store.StatusDiscarded, store.StatusProcessed, store.StatusReceived},
		"outcome.": {"opened", "comment", "commands", "automatic", "bounce", "duplicate", "quarantined", "rating"},
	}
}

// TestCatalogue reads this package's sources: every message key they use
// is in the catalogue, in Spanish and in English, translated (not the same
// text twice), with the same verbs in the same order; every key of the
// catalogue is used.
func TestCatalogue(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	used := map[string]bool{}
	prefixes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING {
					if _, ok := messages[s]; ok {
						used[s] = true
					}
				}
			case *ast.CallExpr:
				if key := keyArg(n); key != nil {
					switch k := key.(type) {
					case *ast.BasicLit:
						s, _ := strconv.Unquote(k.Value)
						if _, ok := messages[s]; !ok {
							t.Errorf("%s: key %q is not in the catalogue", fset.Position(k.Pos()), s)
						}
					case *ast.BinaryExpr:
						if lit, ok := k.X.(*ast.BasicLit); ok {
							s, _ := strconv.Unquote(lit.Value)
							prefixes[s] = true
						}
					}
				}
			}
			return true
		})
	}
	fam := families()
	for p := range prefixes {
		vals, ok := fam[p]
		if !ok {
			t.Errorf("the code builds keys from %q, which the test does not know", p)
		}
		for _, v := range vals {
			if _, ok := messages[p+v]; !ok {
				t.Errorf("key %q is not in the catalogue", p+v)
			}
			used[p+v] = true
		}
	}
	if len(used) < 150 {
		t.Fatalf("found only %d keys in use", len(used))
	}
	for key, m := range messages {
		switch {
		case !used[key]:
			t.Errorf("the catalogue has %q, which nothing uses", key)
		case m.es == "" || m.en == "":
			t.Errorf("%q lacks a language: %+v", key, m)
		case m.es == m.en && key != "out.sandbox_alias":
			t.Errorf("%q is not translated: %q", key, m.es)
		case !slices.Equal(verbs(m.es), verbs(m.en)):
			t.Errorf("%q takes other arguments in Spanish (%q) than in English (%q)", key, m.es, m.en)
		}
	}
}

// keyArg is the key argument of a call that looks a message up: a.t(key),
// a.fail(code, key), say(lang, key).
func keyArg(c *ast.CallExpr) ast.Expr {
	name := ""
	switch f := c.Fun.(type) {
	case *ast.SelectorExpr:
		name = f.Sel.Name
	case *ast.Ident:
		name = f.Name
	}
	i := map[string]int{"t": 0, "fail": 1, "say": 1}
	n, ok := i[name]
	if !ok || len(c.Args) <= n {
		return nil
	}
	if name == "fail" {
		// Only app.fail takes a key: a plain function of that name would not.
		if _, isSel := c.Fun.(*ast.SelectorExpr); !isSel {
			return nil
		}
	}
	return c.Args[n]
}

var verbRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func verbs(s string) []string { return verbRE.FindAllString(s, -1) }
