package convert

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
)

// Single-table entities with converted (non-key-component) fields: an
// item collection decodes them with the DB's converters.
type Account struct {
	dynamorm.Entity `dynamorm:"table:ledger,entity:account,pk:ACCOUNT#{ID},sk:PROFILE"`
	ID              string
	Balance         decimal.Decimal
}

type Entry struct {
	dynamorm.Entity `dynamorm:"table:ledger,entity:entry,pk:ACCOUNT#{AccountID},sk:ENTRY#{Seq}"`
	AccountID       string
	Seq             int
	Amount          decimal.Decimal
	Ref             uuid.UUID
}

func TestEntityCollectionDecodesWithTheDBsConverters(t *testing.T) {
	e := newEnv(t, &Account{})
	require.NoError(t, e.db.Model(&Account{ID: "a1", Balance: dec(a38)}).Create())
	require.NoError(t, e.db.Model(&Entry{AccountID: "a1", Seq: 1, Amount: dec("-0.01"), Ref: id1}).Create())
	require.NoError(t, e.db.Model(&Entry{AccountID: "a1", Seq: 2, Amount: dec("1e-30"), Ref: id2}).Create())

	var c struct {
		Account *Account
		Entries []Entry
	}
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).Collection(&c))
	require.NotNil(t, c.Account)
	assert.Equal(t, a38, c.Account.Balance.String())
	require.Len(t, c.Entries, 2)
	assert.Equal(t, "-0.01", c.Entries[0].Amount.String())
	assert.True(t, c.Entries[1].Amount.Equal(dec("1e-30")))
	assert.Equal(t, []uuid.UUID{id1, id2}, []uuid.UUID{c.Entries[0].Ref, c.Entries[1].Ref})

	var raw []map[string]types.AttributeValue
	require.NoError(t, e.db.Model(&Account{ID: "a1"}).Collection(&raw))
	require.Len(t, raw, 3)
	for _, item := range raw {
		if _, ok := item["Ref"]; ok {
			assert.IsType(t, &types.AttributeValueMemberB{}, item["Ref"], "a UUID is stored as its 16 bytes")
			assert.IsType(t, &types.AttributeValueMemberN{}, item["Amount"])
		}
	}
}

// A decimal as a component of a derived sort key: the converter's N is
// encoded so that the keys sort as the numbers do.
type Charge struct {
	dynamorm.Entity `dynamorm:"table:charges,entity:charge,pk:CARD#{Card},sk:AMOUNT#{Amount}"`
	Card            string
	Amount          decimal.Decimal
}

func TestDecimalKeyComponentSortsNumerically(t *testing.T) {
	e := newEnv(t, &Charge{})
	for _, i := range []int{4, 0, 9, 2, 7, 1, 10, 3, 8, 5, 6} {
		require.NoError(t, e.db.Model(&Charge{Card: "c", Amount: dec(sortedAmounts[i])}).Create())
	}
	var got []Charge
	require.NoError(t, e.db.Model(&Charge{}).Where("Card", "=", "c").All(&got))
	amounts := make([]string, len(got))
	for i, c := range got {
		amounts[i] = c.Amount.String()
	}
	assert.Equal(t, sortedAmounts, amounts)
}
