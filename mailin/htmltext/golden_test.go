package htmltext

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden .txt files in testdata")

// TestConvertGolden converts each testdata/*.html and compares with the
// .txt beside it; run with -update to rewrite them after a deliberate
// change, then read the diff.
func TestConvertGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/*.html: %v", err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got := Convert(string(in)) + "\n"
			golden := strings.TrimSuffix(p, ".html") + ".txt"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("Convert(%s) differs from %s\n got:\n%s\nwant:\n%s", p, golden, got, want)
			}
		})
	}
}
