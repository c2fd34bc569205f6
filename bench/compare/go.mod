module github.com/neardup/neardup/bench/compare

go 1.26.0

require (
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/dgryski/go-minhash v0.0.0-20170608043002-7fe510aff544
	github.com/ekzhu/minhash-lsh v0.0.0-20171225071031-5c06ee8586a1
	github.com/kljensen/snowball v0.10.0
	github.com/neardup/neardup v0.0.0
)

require (
	github.com/blevesearch/snowballstem v0.9.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/neardup/neardup => ../..
