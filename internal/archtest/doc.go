// Package archtest holds no code: its tests check the import rules of
// ticketd's layout (README, "Architecture") over `go list`, and fail
// naming the import that breaks one; and that SQL lives only in
// tickets/store (sql_test.go): they parse every non-test file of the
// module and name the file and line of any SQL text, or any import of
// database/sql or lib/pq, found elsewhere.
package archtest
