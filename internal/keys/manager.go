package keys

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// Algorithms are the key algorithms every issuer has one active key of.
var issuerAlgorithms = [...]key.Algorithm{key.Ed25519, key.RS256}

// IssuerAlgorithms returns the algorithms every issuer has an active key of: Ed25519 (Data
// Integrity eddsa-rdfc-2022, VC-JWT EdDSA) and RS256 (OB 2.0 signed assertions, VC-JWT).
func IssuerAlgorithms() []key.Algorithm { return issuerAlgorithms[:] }

// Record is the public side of an issuer key.
type Record struct {
	ID        string // the kid: the RFC 7638 JWK thumbprint
	IssuerID  string
	Alg       key.Algorithm
	Public    crypto.PublicKey
	CreatedAt time.Time
	RetiredAt time.Time // zero while active
}

// Active reports whether the key is the one new signatures use.
func (r *Record) Active() bool { return r.RetiredAt.IsZero() }

// ErrNoKey is returned (wrapped) when an issuer has no active key of an algorithm.
var ErrNoKey = errors.New("keys: no active key")

// Manager generates, seals, rotates and opens issuer keys. It holds no keys in memory.
type Manager struct {
	store  *store.Store
	master MasterKey
}

// NewManager returns a Manager on st using master to seal private keys.
func NewManager(st *store.Store, master MasterKey) *Manager {
	return &Manager{store: st, master: master}
}

// Generate makes new sealed key rows for the issuer, one per algorithm (all of
// IssuerAlgorithms when none is given), created at `at`. It does no I/O (RSA generation
// takes a moment: call it outside transactions) and stores nothing; Install stores them.
func (m *Manager) Generate(issuerID string, at time.Time, algs ...key.Algorithm) ([]*store.IssuerKey, error) {
	if len(algs) == 0 {
		algs = IssuerAlgorithms()
	}
	var out []*store.IssuerKey
	for _, alg := range algs {
		k, err := key.Generate(alg)
		if err != nil {
			return nil, err
		}
		priv, err := k.MarshalJWK()
		if err != nil {
			return nil, err
		}
		pub, err := key.PublicJWK(k.Public(), k.KeyID)
		if err != nil {
			return nil, err
		}
		pub["alg"] = alg.JWSAlg()
		pubJSON, err := json.Marshal(pub)
		if err != nil {
			return nil, err
		}
		sealed, err := m.master.Seal(issuerID, k.KeyID, priv)
		if err != nil {
			return nil, err
		}
		out = append(out, &store.IssuerKey{ID: k.KeyID, IssuerID: issuerID, Alg: string(alg), PublicJWK: string(pubJSON),
			PrivateEnc: sealed, CreatedAt: at})
	}
	return out, nil
}

// Install stores generated keys in tx, first retiring (at their creation time) the issuer's
// active key of each one's algorithm: a rotation. Retired keys stay, and stay published.
func (m *Manager) Install(ctx context.Context, tx *store.Tx, ks []*store.IssuerKey) error {
	for _, k := range ks {
		if _, err := tx.RetireIssuerKeys(ctx, k.IssuerID, k.Alg, k.CreatedAt); err != nil {
			return err
		}
		if err := tx.InsertIssuerKey(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Rotate gives the issuer a new active key of each algorithm (all of IssuerAlgorithms when
// none is given) in one transaction; the old ones are retired but still published.
func (m *Manager) Rotate(ctx context.Context, issuerID string, at time.Time, algs ...key.Algorithm) ([]*Record, error) {
	ks, err := m.Generate(issuerID, at, algs...)
	if err != nil {
		return nil, err
	}
	if err := m.store.Update(ctx, func(tx *store.Tx) error { return m.Install(ctx, tx, ks) }); err != nil {
		return nil, err
	}
	return Records(ks)
}

// Records converts key rows to their public records.
func Records(ks []*store.IssuerKey) ([]*Record, error) {
	out := make([]*Record, 0, len(ks))
	for _, k := range ks {
		pub, err := key.ParsePublicJWK([]byte(k.PublicJWK))
		if err != nil {
			return nil, fmt.Errorf("keys: stored public key %s: %w", k.ID, err)
		}
		out = append(out, &Record{ID: k.ID, IssuerID: k.IssuerID, Alg: key.Algorithm(k.Alg), Public: pub,
			CreatedAt: k.CreatedAt, RetiredAt: k.RetiredAt})
	}
	return out, nil
}

// PublicKeys returns every key of the issuer, active and retired, oldest first.
func (m *Manager) PublicKeys(ctx context.Context, issuerID string) ([]*Record, error) {
	var ks []*store.IssuerKey
	err := m.store.View(ctx, func(tx *store.Tx) error {
		var err error
		ks, err = tx.IssuerKeys(ctx, issuerID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return Records(ks)
}

// Signer returns the issuer's active private key of the algorithm, opened with the master
// key, for signing. ErrNoKey (wrapped) if there is none.
func (m *Manager) Signer(ctx context.Context, issuerID string, alg key.Algorithm) (*key.PrivateKey, error) {
	var k *store.IssuerKey
	err := m.store.View(ctx, func(tx *store.Tx) error {
		var err error
		k, err = tx.ActiveIssuerKey(ctx, issuerID, string(alg))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w of %s for issuer %s", ErrNoKey, alg, issuerID)
	}
	if err != nil {
		return nil, err
	}
	return m.Open(k)
}

// Open decrypts a stored key and checks that it is the key its row says.
func (m *Manager) Open(k *store.IssuerKey) (*key.PrivateKey, error) {
	pt, err := m.master.Open(k.IssuerID, k.ID, k.PrivateEnc)
	if err != nil {
		return nil, fmt.Errorf("key %s of issuer %s: %w", k.ID, k.IssuerID, err)
	}
	priv, err := key.ParsePrivateJWK(pt)
	if err != nil {
		return nil, fmt.Errorf("keys: key %s of issuer %s: stored private key unreadable", k.ID, k.IssuerID)
	}
	if priv.KeyID != k.ID || string(priv.Alg) != k.Alg {
		return nil, fmt.Errorf("keys: key %s of issuer %s: stored private key does not match its row", k.ID, k.IssuerID)
	}
	return priv, nil
}

// CheckMaster reports whether the master key opens the stored keys (it tries the oldest one),
// so that a node started with the wrong ROSETTE_MASTER_KEY fails at start-up rather than when
// it first signs. No stored key: nil.
func (m *Manager) CheckMaster(ctx context.Context) error {
	var k *store.IssuerKey
	err := m.store.View(ctx, func(tx *store.Tx) error {
		var err error
		k, err = tx.AnyIssuerKey(ctx)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := m.Open(k); err != nil {
		return fmt.Errorf("the master key does not open the stored issuer keys (is ROSETTE_MASTER_KEY the one this installation was set up with?): %w", err)
	}
	return nil
}
