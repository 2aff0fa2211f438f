package tickets

// CommandResult is the outcome of one command line of a reply, for the
// command_result notice: the intake (mailin) says what it did, the
// notice tells the sender.
type CommandResult struct {
	Line    string // the command as written, e.g. "#escalar nivel 3 a ana"
	Applied bool
	Summary string // what changed when applied: state, level, assignee
	Reason  string // why it was refused
	Hint    string // what would work instead
}
