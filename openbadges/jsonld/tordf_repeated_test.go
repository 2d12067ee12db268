package jsonld

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// TestRepeatedSubjectsRandom checks the node map duplicates of statements about subjects that
// node objects give again (the look-ups of keyedLines) against dataset(): random documents of
// nested node objects whose @ids come from small sets (so that some repeat, at every depth,
// before, inside and after the first one) or from large ones, with repeated values, types,
// aliases of one property and blank node @ids.
func TestRepeatedSubjectsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(*corpusSeed, 23))
	p := NewProcessor()
	ctx := context.Background()
	const docCtx = `{"@vocab":"https://ex.org/v#","r":{"@id":"https://ex.org/v#r","@type":"@id"},"p2":"https://ex.org/v#p","T":"https://ex.org/v#T"}`
	for round := range 1500 {
		nids := 1 + r.IntN(40)
		id := func() string {
			if r.IntN(6) == 0 {
				return fmt.Sprintf("_:n%d", r.IntN(nids))
			}
			return fmt.Sprintf("https://ex.org/n%d", r.IntN(nids))
		}
		str := func() string { return fmt.Sprintf("%q", []string{"a", "b", "a b"}[r.IntN(3)]) }
		var node func(depth int) string
		value := func(depth int) string {
			switch r.IntN(6) {
			case 0, 1:
				if depth < 4 {
					return node(depth + 1)
				}
			case 2:
				return fmt.Sprintf(`{"@id":%q}`, id())
			case 3:
				vs := make([]string, 1+r.IntN(4))
				for i := range vs {
					if r.IntN(3) == 0 && depth < 4 {
						vs[i] = node(depth + 1)
					} else {
						vs[i] = str()
					}
				}
				return "[" + strings.Join(vs, ",") + "]"
			}
			return str()
		}
		node = func(depth int) string {
			var ms []string
			if r.IntN(5) > 0 {
				ms = append(ms, fmt.Sprintf(`"@id":%q`, id()))
			}
			for _, k := range []string{"p", "q", "p2", "r", "@type"} {
				if r.IntN(3) != 0 {
					continue
				}
				switch k {
				case "r":
					ms = append(ms, fmt.Sprintf(`"r":[%q,%q]`, id(), id()))
				case "@type":
					ms = append(ms, fmt.Sprintf(`"@type":["T",%q,"T"]`, []string{"T", "https://ex.org/U"}[r.IntN(2)]))
				default:
					ms = append(ms, fmt.Sprintf("%q:%s", k, value(depth)))
				}
			}
			return "{" + strings.Join(ms, ",") + "}"
		}
		doc := node(0)
		doc = `{"@context":` + docCtx + `,` + strings.TrimPrefix(doc, "{")
		if doc[len(doc)-2] == ',' { // a node with no member
			doc = doc[:len(doc)-2] + "}"
		}
		tree, err := jsondec.DecodeTree([]byte(doc))
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, doc)
		}
		qbuf, lbuf := &quadBuf{}, &quadBuf{}
		quads, problems, err := p.fastToRDFInto(ctx, tree, qbuf, false)
		_, lproblems, lerr := p.fastToRDFInto(ctx, tree, lbuf, true)
		if err != nil || lerr != nil {
			t.Fatalf("round %d: quads: %v, lines: %v\n%s", round, err, lerr, doc)
		}
		if diff := cmp.Diff(quadLines(quads), renderLines(&lbuf.lines)); diff != "" {
			t.Fatalf("round %d: lines (-dataset +lines):\n%s\n%s", round, diff, doc)
		}
		if diff := cmp.Diff(problems, lproblems); diff != "" {
			t.Fatalf("round %d: problems (-quads +lines):\n%s", round, diff)
		}
	}
}
