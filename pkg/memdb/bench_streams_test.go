package memdb

import (
	"strconv"
	"testing"
)

// BenchmarkStreamsAndPartiQL is memdb's own share (JSON in, JSON out, no
// SDK) of what streams and PartiQL add: PutItem on a table without a stream
// versus one with a NEW_AND_OLD_IMAGES stream, and PartiQL statements
// versus the request each one becomes.
//
//	go test -run '^$' -bench StreamsAndPartiQL -benchtime 20000x -count 5 ./pkg/memdb
func BenchmarkStreamsAndPartiQL(b *testing.B) {
	srv := New()
	for _, name := range []string{"plain", "streamed"} {
		newTable(b, srv.Client(), name)
	}
	if st, out := srv.handle("POST", "DynamoDB_20120810.UpdateTable",
		[]byte(`{"TableName":"streamed","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)); st != 200 {
		b.Fatal(string(out))
	}
	// Bodies cycle through 1000 keys, each written with two ages in turn,
	// so every PutItem changes its item (unchanged items record nothing).
	item := func(table string, i int) string {
		return `{"TableName":"` + table + `","Item":{"pk":{"S":"q"},"sk":{"N":"` + strconv.Itoa(i%1000) + `"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"age":{"N":"` + strconv.Itoa(i/1000) + `"},"active":{"BOOL":true},"tags":{"SS":["math","engines"]}}}`
	}
	srv.handle("POST", "DynamoDB_20120810.PutItem", []byte(item("plain", 3)))
	for _, c := range []struct {
		name, op string
		body     func(i int) string
	}{
		{"PutItem/no-stream", "PutItem", func(i int) string { return item("plain", i) }},
		{"PutItem/stream", "PutItem", func(i int) string { return item("streamed", i) }},
		{"GetItem", "GetItem", func(int) string { return `{"TableName":"plain","Key":{"pk":{"S":"q"},"sk":{"N":"3"}}}` }},
		{"ExecuteStatement/select-by-key", "ExecuteStatement", func(int) string {
			return `{"Statement":"SELECT * FROM plain WHERE pk = 'q' AND sk = 3"}`
		}},
		{"Query", "Query", func(int) string {
			return `{"TableName":"plain","KeyConditionExpression":"pk = :p AND sk = :s","ExpressionAttributeValues":{":p":{"S":"q"},":s":{"N":"3"}}}`
		}},
		{"ExecuteStatement/update", "ExecuteStatement", func(int) string {
			return `{"Statement":"UPDATE plain SET age = age + 1 WHERE pk = 'q' AND sk = 3"}`
		}},
		{"UpdateItem", "UpdateItem", func(int) string {
			return `{"TableName":"plain","Key":{"pk":{"S":"q"},"sk":{"N":"3"}},"UpdateExpression":"SET age = age + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}`
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			bodies := make([][]byte, 2000)
			for i := range bodies {
				bodies[i] = []byte(c.body(i))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if st, out := srv.handle("POST", "DynamoDB_20120810."+c.op, bodies[i%len(bodies)]); st != 200 {
					b.Fatal(string(out))
				}
			}
		})
	}
}
