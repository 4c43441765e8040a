package marshal

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/shopspring/decimal"
)

// The same payment twice: Amount a string, or a shopspring decimal stored
// as N through a registered converter. The difference between the two is
// the price of a converted field; BenchmarkConvertedField/converter-only
// is what the converter itself costs (a decimal's String and one N).
type benchPaymentText struct {
	Customer, ID, Status, Currency string
	Amount                         string
	Created                        int64
}

type benchPaymentDecimal struct {
	Customer, ID, Status, Currency string
	Amount                         decimal.Decimal
	Created                        int64
}

func benchDecimalTo(d decimal.Decimal) (types.AttributeValue, error) {
	return &types.AttributeValueMemberN{Value: d.String()}, nil
}

func benchDecimalFrom(av types.AttributeValue) (decimal.Decimal, error) {
	return decimal.NewFromString(av.(*types.AttributeValueMemberN).Value)
}

var benchCodecs = func() *Codecs {
	cs := NewCodecs()
	if err := cs.RegisterConverter(reflect.TypeFor[decimal.Decimal](), NewConverter(benchDecimalTo, benchDecimalFrom)); err != nil {
		panic(err)
	}
	return cs
}()

const benchAmount = "12345.67"

var benchAVSink types.AttributeValue

func BenchmarkConvertedField(b *testing.B) {
	common := benchPaymentText{Customer: "cus_8842", ID: "pay_01HQ3Z8K4N7V2R6T9W1X5Y0B3C", Status: "settled", Currency: "EUR", Created: 1709285415}
	text := common
	text.Amount = benchAmount
	dec := benchPaymentDecimal{Customer: common.Customer, ID: common.ID, Status: common.Status, Currency: common.Currency,
		Amount: decimal.RequireFromString(benchAmount), Created: common.Created}
	b.Run("encode/string", func(b *testing.B) { benchEncode(b, benchCodecs, &text) })
	b.Run("encode/decimal", func(b *testing.B) { benchEncode(b, benchCodecs, &dec) })
	b.Run("encode/converter-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			av, err := benchDecimalTo(dec.Amount)
			if err != nil {
				b.Fatal(err)
			}
			benchAVSink = av
		}
	})
	textItem, err := benchCodecs.Marshal(&text)
	if err != nil {
		b.Fatal(err)
	}
	decItem, err := benchCodecs.Marshal(&dec)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode/string", func(b *testing.B) { benchDecode(b, benchCodecs, textItem, &benchPaymentText{}) })
	b.Run("decode/decimal", func(b *testing.B) { benchDecode(b, benchCodecs, decItem, &benchPaymentDecimal{}) })
	b.Run("decode/converter-only", func(b *testing.B) {
		b.ReportAllocs()
		av := decItem["Amount"]
		for b.Loop() {
			d, err := benchDecimalFrom(av)
			if err != nil {
				b.Fatal(err)
			}
			dec.Amount = d
		}
	})
}

func benchEncode(b *testing.B, cs *Codecs, v any) {
	b.ReportAllocs()
	for b.Loop() {
		item, err := cs.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		benchSink = item
	}
}

// benchDecode decodes item into out, the same value every time (each
// field is overwritten), so only decoding allocates.
func benchDecode(b *testing.B, cs *Codecs, item map[string]types.AttributeValue, out any) {
	b.ReportAllocs()
	for b.Loop() {
		if err := cs.Unmarshal(item, out); err != nil {
			b.Fatal(err)
		}
	}
}
