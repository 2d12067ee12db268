package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

func TestPasswordHasherOWASP(t *testing.T) {
	ctx := context.Background()
	h := NewPasswordHasher(PasswordParams{}, 1)
	phc, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") || len(strings.Split(phc, "$")) != 6 {
		t.Errorf("PHC string %q", phc)
	}
	if ok, err := h.Verify(ctx, "correct horse battery", phc); !ok || err != nil {
		t.Errorf("Verify right = %v, %v", ok, err)
	}
	if ok, err := h.Verify(ctx, "correct horse batterY", phc); ok || err != nil {
		t.Errorf("Verify wrong = %v, %v", ok, err)
	}
	other, _ := h.Hash(ctx, "correct horse battery")
	if other == phc {
		t.Error("same salt twice")
	}
}

// TestPasswordVerifyKnownVector checks a PHC string made by the reference argon2 CLI
// (echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -e), so the format is the
// interoperable one.
func TestPasswordVerifyKnownVector(t *testing.T) {
	const phc = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	h := NewPasswordHasher(PasswordParams{}, 1)
	if ok, err := h.Verify(context.Background(), "password", phc); !ok || err != nil {
		t.Errorf("Verify(reference vector) = %v, %v", ok, err)
	}
}

func TestPasswordVerifyMalformed(t *testing.T) {
	h := NewPasswordHasher(cheapParams, 1)
	for _, phc := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=1$!!$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$",
	} {
		if ok, err := h.Verify(context.Background(), "password", phc); ok || !errors.Is(err, badge.Internal) {
			t.Errorf("Verify(%q) = %v, %v", phc, ok, err)
		}
	}
}

func TestPasswordHasherBoundsConcurrency(t *testing.T) {
	h := NewPasswordHasher(cheapParams, 1)
	h.sem <- struct{}{} // the only slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.Hash(ctx, "correct horse battery")
	if !errors.Is(err, badge.Unavailable) {
		t.Errorf("Hash with no free slot and a cancelled context = %v, want Unavailable", err)
	}
	<-h.sem
	if _, err := h.Hash(context.Background(), "correct horse battery"); err != nil {
		t.Error(err)
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"":                        false,
		"123456789":               false,
		"1234567890":              true,
		"aaaaaaaaaaaaaaaa":        false,
		"ééééééééééé":             false,
		"éééééééééè":              true,
		"パスワードは十文字以上":             true,
		strings.Repeat("ab", 513): false,
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6": false,
	} {
		err := CheckPassword(pw)
		if (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", pw, err, ok)
		}
		if err != nil && !errors.Is(err, badge.Invalid) {
			t.Errorf("CheckPassword(%q) kind %s", pw, badge.KindOf(err))
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.MemoryKiB > 1<<20 || p.Time > 20 || p.Threads > 16 || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
			t.Fatalf("accepted out-of-bounds %q", s)
		}
	})
}
