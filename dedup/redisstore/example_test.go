package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/redisstore"
	"github.com/redis/go-redis/v9"
)

// Several processes share one index of the last three days of news: each
// runs this, and each article is reported as a copy if any process has
// seen it. (No Output comment: the example needs a Redis server, so it is
// compiled but not run.)
func Example() {
	ctx := context.Background()
	cfg := dedup.Config{} // every process must use the same Config
	store, err := redisstore.OpenURL(ctx, "redis://127.0.0.1:6379/0", "news", cfg,
		&redisstore.Options{TTL: 72 * time.Hour})
	if err != nil {
		log.Fatal(err) // wraps dedup.ErrConfigMismatch if "news" has another Config
	}
	defer store.Close()
	ix, err := dedup.NewIndexWithStore(cfg, store)
	if err != nil {
		log.Fatal(err)
	}
	d, err := dedup.NewWithIndex(cfg, ix)
	if err != nil {
		log.Fatal(err)
	}
	res, err := d.Add("reuters-1", "The central bank raised interest rates by half a point on Tuesday.")
	if err != nil {
		log.Fatal(err) // wraps redisstore.ErrUnavailable if Redis is down
	}
	if res.New {
		fmt.Println(res.ID, "is new")
	} else {
		fmt.Println(res.ID, "copies", res.CopyOf)
	}
}

// A Redis Cluster client: every key of the index has the hash tag
// {news}, so the whole index lives in one slot.
func ExampleOpen_cluster() {
	ctx := context.Background()
	client := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"},
	})
	defer client.Close()
	store, err := redisstore.Open(ctx, client, "news", dedup.Config{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(store.KeyPrefix()) // neardup:{news}:
}

// Bulk loading: 256 articles per round trip.
func ExampleStore_AddBatch() {
	ctx := context.Background()
	cfg := dedup.Config{}
	store, err := redisstore.OpenURL(ctx, "redis://127.0.0.1:6379/0", "archive", cfg, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	h, err := dedup.NewHasher(cfg)
	if err != nil {
		log.Fatal(err)
	}
	articles := []dedup.Article{{ID: "a1", Text: "first article"}, {ID: "a2", Text: "second article"}}
	docs := make([]redisstore.Doc, len(articles))
	for i, a := range articles {
		docs[i] = redisstore.Doc{ID: a.ID, Sig: h.Sign(a.Text)}
	}
	for i, err := range store.AddBatch(ctx, docs) {
		if err != nil {
			fmt.Println(docs[i].ID, err)
		}
	}
}
