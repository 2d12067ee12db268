package jsonl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// echo returns "N:line" and fails lines starting with "bad".
func echo(_ context.Context, line int, in, out []byte) ([]byte, bool) {
	// Uneven work so that workers finish out of order.
	for range (line * 7919) % 13 {
		runtime.Gosched()
	}
	return fmt.Appendf(out, "%d:%s", line, in), !bytes.HasPrefix(in, []byte("bad"))
}

func TestRunOrderAndErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opts     Options
		want     string
		stats    Stats
	}{
		{"empty", "", Options{}, "", Stats{}},
		{"only blank lines", "\n \n\t\r\n", Options{}, "", Stats{}},
		{"no final newline", "a\nb", Options{}, "1:a\n2:b\n", Stats{Lines: 2}},
		{"blank lines keep numbering", "a\n\n  \nb\n\n", Options{}, "1:a\n4:b\n", Stats{Lines: 2}},
		{"failures are counted", "a\nbad\nc\nbad2\n", Options{Jobs: 3}, "1:a\n2:bad\n3:c\n4:bad2\n", Stats{Lines: 4, Failed: 2}},
		{"too long", "abcd\nabcde\nabc\nabcdefghijklmnopqrstuvwxyz", Options{MaxLine: 4},
			"1:abcd\n{\"line\":2,\"error\":\"the line is longer than 4 bytes\"}\n3:abc\n{\"line\":4,\"error\":\"the line is longer than 4 bytes\"}\n",
			Stats{Lines: 4, Failed: 2}},
		{"too long, newline not counted", "abcd\r\n", Options{MaxLine: 4}, "{\"line\":1,\"error\":\"the line is longer than 4 bytes\"}\n", Stats{Lines: 1, Failed: 1}},
		{"custom too long", "abcdef\n", Options{MaxLine: 4, TooLong: func(line, max int, out []byte) []byte { return fmt.Appendf(out, "L%d>%d", line, max) }},
			"L1>4\n", Stats{Lines: 1, Failed: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			st, err := Run(context.Background(), strings.NewReader(tc.in), &out, echo, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
		})
	}
}

// TestRunManyWorkers streams many lines through more workers than lines in the window, with
// lines long enough to span the reader's buffer, and checks the order.
func TestRunManyWorkers(t *testing.T) {
	for _, opts := range []Options{{Jobs: 1}, {Jobs: 16, Window: 16}, {Jobs: 32, Window: 5}, {Jobs: 7, Window: 1000}} {
		t.Run(fmt.Sprintf("jobs=%d,window=%d", opts.Jobs, opts.Window), func(t *testing.T) {
			var in, want strings.Builder
			for i := 1; i <= 3000; i++ {
				s := fmt.Sprintf("line %d %s", i, strings.Repeat("x", (i*31)%200000/(1+i%50)))
				fmt.Fprintf(&in, "%s\n", s)
				fmt.Fprintf(&want, "%d:%s\n", i, s)
			}
			var out bytes.Buffer
			st, err := Run(context.Background(), strings.NewReader(in.String()), &out, echo, opts)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != want.String() {
				t.Errorf("output out of order or changed (%d bytes, want %d)", out.Len(), want.Len())
			}
			if st != (Stats{Lines: 3000}) {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

type failingReader struct{ r io.Reader }

func (r failingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err == io.EOF {
		return n, errors.New("device gone")
	}
	return n, err
}

func TestRunIOErrors(t *testing.T) {
	big := strings.Repeat("some line of input\n", 100000)
	_, err := Run(context.Background(), strings.NewReader(big), &failingWriter{n: 300000}, echo, Options{Jobs: 4})
	if !errors.Is(err, ErrWrite) || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
	var out bytes.Buffer
	st, err := Run(context.Background(), failingReader{strings.NewReader("a\nb\nc")}, &out, echo, Options{Jobs: 2})
	if !errors.Is(err, ErrRead) || !strings.Contains(err.Error(), "device gone") {
		t.Errorf("read error: %v", err)
	}
	if out.String() != "1:a\n2:b\n3:c\n" || st.Lines != 3 {
		t.Errorf("lines read before the error: %q %+v", out.String(), st)
	}
}

func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, strings.NewReader(strings.Repeat("x\n", 100000)), io.Discard, func(ctx context.Context, line int, in, out []byte) ([]byte, bool) {
		if line == 10 {
			cancel()
		}
		return out, true
	}, Options{Jobs: 1, Window: 1})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// FuzzRun checks that every non-blank line gives exactly one result, in order, whatever the
// input and the limits.
func FuzzRun(f *testing.F) {
	f.Add([]byte("a\nb\n\nc"), uint8(2), uint8(3))
	f.Add([]byte("\r\n\r\nxxxxxxxxxxxxxx\n"), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, jobs, max uint8) {
		var want strings.Builder
		maxLine := int(max) + 1
		for i, l := range strings.Split(string(in), "\n") {
			switch {
			case len(l) > maxLine:
				fmt.Fprintf(&want, "{\"line\":%d,\"error\":\"the line is longer than %d bytes\"}\n", i+1, maxLine)
			case strings.TrimSpace(l) != "":
				fmt.Fprintf(&want, "%d:%s\n", i+1, l)
			}
		}
		var out bytes.Buffer
		if _, err := Run(context.Background(), bytes.NewReader(in), &out, echo, Options{Jobs: int(jobs%8) + 1, MaxLine: maxLine}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), out.String()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// TestRunFlushesWhenInputWaits feeds lines one at a time through a pipe and checks each
// result comes out before the next line is sent (an interactive use).
func TestRunFlushesWhenInputWaits(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), inR, outW, echo, Options{Jobs: 2})
		outW.CloseWithError(err)
		done <- err
	}()
	buf := make([]byte, 100)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(inW, "line%d\n", i)
		n, err := outR.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(buf[:n]), fmt.Sprintf("%d:line%d\n", i, i); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	inW.Close()
	if _, err := io.ReadAll(outR); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
