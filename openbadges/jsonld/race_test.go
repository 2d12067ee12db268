//go:build race

package jsonld

// raceEnabled shortens the generated-corpus differential test under the race detector, which
// slows the general path about tenfold.
const raceEnabled = true
