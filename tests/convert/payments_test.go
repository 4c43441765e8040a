package convert

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

var uuidType = reflect.TypeFor[uuid.UUID]()

// Payment has a decimal sort key, a UUID index key (B), and decimals and
// UUIDs behind pointers, in lists, maps and sets.
type Payment struct {
	Customer string                     `dynamorm:"pk"`
	Amount   decimal.Decimal            `dynamorm:"sk"`
	ID       uuid.UUID                  `dynamorm:"index:by-id,pk"`
	Fee      *decimal.Decimal           `dynamorm:"omitempty"`
	Splits   []decimal.Decimal          `dynamorm:"omitempty"`
	Rates    map[string]decimal.Decimal `dynamorm:"omitempty"`
	Marks    []decimal.Decimal          `dynamorm:"set"`
	Refs     []uuid.UUID                `dynamorm:"set"`
	Version  int64                      `dynamorm:"version"`
}

var (
	id1 = uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	id2 = uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479")
)

// a38 has 38 significant digits: float64 would keep 17 of them.
const a38 = "12345678901234567890.123456789012345678"

func key(customer, amount string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"Customer": &types.AttributeValueMemberS{Value: customer}, "Amount": &types.AttributeValueMemberN{Value: amount}}
}

func TestPaymentRoundTripsEveryPlace(t *testing.T) {
	e := newEnv(t, &Payment{})
	fee := dec("0.30")
	p := &Payment{Customer: "c1", Amount: dec(a38), ID: id1, Fee: &fee,
		Splits: []decimal.Decimal{dec("-1.5"), dec("2.25")}, Rates: map[string]decimal.Decimal{"eur": dec("0.9175")},
		Marks: []decimal.Decimal{dec("10"), dec("9.5")}, Refs: []uuid.UUID{id1, id2}}
	require.NoError(t, e.db.Model(p).Create())
	assert.Equal(t, int64(1), p.Version)

	raw := e.rawItem(t, "payments", key("c1", a38))
	require.NotNil(t, raw, "the key is N with all 38 digits")
	assert.Equal(t, &types.AttributeValueMemberN{Value: a38}, raw["Amount"])
	assert.Equal(t, &types.AttributeValueMemberB{Value: id1[:]}, raw["ID"], "16 bytes")
	assert.Equal(t, &types.AttributeValueMemberN{Value: "0.3"}, raw["Fee"])
	assert.Equal(t, &types.AttributeValueMemberL{Value: []types.AttributeValue{
		&types.AttributeValueMemberN{Value: "-1.5"}, &types.AttributeValueMemberN{Value: "2.25"}}}, raw["Splits"])
	assert.Equal(t, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"eur": &types.AttributeValueMemberN{Value: "0.9175"}}}, raw["Rates"])
	assert.ElementsMatch(t, []string{"10", "9.5"}, raw["Marks"].(*types.AttributeValueMemberNS).Value)
	assert.ElementsMatch(t, [][]byte{id1[:], id2[:]}, raw["Refs"].(*types.AttributeValueMemberBS).Value)

	got, err := dynamorm.Get(e.db, Payment{Customer: "c1", Amount: dec(a38)})
	require.NoError(t, err)
	assert.True(t, got.Amount.Equal(dec(a38)), got.Amount.String())
	assert.Equal(t, a38, got.Amount.String())
	assert.Equal(t, id1, got.ID)
	require.NotNil(t, got.Fee)
	assert.True(t, got.Fee.Equal(fee))
	assert.Equal(t, "-1.5 2.25", got.Splits[0].String()+" "+got.Splits[1].String())
	assert.True(t, got.Rates["eur"].Equal(dec("0.9175")))
	assert.ElementsMatch(t, []string{"10", "9.5"}, []string{got.Marks[0].String(), got.Marks[1].String()})
	assert.ElementsMatch(t, []uuid.UUID{id1, id2}, got.Refs)

	var byIndex []Payment
	require.NoError(t, e.db.Model(&Payment{}).Index("by-id").Where("ID", "=", id1).All(&byIndex))
	require.Len(t, byIndex, 1, "the UUID index key (B) is queried by a uuid.UUID")
	assert.Equal(t, a38, byIndex[0].Amount.String())

	// Update, conditions on a decimal field, Delete, all with decimal keys.
	got.Fee = nil
	got.Splits = append(got.Splits, dec("0.000000000000000000000000000000000001"))
	require.NoError(t, e.db.Model(&got).WithCondition("Fee", ">", dec("0.29")).Update())
	raw = e.rawItem(t, "payments", key("c1", a38))
	assert.NotContains(t, raw, "Fee")
	assert.Equal(t, &types.AttributeValueMemberN{Value: "0.000000000000000000000000000000000001"}, raw["Splits"].(*types.AttributeValueMemberL).Value[2])
	require.NoError(t, e.db.Model(&Payment{Customer: "c1", Amount: dec(a38)}).Delete())
	assert.Nil(t, e.rawItem(t, "payments", key("c1", a38)))
}

func TestDecimalPrecisionLimitIsCheckedBeforeSending(t *testing.T) {
	e := newEnv(t, &Payment{})
	p := &Payment{Customer: "c1", Amount: dec("1" + a38[1:] + "9"), ID: id1} // 39 digits
	err := e.db.Model(p).Create()
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "Payment.Amount")
	assert.Empty(t, e.scanAll(t, "payments"))
}

// sortedAmounts are in numeric order; as strings they sort differently.
var sortedAmounts = []string{"-100", "-10.5", "-2", "-0.25", "0", "0.001", "0.25", "3", "12.75", "100", a38}

func TestDecimalSortKeySortsNumerically(t *testing.T) {
	e := newEnv(t, &Payment{})
	r := rand.New(rand.NewPCG(22, 22))
	for _, i := range r.Perm(len(sortedAmounts)) {
		require.NoError(t, e.db.Model(&Payment{Customer: "c", Amount: dec(sortedAmounts[i]), ID: id1}).Create())
	}
	amounts := func(ps []Payment) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.Amount.String()
		}
		return out
	}
	var asc, desc []Payment
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").OrderBy("Amount", "ASC").All(&asc))
	assert.Equal(t, sortedAmounts, amounts(asc))
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").OrderBy("Amount", "DESC").All(&desc))
	for i := range desc {
		assert.Equal(t, sortedAmounts[len(sortedAmounts)-1-i], desc[i].Amount.String())
	}

	var some []Payment
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").Where("Amount", ">", dec("-2.5")).Where("Amount", "<=", dec("3")).All(&some))
	assert.Equal(t, []string{"-2", "-0.25", "0", "0.001", "0.25", "3"}, amounts(some), "a key condition compares numbers")
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").Where("Amount", "BETWEEN", []decimal.Decimal{dec("-10.5"), dec("0")}).All(&some))
	assert.Equal(t, []string{"-10.5", "-2", "-0.25", "0"}, amounts(some))

	// Cursors carry the decimal key from page to page.
	var paged []string
	cursor := ""
	for range len(sortedAmounts) {
		var page []Payment
		q := e.db.Model(&Payment{}).Where("Customer", "=", "c").OrderBy("Amount", "ASC").Limit(3)
		if cursor != "" {
			q = q.Cursor(cursor)
		}
		res, err := q.AllPaginated(&page)
		require.NoError(t, err)
		paged = append(paged, amounts(page)...)
		if cursor = res.NextCursor; cursor == "" {
			break
		}
	}
	assert.Equal(t, sortedAmounts, paged)
}

func TestDecimalConditionsCompareNumerically(t *testing.T) {
	e := newEnv(t, &Payment{})
	for i, f := range []string{"9", "10", "100", "-1"} {
		fee := dec(f)
		require.NoError(t, e.db.Model(&Payment{Customer: "c", Amount: decimal.NewFromInt(int64(i)), ID: id1, Fee: &fee}).Create())
	}
	var big []Payment
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").Filter("Fee", ">", dec("9.5")).All(&big))
	require.Len(t, big, 2, "10 and 100 are more than 9.5; as strings neither would be")
	assert.ElementsMatch(t, []string{"10", "100"}, []string{big[0].Fee.String(), big[1].Fee.String()})

	n, err := e.db.Model(&Payment{}).Filter("Fee", "<", decimal.Zero).Count()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "a Scan filter compares numbers")

	// A condition on a write: true for 10 > 9.99, false for 9 > 9.99.
	up := &Payment{Customer: "c", Amount: decimal.NewFromInt(1), ID: id2, Version: 1}
	require.NoError(t, e.db.Model(up).WithCondition("Fee", ">", dec("9.99")).Update("ID"))
	stale := &Payment{Customer: "c", Amount: decimal.NewFromInt(0), ID: id2, Version: 1}
	err = e.db.Model(stale).WithCondition("Fee", ">", dec("9.99")).Update("ID")
	require.ErrorIs(t, err, core.ErrConditionFailed)
	assert.Equal(t, &types.AttributeValueMemberB{Value: id2[:]}, e.rawItem(t, "payments", key("c", "1"))["ID"])
	assert.Equal(t, &types.AttributeValueMemberB{Value: id1[:]}, e.rawItem(t, "payments", key("c", "0"))["ID"])

	// A value of another stored type is refused before sending.
	err = e.db.Model(&Payment{}).Where("Customer", "=", "c").Filter("Fee", ">", "9.5").All(&big)
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "stored as N")
}

func TestUpdateBuilderEncodesThroughConverters(t *testing.T) {
	e := newEnv(t, &Payment{})
	p := &Payment{Customer: "c", Amount: dec("5"), ID: id1, Marks: []decimal.Decimal{dec("1")}, Rates: map[string]decimal.Decimal{"usd": dec("1")}}
	require.NoError(t, e.db.Model(p).Create())
	var out Payment
	err := e.db.Model(&Payment{Customer: "c", Amount: dec("5")}).UpdateBuilder().
		Set("Fee", dec("0.125")).
		Add("Marks", dec("2.5")).
		Set("Rates.eur", dec("0.9")).
		Add("Refs", id2).
		SetIfNotExists("Splits", []decimal.Decimal{dec("7")}).
		ConditionVersion(1).
		ExecuteWithResult(&out)
	require.NoError(t, err)
	raw := e.rawItem(t, "payments", key("c", "5"))
	assert.Equal(t, &types.AttributeValueMemberN{Value: "0.125"}, raw["Fee"])
	assert.ElementsMatch(t, []string{"1", "2.5"}, raw["Marks"].(*types.AttributeValueMemberNS).Value)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "0.9"}, raw["Rates"].(*types.AttributeValueMemberM).Value["eur"])
	assert.Equal(t, &types.AttributeValueMemberBS{Value: [][]byte{id2[:]}}, raw["Refs"])
	require.NotNil(t, out.Fee, "ExecuteWithResult decodes with the DB's converters")
	assert.Equal(t, "0.125", out.Fee.String())
	assert.Equal(t, []uuid.UUID{id2}, out.Refs)
	assert.Equal(t, int64(2), out.Version)

	var hit []Payment
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").Filter("Marks", "CONTAINS", dec("2.5")).All(&hit))
	assert.Len(t, hit, 1, "CONTAINS on a set of decimals")
	require.NoError(t, e.db.Model(&Payment{}).Where("Customer", "=", "c").Filter("Marks", "CONTAINS", dec("3")).All(&hit))
	assert.Empty(t, hit)

	err = e.db.Model(&Payment{Customer: "c", Amount: dec("5")}).UpdateBuilder().Add("Marks", "x").Execute()
	require.ErrorIs(t, err, core.ErrValidation)
}

func TestBatchesAndTransactionsWithDecimalKeys(t *testing.T) {
	e := newEnv(t, &Payment{})
	items := []Payment{{Customer: "b", Amount: dec("-0.5"), ID: id1}, {Customer: "b", Amount: dec("0.5"), ID: id2}}
	require.NoError(t, e.db.Model(&Payment{}).AllowOverwrite().BatchCreate(items))
	var got []Payment
	require.NoError(t, e.db.Model(&Payment{}).BatchGet([]any{Payment{Customer: "b", Amount: dec("0.5")}, Payment{Customer: "b", Amount: dec("-0.5")}}, &got))
	require.Len(t, got, 2)
	assert.ElementsMatch(t, []uuid.UUID{id1, id2}, []uuid.UUID{got[0].ID, got[1].ID})

	err := e.db.Transaction(func(tx *dynamorm.Tx) error {
		if err := tx.Model(&Payment{Customer: "t", Amount: dec(a38), ID: id2}).Create(); err != nil {
			return err
		}
		return tx.Model(&Payment{Customer: "b", Amount: dec("0.5")}).Delete()
	})
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberB{Value: id2[:]}, e.rawItem(t, "payments", key("t", a38))["ID"])
	assert.Nil(t, e.rawItem(t, "payments", key("b", "0.5")))
	var scanned []Payment
	require.NoError(t, e.db.Model(&Payment{}).Scan(&scanned))
	assert.Len(t, scanned, 2)
}

func TestStreamImagesAndItemsDecodeWithTheDBsConverters(t *testing.T) {
	e := newEnv(t, &Payment{})
	fee := dec("1.01")
	require.NoError(t, e.db.Model(&Payment{Customer: "s", Amount: dec(a38), ID: id1, Fee: &fee, Refs: []uuid.UUID{id2}}).Create())
	raw := e.rawItem(t, "payments", key("s", a38))

	var fromImage Payment
	require.NoError(t, e.db.UnmarshalItem(marshal.ToStreamImage(raw), &fromImage))
	assert.Equal(t, a38, fromImage.Amount.String())
	assert.Equal(t, id1, fromImage.ID)
	assert.Equal(t, "1.01", fromImage.Fee.String())
	assert.Equal(t, []uuid.UUID{id2}, fromImage.Refs)

	var all []*Payment
	require.NoError(t, e.db.UnmarshalItems(e.scanAll(t, "payments"), &all))
	require.Len(t, all, 1)
	assert.Equal(t, id1, all[0].ID)
	require.NoError(t, e.db.UnmarshalItems([]map[string]events.DynamoDBAttributeValue{marshal.ToStreamImage(raw)}, &all))
	assert.Equal(t, a38, all[0].Amount.String())

	// The package functions use the process-wide converters: uuid.UUID has
	// none, so its B form does not decode into one (its own UnmarshalText
	// wants S).
	var plain Payment
	err := dynamorm.UnmarshalItem(marshal.ToStreamImage(raw), &plain)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Payment")
}

func TestConverterErrorsNameStructFieldAndType(t *testing.T) {
	e := newEnv(t, &Payment{})
	raw := key("e", "1")
	raw["ID"] = &types.AttributeValueMemberB{Value: id1[:]}
	raw["Fee"] = &types.AttributeValueMemberS{Value: "one"}
	_, err := e.db.Client().PutItem(t.Context(), putInput(e.prefix+"payments", raw))
	require.NoError(t, err)
	_, err = dynamorm.Get(e.db, Payment{Customer: "e", Amount: dec("1")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "decode Payment.Fee: the converter of decimal.Decimal: FromAttributeValue(S): a decimal is stored as N")
}
