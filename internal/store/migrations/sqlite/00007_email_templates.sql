-- +goose Up
-- Per-issuer notification templates (internal/mail, service.Notifications): one row per issuer
-- and kind ('award' for the award email); no row means the built-in default. subject and
-- text are text/template sources, html an html/template source ('' = no HTML part).
CREATE TABLE email_templates (
    issuer_id  TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('award')),
    subject    TEXT NOT NULL,
    text       TEXT NOT NULL,
    html       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (issuer_id, kind)
) STRICT;

-- The display name of the From header (the address is the installation's) and the Reply-To
-- address of an outbox email, e.g. the issuer's name and contact address.
ALTER TABLE email_outbox ADD COLUMN from_name TEXT NOT NULL DEFAULT '';
ALTER TABLE email_outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE email_outbox DROP COLUMN reply_to;
ALTER TABLE email_outbox DROP COLUMN from_name;
DROP TABLE email_templates;
