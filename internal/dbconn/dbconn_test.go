package dbconn_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/dbconn"
	"github.com/ticketd/ticketd/internal/pgtest"
)

// Every kind of parameter the store sends works in binary mode, and bytes
// come back exactly as sent.
func TestOpenBinaryParameters(t *testing.T) {
	db, err := dbconn.Open(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := []byte("From: a@x\r\n\r\n\x00\xff\xfe\\x41 'quoted' \\\\")
	var (
		back []byte
		s    string
		n    int64
		arr  string
	)
	err = db.QueryRow(`SELECT $1::bytea, $2::text, $3::bigint, ($4::text[])::text`, raw, "Ñandú ' \\", int64(42), "{a,b}").
		Scan(&back, &s, &n, &arr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, raw) || s != "Ñandú ' \\" || n != 42 || arr != "{a,b}" {
		t.Errorf("round trip: %q %q %d %q", back, s, n, arr)
	}
	var mode string
	if err := db.Get(&mode, `SELECT 'x'`); err != nil || mode != "x" {
		t.Errorf("query without parameters: %q %v", mode, err)
	}
}

func TestOpenRejectsBadAddress(t *testing.T) {
	if _, err := dbconn.Open("postgres://%zz"); err == nil {
		t.Error("a malformed address was accepted")
	}
}

// An address the driver cannot read is ErrAddress, which echoes none of
// it: the driver's own error would show part of the password.
func TestOpenUnreadableAddress(t *testing.T) {
	for _, dsn := range []string{
		"host=db user=ticketd password=zq xw dbname=ticketd",
		"postgres://ticketd:zq#xw@db/ticketd",
	} {
		_, err := dbconn.Open(dsn)
		if !errors.Is(err, dbconn.ErrAddress) || strings.Contains(err.Error(), "zq") || strings.Contains(err.Error(), "xw") {
			t.Errorf("Open(%q) = %v", dsn, err)
		}
	}
}
