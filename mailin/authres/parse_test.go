package authres

import (
	"reflect"
	"strings"
	"testing"
)

// Field values as real servers write them (addresses and keys changed).
const (
	microsoft365  = "spf=pass (sender IP is 209.85.218.54)\r\n smtp.mailfrom=proveedor.com.co; dkim=pass (signature was verified)\r\n header.d=proveedor.com.co;dmarc=pass action=none\r\n header.from=proveedor.com.co;compauth=pass reason=100"
	microsoftFail = "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=example.gov.co; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=example.gov.co;compauth=fail reason=000"
	gmail         = "mx.google.com;\r\n       dkim=pass header.i=@example.gov.co header.s=20230601 header.b=AbCdEf12;\r\n       spf=pass (google.com: domain of ana@example.gov.co designates 190.1.2.3 as permitted sender) smtp.mailfrom=ana@example.gov.co;\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.gov.co"
	openDKIM      = "mail.example.gov.co; dkim=pass (2048-bit key; unprotected) header.d=proveedor.com header.i=@proveedor.com header.a=rsa-sha256 header.s=default header.b=Xy/Z+123"
	openDMARC     = "mail.example.gov.co; dmarc=pass (p=reject dis=none) header.from=proveedor.com"
	rspamd        = "mail.example.gov.co;\n\tdkim=pass header.d=x.co header.s=sel header.b=abc;\n\tspf=pass (mail.example.gov.co: domain of a@x.co designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@x.co;\n\tdmarc=pass (policy=reject) header.from=x.co"
)

func TestParse(t *testing.T) {
	type P = map[string]string
	tests := []struct {
		name  string
		value string
		want  Result
	}{
		{
			name:  "Microsoft 365, no authserv-id",
			value: microsoft365,
			want: Result{Methods: []Method{
				{"spf", "pass", P{"smtp.mailfrom": "proveedor.com.co"}},
				{"dkim", "pass", P{"header.d": "proveedor.com.co"}},
				{"dmarc", "pass", P{"action": "none", "header.from": "proveedor.com.co"}},
				{"compauth", "pass", P{"reason": "100"}},
			}},
		},
		{
			name:  "Microsoft 365 failing",
			value: microsoftFail,
			want: Result{Methods: []Method{
				{"spf", "fail", P{"smtp.mailfrom": "example.gov.co"}},
				{"dkim", "none", P{"header.d": "none"}},
				{"dmarc", "fail", P{"action": "quarantine", "header.from": "example.gov.co"}},
				{"compauth", "fail", P{"reason": "000"}},
			}},
		},
		{
			name:  "Gmail",
			value: gmail,
			want: Result{AuthServID: "mx.google.com", Methods: []Method{
				{"dkim", "pass", P{"header.i": "@example.gov.co", "header.s": "20230601", "header.b": "AbCdEf12"}},
				{"spf", "pass", P{"smtp.mailfrom": "ana@example.gov.co"}},
				{"dmarc", "pass", P{"header.from": "example.gov.co"}},
			}},
		},
		{
			name:  "OpenDKIM, semicolon inside a comment",
			value: openDKIM,
			want: Result{AuthServID: "mail.example.gov.co", Methods: []Method{
				{"dkim", "pass", P{"header.d": "proveedor.com", "header.i": "@proveedor.com", "header.a": "rsa-sha256", "header.s": "default", "header.b": "Xy/Z+123"}},
			}},
		},
		{
			name:  "OpenDMARC",
			value: openDMARC,
			want: Result{AuthServID: "mail.example.gov.co", Methods: []Method{
				{"dmarc", "pass", P{"header.from": "proveedor.com"}},
			}},
		},
		{
			name:  "rspamd",
			value: rspamd,
			want: Result{AuthServID: "mail.example.gov.co", Methods: []Method{
				{"dkim", "pass", P{"header.d": "x.co", "header.s": "sel", "header.b": "abc"}},
				{"spf", "pass", P{"smtp.mailfrom": "a@x.co"}},
				{"dmarc", "pass", P{"header.from": "x.co"}},
			}},
		},
		{
			name:  "whole line with the field name",
			value: "Authentication-Results: example.com; spf=pass smtp.mailfrom=example.net",
			want:  Result{AuthServID: "example.com", Methods: []Method{{"spf", "pass", P{"smtp.mailfrom": "example.net"}}}},
		},
		{
			name:  "RFC 8601 B.2 no result",
			value: "example.org 1; none",
			want:  Result{AuthServID: "example.org"},
		},
		{
			name:  "version after authserv-id",
			value: "example.com 1; dkim=pass header.d=example.com",
			want:  Result{AuthServID: "example.com", Methods: []Method{{"dkim", "pass", P{"header.d": "example.com"}}}},
		},
		{
			name:  "RFC 8601 B.4 with reason and comments",
			value: "example.com;\r\n  auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n  spf=pass smtp.mailfrom=example.net",
			want: Result{AuthServID: "example.com", Methods: []Method{
				{"auth", "pass", P{"smtp.auth": "sender@example.net"}},
				{"spf", "pass", P{"smtp.mailfrom": "example.net"}},
			}},
		},
		{
			name:  "quoted reason with semicolon and parenthesis",
			value: `mx.example.gov.co; dkim=fail reason="bad sig; (really)" header.d=x.co`,
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "fail", P{"reason": "bad sig; (really)", "header.d": "x.co"}}}},
		},
		{
			name:  "quoted authserv-id and escaped quote",
			value: `"mx.example.gov.co"; dkim=pass reason="a \"b\"" header.d=x.co`,
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "pass", P{"reason": `a "b"`, "header.d": "x.co"}}}},
		},
		{
			name:  "spaces and comments around equals",
			value: "mx.example.gov.co; dkim (x) = (y) pass header.d = x.co",
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "pass", P{"header.d": "x.co"}}}},
		},
		{
			name:  "nested comment",
			value: "mx.example.gov.co (border (primary)); spf=pass smtp.mailfrom=x.co",
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"spf", "pass", P{"smtp.mailfrom": "x.co"}}}},
		},
		{
			name:  "method version and upper case",
			value: "MX.Example.gov.co; DKIM/1=PASS Header.D=X.co",
			want:  Result{AuthServID: "MX.Example.gov.co", Methods: []Method{{"dkim", "pass", P{"header.d": "X.co"}}}},
		},
		{
			name:  "base64 value keeps its padding",
			value: "mx.example.gov.co; dkim=pass header.b=ab+/cd== header.d=x.co",
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "pass", P{"header.b": "ab+/cd==", "header.d": "x.co"}}}},
		},
		{
			name:  "trailing semicolon and garbage resinfo skipped",
			value: "mx.example.gov.co; whatever; =pass; dkim=pass header.d=x.co;",
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "pass", P{"header.d": "x.co"}}}},
		},
		{
			name:  "duplicate property keeps the first",
			value: "mx.example.gov.co; dkim=pass header.d=x.co header.d=evil.co",
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "pass", P{"header.d": "x.co"}}}},
		},
		{
			name:  "dangling key without value",
			value: "mx.example.gov.co; dkim=pass header.d",
			want:  Result{AuthServID: "mx.example.gov.co", Methods: []Method{{"dkim", "pass", P{}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.value)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{name: "empty", value: "", want: "empty"},
		{name: "only spaces", value: " \r\n\t", want: "empty"},
		{name: "only a comment", value: "(nothing here)", want: "empty"},
		{name: "only the field name", value: "Authentication-Results:", want: "empty"},
		{name: "unterminated comment", value: "mx.example.gov.co; dkim=pass (oops header.d=x.co", want: "unterminated comment"},
		{name: "unbalanced close", value: "mx.example.gov.co; dkim=pass) header.d=x.co", want: "unbalanced"},
		{name: "unterminated quote", value: `mx.example.gov.co; dkim=pass reason="oops`, want: "unterminated quoted"},
		{name: "starts with equals", value: "=mx; dkim=pass", want: "starts with '='"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %+v, %v; want error containing %q", got, err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		microsoft365, microsoftFail, gmail, openDKIM, openDMARC, rspamd,
		"example.org 1; none",
		`"q"; dkim=pass reason="a \"b\"" header.d=x.co`,
		"a; b=c d=e=f; (x(y)z) g = h",
		"Authentication-Results: ;;;",
		"(", ")", `"`, "\\", "=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		res, err := Parse(value)
		if err != nil {
			if res.AuthServID != "" || res.Methods != nil {
				t.Fatalf("error %v with a non-empty result %+v", err, res)
			}
			return
		}
		for _, m := range res.Methods {
			if m.Method == "" || m.Method != strings.ToLower(m.Method) || m.Result != strings.ToLower(m.Result) {
				t.Fatalf("method %+v not normalised", m)
			}
			if m.Props == nil {
				t.Fatalf("method %+v has nil Props", m)
			}
		}
		// Verified must not panic on whatever Parse accepts.
		Verified([]string{value}, "x", "x.co")
		Verified([]string{value}, NoAuthServID, "x.co")
	})
}
