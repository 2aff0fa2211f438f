// Package archtest holds no code: its test checks the import rules of
// ticketd's layout (README, "Architecture") over `go list`, and fails
// naming the import that breaks one.
package archtest
