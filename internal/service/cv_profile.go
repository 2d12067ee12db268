package service

import (
	"context"
	"errors"
	"net/url"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
)

// ProfileCVSkills is the CV's skills section source from the profile's skills view: the
// skills gathered from every badge the account holds, merged across issuers.
func ProfileCVSkills(p *Profiles) CVSkillsFunc {
	return func(ctx context.Context, userID int64) ([]CVSkill, error) {
		skills, err := p.Skills(ctx, &badge.User{ID: userID})
		if err != nil {
			return nil, err
		}
		out := make([]CVSkill, 0, len(skills))
		for _, k := range skills {
			out = append(out, CVSkill{Name: k.Name, Framework: k.Framework, Code: k.Code, URL: k.URL, Badges: len(k.Badges)})
		}
		return out, nil
	}
}

// ProfileBadgeURLs gives a CV the public page of a badge on the owner's public profile,
// BASE/u/{handle}/badges/{item}, or "" while the profile is not public or sharing is off (the
// CV checks that the badge itself is public).
func ProfileBadgeURLs(p *Profiles, urls links.URLs) func(ctx context.Context, userID int64, itemID string) (string, error) {
	return func(ctx context.Context, userID int64, itemID string) (string, error) {
		var prof *store.Profile
		err := p.store.View(ctx, func(tx *store.Tx) error {
			var err error
			prof, err = tx.ProfileByUser(ctx, userID)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if !prof.Public || prof.Handle == "" {
			return "", nil
		}
		if ok, err := p.SharingAllowed(ctx, userID); err != nil || !ok {
			return "", err
		}
		return urls.Base + "/u/" + url.PathEscape(prof.Handle) + "/badges/" + url.PathEscape(itemID), nil
	}
}

// accountDataFunc is an AccountDataSource made of a key and a function.
type accountDataFunc struct {
	key string
	get func(ctx context.Context, userID int64) (any, error)
}

func (a accountDataFunc) AccountDataKey() string { return a.key }
func (a accountDataFunc) AccountData(ctx context.Context, userID int64) (any, error) {
	return a.get(ctx, userID)
}

// ProfileExportSources are the profile's parts of the data export: "profile" (the public
// profile and the account's privacy settings) and "collections" (each with its badges' wallet
// item ids, in order).
func ProfileExportSources(p *Profiles) []AccountDataSource {
	return []AccountDataSource{
		accountDataFunc{"profile", func(ctx context.Context, userID int64) (any, error) {
			pr, err := p.Profile(ctx, &badge.User{ID: userID})
			if err != nil {
				return nil, err
			}
			return map[string]any{"saved": pr.Saved, "handle": pr.Handle, "displayName": pr.DisplayName,
				"headline": pr.Headline, "bio": pr.Bio, "website": pr.Website, "public": pr.Public,
				"discoverable": pr.Discoverable, "safeguarding": pr.Safeguarding}, nil
		}},
		accountDataFunc{"collections", func(ctx context.Context, userID int64) (any, error) {
			cs, err := p.Collections(ctx, &badge.User{ID: userID})
			if err != nil {
				return nil, err
			}
			out := []map[string]any{}
			for _, c := range cs {
				items := []string{}
				for _, b := range c.Badges {
					items = append(items, b.ID)
				}
				out = append(out, map[string]any{"id": c.ID, "name": c.Name, "description": c.Description,
					"visibility": c.Visibility, "items": items})
			}
			return out, nil
		}},
	}
}
