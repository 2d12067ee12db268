package cli

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"testing"
)

// heapWatcher is an output that discards what it gets and samples the heap in use every
// 1,000 lines.
type heapWatcher struct {
	lines     int
	peak      uint64   // the largest HeapInuse seen
	quarters  []uint64 // the largest HeapInuse of each quarter of the stream
	total     int
	nextCheck int
}

func (w *heapWatcher) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte("\n"))
	if w.lines >= w.nextCheck {
		w.nextCheck = w.lines + 1000
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.peak = max(w.peak, m.HeapInuse)
		q := min(3, 4*w.lines/w.total)
		w.quarters[q] = max(w.quarters[q], m.HeapInuse)
	}
	return len(p), nil
}

// streamThroughSign signs n generated credentials with sign --jsonl into a heapWatcher.
func streamThroughSign(tb testing.TB, n int) *heapWatcher {
	tb.Helper()
	kf, issuer := issuerKey(tb)
	w := &heapWatcher{total: n, quarters: make([]uint64, 4)}
	code, stderr := runJSONL(context.Background(), newCredentialStream(tb, issuer, n), w,
		"sign", "--jsonl", "--key", kf, "--created", "2025-01-02T03:04:05Z")
	if code != ExitOK {
		tb.Fatalf("exit %d: %s", code, stderr)
	}
	if w.lines != n {
		tb.Fatalf("%d lines written, want %d", w.lines, n)
	}
	return w
}

// TestSignJSONLConstantMemory streams 20,000 credentials (2,000 with -short) through sign
// --jsonl and checks the heap stays small and does not grow with the input.
// BenchmarkSignJSONL reports the same peak for any number of lines (-benchtime 100000x).
func TestSignJSONLConstantMemory(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	runtime.GC()
	w := streamThroughSign(t, n)
	const bound = 64 << 20
	t.Logf("peak HeapInuse %.1f MiB; per quarter %v", float64(w.peak)/(1<<20), w.quarters)
	if w.peak > bound {
		t.Errorf("peak HeapInuse %d bytes, want under %d", w.peak, bound)
	}
	// Growth: the last quarter may not need much more heap than the first. With GOGC=400 the
	// heap saws between collections, and when they fall depends on the machine's load, so the
	// tolerance is wide; a real leak (every credential kept) passes the 64 MiB bound anyway.
	if first, last := w.quarters[0], w.quarters[3]; last > 2*first+(8<<20) {
		t.Errorf("heap grows with the input: first quarter %d bytes, last %d", first, last)
	}
}

func BenchmarkSignJSONL(b *testing.B) {
	b.ReportAllocs()
	b.ResetTimer()
	w := streamThroughSign(b, b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
	b.ReportMetric(float64(w.peak)/(1<<20), "peak-heap-MiB")
}

func BenchmarkVerifyJSONL(b *testing.B) {
	kf, issuer := issuerKey(b)
	// Sign a sample once, then verify it over and over.
	var signed bytes.Buffer
	if code, stderr := runJSONL(context.Background(), newCredentialStream(b, issuer, 500), &signed,
		"sign", "--jsonl", "--key", kf); code != ExitOK {
		b.Fatalf("sign: exit %d: %s", code, stderr)
	}
	sample := signed.Bytes()
	in := &repeatReader{sample: sample, lines: bytes.Count(sample, []byte("\n")), n: b.N}
	b.ReportAllocs()
	b.ResetTimer()
	code, stderr := runJSONL(context.Background(), in, io.Discard, "verify", "--jsonl")
	if code != ExitOK {
		b.Fatalf("verify: exit %d: %s", code, stderr)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
}

// repeatReader reads n lines cycling through sample (whole lines).
type repeatReader struct {
	sample   []byte
	lines, n int
	buf      []byte
	sent     int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.sent == r.n {
			return 0, io.EOF
		}
		k := min(r.lines, r.n-r.sent)
		r.buf = r.sample
		if k < r.lines {
			end := 0
			for range k {
				end += bytes.IndexByte(r.sample[end:], '\n') + 1
			}
			r.buf = r.sample[:end]
		}
		r.sent += k
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
