-- Quarantine you can act on: an operator releases a quarantined message
-- (it is processed again through the normal path) or discards it with a
-- reason. A discarded message keeps its raw source and its row; only its
-- status says nobody will process it.
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('received', 'processed', 'quarantined', 'discarded'));

-- What was done with each quarantined message, by whom and why: the record
-- an operator's decision leaves.
CREATE TABLE quarantine_actions (
    id          bigserial   PRIMARY KEY,
    message_row bigint      NOT NULL REFERENCES messages (id),
    action      text        NOT NULL CHECK (action IN ('released', 'discarded')),
    actor       text        NOT NULL,
    note        text        NOT NULL DEFAULT '',
    prev_reason text        NOT NULL DEFAULT '', -- why it was quarantined
    outcome     text        NOT NULL DEFAULT '', -- for a release: what processing made of it
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_actions_message_idx ON quarantine_actions (message_row, id);
CREATE INDEX messages_quarantined_idx ON messages (id) WHERE status = 'quarantined';
