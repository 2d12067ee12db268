package cli

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// installation is a running server's own SQLite database and master key, opened beside it
// by a browser test to set the scene through the services, as the server itself would.
type installation struct {
	st     *store.Store
	keys   *keys.Manager
	urls   links.URLs
	clock  badge.Clock
	awards *service.Awards
}

// openInstallation opens the database and master key of the server started on dataDir.
func openInstallation(t *testing.T, srv *running, dataDir string) *installation {
	t.Helper()
	ctx := context.Background()
	master, _, err := keys.LoadOrCreateMasterKeyFile(filepath.Join(dataDir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "", dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in := &installation{st: st, keys: keys.NewManager(st, master), urls: links.URLs{Base: srv.BaseURL}, clock: badge.SystemClock{}}
	in.awards = service.NewAwards(service.AwardsOptions{Store: st, Keys: in.keys, URLs: in.urls, Clock: in.clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
	return in
}

// admin returns the site administrator with this address (the one setupAdmin made, say), or
// makes one that cannot sign in.
func (in *installation) admin(t *testing.T, email, name string) *badge.User {
	t.Helper()
	ctx := context.Background()
	var u *store.User
	err := in.st.Update(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByEmailKey(ctx, email); !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := time.Now().UTC()
		u = &store.User{Email: email, EmailKey: email, Name: name, PasswordHash: "!", IsAdmin: true, CreatedAt: now, UpdatedAt: now}
		return tx.InsertUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &badge.User{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: u.IsAdmin}
}

// award creates an issuer and a badge class (with the disc image) and issues one signed
// award of it (req.BadgeClassID is set here).
func (in *installation) award(t *testing.T, admin *badge.User, issuer badge.IssuerFields, class badge.BadgeClassFields, req badge.AwardRequest) *badge.Award {
	t.Helper()
	ctx := context.Background()
	iss, err := service.NewIssuers(in.st, in.keys, in.clock, nil).Create(ctx, admin, issuer, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := service.NewBadgeClasses(in.st, in.clock, nil).Create(ctx, admin, iss.ID, class, discPNG())
	if err != nil {
		t.Fatal(err)
	}
	req.BadgeClassID = bc.ID
	a, err := in.awards.Issue(ctx, admin, req)
	if err != nil || !a.Signed {
		t.Fatalf("issue: %v (signed %v)", err, a != nil && a.Signed)
	}
	return a
}
