package service

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestAccountExportShareAndApps: the data export carries the account's share events and its
// connected apps (none here) through their export sources.
func TestAccountExportShareAndApps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		ctx := context.Background()
		f := newCVFixture(t, newStore)
		err := f.st.Update(ctx, func(tx *store.Tx) error {
			return tx.InsertShareEvents(ctx, []store.ShareEvent{
				{AwardID: f.award.ID, UserID: f.earner.ID, Kind: EventShare, Channel: ChannelLinkedInProfile, ReferrerHost: "example.org", N: 1, At: f.clock.Now()},
				{AwardID: f.award.ID, Kind: EventView, N: 3, At: f.clock.Now()}, // someone else's views
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		exp := NewAccountExport(AccountExportOptions{Store: f.st, Awards: f.awards, CVs: f.cvs, URLs: f.urls, Clock: f.clock,
			Sources: []AccountDataSource{ShareExportSource(f.st), OAuthExportSource(NewOAuth(f.st, f.clock, nil, OAuthOptions{}))}})
		var buf bytes.Buffer
		if err := exp.Write(ctx, f.earner, &buf); err != nil {
			t.Fatal(err)
		}
		var acct struct {
			ShareEvents []struct {
				Award, Kind, Channel, ReferrerHost string
				Count                              int64
			}
			ConnectedApps []any
		}
		raw := readZip(t, buf.Bytes())["account.json"]
		if err := json.Unmarshal(raw, &acct); err != nil {
			t.Fatal(err)
		}
		if len(acct.ShareEvents) != 1 || acct.ShareEvents[0].Channel != ChannelLinkedInProfile || acct.ShareEvents[0].Count != 1 ||
			acct.ShareEvents[0].Award != f.award.ID {
			t.Errorf("shareEvents = %+v", acct.ShareEvents)
		}
		if acct.ConnectedApps == nil || len(acct.ConnectedApps) != 0 {
			t.Errorf("connectedApps = %v (want an empty list)\n%s", acct.ConnectedApps, raw)
		}
	})
}
