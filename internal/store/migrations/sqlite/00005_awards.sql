-- +goose Up
-- Awards: one badge class version awarded to one recipient. The row is written with the
-- validated, unsigned OB 3.0 credential before anything is signed (DESIGN.md rule 2); signing
-- fills credential and signed_at once. The OB 2.0 assertion is built from the row when served,
-- so revocation shows at once. notify_pending: email the recipient once signed. status_index is the award's bit in the issuer's Bitstring
-- Status Lists (list = index / 131072). idempotency_key makes issuing calls repeatable.
CREATE TABLE awards (
    id                  TEXT PRIMARY KEY,
    issuer_id           TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    badge_class_id      TEXT NOT NULL REFERENCES badge_classes(id),
    badge_class_version INTEGER NOT NULL,
    recipient_type      TEXT NOT NULL CHECK (recipient_type IN ('email', 'url', 'telephone', 'did')),
    recipient_identity  TEXT NOT NULL,
    recipient_name      TEXT NOT NULL DEFAULT '',
    salt                TEXT NOT NULL,
    narrative           TEXT NOT NULL DEFAULT '',
    evidence            TEXT NOT NULL DEFAULT '[]',
    issued_at           TEXT NOT NULL,
    expires_at          TEXT,
    status_method       TEXT NOT NULL CHECK (status_method IN ('bitstring', '1edtech')),
    status_index        INTEGER NOT NULL,
    idempotency_key     TEXT,
    unsigned_credential BLOB NOT NULL,
    credential          BLOB,
    credential_jwt      TEXT,
    signed_at           TEXT,
    revoked_at          TEXT,
    revocation_reason   TEXT NOT NULL DEFAULT '',
    claim_token_hash    TEXT,
    notify_pending      INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    UNIQUE (issuer_id, status_index),
    UNIQUE (issuer_id, idempotency_key)
) STRICT;
CREATE INDEX awards_badge_class ON awards(badge_class_id, created_at);
CREATE INDEX awards_recipient ON awards(recipient_type, recipient_identity);
CREATE INDEX awards_unsigned ON awards(issuer_id) WHERE signed_at IS NULL;
CREATE INDEX awards_revoked ON awards(issuer_id, revoked_at) WHERE revoked_at IS NOT NULL;
CREATE UNIQUE INDEX awards_claim ON awards(claim_token_hash) WHERE claim_token_hash IS NOT NULL;

-- The next free status list index of each issuer.
CREATE TABLE status_counters (
    issuer_id  TEXT PRIMARY KEY REFERENCES issuers(id) ON DELETE CASCADE,
    next_index INTEGER NOT NULL
) STRICT;

-- How an issuer's new OB 3.0 credentials carry their status.
ALTER TABLE issuers ADD COLUMN status_method TEXT NOT NULL DEFAULT 'bitstring'
    CHECK (status_method IN ('bitstring', '1edtech'));

-- +goose Down
ALTER TABLE issuers DROP COLUMN status_method;
DROP TABLE status_counters;
DROP TABLE awards;
