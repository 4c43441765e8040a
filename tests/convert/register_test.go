package convert

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// cents is "another team's" amount type: an integer, stored as N until a
// converter says otherwise.
type cents int64

type Ledger struct {
	ID    string `dynamorm:"pk"`
	Total cents
	Lines []cents `dynamorm:"omitempty"`
}

func centsToS(c cents) (types.AttributeValue, error) {
	if c < 0 {
		return nil, fmt.Errorf("negative amount %d", c)
	}
	return &types.AttributeValueMemberS{Value: fmt.Sprintf("EUR %d.%02d", c/100, c%100)}, nil
}

// centsFrom reads both forms: N (written before the converter) and S.
func centsFrom(av types.AttributeValue) (cents, error) {
	switch a := av.(type) {
	case *types.AttributeValueMemberN:
		n, err := strconv.ParseInt(a.Value, 10, 64)
		return cents(n), err
	case *types.AttributeValueMemberS:
		n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimPrefix(a.Value, "EUR "), ".", ""), 10, 64)
		return cents(n), err
	}
	return 0, fmt.Errorf("cents from %T", av)
}

func TestRegisteringAfterUseRecompiles(t *testing.T) {
	e := newEnv(t, &Ledger{})
	require.NoError(t, e.db.Model(&Ledger{ID: "before", Total: 1234}).Create())
	var got Ledger
	require.NoError(t, e.db.Model(&Ledger{ID: "before"}).First(&got))
	assert.Equal(t, &types.AttributeValueMemberN{Value: "1234"}, e.rawItem(t, "ledgers", idKey("before"))["Total"])

	require.NoError(t, dynamorm.RegisterConverter(e.db, centsToS, centsFrom))
	require.NoError(t, e.db.Model(&Ledger{ID: "after", Total: 1234, Lines: []cents{5}}).Create())
	raw := e.rawItem(t, "ledgers", idKey("after"))
	assert.Equal(t, &types.AttributeValueMemberS{Value: "EUR 12.34"}, raw["Total"], "the codec compiled before the registration is not used")
	assert.Equal(t, &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "EUR 0.05"}}}, raw["Lines"])
	var all []Ledger
	require.NoError(t, e.db.Model(&Ledger{}).Scan(&all))
	require.Len(t, all, 2)
	assert.Equal(t, cents(1234), all[0].Total)
	assert.Equal(t, cents(1234), all[1].Total)
	n, err := e.db.Model(&Ledger{}).Filter("Total", "=", cents(1234)).Count()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the operand is encoded by the converter: only the S item matches")

	// An encoding error names the struct, the field and the type, and
	// nothing is sent.
	err = e.db.Model(&Ledger{ID: "neg", Total: -1}).Create()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Ledger.Total: the converter of convert.cents: ToAttributeValue: negative amount -1")
	assert.Nil(t, e.rawItem(t, "ledgers", idKey("neg")))
	err = e.db.Model(&Ledger{ID: "after"}).UpdateBuilder().Set("Total", cents(-2)).Execute()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the converter of convert.cents: ToAttributeValue: negative amount -2")
	assert.Equal(t, &types.AttributeValueMemberS{Value: "EUR 12.34"}, e.rawItem(t, "ledgers", idKey("after"))["Total"])
}

func TestADBWithoutTheConverterOfAKeyRefusesBeforeSending(t *testing.T) {
	e := newEnv(t, &Payment{})
	other, err := dynamorm.New(session.Config{Client: e.raw, TableNamePrefix: e.prefix})
	require.NoError(t, err)
	err = other.Model(&Payment{Customer: "x", Amount: dec("1"), ID: id1}).Create()
	require.ErrorIs(t, err, core.ErrInvalidModel)
	assert.Contains(t, err.Error(), "Payment.Amount: decimal.Decimal is a key of type N because of a converter registered elsewhere")
	assert.Empty(t, e.scanAll(t, "payments"))
}

func idKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"ID": &types.AttributeValueMemberS{Value: id}}
}
