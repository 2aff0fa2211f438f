package email

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// enmimeCorpus is the enmime corpus kept in testdata/enmime (see its
// SOURCE.md and LICENSE). It is part of the test suite: a missing folder
// fails the test.
func enmimeCorpus(t *testing.T) string {
	t.Helper()
	const dir = "testdata/enmime"
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("corpus folder %s not found: %v", dir, err)
	}
	return dir
}

// corpusFiles lists every regular file under dir, sorted.
func corpusFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	sort.Strings(files)
	return files
}

// TestEnmimeCorpus runs every file of the enmime corpus through Parse, the
// broken ones included: none may panic (Parse's recover would report
// errInternal), and the outcome of each is counted.
func TestEnmimeCorpus(t *testing.T) {
	root := enmimeCorpus(t)
	files := corpusFiles(t, root)
	if len(files) < 50 {
		t.Fatalf("corpus %s holds %d files, expected the full enmime corpus", root, len(files))
	}
	var ok, limit, failed, withText, withAttachments int
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", rel, err)
		}
		m, err := Parse(raw, DefaultLimits())
		var le *LimitError
		switch {
		case errors.Is(err, errInternal):
			t.Errorf("%s: %v", rel, err)
			failed++
		case errors.As(err, &le):
			limit++
		case err != nil:
			failed++
			t.Logf("%s: error: %v", rel, err)
		default:
			ok++
			if strings.TrimSpace(m.Text) != "" {
				withText++
			}
			if len(m.Attachments) > 0 {
				withAttachments++
			}
		}
	}
	t.Logf("enmime corpus: %d files: %d ok (%d with text, %d with attachments), %d over a limit, %d errors",
		len(files), ok, withText, withAttachments, limit, failed)
}

// TestEnmimeDSN parses the DSN fixtures of the enmime corpus: each that is a
// delivery-status report must yield a DeliveryReport and be a bounce.
func TestEnmimeDSN(t *testing.T) {
	dir := filepath.Join(enmimeCorpus(t), "dsn")
	files := corpusFiles(t, dir)
	if len(files) == 0 {
		t.Fatalf("no DSN fixtures under %s", dir)
	}
	// What RFC 3464's examples, which these fixtures copy, say.
	want := map[string]struct{ recipients, failed int }{
		"simple_dsn.raw":                     {1, 1},
		"simple_dsn_with_html.raw":           {1, 1},
		"multi_recipient_dsn.raw":            {3, 2},
		"delayed_dsn.raw":                    {1, 0},
		"dsn_with_multipart_alternative.raw": {1, 1},
	}
	reports := 0
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, DefaultLimits())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			isReport := strings.Contains(strings.ToLower(m.HeaderValue("Content-Type")), "report-type=delivery-status")
			if !isReport {
				if m.DSN != nil {
					t.Errorf("DSN found in a message that is not a delivery-status report")
				}
				return
			}
			reports++
			if m.DSN == nil {
				t.Fatalf("no DeliveryReport in a delivery-status report")
			}
			if m.Auto != Bounce {
				t.Errorf("Auto = %q, want %q", m.Auto, Bounce)
			}
			for _, r := range m.DSN.Recipients {
				if !strings.Contains(r.Recipient, "@") || r.Action == "" || r.Status == "" {
					t.Errorf("incomplete recipient block %+v", r)
				}
			}
			if w, ok := want[name]; ok {
				if len(m.DSN.Recipients) != w.recipients || len(m.DSN.Failed) != w.failed {
					t.Errorf("recipients %d failed %d, want %d and %d: %+v", len(m.DSN.Recipients), len(m.DSN.Failed), w.recipients, w.failed, m.DSN)
				}
			}
		})
	}
	if reports == 0 {
		t.Errorf("no delivery-status report among %d DSN fixtures", len(files))
	}
}
