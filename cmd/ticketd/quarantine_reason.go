package main

import (
	"regexp"
	"strings"
)

// reasonPatterns word in Spanish the reasons the intake records for a
// quarantined message (mailin and mailin/email write them in English, for
// logs). A reason that matches none is shown as it is.
var reasonPatterns = []struct {
	re *regexp.Regexp
	es string // with $1, $2 for the numbers
}{
	{regexp.MustCompile(`^message is (\d+) bytes, over the limit of (\d+)$`), "el mensaje tiene $1 bytes, más del máximo de $2 (solo se guardó su cabecera)"},
	{regexp.MustCompile(`^message is (\d+) bytes, limit (\d+)$`), "el mensaje tiene $1 bytes, más del máximo de $2"},
	{regexp.MustCompile(`^header is over (\d+) bytes$`), "la cabecera supera los $1 bytes"},
	{regexp.MustCompile(`^MIME nesting is deeper than (\d+)$`), "las partes MIME anidan más allá del máximo de $1 niveles"},
	{regexp.MustCompile(`^message has more than (\d+) MIME parts$`), "el mensaje tiene más de $1 partes MIME"},
	{regexp.MustCompile(`^no usable From address$`), "no trae una dirección de remitente (From) utilizable"},
}

// reasonWords is a quarantine reason for the desk, in Spanish where it is
// known; "unreadable message" and "processing failed" keep their technical
// detail after the Spanish words.
func reasonWords(reason string) string {
	for _, p := range reasonPatterns {
		if p.re.MatchString(reason) {
			return p.re.ReplaceAllString(reason, p.es)
		}
	}
	if rest, ok := strings.CutPrefix(reason, "unreadable message: "); ok {
		return "mensaje ilegible: " + rest
	}
	if rest, ok := strings.CutPrefix(reason, "processing failed: "); ok {
		return "falló su procesamiento: " + rest
	}
	return reason
}
