package dynamorm_test

import (
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// RegisterConverter gives types you do not own a stored form: here a
// shopspring decimal stored as N, exactly (38 digits, sorted and compared
// as a number, so it can be a sort key), and a google UUID stored as its 16
// bytes (B).
func ExampleRegisterConverter() {
	type Payment struct {
		Customer string          `dynamorm:"pk"`
		Amount   decimal.Decimal `dynamorm:"sk"`
		ID       uuid.UUID
	}
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	err = dynamorm.RegisterConverter(db,
		func(d decimal.Decimal) (types.AttributeValue, error) {
			return &types.AttributeValueMemberN{Value: d.String()}, nil
		},
		func(av types.AttributeValue) (decimal.Decimal, error) {
			n, ok := av.(*types.AttributeValueMemberN)
			if !ok {
				return decimal.Decimal{}, fmt.Errorf("want N, got %T", av)
			}
			return decimal.NewFromString(n.Value)
		})
	if err != nil {
		log.Fatal(err)
	}
	err = dynamorm.RegisterConverter(db,
		func(u uuid.UUID) (types.AttributeValue, error) {
			return &types.AttributeValueMemberB{Value: u[:]}, nil
		},
		func(av types.AttributeValue) (uuid.UUID, error) {
			b, ok := av.(*types.AttributeValueMemberB)
			if !ok {
				return uuid.UUID{}, fmt.Errorf("want B, got %T", av)
			}
			return uuid.FromBytes(b.Value)
		})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&Payment{}); err != nil { // Amount is an N sort key
		log.Fatal(err)
	}
	for _, a := range []string{"12345678901234567890.123456789012345678", "-0.5", "9.99", "10"} {
		p := &Payment{Customer: "c1", Amount: decimal.RequireFromString(a), ID: uuid.NewSHA1(uuid.NameSpaceURL, []byte(a))}
		if err := db.Model(p).Create(); err != nil {
			log.Fatal(err)
		}
	}
	var over []Payment
	err = db.Model(&Payment{}).Where("Customer", "=", "c1").Where("Amount", ">", decimal.NewFromInt(9)).
		OrderBy("Amount", "ASC").All(&over)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range over {
		fmt.Println(p.Amount, len(p.ID[:]), p.ID == uuid.NewSHA1(uuid.NameSpaceURL, []byte(p.Amount.String())))
	}
	// Output:
	// 9.99 16 true
	// 10 16 true
	// 12345678901234567890.123456789012345678 16 true
}
