// Package bench holds the Go benchmarks of neardup's stages and of the
// whole pipeline. It has no library code; see bench_test.go.
//
// The articles come from package bench/corpus (WordNet text; it needs
// Debian's wordnet-base package). Without it the benchmarks fall back to a
// deterministic synthetic text generator and log that they did.
//
// Run, on a quiet machine if the numbers matter:
//
//	go test ./bench/ -run '^$' -bench . -benchtime 200ms
//	go test ./bench/ -run '^$' -bench 'Stem|EndToEnd' -count 6 | tee new.txt; benchstat old.txt new.txt
//	NEARDUP_BENCH_1M=1 go test ./bench/ -run '^$' -bench 'Index' -benchtime 1x
//
// Per-article benchmarks report MB/s of text and cpu-ns/op, the process
// CPU time per operation, which a machine shared with other work disturbs
// less than wall time. BenchmarkSign and BenchmarkEndToEnd also run the
// one-permutation mode (Config.Method "oph").
//
// The index benchmarks run at 10k and 100k documents; 1M only with
// NEARDUP_BENCH_1M=1 (and not with -short).
//
// The comparison with the stack a Go user would write from the same
// dependencies, and with ekzhu/minhash-lsh, is a separate module so that
// its extra dependencies stay out of the library's go.mod (go.work at the
// root makes it runnable from there):
//
//	go run ./bench/compare [-quick]
package bench
