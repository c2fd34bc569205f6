package shingle_test

import (
	"fmt"
	"log"

	"github.com/neardup/neardup/shingle"
)

// A Shingler turns text into the terms and word n-grams that MinHash
// compares. AppendShingles shows the shingles as text; AppendHashes
// gives the same set hashed.
func Example() {
	sh, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	if err != nil {
		log.Fatal(err)
	}
	text := "The Taliban’s fighters captured two-thirds of the U.S.-trained army’s posts."
	fmt.Println(sh.AppendTerms(nil, text))
	for _, s := range sh.AppendShingles(nil, text) {
		fmt.Println(s)
	}
	fmt.Println(len(sh.AppendHashes(nil, text)), "hashes")
	// Output:
	// [the taliban fighter captur two third of the us train armi post]
	// the taliban fighter
	// taliban fighter captur
	// fighter captur two
	// captur two third
	// two third of
	// third of the
	// of the us
	// the us train
	// us train armi
	// train armi post
	// 10 hashes
}

func ExampleNew() {
	// Languages are named in any case, or by their ISO 639-1 code.
	sh, err := shingle.New(shingle.Config{Size: 2, Language: "FR", StopWords: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", sh.Config())
	fmt.Printf("%q\n", sh.AppendShingles(nil, "L’armée a quitté la ville"))

	_, err = shingle.New(shingle.Config{Language: "klingon"})
	fmt.Println(err != nil)
	// Output:
	// {Size:2 Language:french StopWords:true NoStem:false Seed:0 Mode:}
	// ["armé a" "a quitt" "quitt vill"]
	// true
}

func ExampleShingler_AppendTokens() {
	sh, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", sh.AppendTokens(nil, "U.S. officials didn’t confirm the 1,000 troops’ 2.5-hour week-long “withdrawal”."))
	// Output:
	// ["us" "officials" "didn't" "confirm" "the" "1000" "troops" "2.5" "hour" "week" "long" "withdrawal"]
}

func ExampleShingler_AppendTerms() {
	en, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	if err != nil {
		log.Fatal(err)
	}
	fr, err := shingle.New(shingle.Config{Size: 3, Language: "french"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(en.AppendTerms(nil, "The insurgents captured provincial capitals"))
	fmt.Println(fr.AppendTerms(nil, "Les insurgés ont pris l’aéroport"))
	// Output:
	// [the insurg captur provinci capit]
	// [le insurg ont pris l aéroport]
}

func ExampleShingler_AppendHashes() {
	sh, err := shingle.New(shingle.Config{Size: 3, Language: "english"})
	if err != nil {
		log.Fatal(err)
	}
	// Spellings that the rules make equal give the same set.
	a := sh.AppendHashes(nil, "Two-thirds of U.S. troops")
	b := sh.AppendHashes(nil, "two thirds of US troops")
	fmt.Println(len(a), fmt.Sprint(a) == fmt.Sprint(b))
	// Fewer words than Size: one shingle; no words: none.
	fmt.Println(len(sh.AppendHashes(nil, "Kabul")), len(sh.AppendHashes(nil, " -- ")))
	// Output:
	// 3 true
	// 1 0
}

func ExampleNormalize() {
	fmt.Printf("%q\n", shingle.Normalize("“Straße” — ＫＡＢＵＬ’s ﬁnal"))
	// Output:
	// "\"strasse\" - kabul's final"
}
