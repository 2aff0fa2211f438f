package imapin

import (
	"bytes"
	"testing"
)

func alerted(w *idleWatch) bool {
	select {
	case <-w.alert:
		return true
	default:
		return false
	}
}

func TestIdleWatch(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		watch  bool
		want   bool
	}{
		{"dovecot_internal_error", []string{"* NO Internal error occurred. Refer to server log\r\n"}, true, true},
		{"bad", []string{"* BAD [CLIENTBUG] oops\r\n"}, true, true},
		{"lower_case", []string{"* no trouble\r\n"}, true, true},
		{"split_across_reads", []string{"* 3 EXISTS\r\n*", " N", "O something\r\n"}, true, true},
		{"exists_only", []string{"* 3 EXISTS\r\n* 1 RECENT\r\n"}, true, false},
		{"ok_keepalive", []string{"* OK Still here\r\n"}, true, false},
		{"no_inside_a_line", []string{"* OK server says * NO later\r\n"}, true, false},
		{"notice_word_is_not_no", []string{"* NOTICE x\r\n"}, true, false},
		{"bye_is_handled_by_closing", []string{"* BYE shutting down\r\n"}, true, false},
		{"not_watching", []string{"* NO Internal error\r\n"}, false, false},
		{"empty", nil, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newIdleWatch()
			if tc.watch {
				w.start()
			}
			for _, c := range tc.chunks {
				if n, err := w.Write([]byte(c)); n != len(c) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if got := alerted(w); got != tc.want {
				t.Errorf("alert = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIdleWatchStartDropsStaleAlert(t *testing.T) {
	w := newIdleWatch()
	w.start()
	w.Write([]byte("* NO first\r\n"))
	w.stop()
	w.Write([]byte("* NO while not idling\r\n"))
	w.start()
	if alerted(w) {
		t.Fatal("an alert from an earlier IDLE survived start")
	}
}

// FuzzIdleWatch compares the streaming scanner, fed in arbitrary pieces,
// with a plain line split.
func FuzzIdleWatch(f *testing.F) {
	f.Add([]byte("* 2 EXISTS\r\n* NO x\r\n"), uint8(3))
	f.Add([]byte("* bad\r\n* BAD y"), uint8(1))
	f.Add([]byte("\n\n* NO"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		w := newIdleWatch()
		w.start()
		n := int(step%16) + 1
		for i := 0; i < len(data); i += n {
			w.Write(data[i:min(i+n, len(data))])
		}
		want := false
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(line) >= 5 && isAlertLine(line[:5]) || len(line) >= 6 && isAlertLine(line[:6]) {
				want = true
			}
		}
		if got := alerted(w); got != want {
			t.Fatalf("alert = %v, want %v for %q", got, want, data)
		}
	})
}
