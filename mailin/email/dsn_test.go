package email

import (
	"reflect"
	"testing"
)

func TestParseDeliveryReports(t *testing.T) {
	const head = "From: MAILER-DAEMON@mx.example\r\nSubject: fallo\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n"
	tests := []struct {
		name string
		rest string // the parts after the human-readable one
		want *DeliveryReport
	}{
		{
			"returned headers give the original id",
			"--r\r\nContent-Type: message/delivery-status\r\n\r\nOriginal-Envelope-Id: env-1\r\n\r\nFinal-Recipient: rfc822; a@x.co\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig-7@soporte.example>\r\nSubject: x\r\n\r\n--r--\r\n",
			&DeliveryReport{OriginalMessageID: "orig-7@soporte.example", Failed: []DeliveryStatus{{"a@x.co", "failed", "5.1.1", ""}}, Recipients: []DeliveryStatus{{"a@x.co", "failed", "5.1.1", ""}}},
		},
		{
			"envelope id when nothing is returned",
			"--r\r\nContent-Type: message/delivery-status\r\n\r\nOriginal-Envelope-Id: <env-1>\r\n\r\nFinal-Recipient: rfc822; a@x.co\r\nAction: failed\r\nStatus: 5.1.1\r\n--r--\r\n",
			&DeliveryReport{OriginalMessageID: "env-1", Failed: []DeliveryStatus{{"a@x.co", "failed", "5.1.1", ""}}, Recipients: []DeliveryStatus{{"a@x.co", "failed", "5.1.1", ""}}},
		},
		{
			"base64 status part, no per-message block",
			// "Final-Recipient: rfc822; a@x.co\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 mailbox full\r\n"
			"--r\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\nRmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFAeC5jbw0KQWN0aW9uOiBmYWlsZWQNClN0YXR1czog\r\nNS4yLjINCkRpYWdub3N0aWMtQ29kZTogc210cDsgNTUyIG1haWxib3ggZnVsbA0K\r\n--r--\r\n",
			&DeliveryReport{Failed: []DeliveryStatus{{"a@x.co", "failed", "5.2.2", "552 mailbox full"}}, Recipients: []DeliveryStatus{{"a@x.co", "failed", "5.2.2", "552 mailbox full"}}},
		},
		{
			"permanent status without action counts as failed",
			"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nOriginal-Recipient: rfc822;<B@X.CO>\r\nStatus: 5.0.0\r\n\r\nFinal-Recipient: rfc822; c@x.co\r\nStatus: 4.4.1\r\n--r--\r\n",
			&DeliveryReport{Failed: []DeliveryStatus{{"b@x.co", "", "5.0.0", ""}}, Recipients: []DeliveryStatus{{"b@x.co", "", "5.0.0", ""}, {"c@x.co", "", "4.4.1", ""}}},
		},
		{
			"delayed only",
			"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@x.co\r\nAction: delayed\r\nStatus: 4.4.7\r\nDiagnostic-Code: X-Postfix; connect timed out\r\n--r--\r\n",
			&DeliveryReport{Recipients: []DeliveryStatus{{"a@x.co", "delayed", "4.4.7", "connect timed out"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(head+tt.rest), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.DSN, tt.want) {
				t.Errorf("DSN = %+v\nwant %+v", m.DSN, tt.want)
			}
			if m.Auto != Bounce {
				t.Errorf("Auto = %q, want bounce", m.Auto)
			}
			if m.Text != "No se pudo entregar." {
				t.Errorf("Text = %q", m.Text)
			}
		})
	}
}
