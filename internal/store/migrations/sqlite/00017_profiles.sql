-- +goose Up
-- Earner profiles, collections and the privacy settings of an account (issue #6 item 4 and
-- the privacy half of item 8). A profile row exists once the earner saved one; handle is the
-- slug of the public page /u/{handle} (NULL until chosen). is_public: the page is shown at
-- all (default no); discoverable: search engines may index it (default no, the page says
-- noindex); safeguarding: the account's safeguarding mode, which turns off the public page,
-- public collections, sharing and discovery whatever the other flags say.
CREATE TABLE profiles (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    handle       TEXT UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    headline     TEXT NOT NULL DEFAULT '',
    bio          TEXT NOT NULL DEFAULT '',
    website      TEXT NOT NULL DEFAULT '',
    is_public    INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    discoverable INTEGER NOT NULL DEFAULT 0 CHECK (discoverable IN (0, 1)),
    safeguarding INTEGER NOT NULL DEFAULT 0 CHECK (safeguarding IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

-- collections: named, ordered groups of an earner's wallet items, private unless made public.
CREATE TABLE collections (
    id          TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX collections_user ON collections(user_id, position);

CREATE TABLE collection_items (
    collection_id  TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    wallet_item_id TEXT NOT NULL REFERENCES wallet_items(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    added_at       TEXT NOT NULL,
    PRIMARY KEY (collection_id, wallet_item_id)
) STRICT;
CREATE INDEX collection_items_item ON collection_items(wallet_item_id);

-- +goose Down
DROP TABLE collection_items;
DROP TABLE collections;
DROP TABLE profiles;
