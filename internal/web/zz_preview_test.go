package web

import (
	"context"
	"net/url"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZPreview(t *testing.T) {
	if os.Getenv("PREVIEW") == "" {
		t.Skip()
	}
	acc := newMemAccounts()
	ts, c := site(t, acc)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.NoSandbox, chromedp.Flag("disable-gpu", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	shot := func(name, u string, w int64) {
		b, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(u)); err != nil {
				return nil, err
			}
			return chromedp.Run(ctx, chromedp.FullScreenshot(100))
		}))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/web-shots/"+name+".png", b, 0o644)
	}
	os.MkdirAll("/tmp/web-shots", 0o755)
	shot("welcome", ts.URL+"/", 1280)
	shot("setup", ts.URL+"/setup?token=setup-token", 1280)
	shot("login-mobile", ts.URL+"/login", 390)
	shot("notfound", ts.URL+"/nope", 1280)
	// sign in in the browser: set up via the client and copy cookie? do the form in browser.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(ts.URL+"/setup?token=setup-token"),
		chromedp.SendKeys("#name", "Ada Lovelace"), chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", "correct horse battery"), chromedp.SendKeys("#password_confirm", "x"),
		chromedp.Click(`button[type="submit"]`), chromedp.WaitVisible("#password_confirm-error")); err != nil {
		t.Fatal(err)
	}
	b, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/web-shots/setup-errors.png", b, 0o644)
	if err := chromedp.Do(ctx, chromedp.SendKeys("#password", "correct horse battery"), chromedp.SendKeys("#password_confirm", "correct horse battery"),
		chromedp.Click(`button[type="submit"]`), chromedp.WaitVisible("#issuers-title")); err != nil {
		t.Fatal(err)
	}
	b, _ = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/web-shots/dashboard.png", b, 0o644)
	shot("password", ts.URL+"/account/password", 1280)
	shot("dashboard-mobile", ts.URL+"/", 390)
	_ = c
	_ = url.Values{}
}
