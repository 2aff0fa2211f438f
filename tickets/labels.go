package tickets

// The words people read for the procedure's states, in Spanish and English.
// Prose never shows a state's identifier ("en_atencion").

var stateWords = map[State][2]string{ // es, en
	StateNew:        {"Nuevo", "New"},
	StateInProgress: {"En atención", "In progress"},
	StateResolved:   {"Resuelto", "Resolved"},
	StateClosed:     {"Cerrado", "Closed"},
}

// statePhrases complete "el caso está …" and "the ticket is …".
var statePhrases = map[State][2]string{
	StateNew:        {"sin clasificar", "new, not yet classified"},
	StateInProgress: {"en atención", "in progress"},
	StateResolved:   {"resuelto", "resolved"},
	StateClosed:     {"cerrado", "closed"},
}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// Label is the state's name as a title, in lang ("es" by default, "en").
func (s State) Label(lang string) string {
	if w, ok := stateWords[s]; ok {
		return w[langIndex(lang)]
	}
	return string(s)
}

// Phrase is the state as it completes "el caso está …" (or "the ticket is
// …" in English).
func (s State) Phrase(lang string) string {
	if w, ok := statePhrases[s]; ok {
		return w[langIndex(lang)]
	}
	return string(s)
}
