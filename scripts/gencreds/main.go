// Command gencreds writes N unsigned OB 3.0 AchievementCredentials, one per line, for
// measuring `rosette sign --jsonl` (scripts/bench-jsonl.sh). It is a measuring tool, not part
// of the product.
//
//	go run ./scripts/gencreds -key key.jwk -n 100000 > creds.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/ob3"

	"encoding/json"
)

func main() {
	keyFile := flag.String("key", "", "private JWK whose did:key is the issuer (Ed25519)")
	n := flag.Int("n", 100000, "number of credentials")
	flag.Parse()
	b, err := os.ReadFile(*keyFile)
	if err != nil {
		fail(err)
	}
	k, err := key.ParsePrivateJWK(b)
	if err != nil {
		fail(err)
	}
	issuer, _, err := did.KeyDID(k.Public())
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := range *n {
		c, err := ob3.NewCredential(ob3.CredentialParams{
			ID:        fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
			Issuer:    ob3.Profile{ID: issuer, Name: "Example Issuer"},
			ValidFrom: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
			Name:      fmt.Sprintf("Teamwork %d", i),
			Subject: ob3.AchievementSubject{ID: fmt.Sprintf("did:example:learner%d", i), Achievement: &ob3.Achievement{
				ID: "https://example.org/achievements/teamwork", Name: "Teamwork", Description: "Works in teams.",
				Criteria: &ob3.Criteria{Narrative: "Peer nominated."}}},
		})
		if err != nil {
			fail(err)
		}
		line, err := json.Marshal(c)
		if err != nil {
			fail(err)
		}
		w.Write(append(line, '\n'))
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gencreds:", err)
	os.Exit(1)
}
