//go:build !faults

package faults

// Point does nothing in a normal build.
func Point(string) {}
