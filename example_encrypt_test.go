package dynamorm_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type examplePatient struct {
	ID         string `dynamorm:"pk"`
	Name       string
	NationalID string   `dynamorm:"encrypted"`
	Notes      []string `dynamorm:"encrypted"`
}

// Fields tagged encrypted are stored as envelopes sealed under a KMS data
// key and bound to their item and attribute; reads decrypt them. The
// local key provider of dynamormtest stands in for KMS here: it is
// deterministic and not for production.
func Example_encryptedFields() {
	srv := memdb.New()
	defer srv.Close()
	db, err := dynamorm.New(session.Config{Client: srv.Client(),
		KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:key/example", KMSClient: dynamormtest.NewLocalKeys()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&examplePatient{}); err != nil {
		log.Fatal(err)
	}
	p := examplePatient{ID: "p1", Name: "Ann", NationalID: "750101-1234", Notes: []string{"allergic to penicillin"}}
	if err := db.Model(&p).Create(); err != nil {
		log.Fatal(err)
	}
	var got examplePatient
	if err := db.Model(&examplePatient{ID: "p1"}).First(&got); err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Name, got.NationalID, got.Notes)

	var raw []map[string]types.AttributeValue
	if err := db.Model(&examplePatient{}).Scan(&raw); err != nil {
		log.Fatal(err)
	}
	stored := raw[0]["NationalID"].(*types.AttributeValueMemberB).Value
	fmt.Println(raw[0]["Name"].(*types.AttributeValueMemberS).Value, stored[0], strings.Contains(string(stored), "750101"))
	// Output:
	// Ann 750101-1234 [allergic to penicillin]
	// Ann 1 false
}
