-- Storage of the large columns. Every request writes its raw source, its
-- text and its notifications (text and HTML): tens of kilobytes a message.
-- PostgreSQL compresses such values with pglz by default, which costs more
-- CPU than anything else the intake asks of the database; lz4 compresses
-- about as well here at a fraction of the cost. A server built without lz4
-- keeps pglz: the migration says so and goes on.
DO $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY ARRAY['messages.raw', 'messages.body', 'messages.full_text',
                               'outbox.html_body', 'attachments.data'] LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET COMPRESSION lz4',
                           split_part(col, '.', 1), split_part(col, '.', 2));
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'lz4 is not available on this server; % keeps pglz', col;
        END;
    END LOOP;
END
$$;

-- The whole text part is stored only where it differs from the body (the
-- trimmed reply): a message we send, or a new request, is its body, and
-- writing it twice doubled the text written. Readers take the body when
-- full_text is empty.
COMMENT ON COLUMN messages.full_text IS 'the whole text part; empty when it is the body';

-- Answers first. A person who just wrote waits for the answer to that
-- message (the acknowledgement of a request, the result of a command, the
-- notice that a message was quarantined: the auto-replied ones), while the
-- other notifications inform people who are not waiting on this moment.
-- When a burst of mail fills the outbox, workers claim the answers before
-- the rest; otherwise everything is due at once and goes at once.
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox ((auto_submitted <> 'auto-replied'), next_attempt_at, id) WHERE status = 'pending';
