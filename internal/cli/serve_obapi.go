package cli

import (
	"context"
	"log/slog"

	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/obapi"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
)

// pruneOAuthKind deletes expired OAuth codes and tokens, hourly.
const pruneOAuthKind = "oauth.prune"

// mountOBAPI mounts the OAuth endpoints, the OB 3.0 API and Badge Connect on srv.
// Installations not served over https accept http loopback redirect URIs; the terms and
// privacy URLs come from the configuration.
func mountOBAPI(srv *server.Server, oauth *service.OAuth, wallet *service.WalletAPI, base string, cfg config.Config, logger *slog.Logger) error {
	api, err := obapi.New(obapi.Options{OAuth: oauth, Wallet: wallet, Base: base, AllowLoopbackHTTP: !cfg.SecureCookies(),
		TermsURL: cfg.TermsURL, PrivacyURL: cfg.PrivacyURL, Logger: logger})
	if err != nil {
		return err
	}
	api.Register(srv)
	return nil
}

// registerOAuthPrune registers the hourly job deleting expired OAuth codes and tokens and
// queues its next run (one per hour across nodes, by unique key).
func registerOAuthPrune(ctx context.Context, q *jobs.Queue, oauth *service.OAuth, logger *slog.Logger) error {
	return registerHourlyPrune(ctx, q, pruneOAuthKind, "expired oauth codes and tokens", oauth.Prune, logger)
}
