// Package jsonl owns the streaming of line-delimited work: it reads one record per line,
// hands the lines to a pool of workers, and writes one result per line in input order,
// with a bounded number of lines in flight so memory depends on the window, not the input.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// DefaultMaxLine is the default longest line accepted (8 MiB).
const DefaultMaxLine = 8 << 20

// Errors returned by Run wrap one of these.
var (
	ErrRead  = errors.New("reading the input")
	ErrWrite = errors.New("writing the output")
)

// Processor handles one line. line is the 1-based line number, in the line's bytes (without
// the newline; valid only during the call), and out a buffer to append the result to (without
// a newline). It returns the extended buffer and whether the line succeeded. It is called
// from many goroutines at once.
type Processor func(ctx context.Context, line int, in, out []byte) ([]byte, bool)

// TooLongFunc writes the result for a line longer than the limit.
type TooLongFunc func(line int, max int, out []byte) []byte

// Options configure Run. Zero fields get defaults.
type Options struct {
	Jobs    int // workers; default GOMAXPROCS
	Window  int // lines in flight (read but not yet written); default 16 per worker
	MaxLine int // longest line in bytes; default DefaultMaxLine
	// TooLong writes the result for an over-long line (counted as failed). Nil writes
	// {"line":N,"error":"..."}.
	TooLong TooLongFunc
}

// Stats counts what Run did.
type Stats struct {
	Lines  int // non-blank lines processed
	Failed int // of which did not succeed
}

// item is one line in flight; items are recycled through the free list, which bounds the
// window.
type item struct {
	line    int
	in, out []byte
	tooLong bool
	ok      bool
	done    chan struct{}
}

// keepBuf is the largest buffer kept when an item is recycled; bigger ones (a rare long
// line) are dropped so the steady state stays small.
const keepBuf = 64 << 10

// Run streams r through process with opts and writes each result, followed by a newline,
// to w, in the order of the input lines. Blank lines are skipped. It returns when the input
// is exhausted and every result written, or on a read or write error, or when ctx is done.
func Run(ctx context.Context, r io.Reader, w io.Writer, process Processor, opts Options) (Stats, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	if opts.Window <= 0 {
		opts.Window = 16 * opts.Jobs
	}
	if opts.Window < opts.Jobs {
		opts.Window = opts.Jobs
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.TooLong == nil {
		opts.TooLong = tooLongJSON
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	free := make(chan *item, opts.Window)
	for range opts.Window {
		free <- &item{done: make(chan struct{}, 1)}
	}
	jobs := make(chan *item, opts.Window)
	order := make(chan *item, opts.Window)

	var wg sync.WaitGroup
	for range opts.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				if it.tooLong {
					it.out, it.ok = opts.TooLong(it.line, opts.MaxLine, it.out[:0]), false
				} else {
					it.out, it.ok = process(ctx, it.line, it.in, it.out[:0])
				}
				it.done <- struct{}{}
			}
		}()
	}

	var readErr error
	go func() {
		defer close(order)
		defer close(jobs)
		readErr = readLines(ctx, r, opts.MaxLine, free, jobs, order)
	}()

	var st Stats
	var writeErr error
	bw := bufio.NewWriterSize(w, 256<<10)
	// flush lets the results so far out when the writer is about to wait for the input
	// (slow input, e.g. interactive) rather than when the buffer fills.
	flush := func() {
		if bw.Buffered() > 0 && writeErr == nil {
			if writeErr = bw.Flush(); writeErr != nil {
				cancel()
			}
		}
	}
	for {
		var it *item
		var more bool
		select {
		case it, more = <-order:
		default:
			flush() // nothing read ahead
			it, more = <-order
		}
		if !more {
			break
		}
		select {
		case <-it.done:
		default:
			if len(order) == 0 {
				flush() // the result is not ready and nothing is read ahead
			}
			<-it.done
		}
		if writeErr == nil {
			st.Lines++
			if !it.ok {
				st.Failed++
			}
			bw.Write(it.out)
			if err := bw.WriteByte('\n'); err != nil {
				writeErr = err
				cancel() // stop reading; keep draining so every goroutine ends
			}
		}
		if cap(it.in) > keepBuf {
			it.in = nil
		}
		if cap(it.out) > keepBuf {
			it.out = nil
		}
		free <- it
	}
	wg.Wait()
	if writeErr == nil {
		writeErr = bw.Flush()
	}
	if writeErr != nil {
		return st, fmt.Errorf("%w: %w", ErrWrite, writeErr)
	}
	if readErr != nil {
		return st, readErr
	}
	return st, nil
}

// readLines reads r line by line, fills free items and dispatches them to the workers (jobs)
// and, in order, to the writer (order).
func readLines(ctx context.Context, r io.Reader, maxLine int, free chan *item, jobs, order chan<- *item) error {
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	for {
		var it *item
		select {
		case it = <-free:
		case <-ctx.Done():
			return ctx.Err()
		}
		it.in, it.tooLong = it.in[:0], false
		var err error
		for {
			line++
			it.in, it.tooLong, err = readLine(br, it.in[:0], maxLine)
			if it.tooLong || len(bytes.TrimSpace(it.in)) > 0 {
				break
			}
			if err != nil {
				break
			}
		}
		if it.tooLong || len(bytes.TrimSpace(it.in)) > 0 {
			it.line = line
			jobs <- it
			order <- it
		} else {
			free <- it // only blank lines up to the end: give the item back
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrRead, line, err)
		}
	}
}

// readLine appends one line (without its newline) to buf. Beyond max bytes it stops
// appending, discards the rest of the line and reports tooLong. err is io.EOF after the
// last line.
func readLine(br *bufio.Reader, buf []byte, max int) ([]byte, bool, error) {
	tooLong := false
	for {
		frag, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(frag) > max+1 { // +1: the newline does not count
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == nil {
			buf = bytes.TrimSuffix(buf, []byte("\n"))
			return buf, tooLong || len(buf) > max, nil
		}
		if err == io.EOF && len(frag) == 0 && len(buf) == 0 && !tooLong {
			return buf, false, io.EOF
		}
		if err == io.EOF {
			return buf, tooLong || len(buf) > max, nil // last line without newline; next call gives EOF
		}
		return buf, tooLong, err
	}
}

func tooLongJSON(line, max int, out []byte) []byte {
	return fmt.Appendf(out, `{"line":%d,"error":"the line is longer than %d bytes"}`, line, max)
}
