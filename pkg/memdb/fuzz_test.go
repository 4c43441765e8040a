package memdb

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzHandler sends arbitrary bodies to every operation: no request may
// panic the server, and every answer is a DynamoDB JSON body with a status
// DynamoDB uses. The committed corpus (testdata/fuzz/FuzzHandler) holds
// requests that once panicked; go test runs it, go test -fuzz=FuzzHandler
// searches further.
func FuzzHandler(f *testing.F) {
	f.Add("CreateTable", `{"TableName":"t","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`)
	f.Add("BatchGetItem", `{"RequestItems":{"t":null}}`)
	f.Add("BatchWriteItem", `{"RequestItems":{"t":[null]}}`)
	f.Add("TransactWriteItems", `{"TransactItems":[null]}`)
	f.Add("TransactGetItems", `{"TransactItems":[{"Get":null}]}`)
	f.Add("PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"},"m":{"M":{"x":{"L":[{"NULL":true}]}}}}}`)
	f.Add("UpdateItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET m.x[0] = :v","ExpressionAttributeValues":{":v":{"N":"1"}}}`)
	f.Add("Query", `{"TableName":"t","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}},"ExclusiveStartKey":{"pk":null}}`)
	f.Add("Scan", `{"TableName":"t","Segment":0,"TotalSegments":1,"FilterExpression":"((a))"}`)
	ops := make([]string, 0, len(operations))
	for op := range operations {
		ops = append(ops, op)
	}
	f.Fuzz(func(t *testing.T, op, body string) {
		s := New()
		defer s.Close()
		s.handle("POST", "DynamoDB_20120810.CreateTable", []byte(`{"TableName":"t","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`))
		s.handle("POST", "DynamoDB_20120810.PutItem", []byte(`{"TableName":"t","Item":{"pk":{"S":"a"},"m":{"M":{"x":{"L":[{"NULL":true}]}}}}}`))
		if _, known := operations[op]; !known && len(op) > 0 {
			op = ops[int(op[0])%len(ops)]
		}
		status, out := s.handle("POST", "DynamoDB_20120810."+op, []byte(body))
		if status != 200 && status != 400 && status != 500 {
			t.Fatalf("%s: status %d", op, status)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s: answer is not JSON: %v: %q", op, err, out)
		}
		if status != 200 && !strings.Contains(m["__type"].(string), "#") {
			t.Fatalf("%s: error without a type: %s", op, out)
		}
	})
}
