package jsonld

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendLinesRandom compares appendLines with appendLinesPlain (segment by segment) on
// random lines, labels of 1 to 8 bytes, runs of quads adjacent in the buffer and not, and
// buffers with and without room.
func TestAppendLinesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	term := func(blankPct int) Term {
		if r.IntN(100) < blankPct {
			return Term{Kind: TermBlank, Value: blankLabel(r.IntN(6))}
		}
		switch r.IntN(3) {
		case 0:
			return Term{Kind: TermIRI, Value: "urn:x" + strconv.Itoa(r.IntN(100))}
		case 1:
			return Term{Kind: TermLiteral, Value: string(make([]byte, r.IntN(90))) + "v", Datatype: xsdString}
		}
		return Term{Kind: TermLiteral, Value: "w", Language: "en"}
	}
	for round := range 500 {
		var ls lineSet
		for range 1 + r.IntN(30) {
			s, p, o := term(60), Term{Kind: TermIRI, Value: "urn:p" + strconv.Itoa(r.IntN(5))}, term(40)
			g := Term{}
			if r.IntN(4) == 0 {
				g = term(50)
			}
			ls.addBuilt(&s, &p, &o, &g)
		}
		c := &canonicalizer{ls: &ls}
		var l lineLabels
		for range ls.labels {
			at := len(l.buf)
			for range 1 + r.IntN(8) {
				l.buf = append(l.buf, "c14nz0123456789"[r.IntN(15)])
			}
			n := len(l.buf) - at
			var w [8]byte
			copy(w[:], l.buf[at:])
			l.at, l.n, l.word = append(l.at, int32(at)), append(l.n, int8(n)), append(l.word, binary.LittleEndian.Uint64(w[:]))
			l.max = max(l.max, n)
		}
		for range 20 {
			var quads []int32
			for range r.IntN(2 * len(ls.tmpl)) {
				if k := len(quads); k > 0 && r.IntN(2) == 0 && int(quads[k-1])+1 < len(ls.tmpl) {
					quads = append(quads, quads[k-1]+1) // adjacent in ls.buf
				} else {
					quads = append(quads, int32(r.IntN(len(ls.tmpl))))
				}
			}
			k := r.IntN(5)
			prefix := make([]byte, k, k+r.IntN(200))
			want := c.appendLinesPlain(bytes.Clone(prefix), quads, &l)
			got := c.appendLines(prefix, quads, &l)
			if !bytes.Equal(got, want) {
				t.Fatalf("round %d: quads %v\ngot  %q\nwant %q", round, quads, got, want)
			}
		}
	}
}
