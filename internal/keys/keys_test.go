package keys

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/key"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testMaster(t testing.TB) MasterKey {
	t.Helper()
	m, err := ParseMasterKey(NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseMasterKey(t *testing.T) {
	good := []string{
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",    // std
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",     // raw std
		" AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", // trimmed
	}
	for _, s := range good {
		if _, err := ParseMasterKey(s); err != nil {
			t.Errorf("ParseMasterKey(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "not base64!", "AAECAw==", strings.Repeat("A", 64)} {
		if _, err := ParseMasterKey(s); err == nil {
			t.Errorf("ParseMasterKey(%q) accepted", s)
		}
	}
	m := testMaster(t)
	if s := m.String() + m.GoString(); strings.Contains(s, "AA") || !strings.Contains(s, "redacted") {
		t.Errorf("master key printed as %q", s)
	}
}

func TestSealOpen(t *testing.T) {
	m, other := testMaster(t), testMaster(t)
	pt := []byte(`{"kty":"OKP","d":"secret"}`)
	sealed, err := m.Seal("iss", "kid", pt)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), "secret") {
		t.Fatal("plaintext visible in sealed bytes")
	}
	got, err := m.Open("iss", "kid", sealed)
	if err != nil || string(got) != string(pt) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := m.Seal("iss", "kid", pt)
	if string(again) == string(sealed) {
		t.Error("two seals are equal (salt/nonce reused)")
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	for name, f := range map[string]func() ([]byte, error){
		"other master": func() ([]byte, error) { return other.Open("iss", "kid", sealed) },
		"other issuer": func() ([]byte, error) { return m.Open("iss2", "kid", sealed) },
		"other kid":    func() ([]byte, error) { return m.Open("iss", "kid2", sealed) },
		"shifted id":   func() ([]byte, error) { return m.Open("is", "skid", sealed) },
		"tampered":     func() ([]byte, error) { return m.Open("iss", "kid", tampered) },
		"short":        func() ([]byte, error) { return m.Open("iss", "kid", sealed[:20]) },
		"version":      func() ([]byte, error) { return m.Open("iss", "kid", append([]byte{2}, sealed[1:]...)) },
	} {
		if _, err := f(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open = %v, want ErrOpen", name, err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	m, _ := ParseMasterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	s, _ := m.Seal("i", "k", []byte("x"))
	f.Add(s)
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		if pt, err := m.Open("i", "k", b); err == nil && string(pt) != "x" {
			t.Fatalf("forged plaintext %q", pt)
		}
	})
}

func FuzzParseMasterKey(f *testing.F) {
	f.Add("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := ParseMasterKey(s); err == nil && m == (MasterKey{}) && strings.Trim(s, "A=\n\t ") != "" {
			t.Fatalf("zero key from %q", s)
		}
	})
}

func TestMasterKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	m1, created, err := LoadOrCreateMasterKeyFile(path)
	if err != nil || !created {
		t.Fatalf("first: %v, created=%v", err, created)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	m2, created, err := LoadOrCreateMasterKeyFile(path)
	if err != nil || created || m1 != m2 {
		t.Fatalf("second: %v, created=%v, same=%v", err, created, m1 == m2)
	}
	os.WriteFile(path, []byte("short\n"), 0o600)
	if _, _, err := LoadOrCreateMasterKeyFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("bad file: %v", err)
	}
}

func TestManager(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		ctx := context.Background()
		st := newStore(t)
		m := NewManager(st, testMaster(t))
		if err := st.Update(ctx, func(tx *store.Tx) error {
			return tx.InsertIssuer(ctx, &store.Issuer{ID: "acme", Name: "Acme", CreatedAt: t0, UpdatedAt: t0})
		}); err != nil {
			t.Fatal(err)
		}
		if err := NewManager(st, testMaster(t)).CheckMaster(ctx); err != nil {
			t.Fatalf("CheckMaster without keys = %v", err)
		}
		if _, err := m.Signer(ctx, "acme", key.Ed25519); !errors.Is(err, ErrNoKey) {
			t.Fatalf("Signer before keys = %v", err)
		}
		first, err := m.Rotate(ctx, "acme", t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 || first[0].Alg != key.Ed25519 || first[1].Alg != key.RS256 {
			t.Fatalf("keys = %+v", first)
		}
		if _, ok := first[0].Public.(ed25519.PublicKey); !ok {
			t.Errorf("Ed25519 public key is %T", first[0].Public)
		}
		if p, ok := first[1].Public.(*rsa.PublicKey); !ok || p.N.BitLen() != 2048 {
			t.Errorf("RSA public key is %T", first[1].Public)
		}
		second, err := m.Rotate(ctx, "acme", t0.Add(time.Hour), key.Ed25519)
		if err != nil {
			t.Fatal(err)
		}
		all, err := m.PublicKeys(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("%d keys after rotation, want 3", len(all))
		}
		for _, r := range all {
			wantActive := r.ID != first[0].ID
			if r.Active() != wantActive {
				t.Errorf("key %s (%s) active=%v", r.ID, r.Alg, r.Active())
			}
		}
		// The signer is the newest Ed25519 key and really signs with it.
		s, err := m.Signer(ctx, "acme", key.Ed25519)
		if err != nil {
			t.Fatal(err)
		}
		if s.KeyID != second[0].ID {
			t.Errorf("Signer kid %s, want %s", s.KeyID, second[0].ID)
		}
		sig, _ := s.Signer.Sign(nil, []byte("hello"), crypto.Hash(0))
		if !ed25519.Verify(second[0].Public.(ed25519.PublicKey), []byte("hello"), sig) {
			t.Error("Ed25519 signature does not verify with the published key")
		}
		rs, err := m.Signer(ctx, "acme", key.RS256)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256([]byte("hello"))
		sig, err = rs.Signer.Sign(nil, h[:], crypto.SHA256)
		if err != nil || rsa.VerifyPKCS1v15(first[1].Public.(*rsa.PublicKey), crypto.SHA256, h[:], sig) != nil {
			t.Errorf("RSA signature: %v", err)
		}
		if err := m.CheckMaster(ctx); err != nil {
			t.Errorf("CheckMaster = %v", err)
		}
		if err := NewManager(st, testMaster(t)).CheckMaster(ctx); !errors.Is(err, ErrOpen) || !strings.Contains(err.Error(), "ROSETTE_MASTER_KEY") {
			t.Errorf("CheckMaster with another key = %v", err)
		}
		// Another master key cannot open them.
		if _, err := NewManager(st, testMaster(t)).Signer(ctx, "acme", key.Ed25519); !errors.Is(err, ErrOpen) {
			t.Errorf("Signer with another master key = %v", err)
		}
		// The stored row holds no private key material in the clear.
		_ = st.View(ctx, func(tx *store.Tx) error {
			k, err := tx.ActiveIssuerKey(ctx, "acme", "Ed25519")
			if err != nil {
				return err
			}
			if strings.Contains(string(k.PrivateEnc), `"d"`) || strings.Contains(k.PublicJWK, `"d"`) {
				t.Error("private key material stored in the clear")
			}
			return nil
		})
	})
}
