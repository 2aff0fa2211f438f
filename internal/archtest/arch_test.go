package archtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// rule forbids the packages matching pkg to depend, directly or through
// others, on those matching any of not. Patterns are module-relative:
// "mailin/..." is mailin and every package under it; "*" is any package
// of the module but pkg's own.
type rule struct {
	pkg string
	not []string
	why string
}

// rules are ticketd's layout: mailbox → mailin → tickets (one transaction:
// events and the notices they cause) → mailout → SMTP. Only the code
// that runs counts: a test may wire both sides together.
var rules = []rule{
	{"mailin/...", []string{"mailout/..."}, "inbound mail never reaches into the sending side (shared facts: internal/mailfacts)"},
	{"mailout/...", []string{"mailin/..."}, "the sending side never reads inbound mail"},
	{"tickets/...", []string{"mailin/...", "mailout/...", "cmd/...", "internal/daemon"}, "the procedure knows no mail transport and no wiring"},
	{"tickets/notice", []string{"tickets/service"}, "the service calls the notices, not the other way round"},
	{"tickets/store", []string{"tickets/service", "tickets/report"}, "the store keeps; it runs no command"},
	{"internal/backoff", []string{"*"}, "a leaf: the one retry schedule"},
	{"internal/mailfacts", []string{"*"}, "a leaf: what mailin and mailout agree on"},
}

// match reports whether module-relative package p matches pattern pat,
// for a rule on package self.
func match(pat, p, self string) bool {
	switch {
	case pat == "*":
		return p != self
	case strings.HasSuffix(pat, "/..."):
		base := strings.TrimSuffix(pat, "/...")
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pat
}

// violations checks graph (module-relative package → the module's
// packages it imports, directly) against rs, and says for each broken
// rule which import breaks it and through which packages.
func violations(graph map[string][]string, rs []rule) []string {
	var out []string
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, r := range rs {
		for _, p := range pkgs {
			if !match(r.pkg, p, "") {
				continue
			}
			// Breadth first from p: the shortest chain to each package.
			prev := map[string]string{p: ""}
			queue := []string{p}
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, dep := range graph[cur] {
					if _, seen := prev[dep]; seen {
						continue
					}
					prev[dep] = cur
					queue = append(queue, dep)
					if !slices.ContainsFunc(r.not, func(pat string) bool { return match(pat, dep, p) }) {
						continue
					}
					chain := []string{dep}
					for at := cur; at != ""; at = prev[at] {
						chain = append([]string{at}, chain...)
					}
					out = append(out, fmt.Sprintf("%s imports %s (%s), against the rule %q ↛ %v: %s",
						p, dep, strings.Join(chain, " → "), r.pkg, r.not, r.why))
				}
			}
		}
	}
	return out
}

// moduleGraph reads the module's import graph, tests apart, with go list.
func moduleGraph(t *testing.T) map[string][]string {
	t.Helper()
	mod, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	prefix := strings.TrimSpace(string(mod)) + "/"
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../../...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	listed, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(listed))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || !strings.HasPrefix(f[0], prefix) {
			continue
		}
		p := strings.TrimPrefix(f[0], prefix)
		graph[p] = []string{}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, prefix) {
				graph[p] = append(graph[p], strings.TrimPrefix(imp, prefix))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return graph
}

// TestImportRules: the module's packages keep the layout's rules.
func TestImportRules(t *testing.T) {
	graph := moduleGraph(t)
	// The rules must be about packages that exist, or they check nothing.
	for _, p := range []string{"mailin", "mailout", "tickets", "tickets/notice", "tickets/service", "tickets/store",
		"internal/backoff", "internal/mailfacts"} {
		if _, ok := graph[p]; !ok {
			t.Fatalf("go list does not list %s: the rules would check nothing (%d packages listed)", p, len(graph))
		}
	}
	for _, v := range violations(graph, rules) {
		t.Error(v)
	}
}

// TestViolationsNamed: on a made-up graph that breaks each kind of rule
// (a direct import, one through another package, a leaf that imports
// ours), the check names the offending import and the chain.
func TestViolationsNamed(t *testing.T) {
	graph := map[string][]string{
		"mailin":           {"mailin/email", "tickets"},
		"mailin/email":     {"internal/shared"},
		"internal/shared":  {"mailout"},
		"mailout":          {"tickets/notice"},
		"tickets":          {},
		"tickets/notice":   {"tickets"},
		"internal/backoff": {"tickets"},
		"internal/leaf":    {},
	}
	rs := []rule{
		{"mailin/...", []string{"mailout/..."}, "inbound never reaches outbound"},
		{"tickets/...", []string{"mailout"}, "domain"},
		{"internal/backoff", []string{"*"}, "leaf"},
		{"internal/leaf", []string{"*"}, "leaf"},
	}
	got := violations(graph, rs)
	want := []string{
		`mailin imports mailout (mailin → mailin/email → internal/shared → mailout), against the rule "mailin/..." ↛ [mailout/...]: inbound never reaches outbound`,
		`mailin/email imports mailout (mailin/email → internal/shared → mailout), against the rule "mailin/..." ↛ [mailout/...]: inbound never reaches outbound`,
		`internal/backoff imports tickets (internal/backoff → tickets), against the rule "internal/backoff" ↛ [*]: leaf`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Take the offending import away: nothing is left to report.
	graph["internal/shared"] = nil
	graph["internal/backoff"] = nil
	if got := violations(graph, rs); len(got) != 0 {
		t.Errorf("a graph that keeps the rules: %v", got)
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pat, p string
		want   bool
	}{
		{"mailin/...", "mailin", true},
		{"mailin/...", "mailin/imapin", true},
		{"mailin/...", "mailinx", false},
		{"tickets", "tickets/store", false},
		{"*", "tickets", true},
		{"*", "internal/backoff", false},
	} {
		if got := match(c.pat, c.p, "internal/backoff"); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.pat, c.p, got, c.want)
		}
	}
}
