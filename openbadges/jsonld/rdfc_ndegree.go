package jsonld

import (
	"bytes"
	"fmt"
	"slices"
)

// int32Arena hands out the slices of temporary issuers from chunks that are reused by the next
// canonicalization (see canonScratch), instead of allocating two slices per permutation.
type int32Arena struct {
	chunk []int32
}

// alloc returns a zeroed slice of n elements whose capacity is n (so appends move it out).
func (a *int32Arena) alloc(n int) []int32 {
	if len(a.chunk)+n > cap(a.chunk) {
		a.chunk = make([]int32, 0, max(1024, 2*cap(a.chunk), n))
	}
	l := len(a.chunk)
	a.chunk = a.chunk[:l+n]
	s := a.chunk[l : l+n : l+n]
	clear(s)
	return s
}

// reset makes the whole last chunk available again, once nothing uses its slices.
func (a int32Arena) reset() int32Arena {
	return int32Arena{chunk: a.chunk[:0]}
}

// newTempIssuer returns an empty issuer with prefix "b" over the canonicalizer's blank nodes.
func (c *canonicalizer) newTempIssuer() issuer {
	is := issuer{prefix: "b", issued: c.arena.alloc(len(c.ls.labels)), order: c.arena.alloc(len(c.ls.labels))[:0]}
	for i := range is.issued {
		is.issued[i] = -1
	}
	return is
}

// cloneIssuer copies is into the arena.
func (c *canonicalizer) cloneIssuer(is issuer) issuer {
	cp := issuer{prefix: is.prefix, issued: c.arena.alloc(len(is.issued)), order: c.arena.alloc(len(is.issued))[:len(is.order)]}
	copy(cp.issued, is.issued)
	copy(cp.order, is.order)
	return cp
}

// takeBytes returns an empty buffer from the free list.
func (c *canonicalizer) takeBytes() []byte {
	if n := len(c.bytesFree); n > 0 {
		b := c.bytesFree[n-1]
		c.bytesFree = c.bytesFree[:n-1]
		return b
	}
	return make([]byte, 0, 128)
}

// relatedHash is a blank node related to the one being hashed, with the hash of the relation.
type relatedHash struct {
	hash digest
	id   int32
}

// hashNDegree is RDFC-1.0 §4.8, with rdf-canonize's bound on deep iterations and a bound on
// permutations. The related blank nodes of each call live on c.related above the caller's.
func (c *canonicalizer) hashNDegree(id int32, is issuer) (digest, issuer, error) {
	if err := c.ctx.Err(); err != nil {
		return digest{}, issuer{}, err
	}
	if c.remainingDeep < 1 {
		return digest{}, issuer{}, fmt.Errorf("%w: maximum Hash N-Degree Quads iterations exceeded", ErrPoisonGraph)
	}
	c.remainingDeep--
	base := len(c.related)
	defer func() { c.related = c.related[:base] }()
	for _, i := range c.bnodeQuads[id] {
		for j, pos := range [...]byte{'s', 'o', 'g'} {
			if r := c.ls.qb[i][j]; r >= 0 && r != id {
				c.related = append(c.related, relatedHash{c.hashRelated(r, i, &is, pos), r})
			}
		}
	}
	// Recursive calls append above base and may move c.related: keep this call's part.
	related := c.related[base:len(c.related):len(c.related)]
	slices.SortStableFunc(related, func(a, b relatedHash) int { return compareDigests(&a.hash, &b.hash) })
	// data is what the specification writes to its hash: the related hashes and chosen paths.
	data, path, chosenPath := c.takeBytes(), c.takeBytes(), c.takeBytes()
	defer func() { c.bytesFree = append(c.bytesFree, data[:0], path[:0], chosenPath[:0]) }()
	var recursion []int32
	for start := 0; start < len(related); {
		end := start + 1
		for end < len(related) && related[end].hash == related[start].hash {
			end++
		}
		data = c.appendHex(data, &related[start].hash)
		perm := c.arena.alloc(end - start)
		for k := range perm {
			perm[k] = related[start+k].id
		}
		start = end
		slices.SortFunc(perm, c.compareLabels)
		chosenPath = chosenPath[:0]
		var chosenIssuer issuer
		chosen := false
		for ok := true; ok; ok = c.nextPermutation(perm) {
			if c.remainingPerms >= 0 {
				if c.remainingPerms == 0 {
					return digest{}, issuer{}, fmt.Errorf("%w: maximum permutations exceeded", ErrPoisonGraph)
				}
				c.remainingPerms--
			}
			// A single permutation issues into is itself: the specification's copy of it
			// becomes the chosen issuer, which replaces is, and the caller's issuer is
			// replaced by the one returned (what it still reads of it, the numbers of
			// nodes issued before the call, stays).
			isCopy := is
			if len(perm) > 1 {
				isCopy = c.cloneIssuer(is)
			}
			path, recursion = path[:0], recursion[:0]
			skip := false
			for _, rel := range perm {
				path = append(path, "_:"...)
				if v := c.canon.issued[rel]; v >= 0 {
					path = c.canon.appendLabel(path, v)
				} else {
					if !isCopy.has(rel) {
						recursion = append(recursion, rel)
					}
					path = isCopy.appendLabel(path, isCopy.number(rel))
				}
				if chosen && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			for _, rel := range recursion {
				rh, ris, err := c.hashNDegree(rel, isCopy)
				if err != nil {
					return digest{}, issuer{}, err
				}
				path = append(path, "_:"...)
				path = isCopy.appendLabel(path, isCopy.number(rel))
				path = append(path, '<')
				path = c.appendHex(path, &rh)
				path = append(path, '>')
				isCopy = ris
				if chosen && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			if !chosen || bytes.Compare(path, chosenPath) < 0 {
				chosenPath = append(chosenPath[:0], path...)
				chosenIssuer = isCopy
				chosen = true
			}
		}
		data = append(data, chosenPath...)
		is = chosenIssuer
	}
	return c.memoSum(data), is, nil
}
