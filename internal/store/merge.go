package store

import (
	"context"
	"fmt"
)

// userOwnedTables moves every row a user owns from one account to another: each statement
// gets $1 = the account kept, $2 = the account merged into it. A NEW TABLE KEYED BY user_id
// MUST BE ADDED HERE (one line), or merging accounts would lose its rows (they are deleted
// with the merged account by ON DELETE CASCADE). Tables with a uniqueness rule per user have
// their duplicates removed first in MergeUsers (a duplicate wallet item's collection entries
// move to the item kept first).
var userOwnedTables = []string{
	`UPDATE user_emails SET user_id = $1 WHERE user_id = $2`,
	`UPDATE wallet_items SET user_id = $1 WHERE user_id = $2`,
	`UPDATE issuer_members SET user_id = $1 WHERE user_id = $2`,
	`UPDATE api_tokens SET user_id = $1 WHERE user_id = $2`,
	`UPDATE collections SET user_id = $1 WHERE user_id = $2`,
	// One profile per account: the kept account's stays; the other's moves only if it has none.
	`UPDATE profiles SET user_id = $1 WHERE user_id = $2 AND NOT EXISTS (SELECT 1 FROM profiles k WHERE k.user_id = $1)`,
	`UPDATE cvs SET user_id = $1 WHERE user_id = $2`,
	// An app connected to both accounts keeps the kept account's grant; the other grant and
	// its tokens go with the merged account (the app asks again).
	`UPDATE oauth_grants SET user_id = $1 WHERE user_id = $2 AND NOT EXISTS (SELECT 1 FROM oauth_grants k WHERE k.user_id = $1 AND k.client_id = oauth_grants.client_id)`,
	`UPDATE api_profiles SET user_id = $1 WHERE user_id = $2 AND NOT EXISTS (SELECT 1 FROM api_profiles k WHERE k.user_id = $1)`,
	`UPDATE share_events SET user_id = $1 WHERE user_id = $2`,
}

// MergeUsers moves everything of account from into account into and deletes from, in the
// caller's transaction: duplicate wallet items (same award or credential key) keep into's
// (or from's accepted one over into's declined one), duplicate addresses keep the verified
// row, issuer roles on the same issuer keep the higher one, the sessions of from end, and
// from's site-admin flag carries over. ErrNotFound if either account does not exist.
func (tx *Tx) MergeUsers(ctx context.Context, into, from int64) error {
	if into == from {
		return fmt.Errorf("store: merge an account into itself")
	}
	for _, id := range []int64{into, from} {
		if _, err := tx.UserByID(ctx, id); err != nil {
			return err
		}
	}
	dedupe := []string{
		// Wallet items: an accepted item of from wins over a declined one of into (whose
		// collection entries, if any, go to from's item first)...
		moveCollectionEntries("$1", "d.state = 'declined'", "$2", "k.state = 'accepted'"),
		moveShareEvents("$1", "d.state = 'declined'", "$2", "k.state = 'accepted'"),
		`DELETE FROM wallet_items WHERE user_id = $1 AND state = 'declined' AND EXISTS (
			SELECT 1 FROM wallet_items f WHERE f.user_id = $2 AND f.state = 'accepted'
			  AND (f.credential_key = wallet_items.credential_key OR f.award_id = wallet_items.award_id))`,
		// ...otherwise into's item stays and from's duplicate goes, its collection entries
		// moved to into's item first.
		moveCollectionEntries("$2", "TRUE", "$1", "TRUE"),
		moveShareEvents("$2", "TRUE", "$1", "TRUE"),
		`DELETE FROM wallet_items WHERE user_id = $2 AND EXISTS (
			SELECT 1 FROM wallet_items k WHERE k.user_id = $1
			  AND (k.credential_key = wallet_items.credential_key OR k.award_id = wallet_items.award_id))`,
		// Addresses on both: a verified row of from wins over an unverified one of into...
		`DELETE FROM user_emails WHERE user_id = $1 AND verified_at IS NULL AND EXISTS (
			SELECT 1 FROM user_emails f WHERE f.user_id = $2 AND f.email_key = user_emails.email_key AND f.verified_at IS NOT NULL)`,
		// ...otherwise into's row stays.
		`DELETE FROM user_emails WHERE user_id = $2 AND EXISTS (
			SELECT 1 FROM user_emails k WHERE k.user_id = $1 AND k.email_key = user_emails.email_key)`,
		// Roles on the same issuer: into gets from's when it is higher, then from's goes.
		`UPDATE issuer_members SET role = (SELECT f.role FROM issuer_members f WHERE f.user_id = $2 AND f.issuer_id = issuer_members.issuer_id)
		WHERE user_id = $1 AND EXISTS (SELECT 1 FROM issuer_members f WHERE f.user_id = $2 AND f.issuer_id = issuer_members.issuer_id
			AND ` + roleRank("f.role") + ` < ` + roleRank("issuer_members.role") + `)`,
		`DELETE FROM issuer_members WHERE user_id = $2 AND EXISTS (
			SELECT 1 FROM issuer_members k WHERE k.user_id = $1 AND k.issuer_id = issuer_members.issuer_id)`,
		`UPDATE users SET is_admin = (SELECT f.is_admin FROM users f WHERE f.id = $2) WHERE id = $1 AND NOT is_admin`,
	}
	for _, q := range append(dedupe, userOwnedTables...) {
		if _, err := tx.tx.ExecContext(ctx, q, into, from); err != nil {
			return fmt.Errorf("store: merge users: %w", err)
		}
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, from); err != nil {
		return fmt.Errorf("store: merge users: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, from)
	return oneRow(res, err, "merge users")
}

// moveCollectionEntries is the statement that puts the kept wallet item k (of user keptUser,
// matching keptCond) in every collection that holds a duplicate d (of droppedUser, matching
// droppedCond: same credential key or award) about to be deleted, at d's position and with
// d's added_at, so that it takes d's place in the collection's order; a collection that
// already holds k keeps its entry. Nothing the earner put in a collection is lost when a
// merge drops a duplicate (ON DELETE CASCADE would delete d's entries with it).
func moveCollectionEntries(droppedUser, droppedCond, keptUser, keptCond string) string {
	return `INSERT INTO collection_items (collection_id, wallet_item_id, position, added_at)
		SELECT ci.collection_id, k.id, ci.position, ci.added_at
		FROM collection_items ci
		JOIN wallet_items d ON d.id = ci.wallet_item_id
		JOIN wallet_items k ON (k.credential_key = d.credential_key OR k.award_id = d.award_id)
		WHERE d.user_id = ` + droppedUser + ` AND ` + droppedCond + ` AND k.user_id = ` + keptUser + ` AND ` + keptCond + `
		ON CONFLICT (collection_id, wallet_item_id) DO NOTHING`
}

// moveShareEvents is the statement that gives the share events of a duplicate wallet item d
// about to be deleted (see moveCollectionEntries) to the item kept, rather than let ON
// DELETE SET NULL forget which wallet item they came from.
func moveShareEvents(droppedUser, droppedCond, keptUser, keptCond string) string {
	kept := `SELECT k.id FROM wallet_items d JOIN wallet_items k ON (k.credential_key = d.credential_key OR k.award_id = d.award_id)
		WHERE d.id = share_events.wallet_item_id AND d.user_id = ` + droppedUser + ` AND ` + droppedCond +
		` AND k.user_id = ` + keptUser + ` AND ` + keptCond
	return `UPDATE share_events SET wallet_item_id = (` + kept + ` ORDER BY k.id LIMIT 1)
		WHERE wallet_item_id IS NOT NULL AND EXISTS (` + kept + `)`
}

// roleRank is the SQL rank of an issuer role column: 0 for the most powerful.
func roleRank(col string) string {
	return `(CASE ` + col + ` WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 WHEN 'awarder' THEN 2 ELSE 3 END)`
}
