// Command loadseed fills a throwaway Rosette database for the load test (scripts/loadtest.sh):
// a site administrator, an issuer with its keys, a badge class with a PNG image, and N awards
// issued and signed through the services, as the admin pages and the API do. It prints the
// award ids, one per line. It is a measuring tool, not part of the product.
//
//	ROSETTE_MASTER_KEY=... go run ./scripts/loadseed -data-dir DIR -base-url http://127.0.0.1:8080 -n 1000 > ids.txt
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"os"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

func main() {
	dataDir := flag.String("data-dir", "", "data directory of the SQLite database (when -database-url is empty)")
	dbURL := flag.String("database-url", "", "database URL, as rosette serve's --database-url")
	base := flag.String("base-url", "", "the base URL rosette serve will use (the awards' URLs are signed into them)")
	n := flag.Int("n", 1000, "number of awards")
	flag.Parse()
	if *base == "" || (*dataDir == "" && *dbURL == "") || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := seed(context.Background(), *dbURL, *dataDir, *base, *n); err != nil {
		fmt.Fprintln(os.Stderr, "loadseed:", err)
		os.Exit(1)
	}
}

func seed(ctx context.Context, dbURL, dataDir, base string, n int) error {
	master, err := keys.ParseMasterKey(os.Getenv("ROSETTE_MASTER_KEY"))
	if err != nil {
		return fmt.Errorf("ROSETTE_MASTER_KEY: %w", err)
	}
	st, err := store.Open(ctx, dbURL, dataDir, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	clock := badge.SystemClock{}
	km := keys.NewManager(st, master)
	now := clock.Now()
	u := &store.User{Email: "load@example.org", EmailKey: "load@example.org", Name: "Load Test", PasswordHash: "!",
		IsAdmin: true, CreatedAt: now, UpdatedAt: now}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		return err
	}
	admin := &badge.User{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: true}
	iss, err := service.NewIssuers(st, km, clock, logger).Create(ctx, admin,
		badge.IssuerFields{Name: "Load Test Academy", Website: "https://academy.example", Description: "Issues badges under load."}, admin.ID)
	if err != nil {
		return err
	}
	bc, err := service.NewBadgeClasses(st, clock, logger).Create(ctx, admin, iss.ID, badge.BadgeClassFields{
		Name: "Load Tester", Description: "Served many badges at once.", CriteriaNarrative: "Serve **8,000** credentials a second.",
		Tags:       []string{"performance", "http"},
		Alignments: []badge.Alignment{{Name: "Web serving", URL: "https://example.org/frameworks/web", Framework: "Example", Code: "W1"}},
	}, badgePNG())
	if err != nil {
		return err
	}
	awards := service.NewAwards(service.AwardsOptions{Store: st, Keys: km, URLs: links.URLs{Base: base}, Clock: clock, Logger: logger,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	start := time.Now()
	for done := 0; done < n; {
		batch := min(service.MaxBatch, n-done)
		reqs := make([]badge.AwardRequest, batch)
		for i := range reqs {
			k := done + i
			reqs[i] = badge.AwardRequest{BadgeClassID: bc.ID,
				Recipient: badge.Recipient{Identity: fmt.Sprintf("earner%d@example.org", k), Name: fmt.Sprintf("Earner %d", k)},
				Narrative: "Answered requests.", Evidence: []badge.Evidence{{URL: "https://example.org/evidence/" + fmt.Sprint(k), Name: "Log"}}}
		}
		as, err := awards.IssueBatch(ctx, admin, reqs)
		if err != nil {
			return err
		}
		for _, a := range as {
			if !a.Signed {
				return fmt.Errorf("award %s was not signed", a.ID)
			}
			fmt.Fprintln(out, a.ID)
		}
		done += batch
	}
	fmt.Fprintf(os.Stderr, "loadseed: %d awards issued and signed in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// badgePNG is a 256x256 badge image: a disc on a transparent background.
func badgePNG() []byte {
	const side = 256
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			dx, dy := x-side/2, y-side/2
			if dx*dx+dy*dy < (side/2-4)*(side/2-4) {
				img.Set(x, y, color.NRGBA{R: 67, G: 56, B: 202, A: 255})
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
