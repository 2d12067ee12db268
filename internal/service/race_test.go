//go:build race

package service

// raceEnabled skips the 10,000-award test under the race detector, which slows signing
// about tenfold; scripts/test.sh runs it without -race.
const raceEnabled = true
