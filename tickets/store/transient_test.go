package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/lib/pq"
)

func TestIsTransient(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pq.Error{Code: "57P01"}, true}, // admin_shutdown: PostgreSQL restarting
		{&pq.Error{Code: "08006"}, true}, // connection_failure
		{&pq.Error{Code: "40001"}, true}, // serialization_failure
		{&pq.Error{Code: "53300"}, true}, // too_many_connections
		{fmt.Errorf("wrapped: %w", driver.ErrBadConn), true},
		{io.ErrUnexpectedEOF, true},
		{syscall.ECONNREFUSED, true},
		{&pq.Error{Code: "23505"}, false}, // unique_violation: the data
		{&pq.Error{Code: "22021"}, false}, // invalid byte sequence: the data
		{errors.New("boom"), false},
		{nil, false},
	} {
		if got := IsTransient(tc.err); got != tc.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
