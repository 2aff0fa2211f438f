package mailsandbox

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/textproto"
)

func TestCRLF(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"already CRLF", "a\r\nb\r\n", "a\r\nb\r\n"},
		{"bare LF", "a\nb\n", "a\r\nb\r\n"},
		{"mixed", "a\r\nb\nc", "a\r\nb\r\nc"},
		{"leading LF", "\nx", "\r\nx"},
		{"bare CR left alone", "a\rb\r\n", "a\rb\r\n"},
		{"CR CR LF", "a\r\r\n", "a\r\r\n"},
		{"8-bit bytes", "ñ\n\xff\n", "ñ\r\n\xff\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(crlf([]byte(tc.in))); got != tc.want {
				t.Errorf("crlf(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHeaderSafe(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"host name", "mail.example.gov.co", "mail.example.gov.co"},
		{"address literal", "[127.0.0.1]", "_127.0.0.1_"},
		{"comment breaker", "x) by evil (y", "x__by_evil__y"},
		{"semicolon would end the clauses", "a;b", "a_b"},
		{"utf-8", "señal", "se__al"},
		{"empty", "", "unknown"},
		{"long", strings.Repeat("a", 300), strings.Repeat("a", 100)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := headerSafe(tc.in); got != tc.want {
				t.Errorf("headerSafe(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// checkTrace parses the trace block as a header section and checks it holds
// exactly Return-Path, Delivered-To and Received, in that order.
func checkTrace(t testing.TB, block []byte, from, rcpt string) {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(append(block, "\r\n"...))))
	if err != nil {
		t.Fatalf("trace headers do not parse: %v\n%q", err, block)
	}
	var keys []string
	for f := h.Fields(); f.Next(); {
		keys = append(keys, f.Key())
	}
	if strings.Join(keys, ",") != "Return-Path,Delivered-To,Received" {
		t.Fatalf("trace fields %v in %q", keys, block)
	}
	if got := h.Get("Return-Path"); got != "<"+from+">" {
		t.Errorf("Return-Path %q, want <%s>", got, from)
	}
	if got := h.Get("Delivered-To"); got != rcpt {
		t.Errorf("Delivered-To %q, want %q", got, rcpt)
	}
	recv := h.Get("Received")
	semi := strings.LastIndex(recv, ";")
	if semi < 0 {
		t.Fatalf("Received has no date: %q", recv)
	}
	if _, err := time.Parse(time.RFC1123Z, strings.TrimSpace(recv[semi+1:])); err != nil {
		t.Errorf("Received date: %v", err)
	}
	if strings.Count(recv, ";") != 1 {
		t.Errorf("Received has more than one ';': %q", recv)
	}
	for _, line := range bytes.SplitAfter(block, []byte("\r\n")) {
		if len(line) > 998+2 {
			t.Errorf("trace line over RFC 5322's 998 characters: %d", len(line))
		}
	}
}

func TestTraceHeaders(t *testing.T) {
	s := &System{host: "example.gov.co"}
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.FixedZone("COT", -5*3600))
	cases := []struct {
		name string
		env  envelope
		rcpt string
		want string
	}{
		{"smtp authenticated", envelope{from: "ana@x", smtp: true, helo: "pc-ana", remoteIP: "127.0.0.1", authed: true},
			"soporte+t@example.gov.co",
			"Return-Path: <ana@x>\r\nDelivered-To: soporte+t@example.gov.co\r\n" +
				"Received: from pc-ana ([127.0.0.1])\r\n\tby example.gov.co (ticketd mailsandbox) with ESMTPA id ID\r\n" +
				"\tfor <soporte+t@example.gov.co>; Mon, 02 Jun 2025 10:00:00 -0500\r\n"},
		{"smtp as MX", envelope{from: "", smtp: true, helo: "mx.example", remoteIP: "::1"},
			"a@example.gov.co",
			"Return-Path: <>\r\nDelivered-To: a@example.gov.co\r\n" +
				"Received: from mx.example ([::1])\r\n\tby example.gov.co (ticketd mailsandbox) with ESMTP id ID\r\n" +
				"\tfor <a@example.gov.co>; Mon, 02 Jun 2025 10:00:00 -0500\r\n"},
		{"direct", envelope{from: "b@y"},
			"a@example.gov.co",
			"Return-Path: <b@y>\r\nDelivered-To: a@example.gov.co\r\n" +
				"Received: by example.gov.co (ticketd mailsandbox) with local id ID\r\n" +
				"\tfor <a@example.gov.co>; Mon, 02 Jun 2025 10:00:00 -0500\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := s.traceHeaders(tc.env, tc.rcpt, "ID", now)
			if string(got) != tc.want {
				t.Errorf("trace headers:\n got %q\nwant %q", got, tc.want)
			}
			checkTrace(t, got, tc.env.from, tc.rcpt)
		})
	}
}

func TestPlainAddress(t *testing.T) {
	cases := []struct {
		name, addr string
		want       bool
	}{
		{"plain", "soporte.oti+r1.x-Y_z@example.gov.co", true},
		{"utf-8", "josé@ejemplo.co", true},
		{"semicolon", "a;b@x", false},
		{"parenthesis", "a(b)@x", false},
		{"quoted", `"a b"@x`, false},
		{"two at signs", "a@b@c", false},
		{"no domain", "a", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := plainAddress(tc.addr); got != tc.want {
				t.Errorf("plainAddress(%q) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}
