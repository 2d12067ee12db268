-- +goose Up
-- The earner side. user_emails holds every address of an account, the primary one
-- (users.email) included. An address is the account's once verified_at is set (the link sent
-- to it was opened, or a claim link sent to it was used); only one account may hold a verified
-- address, while an unverified one may be pending on several (nobody can squat an address).
CREATE TABLE user_emails (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id           BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email             TEXT NOT NULL,
    email_key         TEXT NOT NULL,
    verified_at       TIMESTAMPTZ,
    verify_token_hash TEXT UNIQUE,
    verify_expires_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, email_key)
);
CREATE UNIQUE INDEX user_emails_verified ON user_emails(email_key) WHERE verified_at IS NOT NULL;
INSERT INTO user_emails (user_id, email, email_key, verified_at, created_at)
    SELECT id, email, email_key, created_at, created_at FROM users;

-- wallet_items: the badges an earner holds. source 'award' is an award of this installation
-- (award_id set; the credential is read from awards); 'import' and 'api' hold the bytes as
-- received (credential: JSON, or a compact JWS/JWT as text; image: the baked PNG/SVG uploaded,
-- if any). credential_key is the equality key of the OB 3.0 API (issuer id + credential id, or
-- the hash of the bytes when the credential has no id): one item per key per earner.
-- The summary columns (name ... expires_at) are read from the credential when it is added, for
-- lists; verify_* is the verifier's last verdict ('unchecked' until the first check).
-- state 'declined' is kept for an award the earner declined, so that it is not offered again.
CREATE TABLE wallet_items (
    id              TEXT PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source          TEXT NOT NULL CHECK (source IN ('award', 'import', 'api')),
    award_id        TEXT REFERENCES awards(id),
    state           TEXT NOT NULL DEFAULT 'accepted' CHECK (state IN ('accepted', 'declined')),
    format          TEXT NOT NULL DEFAULT '',
    credential      BYTEA,
    image           BYTEA,
    image_type      TEXT NOT NULL DEFAULT '',
    source_url      TEXT NOT NULL DEFAULT '',
    credential_key  TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    issuer_name     TEXT NOT NULL DEFAULT '',
    issuer_url      TEXT NOT NULL DEFAULT '',
    image_url       TEXT NOT NULL DEFAULT '',
    issued_at       TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    verify_status   TEXT NOT NULL DEFAULT 'unchecked'
        CHECK (verify_status IN ('unchecked', 'verified', 'invalid', 'revoked', 'expired', 'unreachable')),
    verify_report   TEXT NOT NULL DEFAULT '{}',
    checked_at      TIMESTAMPTZ,
    next_check_at   TIMESTAMPTZ,
    visibility      TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, credential_key)
);
CREATE UNIQUE INDEX wallet_items_award ON wallet_items(user_id, award_id) WHERE award_id IS NOT NULL;
CREATE INDEX wallet_items_user ON wallet_items(user_id, created_at);
CREATE INDEX wallet_items_due ON wallet_items(next_check_at) WHERE next_check_at IS NOT NULL;

-- What the recipient did with a claim link: accepted (into a wallet) or declined. The issuer
-- sees it; declining needs no account.
ALTER TABLE awards ADD COLUMN accepted_at TIMESTAMPTZ;
ALTER TABLE awards ADD COLUMN declined_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE awards DROP COLUMN declined_at;
ALTER TABLE awards DROP COLUMN accepted_at;
DROP TABLE wallet_items;
DROP TABLE user_emails;
