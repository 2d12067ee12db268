package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/store"
)

// masterKey returns the master key protecting the issuers' private keys: ROSETTE_MASTER_KEY
// when set; otherwise, on SQLite (one node), <data-dir>/master.key, generated (mode 0600) on
// first start and reused after; on PostgreSQL, where every node needs the same key, an error.
// The key itself is never logged.
func masterKey(cfg config.Config, dialect string, logger *slog.Logger) (keys.MasterKey, error) {
	if cfg.MasterKey != "" {
		m, err := keys.ParseMasterKey(cfg.MasterKey)
		if err != nil {
			return keys.MasterKey{}, fmt.Errorf("ROSETTE_MASTER_KEY: %w", err)
		}
		return m, nil
	}
	if dialect == store.Postgres {
		return keys.MasterKey{}, errors.New("ROSETTE_MASTER_KEY is not set: with PostgreSQL every node must use the same master key " +
			"to protect the issuers' signing keys. Generate one once (head -c 32 /dev/urandom | base64) and give it to every " +
			"node as ROSETTE_MASTER_KEY or ROSETTE_MASTER_KEY_FILE")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return keys.MasterKey{}, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	m, created, err := keys.LoadOrCreateMasterKeyFile(path)
	if err != nil {
		return keys.MasterKey{}, err
	}
	if created {
		logger.Warn("generated a master key for the signing keys; back it up with the database, without it the keys cannot be opened",
			slog.String("file", path))
	}
	return m, nil
}
