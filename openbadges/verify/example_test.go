package verify_test

import (
	"context"
	"fmt"
	"time"

	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

func ExampleVerifier_Verify() {
	v := verify.New(verify.Options{
		Fetcher: fetch.NewClient(fetch.Options{Timeout: 10 * time.Second}),
		Now:     time.Now,
	})
	rep := v.Verify(context.Background(), []byte("not a badge"))
	fmt.Println(rep.Verdict, rep.InputError != "")
	for _, c := range rep.Checks {
		fmt.Println(c.Status, c.Name)
	}
	// Output:
	// invalid true
	// fail Input
}
