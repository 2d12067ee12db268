package service

import (
	"context"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// ShareExportSource is the sharing part of the data export, "shareEvents": the events the
// account made (share clicks, views, downloads), with what was recorded of each (never an IP
// address or a browser).
func ShareExportSource(st *store.Store) AccountDataSource {
	return accountDataFunc{"shareEvents", func(ctx context.Context, userID int64) (any, error) {
		var evs []store.ShareEvent
		err := st.View(ctx, func(tx *store.Tx) (err error) {
			evs, err = tx.ShareEventsByUser(ctx, userID)
			return err
		})
		if err != nil {
			return nil, serviceErr(err)
		}
		out := []map[string]any{}
		for _, e := range evs {
			out = append(out, map[string]any{"award": e.AwardID, "kind": e.Kind, "channel": e.Channel,
				"referrerHost": e.ReferrerHost, "count": e.N, "at": e.At})
		}
		return out, nil
	}}
}

// OAuthExportSource is the connected apps part of the data export, "connectedApps": each
// application the account allowed, with its scopes and dates (never a token).
func OAuthExportSource(o *OAuth) AccountDataSource {
	return accountDataFunc{"connectedApps", func(ctx context.Context, userID int64) (any, error) {
		apps, err := o.Apps(ctx, &badge.User{ID: userID})
		if err != nil {
			return nil, err
		}
		out := []map[string]any{}
		for _, a := range apps {
			scopes := []string{}
			for _, sc := range a.Scopes {
				scopes = append(scopes, sc.URI)
			}
			out = append(out, map[string]any{"clientId": a.Client.ID, "name": a.Client.Name, "clientUri": a.Client.ClientURI,
				"scopes": scopes, "allowedAt": a.CreatedAt, "updatedAt": a.UpdatedAt})
		}
		return out, nil
	}}
}
