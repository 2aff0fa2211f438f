package mailout

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzSenderReplies runs one transaction against a server that answers
// with arbitrary bytes, in every transaction mode, with and without the
// null sender. Whatever the replies, Send returns (within the timeout),
// never reports success for a message the server did not receive to its
// end, and says Unconfirmed only when the message's end was handed over.
func FuzzSenderReplies(f *testing.F) {
	f.Add(uint8(0), []byte("250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n"))
	f.Add(uint8(1), []byte("250 ok\r\n250 ok\r\n250 queued\r\n"))
	f.Add(uint8(2), []byte("250 ok\r\n550 no such user\r\n354 go\r\n"))
	f.Add(uint8(3), []byte("250 ok\r\n250 ok\r\n354 go\r\n"))               // no reply to the end
	f.Add(uint8(4), []byte("250-a\r\n250 b\r\n250 ok\r\n354\r\n250 x\r\n")) // multi-line
	f.Add(uint8(5), []byte("421 closing\r\n"))
	f.Add(uint8(6), []byte("250 ok\r\n250 ok\r\n"))
	f.Add(uint8(7), []byte("2"))
	f.Add(uint8(32), []byte("250 ok\r\n250 ok\r\n"))
	f.Add(uint8(40), []byte("250 ok\r\n250 ok\r\n354 go\r\n"))
	f.Fuzz(func(t *testing.T, mode uint8, replies []byte) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ehlo := []string{
			"250-fuzz\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n",
			"250-fuzz\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
			"250-fuzz\r\n250 8BITMIME\r\n",
		}[int(mode)%3]
		got := make(chan []byte, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				got <- nil
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			r := bufio.NewReader(c)
			io.WriteString(c, "220 fuzz ESMTP\r\n")
			if _, err := r.ReadString('\n'); err != nil { // EHLO
				got <- nil
				return
			}
			io.WriteString(c, ehlo)
			c.Write(replies)
			if mode&32 != 0 {
				// No more replies: the connection closes (otherwise the
				// client's timeout ends the wait).
				c.(*net.TCPConn).CloseWrite()
			}
			var rest bytes.Buffer
			io.Copy(&rest, r)
			got <- rest.Bytes()
		}()
		s, err := NewSender(SMTPConfig{Address: ln.Addr().String(), TLS: TLSNone, Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		s.noPipelining = mode&8 != 0
		m := sendMsg(t, 1, "ana@example.org")
		if mode&16 != 0 {
			err = s.SendNullSender(context.Background(), m)
		} else {
			err = s.Send(context.Background(), m)
		}
		s.drop()
		received := <-got
		ended := bytes.Contains(received, []byte("\r\n.\r\n")) || bytes.Contains(received, []byte(" LAST\r\n"))
		if err == nil && !ended {
			t.Fatalf("success reported, but the server did not receive the message to its end:\n%q", received)
		}
		var de *DeliveryError
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("error %v is not a DeliveryError", err)
		}
		if de != nil && de.Unconfirmed && !ended {
			t.Fatalf("unconfirmed, but the message's end was never sent: %v\n%q", err, received)
		}
	})
}
