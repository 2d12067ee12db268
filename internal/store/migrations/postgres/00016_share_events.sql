-- +goose Up
-- share_events: what happened around an award's public page, counted for the earner's and
-- the issuer's analytics. kind is view (the public award page), share (a share link
-- followed), click (LinkedIn "Add to profile" and other outbound clicks), download (a baked
-- image, the credential JSON or JWT), embed_view (the iframe card or the oEmbed endpoint).
-- channel says where (linkedin_profile, linkedin_post, x, facebook, email, embed, oembed,
-- signature, png, svg, json, jwt, ...; '' for a plain page view). Privacy: no IP address and
-- no user agent is stored, and of the referrer only its host. n is the number of identical
-- events (same award, item, user, kind, channel and referrer host) the row stands for: the
-- recorder writes in batches and folds identical events of a batch into one row (at: the
-- latest of them), so a busy page costs a row per batch, not per view. Counts are SUM(n).
CREATE TABLE share_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    award_id       TEXT NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
    wallet_item_id TEXT REFERENCES wallet_items(id) ON DELETE SET NULL,
    user_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('view', 'share', 'click', 'download', 'embed_view')),
    channel        TEXT NOT NULL DEFAULT '',
    referrer_host  TEXT NOT NULL DEFAULT '',
    n              INTEGER NOT NULL DEFAULT 1 CHECK (n > 0),
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX share_events_award ON share_events(award_id, kind, channel);

-- +goose Down
DROP TABLE share_events;
