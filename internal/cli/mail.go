package cli

import (
	"context"
	"flag"
	"fmt"
	"net/mail"

	rmail "github.com/rosettebadges/rosette/internal/mail"
)

// runMail is `rosette mail test --to ADDR`: send one test email with the SMTP settings, to
// check them before awards depend on them. It bypasses the outbox (nothing is recorded).
func runMail(ctx context.Context, env Env, args []string) int {
	const usage = "Usage: rosette mail test --to ADDRESS [config options]\n\n" +
		"  test   send one test email now with the SMTP settings (--smtp-host, ...) and report the result\n"
	return subcommand(ctx, env, "mail", usage, args, map[string]func(context.Context, Env, []string) int{"test": runMailTest})
}

func runMailTest(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("mail test", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	to := fs.String("to", "", "recipient of the test email (required)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: rosette mail test --to ADDRESS [options]\n\nSends one test email with the SMTP settings.\n\nOptions:\n")
		fs.PrintDefaults()
	}
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if _, err := mail.ParseAddress(*to); err != nil || fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette mail test: --to needs one email address\n")
		return ExitUsage
	}
	if cfg.SMTPHost == "" {
		fmt.Fprintf(env.Stderr, "rosette mail test: no SMTP server configured (set --smtp-host or ROSETTE_SMTP_HOST)\n")
		return ExitUsage
	}
	sender, err := rmail.NewSMTP(rmail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, TLS: cfg.SMTPTLS,
		Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, Timeout: cfg.SMTPTimeout})
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette mail test: %v\n", err)
		return ExitUsage
	}
	msg := rmail.Message{To: *to, Subject: "Rosette test email",
		Text: "This is a test email from Rosette (" + cfg.BaseURL + "): the SMTP settings work.\n"}
	if err := sender.Send(ctx, msg); err != nil {
		kind := "temporary"
		if rmail.IsPermanent(err) {
			kind = "permanent"
		}
		fmt.Fprintf(env.Stderr, "rosette mail test: not sent (%s): %v\n", kind, err)
		return ExitFailure
	}
	fmt.Fprintf(env.Stdout, "Sent a test email to %s through %s:%d.\n", *to, cfg.SMTPHost, cfg.SMTPPort)
	return ExitOK
}
