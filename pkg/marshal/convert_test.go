package marshal

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// Types from "another team": they know nothing of dynamorm. convMoney has
// a TextMarshaler (so without a converter it is stored as S), convTag is a
// plain string kind, convCode a struct with no stored form of its own.
type convMoney struct{ cents int64 }

func (m convMoney) MarshalText() ([]byte, error) {
	return []byte("money:" + strconv.FormatInt(m.cents, 10)), nil
}
func (m *convMoney) UnmarshalText(b []byte) error {
	c, err := strconv.ParseInt(strings.TrimPrefix(string(b), "money:"), 10, 64)
	m.cents = c
	return err
}

type convTag string

type convCode struct{ a, b byte }

// moneyAsN stores convMoney as N, two decimals.
func moneyAsN(m convMoney) (types.AttributeValue, error) {
	if m.cents < 0 {
		return nil, errors.New("negative money")
	}
	return &types.AttributeValueMemberN{Value: fmt.Sprintf("%d.%02d", m.cents/100, m.cents%100)}, nil
}

func moneyFromN(av types.AttributeValue) (convMoney, error) {
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return convMoney{}, fmt.Errorf("want N, got %T", av)
	}
	whole, frac, _ := strings.Cut(n.Value, ".")
	c, err := strconv.ParseInt(whole+frac, 10, 64)
	return convMoney{c}, err
}

type convItem struct {
	ID     string      `dynamorm:"pk"`
	Amount convMoney   `dynamorm:"sk"`
	Fee    *convMoney  // pointer
	Parts  []convMoney // list
	Set    []convMoney `dynamorm:"set"`
	ByTag  map[convTag]convMoney
	Tag    convTag
	Code   convCode
}

func TestConverterEverywhereInAnItem(t *testing.T) {
	cs := NewCodecs()
	require.NoError(t, cs.RegisterConverter(reflect.TypeFor[convMoney](), NewConverter(moneyAsN, moneyFromN)))
	require.NoError(t, cs.RegisterConverter(reflect.TypeFor[convTag](), NewConverter(
		func(s convTag) (types.AttributeValue, error) {
			return &types.AttributeValueMemberS{Value: "tag#" + string(s)}, nil
		},
		func(av types.AttributeValue) (convTag, error) {
			return convTag(strings.TrimPrefix(av.(*types.AttributeValueMemberS).Value, "tag#")), nil
		})))
	require.NoError(t, cs.RegisterConverter(reflect.TypeFor[convCode](), NewConverter(
		func(c convCode) (types.AttributeValue, error) {
			return &types.AttributeValueMemberB{Value: []byte{c.a, c.b}}, nil
		},
		func(av types.AttributeValue) (convCode, error) {
			b := av.(*types.AttributeValueMemberB).Value
			return convCode{b[0], b[1]}, nil
		})))
	fee := convMoney{5}
	in := convItem{ID: "a", Amount: convMoney{12345}, Fee: &fee, Parts: []convMoney{{1}, {250}},
		Set: []convMoney{{100}, {7}}, ByTag: map[convTag]convMoney{"x": {99}}, Tag: "red", Code: convCode{1, 2}}
	item, err := cs.Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "123.45"}, item["Amount"])
	assert.Equal(t, &types.AttributeValueMemberN{Value: "0.05"}, item["Fee"])
	assert.Equal(t, &types.AttributeValueMemberL{Value: []types.AttributeValue{
		&types.AttributeValueMemberN{Value: "0.01"}, &types.AttributeValueMemberN{Value: "2.50"}}}, item["Parts"])
	assert.Equal(t, &types.AttributeValueMemberNS{Value: []string{"1.00", "0.07"}}, item["Set"])
	assert.Equal(t, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"tag#x": &types.AttributeValueMemberN{Value: "0.99"}}}, item["ByTag"], "map keys and values both converted")
	assert.Equal(t, &types.AttributeValueMemberS{Value: "tag#red"}, item["Tag"])
	assert.Equal(t, &types.AttributeValueMemberB{Value: []byte{1, 2}}, item["Code"])

	var out convItem
	require.NoError(t, cs.Unmarshal(item, &out))
	assert.Equal(t, in, out)

	// The process-wide codec has none of these converters: convMoney is
	// its TextMarshaler's S there, and the key it is in the model cannot
	// be encoded without the converter.
	_, err = Marshal(in)
	require.Error(t, err)
	assert.ErrorIs(t, err, core.ErrInvalidModel)
	assert.Contains(t, err.Error(), "convItem.Amount")
	av, err := MarshalValue(convMoney{1})
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "money:1"}, av)
}

func TestConverterErrorsNameStructFieldAndType(t *testing.T) {
	cs := NewCodecs()
	require.NoError(t, cs.RegisterConverter(reflect.TypeFor[convMoney](), NewConverter(moneyAsN, moneyFromN)))
	_, err := cs.Marshal(convItem{ID: "a", Amount: convMoney{1}, Parts: []convMoney{{1}, {-3}}})
	require.Error(t, err)
	assert.Equal(t, "dynamorm: encode convItem.Parts[1]: the converter of marshal.convMoney: ToAttributeValue: negative money", err.Error())

	var out convItem
	err = cs.Unmarshal(map[string]types.AttributeValue{"Fee": &types.AttributeValueMemberS{Value: "x"}}, &out)
	require.Error(t, err)
	assert.Equal(t, "dynamorm: decode convItem.Fee: the converter of marshal.convMoney: FromAttributeValue(S): want N, got *types.AttributeValueMemberS", err.Error())

	// A converter whose key value has another type than its zero value is
	// refused before anything is sent.
	odd := NewCodecs()
	require.NoError(t, odd.RegisterConverter(reflect.TypeFor[convMoney](), NewConverter(
		func(m convMoney) (types.AttributeValue, error) {
			if m.cents == 7 {
				return &types.AttributeValueMemberS{Value: "seven"}, nil
			}
			return moneyAsN(m)
		}, moneyFromN)))
	_, err = odd.Marshal(convItem{ID: "a", Amount: convMoney{7}})
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "convItem.Amount: the converter of marshal.convMoney returned S for a key of type N")
}

// The DynamORM shape: ToAttributeValue(any) and FromAttributeValue(av, any).
type anyMoney struct{}

func (anyMoney) ToAttributeValue(v any) (types.AttributeValue, error) { return moneyAsN(v.(convMoney)) }
func (anyMoney) FromAttributeValue(av types.AttributeValue, target any) error {
	m, err := moneyFromN(av)
	*target.(*convMoney) = m
	return err
}

func TestConverterPrecedence(t *testing.T) {
	type precItem struct {
		ID string `dynamorm:"pk"`
		M  convMoney
	}
	one := NewCodecs()
	require.NoError(t, one.RegisterConverter(reflect.TypeFor[convMoney](), anyMoney{}))
	two := NewCodecs()
	item, err := one.Marshal(precItem{ID: "a", M: convMoney{150}})
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "1.50"}, item["M"], "the converter wins over MarshalText")
	item, err = two.Marshal(precItem{ID: "a", M: convMoney{150}})
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "money:150"}, item["M"], "another DB's converter does not apply")
	var out precItem
	require.NoError(t, one.Unmarshal(map[string]types.AttributeValue{"M": &types.AttributeValueMemberN{Value: "2.05"}}, &out))
	assert.Equal(t, convMoney{205}, out.M)
}

// A type no other test registers: process-wide registration is permanent.
type convLate int64

type lateItem struct {
	ID string `dynamorm:"pk"`
	V  convLate
	P  *convLate
}

func TestRegisteringAfterUseIsNeverIgnored(t *testing.T) {
	cs := NewCodecs()
	in := lateItem{ID: "a", V: 3}
	before, err := Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "3"}, before["V"])
	viaCS, err := cs.Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "3"}, viaCS["V"])
	sc, err := StructCodecOf(reflect.TypeFor[lateItem]())
	require.NoError(t, err)

	require.NoError(t, Register(
		func(v convLate) (types.AttributeValue, error) {
			return &types.AttributeValueMemberS{Value: "late-" + strconv.FormatInt(int64(v), 10)}, nil
		},
		func(av types.AttributeValue) (convLate, error) {
			n, err := strconv.ParseInt(strings.TrimPrefix(av.(*types.AttributeValueMemberS).Value, "late-"), 10, 64)
			return convLate(n), err
		}))
	after, err := Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "late-3"}, after["V"], "the process-wide codec compiled before is not reused")
	viaCS, err = cs.Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "late-3"}, viaCS["V"], "a DB's codecs pick up process-wide registrations")
	sc2, err := StructCodecOf(reflect.TypeFor[lateItem]())
	require.NoError(t, err)
	assert.NotSame(t, sc, sc2)
	av, err := sc2.EncodeAttrValue("P", convLate(4))
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "late-4"}, av, "operands of a pointer field")
}

func TestRegisterConverterRefusesBadInput(t *testing.T) {
	cs := NewCodecs()
	conv := NewConverter(moneyAsN, moneyFromN)
	for _, tc := range []struct {
		t    reflect.Type
		conv Converter
		want string
	}{
		{reflect.TypeFor[*convMoney](), conv, "not of a pointer or an interface"},
		{reflect.TypeFor[string](), conv, "only named types declared in a package"},
		{reflect.TypeFor[[]convMoney](), conv, "only named types declared in a package"},
		{reflect.TypeFor[convTag](), conv, "the converter converts marshal.convMoney"},
		{reflect.TypeFor[convTag](), nil, "needs a type and a converter"},
	} {
		err := cs.RegisterConverter(tc.t, tc.conv)
		require.ErrorIs(t, err, core.ErrValidation, tc.t)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// A type only the race test registers.
type raceMoney int64

type raceItem struct {
	ID string `dynamorm:"pk"`
	M  raceMoney
	L  []raceMoney
}

// TestRegistrationConcurrentWithUse registers converters of raceMoney on a
// Codecs while goroutines encode and decode through it (run with -race):
// every result is one converter's form, whole, and after the last
// registration every use sees it.
func TestRegistrationConcurrentWithUse(t *testing.T) {
	cs := NewCodecs()
	conv := func(prefix string) Converter {
		return NewConverter(
			func(m raceMoney) (types.AttributeValue, error) {
				return &types.AttributeValueMemberS{Value: prefix + strconv.FormatInt(int64(m), 10)}, nil
			},
			func(av types.AttributeValue) (raceMoney, error) {
				var s string
				switch a := av.(type) {
				case *types.AttributeValueMemberS:
					s = a.Value[strings.IndexByte(a.Value, ':')+1:]
				case *types.AttributeValueMemberN: // encoded before the first registration
					s = a.Value
				}
				n, err := strconv.ParseInt(s, 10, 64)
				return raceMoney(n), err
			})
	}
	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				in := raceItem{ID: "a", M: raceMoney(w*rounds + i), L: []raceMoney{1, 2}}
				item, err := cs.Marshal(in)
				if err != nil {
					errs <- err
					return
				}
				var out raceItem
				if err := cs.Unmarshal(item, &out); err != nil {
					errs <- err
					return
				}
				if out.M != in.M {
					errs <- fmt.Errorf("round trip %d gave %d (%v)", in.M, out.M, item["M"])
					return
				}
			}
		}()
	}
	for i := range 50 {
		require.NoError(t, cs.RegisterConverter(reflect.TypeFor[raceMoney](), conv(fmt.Sprintf("v%d:", i))))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	item, err := cs.Marshal(raceItem{ID: "a", M: 5})
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "v49:5"}, item["M"])
}

// NewConverter's result is a Converter of the DynamORM shape too, and
// refuses values of other types.
func TestNewConverterAsAConverter(t *testing.T) {
	conv := NewConverter(moneyAsN, moneyFromN)
	av, err := conv.ToAttributeValue(convMoney{205})
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "2.05"}, av)
	var m convMoney
	require.NoError(t, conv.FromAttributeValue(&types.AttributeValueMemberN{Value: "1.10"}, &m))
	assert.Equal(t, convMoney{110}, m)

	_, err = conv.ToAttributeValue("2.05")
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "the converter of marshal.convMoney cannot encode string")
	err = conv.FromAttributeValue(av, m)
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "decodes into a non-nil *marshal.convMoney, not marshal.convMoney")
	err = conv.FromAttributeValue(av, (*convMoney)(nil))
	require.ErrorIs(t, err, core.ErrValidation)
}
