-- The attachments a notification carries: the same stored bytes, linked
-- to each outgoing message that sends them, so that a 10 MiB screenshot
-- sent to the assignee and the desk is kept once. The worker reads them
-- when it composes the message; what a notification lists without
-- carrying (over the configured total) has no row here.
CREATE TABLE outbox_files (
    message_row   bigint  NOT NULL REFERENCES messages (id),
    attachment_id bigint  NOT NULL REFERENCES attachments (id),
    position      integer NOT NULL,
    PRIMARY KEY (message_row, attachment_id)
);
