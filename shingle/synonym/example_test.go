package synonym_test

import (
	"fmt"

	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/shingle/synonym"
)

func Example() {
	// The stems come from a shingle.Shingler, as the shingles do.
	sh, err := shingle.New(shingle.Config{})
	if err != nil {
		panic(err)
	}
	buy, bought, purchase, sell := sh.Stem("buy"), sh.Stem("bought"), sh.Stem("purchase"), sh.Stem("sell")
	fmt.Println(synonym.Synonyms(buy, purchase))
	fmt.Println(synonym.Synonyms(bought, purchase))
	fmt.Println(synonym.Synonyms(buy, sell))
	// Output:
	// true
	// true
	// false
}
