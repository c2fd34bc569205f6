// Command neardup finds reworded copies of news articles (near-duplicates):
// JSON Lines in, clusters or a deduplicated corpus out. It is a thin user
// of package github.com/neardup/neardup/dedup: every decision about what
// is a copy is the library's.
//
// Install:
//
//	go install github.com/neardup/neardup/examples/neardup@latest
//
// Usage:
//
//	neardup cluster [flags] [FILE|DIR|-]...    group articles into clusters of copies
//	neardup dedup   [flags] [IN.jsonl|-]...    keep one article per cluster (on stdout, or -o FILE)
//	neardup stream  [flags] [IN.jsonl|-]...    say of each article as it comes: new, or a copy of which
//	neardup compare [flags] A B                score two articles and say why they are copies or not
//
// Input is JSON Lines: one JSON object a line, with the article's ID in
// "id" and its text in "text" (-id-field and -text-field name others;
// -id-field "" numbers the lines instead). Other fields are ignored, and
// dedup writes the lines it keeps unchanged. A file whose name ends in
// .gz is read through gzip. Blank lines are skipped. A line that is not
// an article stops cluster and dedup with a plain message ("line 3: not
// a JSON object", `line 4: no "text" field`; with several inputs the
// file name comes first); stream reports it and goes on.
//
// # cluster
//
// cluster reads the articles once, as a sequence (Deduper.ClusterSeq: the
// texts are not kept, so memory grows with the number of articles, not
// their length), and prints every article in exactly one cluster, with
// the cluster's representative (dedup.Cluster.Representative: the member
// most similar to the others), the pairs that joined it, and the
// partial relations between clusters. With no argument it clusters the
// five Kandahar articles of testdata/kandahar. A FILE ending in .jsonl,
// .ndjson or .gz is JSON Lines; any other FILE is one article whose ID
// is the file name without extension; a DIR contributes its files (not
// recursively, sorted by name); "-" is JSON Lines on stdin. IDs must be
// unique. -json prints one JSON object {"clusters", "related",
// "earlier", "config"}. -index FILE keeps an index between runs: each
// article is checked against the articles of earlier runs (reported as
// "copy of X from an earlier run"), and the batch is then added to it
// and the file saved atomically. With -index the articles are signed a
// second time, on one core, and their signatures kept in memory as the
// index keeps them.
//
// # dedup
//
// dedup keeps one article per cluster, the cluster's representative
// (dedup.Cluster.Representative), and writes the kept lines unchanged, in
// input order, to stdout or to -o FILE. For each article it drops it
// reports the article kept in its stead and why: to stderr, or with
// -report FILE as JSON Lines
//
//	{"dropped":"001","line":2,"kept":"000","kept_line":1,"reason":"copy","similarity":0.27,"containment":0.6}
//
// ("file" and "kept_file" name the inputs when there are several).
// "reason" is "copy" (the pair's Jaccard similarity reaches the
// threshold), "trimmed copy" (joined under the threshold: the library's
// containment rule) or "heavy rewrite" (the pair has a sentence
// coverage); "via" names the article it was joined through when the
// library did not pair it with the kept one directly. An article with no
// words is alone in its cluster and is kept. IDs may repeat in dedup:
// every line is its own article.
//
// Memory is bounded: the input is read twice, once to sign it and once to
// copy the kept lines, and only the IDs, line numbers and what ClusterSeq
// keeps of each article stay in memory. A regular file is read again from
// its path (and dedup fails if it changed in between); stdin, or a pipe,
// is copied to a temporary file in $TMPDIR as it is read the first time
// and read again from there, then removed. -o and -report files are
// written to a temporary file beside them and renamed when complete, so a
// failed or interrupted run leaves no partial file (-o may name the input
// itself). Written to stdout, the output starts only once the clustering
// is done.
//
// # stream
//
// stream adds the articles one at a time (Deduper.AddAt) and prints, for
// each, "new" or "copy of X" with the similarity and the article's cluster
// so far (the library's: Result.Cluster, Merged, Attached), as examples/stream
// does; -json prints the library's Result as JSON Lines. A bad line is
// reported on stderr with its number and skipped, and so is an article
// with no words or a repeated ID. The article's time is read from
// -time-field (default "time"; RFC 3339, 2006-01-02, or Unix seconds); an
// article without one is timed when it is read. -window D forgets
// articles older than D before the newest time read (Deduper.Expire), so
// a copy must come within D of its original; a backfill of old news in
// time order expires as it would have live. -index FILE loads the index
// (with its clusters) if the file exists and saves it at the end; -redis
// URL shares the index with other processes in Redis (dedup/redisstore;
// -ttl D makes Redis drop each article D after it was added, by the
// server's clock).
//
// # compare
//
// compare scores two articles, each a file, "-" for stdin, or the text
// itself (an argument that is not a file and has a space in it): the
// exact Jaccard similarity and containment of their shingles
// (Deduper.Compare), the MinHash estimate, the word similarity
// (Deduper.WordSimilarity, meant for sentences), and whether the library
// joins them and by which rule: the threshold, the trimmed-copy
// (containment) rule or the heavy-rewrite rule, found by clustering the
// pair with the rules turned on one after the other; and whether they
// share part of their text without being copies (a partial relation).
// -json prints the same as one JSON object.
//
// # Common flags
//
// -threshold, -shingle, -hashes, -lang, -stopwords, -seed and -method set
// the dedup.Config (0 or "": the library's defaults); -no-containment,
// -no-rewrites and -no-relations turn off the library's extra rules. All
// commands that read JSON Lines take -id-field and -text-field; cluster
// and dedup take -workers (0: every core).
//
// When stderr is a terminal, cluster and dedup show a progress line there
// (articles read, rate, and with files of known size the share read and
// an estimated time left; then each stage of the library's run), from
// dedup.BatchOptions.Progress; nothing when stderr is not a terminal.
//
// SIGINT (Ctrl-C) or SIGTERM cancels a run: the library stops
// (ClusterSeq's context), no -o, -report or -index file is written (stream
// saves its -index with the articles it has answered), and neardup exits
// with status 130; a second signal kills it. Exit status 2 means a usage
// error (an unknown command or flag, a wrong number of arguments), 1 a
// failure (bad input, an unreadable file).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/examples/internal/articles"
)

const usageText = `neardup finds reworded copies of news articles (near-duplicates).

Usage:
  neardup cluster [flags] [FILE|DIR|-]...   group articles into clusters of copies
                                            (no argument: the five Kandahar articles)
  neardup dedup   [flags] [IN.jsonl|-]...   keep one article per cluster: the kept
                                            lines on stdout (or -o FILE), what was
                                            dropped on stderr (or -report FILE)
  neardup stream  [flags] [IN.jsonl|-]...   for each article as it comes (stdin if
                                            no argument): new, or a copy of which
  neardup compare [flags] A B               score two articles (files, - or texts)
                                            and say why they are copies or not

Input is JSON Lines with "id" and "text" (see -id-field, -text-field).
Run "neardup COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal the default comes back: a second one
		// kills the process.
		<-ctx.Done()
		stop()
	}()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, terminal: isTerminal(os.Stderr), now: time.Now}
	code := run(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a terminal (a character device: a
// console, or /dev/null, where a progress line does no harm).
// golang.org/x/term's IsTerminal is exact, but its current version would
// raise golang.org/x/sys in the library's go.mod for every user of the
// library.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// env is what a run sees of the world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// terminal is true when stderr is a terminal: progress is shown.
	terminal bool
	now      func() time.Time
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// errInterrupted ends a run cancelled by a signal.
var errInterrupted = errors.New("interrupted")

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText)
		return 2
	}
	cmds := map[string]func(context.Context, []string, *env) error{
		"cluster": cmdCluster,
		"dedup":   cmdDedup,
		"stream":  cmdStream,
		"compare": cmdCompare,
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if _, ok := cmds[args[1]]; ok {
				return run(ctx, []string{args[1], "-h"}, e)
			}
		}
		fmt.Fprint(e.stdout, usageText)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(e.stderr, "neardup: unknown command %q\n\n%s", name, usageText)
		return 2
	}
	err := cmd(ctx, args[1:], e)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "neardup %s: %v\nRun \"neardup %s -h\" for usage.\n", name, err, name)
		return 2
	case errors.Is(err, errInterrupted) || errors.Is(err, context.Canceled):
		fmt.Fprintf(e.stderr, "neardup %s: %v\n", name, err)
		return 130
	default:
		fmt.Fprintf(e.stderr, "neardup %s: %v\n", name, err)
		return 1
	}
}

// interrupted turns a cancelled context's error into errInterrupted,
// with what was left undone.
func interrupted(ctx context.Context, err error, what string) error {
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ctx.Err())) {
		if what != "" {
			return fmt.Errorf("%w: %s", errInterrupted, what)
		}
		return errInterrupted
	}
	return err
}

// flags are the flags most commands share.
type flags struct {
	fs     *flag.FlagSet
	usage  func(io.Writer)
	stdout io.Writer
	// args are the positional arguments.
	args    []string
	cfg     dedup.Config
	fields  articles.Fields
	workers int
}

// newFlags returns the flag set of command name, whose positional
// arguments are args (for the usage text), with the config flags and,
// if jsonl, -id-field and -text-field.
func newFlags(name, args, about string, e *env, jsonl bool) *flags {
	f := &flags{fs: flag.NewFlagSet(name, flag.ContinueOnError), stdout: e.stdout}
	// The flag package's own messages are not printed: a bad flag is a
	// usage error that run prints in one line, and -h prints the usage
	// on stdout.
	f.fs.SetOutput(io.Discard)
	f.fs.Usage = func() {}
	f.usage = func(w io.Writer) {
		fmt.Fprintf(w, "Usage: neardup %s [flags] %s\n\n%s\nFlags:\n", name, args, about)
		f.fs.SetOutput(w)
		f.fs.PrintDefaults()
		f.fs.SetOutput(io.Discard)
	}
	articles.ConfigFlags(f.fs, &f.cfg)
	articles.RuleFlags(f.fs, &f.cfg)
	if jsonl {
		f.fs.StringVar(&f.fields.ID, "id-field", "id", `JSON field of the article's ID ("": the line number is the ID)`)
		f.fs.StringVar(&f.fields.Text, "text-field", "text", "JSON field of the article's text")
	}
	return f
}

// workerFlag adds -workers.
func (f *flags) workerFlag() {
	f.fs.IntVar(&f.workers, "workers", 0, "goroutines that sign and compare (0: every core)")
}

// parse parses args into the flags and f.args; a bad flag is a usage
// error, -h prints the usage on stdout and is flag.ErrHelp.
func (f *flags) parse(args []string) error {
	// Flags may come after positional arguments too ("neardup dedup
	// in.jsonl -o out.jsonl"); "--" ends the flags.
	var pos []string
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.usage(f.stdout)
				return err
			}
			return usageError{err.Error()}
		}
		rest := f.fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	f.args = pos
	if f.fields.Text == "" && f.fs.Lookup("text-field") != nil {
		return usagef("-text-field must not be empty")
	}
	if f.workers < 0 {
		return usagef("-workers must be 0 or more")
	}
	if err := f.cfg.Validate(); err != nil {
		return usageError{strings.TrimPrefix(err.Error(), "dedup: ")}
	}
	return nil
}

func (f *flags) batchOptions(m *meter) dedup.BatchOptions {
	w := f.workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return dedup.BatchOptions{Workers: w, Progress: m.progress}
}

// plural returns "1 article" or "n articles" (n with thousands
// separators).
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return count(n) + " " + word + "s"
}
