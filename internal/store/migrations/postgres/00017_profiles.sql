-- +goose Up
-- Earner profiles, collections and the privacy settings of an account (issue #6 item 4 and
-- the privacy half of item 8). A profile row exists once the earner saved one; handle is the
-- slug of the public page /u/{handle} (NULL until chosen). is_public: the page is shown at
-- all (default no); discoverable: search engines may index it (default no, the page says
-- noindex); safeguarding: the account's safeguarding mode, which turns off the public page,
-- public collections, sharing and discovery whatever the other flags say.
CREATE TABLE profiles (
    user_id      BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    handle       TEXT UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    headline     TEXT NOT NULL DEFAULT '',
    bio          TEXT NOT NULL DEFAULT '',
    website      TEXT NOT NULL DEFAULT '',
    is_public    BOOLEAN NOT NULL DEFAULT false,
    discoverable BOOLEAN NOT NULL DEFAULT false,
    safeguarding BOOLEAN NOT NULL DEFAULT false,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- collections: named, ordered groups of an earner's wallet items, private unless made public.
CREATE TABLE collections (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    position    INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX collections_user ON collections(user_id, position);

CREATE TABLE collection_items (
    collection_id  TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    wallet_item_id TEXT NOT NULL REFERENCES wallet_items(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    added_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (collection_id, wallet_item_id)
);
CREATE INDEX collection_items_item ON collection_items(wallet_item_id);

-- +goose Down
DROP TABLE collection_items;
DROP TABLE collections;
DROP TABLE profiles;
