-- The system's notes as data (issue 16): what the intake, the timers and the
-- outbox write on a ticket's record is kept as its code and arguments
-- (tickets.Note, as JSON) and worded when read, in the reader's language.
-- The note column keeps its words in the desk's language for whatever reads
-- the text alone. NULL for a person's words and for rows written before:
-- those show their text as it is.
ALTER TABLE events ADD COLUMN note_data jsonb;
