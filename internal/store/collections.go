package store

import (
	"context"
	"fmt"
	"time"
)

// Collection is a collections row (migration 00017): a named, ordered group of an earner's
// wallet items. Position orders a user's collections (smallest first).
type Collection struct {
	ID          string
	UserID      int64
	Name        string
	Description string
	Visibility  string // "private", "public"
	Position    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const collectionCols = `id, user_id, name, description, visibility, position, created_at, updated_at`

func scanCollection(row interface{ Scan(...any) error }) (*Collection, error) {
	var c Collection
	err := row.Scan(&c.ID, &c.UserID, &c.Name, &c.Description, &c.Visibility, &c.Position, tc(&c.CreatedAt), tc(&c.UpdatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// InsertCollection adds a collection.
func (tx *Tx) InsertCollection(ctx context.Context, c *Collection) error {
	_, err := tx.exec(ctx, `INSERT INTO collections (`+collectionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ID, c.UserID, c.Name, c.Description, c.Visibility, c.Position, tx.t(c.CreatedAt), tx.t(c.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert collection: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert collection: %w", err)
	}
	return nil
}

// UpdateCollection writes the collection's name, description, visibility, position and
// UpdatedAt, and reports whether it exists.
func (tx *Tx) UpdateCollection(ctx context.Context, c *Collection) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE collections SET name = $1, description = $2, visibility = $3, position = $4, updated_at = $5
		WHERE id = $6`, c.Name, c.Description, c.Visibility, c.Position, tx.t(c.UpdatedAt), c.ID)
	if err != nil {
		return false, fmt.Errorf("store: update collection: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteCollection removes a collection and its item list (not the wallet items), and
// reports whether it existed.
func (tx *Tx) DeleteCollection(ctx context.Context, id string) (bool, error) {
	if _, err := tx.exec(ctx, `DELETE FROM collection_items WHERE collection_id = $1`, id); err != nil {
		return false, fmt.Errorf("store: delete collection: %w", err)
	}
	res, err := tx.exec(ctx, `DELETE FROM collections WHERE id = $1`, id)
	if err != nil {
		return false, fmt.Errorf("store: delete collection: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CollectionByID returns the collection, or ErrNotFound.
func (tx *Tx) CollectionByID(ctx context.Context, id string) (*Collection, error) {
	return scanCollection(tx.queryRow(ctx, `SELECT `+collectionCols+` FROM collections WHERE id = $1`, id))
}

// CollectionsByUser returns the user's collections by position (then creation).
func (tx *Tx) CollectionsByUser(ctx context.Context, userID int64) ([]*Collection, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+collectionCols+` FROM collections WHERE user_id = $1
		ORDER BY position, created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list collections: %w", err)
	}
	defer rows.Close()
	var out []*Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list collections: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list collections: %w", err)
	}
	return out, nil
}

// AddCollectionItem puts a wallet item in a collection at position. The same item twice in
// one collection is ErrDuplicate (and the transaction must be rolled back).
func (tx *Tx) AddCollectionItem(ctx context.Context, collectionID, itemID string, position int, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO collection_items (collection_id, wallet_item_id, position, added_at) VALUES ($1, $2, $3, $4)`,
		collectionID, itemID, position, tx.t(at))
	if isUniqueViolation(err) {
		return fmt.Errorf("add collection item: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: add collection item: %w", err)
	}
	return nil
}

// RemoveCollectionItem takes an item out of a collection and reports whether it was in it.
func (tx *Tx) RemoveCollectionItem(ctx context.Context, collectionID, itemID string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM collection_items WHERE collection_id = $1 AND wallet_item_id = $2`, collectionID, itemID)
	if err != nil {
		return false, fmt.Errorf("store: remove collection item: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// NextCollectionItemPosition returns the position after the last item of the collection (0
// when it is empty).
func (tx *Tx) NextCollectionItemPosition(ctx context.Context, collectionID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM collection_items WHERE collection_id = $1`, collectionID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: next collection item position: %w", err)
	}
	return n, nil
}

// SetCollectionItemPosition moves an item within its collection.
func (tx *Tx) SetCollectionItemPosition(ctx context.Context, collectionID, itemID string, position int) error {
	_, err := tx.exec(ctx, `UPDATE collection_items SET position = $1 WHERE collection_id = $2 AND wallet_item_id = $3`,
		position, collectionID, itemID)
	if err != nil {
		return fmt.Errorf("store: move collection item: %w", err)
	}
	return nil
}

// CollectionItems returns the wallet items of a collection in their order (position, then
// when added).
func (tx *Tx) CollectionItems(ctx context.Context, collectionID string) ([]*WalletItem, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+walletItemCols+` FROM wallet_items
		JOIN collection_items ON wallet_item_id = id WHERE collection_id = $1 ORDER BY position, added_at, id`, collectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list collection items: %w", err)
	}
	defer rows.Close()
	var out []*WalletItem
	for rows.Next() {
		w, err := scanWalletItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list collection items: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list collection items: %w", err)
	}
	return out, nil
}
