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
    issued_at           TIMESTAMPTZ NOT NULL,
    expires_at          TIMESTAMPTZ,
    status_method       TEXT NOT NULL CHECK (status_method IN ('bitstring', '1edtech')),
    status_index        BIGINT NOT NULL,
    idempotency_key     TEXT,
    unsigned_credential BYTEA NOT NULL,
    credential          BYTEA,
    credential_jwt      TEXT,
    signed_at           TIMESTAMPTZ,
    revoked_at          TIMESTAMPTZ,
    revocation_reason   TEXT NOT NULL DEFAULT '',
    claim_token_hash    TEXT,
    notify_pending      BOOLEAN NOT NULL DEFAULT false,
    created_at          TIMESTAMPTZ NOT NULL,
    created_by          TEXT NOT NULL,
    UNIQUE (issuer_id, status_index),
    UNIQUE (issuer_id, idempotency_key)
);
CREATE INDEX awards_badge_class ON awards(badge_class_id, created_at);
CREATE INDEX awards_recipient ON awards(recipient_type, recipient_identity);
CREATE INDEX awards_unsigned ON awards(issuer_id) WHERE signed_at IS NULL;
CREATE INDEX awards_revoked ON awards(issuer_id, revoked_at) WHERE revoked_at IS NOT NULL;
CREATE UNIQUE INDEX awards_claim ON awards(claim_token_hash) WHERE claim_token_hash IS NOT NULL;

-- The next free status list index of each issuer.
CREATE TABLE status_counters (
    issuer_id  TEXT PRIMARY KEY REFERENCES issuers(id) ON DELETE CASCADE,
    next_index BIGINT NOT NULL
);

-- How an issuer's new OB 3.0 credentials carry their status.
ALTER TABLE issuers ADD COLUMN status_method TEXT NOT NULL DEFAULT 'bitstring'
    CHECK (status_method IN ('bitstring', '1edtech'));

-- +goose Down
ALTER TABLE issuers DROP COLUMN status_method;
DROP TABLE status_counters;
DROP TABLE awards;
