package dedup

import "math"

// minCandidateProbability is the chance, at the threshold, that the chosen
// banding makes a pair a candidate. The usual optimizer (minimising the
// false-positive and false-negative areas of the S-curve with equal
// weights) leaves only 31–68% of pairs at the threshold as candidates (at
// k = 128, thresholds 0.1–0.9; see TestBandingTable); the
// verification step drops false candidates anyway, so we trade a few more
// candidates for finding nine in ten pairs at the threshold and nearly all
// pairs above it.
const minCandidateProbability = 0.9

// CandidateProbability returns the probability that two documents with
// Jaccard similarity s share at least one band under LSH banding with the
// given bands and rows: 1 - (1 - s^rows)^bands (the S-curve).
func CandidateProbability(s float64, bands, rows int) float64 {
	if s <= 0 || bands <= 0 || rows <= 0 {
		return 0
	}
	if s >= 1 {
		return 1
	}
	return -math.Expm1(float64(bands) * math.Log1p(-math.Pow(s, float64(rows))))
}

// chooseBanding picks the most selective banding (the most rows per band,
// with as many bands as fit in numHashes) that still makes a pair at the
// threshold a candidate with probability at least minCandidateProbability.
// Where even one row per band falls short of it (a very low threshold or
// few values: 1-(1-t)^numHashes < minCandidateProbability), it returns
// numHashes bands of one row, the most likely banding there is.
func chooseBanding(numHashes int, threshold float64) (bands, rows int) {
	bands, rows = numHashes, 1
	for r := 2; r <= numHashes; r++ {
		b := numHashes / r
		if CandidateProbability(threshold, b, r) < minCandidateProbability {
			break
		}
		bands, rows = b, r
	}
	return bands, rows
}

// Banding describes an index's LSH banding.
type Banding struct {
	// Bands and Rows: a signature is cut into Bands bands of Rows values.
	Bands, Rows int
	// Threshold is the similarity threshold the banding serves.
	Threshold float64
	// AtThreshold is the probability that a pair with similarity exactly
	// Threshold becomes a candidate.
	AtThreshold float64
}

// Banding returns the LSH banding of c (after defaults).
func (c Config) Banding() Banding {
	c = c.WithDefaults()
	return Banding{
		Bands:       c.Bands,
		Rows:        c.Rows,
		Threshold:   c.Threshold,
		AtThreshold: CandidateProbability(c.Threshold, c.Bands, c.Rows),
	}
}
