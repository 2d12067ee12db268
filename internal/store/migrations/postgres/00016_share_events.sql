-- +goose Up
-- share_events: what happened around an award's public page, counted for the earner's and
-- the issuer's analytics. kind is view (the public award page), share (a share link
-- followed), click (LinkedIn "Add to profile" and other outbound clicks), download (a baked
-- image, the credential JSON or JWT), embed_view (the iframe card or the oEmbed endpoint).
-- channel says where (linkedin_profile, linkedin_post, x, facebook, email, embed, oembed,
-- signature, png, svg, json, jwt, ...; '' for a plain page view). Privacy: no IP address and
-- no user agent is stored, and of the referrer only its host.
CREATE TABLE share_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    award_id       TEXT NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
    wallet_item_id TEXT REFERENCES wallet_items(id) ON DELETE SET NULL,
    user_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('view', 'share', 'click', 'download', 'embed_view')),
    channel        TEXT NOT NULL DEFAULT '',
    referrer_host  TEXT NOT NULL DEFAULT '',
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX share_events_award ON share_events(award_id, kind, channel);

-- +goose Down
DROP TABLE share_events;
