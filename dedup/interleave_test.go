package dedup

import "testing"

// TestInterleaveIsAPermutation checks that the group interleaving fills
// every signature position exactly once, for full and partial last groups.
func TestInterleaveIsAPermutation(t *testing.T) {
	for _, k := range []int{1, 15, 16, 17, 64, 100, 128, 130, 256} {
		groups := (k + minGroup - 1) / minGroup
		seen := make([]bool, k)
		for g := range groups {
			size := min(minGroup, k-g*minGroup)
			for p := range size {
				i := interleave(p, g, groups, k)
				if i < 0 || i >= k || seen[i] {
					t.Fatalf("k=%d: value %d of group %d goes to %d (seen before or out of range)", k, p, g, i)
				}
				seen[i] = true
			}
		}
	}
}
