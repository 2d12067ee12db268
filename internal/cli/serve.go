package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"runtime/debug"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/identity"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/web"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// runServe is `rosette serve`: load the configuration, open the database and migrate it,
// start the background workers and the HTTP server, print the address (and, while nobody has
// an account, the setup link), and shut everything down gracefully when ctx ends (SIGINT or
// SIGTERM in main). Logs go to stderr as slog JSON; the two human lines go to stdout.
func runServe(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: rosette serve [options]\n\n"+
			"Start the Rosette web server: pages, APIs and background jobs. Every option can also be\n"+
			"set with its ROSETTE_* environment variable (see docs/CONFIG.md).\n\nOptions:\n")
		fs.PrintDefaults()
	}
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette serve: unexpected arguments %q\n", fs.Args())
		return ExitUsage
	}
	logger := newLogger(cfg, env.Stderr)
	defer serverGC(env)()
	if err := serve(ctx, env.Stdout, cfg, logger); err != nil {
		logger.Error("rosette serve failed", slog.String("error", err.Error()))
		return failure(env, "serve", err)
	}
	return ExitOK
}

func serve(ctx context.Context, stdout io.Writer, cfg config.Config, logger *slog.Logger) error {
	st, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer st.Close()
	clock := badge.SystemClock{}
	master, err := masterKey(cfg, st.Dialect(), logger)
	if err != nil {
		return err
	}
	km := keys.NewManager(st, master)
	if err := km.CheckMaster(ctx); err != nil {
		return err
	}
	issuers := service.NewIssuers(st, km, clock, logger)
	accounts := service.NewAccounts(st, clock, logger, service.AccountsOptions{
		SessionLifetime: cfg.SessionLifetime,
		SessionIdle:     cfg.SessionIdle,
	})

	ln, err := server.Listen(ctx, cfg.Addr)
	if err != nil {
		return err
	}
	var metricsLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = server.Listen(ctx, cfg.MetricsAddr); err != nil {
			ln.Close()
			return err
		}
		logger.Info("metrics listening", slog.String("addr", metricsLn.Addr().String()))
	}
	closeListeners := func() {
		ln.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
	}
	base := publicBaseURL(cfg.BaseURL, ln.Addr())
	urls := links.URLs{Base: base}
	// The queue exists on every node (web-only nodes enqueue too); --workers runs it.
	queue := jobs.New(st, logger, clock, jobs.Options{Workers: cfg.Workers, ShutdownTimeout: cfg.ShutdownTimeout})
	// Every node records award emails in the outbox, in the issuing transaction; nodes with
	// workers and SMTP settings send them (registerEmail).
	outbox := &mail.Outbox{Store: st, Queue: queue, Clock: clock, Domain: emailDomain(base), Logger: logger}
	notifications := service.NewNotifications(st, outbox, clock, logger)
	badgeClasses := service.NewBadgeClasses(st, clock, logger)
	awards := service.NewAwards(service.AwardsOptions{Store: st, Keys: km, Queue: queue, URLs: urls, Clock: clock,
		Logger: logger, Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader())), Notifier: notifications})
	tokens := service.NewTokens(st, clock, logger)
	idempotency := service.NewIdempotency(st, clock, logger)
	// Bulk awarding from CSV: its job issues through awards (registered like the signing job;
	// it runs where workers run).
	bulkAwards := service.NewBulk(st, queue, awards, clock, logger)
	bulkAwards.Register()
	// Earner profiles, collections, skills and the safeguarding switches (profiles is also
	// what sharing asks: profiles.SharingAllowed).
	profiles := service.NewProfiles(st, clock)
	oauth := service.NewOAuth(st, clock, logger, service.OAuthOptions{AllowLoopbackHTTP: !cfg.SecureCookies()})
	// The earner side: claiming awards, waiting awards, addresses, merging, the wallet list.
	earners := service.NewEarners(service.EarnersOptions{Store: st, Accounts: accounts, Emails: outbox, URLs: urls, Clock: clock, Logger: logger, Queue: queue})
	// Share events (views, share clicks, downloads, embeds) are buffered and written every
	// second on every node.
	shares := service.NewShares(service.SharesOptions{Store: st, Awards: awards, URLs: urls, Clock: clock, Logger: logger, Policy: profiles})

	// Verifiers fetch this installation's own documents in process (so its badges verify
	// without a network round trip, even behind a firewall) and others through the
	// outbound client; the handler is the server, built below. Award pages verify their
	// badge with it too.
	fetcher := &identity.LocalFetcher{Base: base, Next: outboundFetcher(cfg)}
	// CVs (PDFs set by internal/pdfdoc), the data export and account deletion (C4, C8).
	// Skills, the public badge pages and the safeguarding switches come from the profiles.
	cvs := service.NewCVs(service.CVsOptions{Store: st, Awards: awards, URLs: urls, Clock: clock, Logger: logger,
		Renderer: service.CVPDF{}, Skills: service.ProfileCVSkills(profiles),
		PublicItemURL: service.ProfileBadgeURLs(profiles, urls), SharingAllowed: profiles.SharingAllowed})
	accountData := &service.AccountData{Accounts: accounts,
		Export: service.NewAccountExport(service.AccountExportOptions{Store: st, Awards: awards, CVs: cvs, URLs: urls, Clock: clock,
			Sources: append(service.ProfileExportSources(profiles), service.ShareExportSource(st), service.OAuthExportSource(oauth))}),
		Deletion: service.NewAccountDeletion(service.AccountDeletionOptions{Store: st, Accounts: accounts, Clock: clock, Logger: logger})}
	awardVerifier := newVerifier(fetcher, "")
	// The wallet verifies imports and re-checks held badges with the same verifier (awards of
	// this installation in process); its re-check job runs where workers run.
	wallet := service.NewWallet(service.WalletOptions{Store: st, Verifier: awardVerifier, Awards: awards, Queue: queue,
		Clock: clock, Logger: logger})
	wallet.Register()
	walletAPI := service.NewWalletAPI(st, awards, wallet, clock, logger, base)
	site, err := web.New(web.Options{Accounts: accounts, Issuers: issuers, Awards: awards, BadgeClasses: badgeClasses, URLs: urls, Tokens: tokens,
		Bulk: bulkAwards, Notifications: notifications, Logger: logger, SecureCookies: cfg.SecureCookies(),
		NewVerifier:  func(recipient string) *verify.Verifier { return newVerifier(fetcher, recipient) },
		PublicAwards: awards, Clock: clock,
		Profiles:     profiles,
		WalletItems:  wallet,
		Certificates: awards,
		OAuth:        oauth,
		CVs:          cvs, AccountData: accountData,
		Earners: earners,
		Shares:  shares,
		VerifyAward: func(ctx context.Context, credential []byte) *verify.Report {
			return awardVerifier.Verify(ctx, credential)
		}})
	if err != nil {
		closeListeners()
		return err
	}
	srv := server.New(server.Options{
		Logger:          logger,
		ReadTimeout:     cfg.ReadTimeout,
		WriteTimeout:    cfg.WriteTimeout,
		IdleTimeout:     cfg.IdleTimeout,
		ShutdownTimeout: cfg.ShutdownTimeout,
		MaxBodyBytes:    cfg.MaxBodyBytes,
		TLSCertFile:     cfg.TLSCertFile,
		TLSKeyFile:      cfg.TLSKeyFile,
		HSTS:            cfg.SecureCookies(),
		TrustedProxies:  cfg.TrustedProxies,
		MetricsToken:    cfg.MetricsToken,
		MetricsSeparate: cfg.MetricsAddr != "",
		MetricsPprof:    cfg.MetricsPprof,
		Errors:          site,
		Ready: func(ctx context.Context) error {
			if err := st.Ping(ctx); err != nil {
				return fmt.Errorf("database unreachable: %w", err)
			}
			current, err := st.MigrationStatus(ctx)
			if err != nil {
				return fmt.Errorf("migration status: %w", err)
			}
			if !current {
				return errors.New("database migrations are not current")
			}
			return nil
		},
	})
	fetcher.Handler = srv
	site.Register(srv)

	scheme := "http"
	if srv.TLS() {
		scheme = "https"
	}
	listening := scheme + "://" + displayAddr(ln.Addr())
	(&identity.Handler{Issuers: issuers, URLs: urls, Logger: logger, HTML: site.PublicIssuer()}).Register(srv)
	(&identity.AwardHandler{Awards: awards, HTML: site.AwardPage(), Logger: logger, Downloads: shares}).Register(srv)
	if err := mountAPI(srv, issuers, badgeClasses, awards, tokens, idempotency, urls, logger); err != nil {
		closeListeners()
		return err
	}
	if err := mountOBAPI(srv, oauth, walletAPI, base, cfg, logger); err != nil {
		closeListeners()
		return err
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("base_url", base),
		slog.String("database", st.Dialect()))
	fmt.Fprintf(stdout, "Rosette is listening on %s\n", listening)

	needed, err := accounts.SetupNeeded(ctx)
	if err != nil {
		closeListeners()
		return err
	}
	if needed {
		token, err := accounts.NewSetupToken(ctx)
		if err != nil {
			closeListeners()
			return err
		}
		fmt.Fprintf(stdout, "No accounts yet. Create the site administrator at %s/setup?token=%s\n", base, url.QueryEscape(token))
	}

	// Background jobs run beside the server until ctx ends (or the server fails); --workers 0
	// makes a web-only node.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	workersDone := make(chan error, 1)
	if cfg.Workers > 0 {
		if err := registerHousekeeping(ctx, queue, accounts, logger); err != nil {
			closeListeners()
			return err
		}
		if err := registerIdempotencyPrune(ctx, queue, idempotency, logger); err != nil {
			closeListeners()
			return err
		}
		if err := registerOAuthPrune(ctx, queue, oauth, logger); err != nil {
			closeListeners()
			return err
		}
		if _, err := registerEmail(queue, st, cfg, base, clock, logger); err != nil {
			closeListeners()
			return err
		}
		if err := wallet.ScheduleRecheck(ctx); err != nil {
			closeListeners()
			return err
		}
		go func() { workersDone <- queue.Run(runCtx) }()
	} else {
		workersDone <- nil
	}

	metricsDone := make(chan error, 1)
	if metricsLn != nil {
		go func() {
			err := srv.ServeMetrics(runCtx, metricsLn)
			stop() // a failed metrics listener stops the node, like a failed main one
			metricsDone <- err
		}()
	} else {
		metricsDone <- nil
	}

	sharesCtx, stopShares := context.WithCancel(context.WithoutCancel(ctx))
	sharesDone := make(chan struct{})
	go func() { shares.Run(sharesCtx); close(sharesDone) }()
	serveErr := srv.Serve(runCtx, ln)
	stop()
	stopShares() // the events of the last requests are written before we return
	<-sharesDone
	if err := errors.Join(serveErr, <-metricsDone, <-workersDone); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// serverGC sets the garbage collector of a server, unless the environment does (GOGC,
// GOMEMLIMIT): the heap may grow to 5x the live data between collections (GOGC=400), with a
// soft limit of 768 MiB that makes the collector work harder before the heap passes it. A
// server's live heap is small (its caches are bounded) and every request allocates; with
// Go's default the collector's pauses and assists were the tail of the award page at 64
// connections (p99 50-58 ms on PostgreSQL, 30.6 ms with this setting; docs/PERFORMANCE.md).
// It returns the function restoring the previous settings.
func serverGC(env Env) func() {
	restore := []func(){}
	if env.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(400)
		restore = append(restore, func() { debug.SetGCPercent(old) })
	}
	if env.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(768 << 20)
		restore = append(restore, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, f := range restore {
			f()
		}
	}
}

// displayAddr is a listener's address as a person would type it: an unspecified host
// (0.0.0.0, ::) becomes localhost.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// publicBaseURL is the configured base URL, except that a base URL on port 0 (derived from
// --addr host:0) gets the port actually bound.
func publicBaseURL(base string, a net.Addr) string {
	u, err := url.Parse(base)
	if err != nil || u.Port() != "0" {
		return base
	}
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return base
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	return u.String()
}
