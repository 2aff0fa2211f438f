package mailout

import (
	"strings"
	"sync"
	"testing"
)

// indent and textHTML remember their last long result; whatever the order
// and concurrency of the calls, each returns what it would compute afresh.
func TestMemoizedFunctionsMatchFreshResults(t *testing.T) {
	long := benchBody()
	if len(long) < memoMin {
		t.Fatal("the bench body is too short to be memoized")
	}
	texts := []string{
		long,
		strings.Replace(long, "Buenos días", "Buenas tardes", 1), // same length, other content
		long[:len(long)-1],
		strings.Clone(long), // same content, other string
		strings.Repeat("<&>\n", memoMin),
		"short <b>",
	}
	prefixes := []string{"  ", "  > ", ""}
	check := func(t *testing.T, s, prefix string) {
		if got, want := indent(prefix, s), indentRef(prefix, s); got != want {
			t.Errorf("indent(%q, %.40q...) differs from the fresh result", prefix, s)
		}
		want, _ := viaTemplates(t, s)
		got := `<p class="x">` + string(textHTML(s)) + `</p><li><br>` + string(textHTML(s)) + `</li>`
		if got != want {
			t.Errorf("textHTML(%.40q...) differs from html/template", s)
		}
	}
	for range 2 {
		for _, s := range texts {
			for _, p := range prefixes {
				check(t, s, p)
			}
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				check(t, texts[(g+i)%len(texts)], prefixes[i%len(prefixes)])
			}
		})
	}
	wg.Wait()
}
