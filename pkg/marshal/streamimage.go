package marshal

import (
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FromStreamImage converts an item image of a DynamoDB Streams record as
// aws-lambda-go delivers it (events.DynamoDBEventRecord.Change.NewImage or
// OldImage) to the SDK's form, so that it decodes with Unmarshal. A nil
// image gives a nil item.
func FromStreamImage(image map[string]events.DynamoDBAttributeValue) map[string]types.AttributeValue {
	if image == nil {
		return nil
	}
	item := make(map[string]types.AttributeValue, len(image))
	for k, v := range image {
		item[k] = FromStreamValue(v)
	}
	return item
}

// FromStreamValue converts one aws-lambda-go attribute value, of any data
// type, to the SDK's form. Byte slices are shared, not copied.
func FromStreamValue(v events.DynamoDBAttributeValue) types.AttributeValue {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}
	case events.DataTypeList:
		src := v.List()
		l := make([]types.AttributeValue, len(src))
		for i, x := range src {
			l[i] = FromStreamValue(x)
		}
		return &types.AttributeValueMemberL{Value: l}
	case events.DataTypeMap:
		return &types.AttributeValueMemberM{Value: FromStreamImage(v.Map())}
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}
	}
	return &types.AttributeValueMemberNULL{Value: true}
}

// ToStreamImage converts an item in the SDK's form to the image of a
// DynamoDB Streams record as aws-lambda-go delivers it: the inverse of
// FromStreamImage. A nil item gives a nil image.
func ToStreamImage(item map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if item == nil {
		return nil
	}
	image := make(map[string]events.DynamoDBAttributeValue, len(item))
	for k, v := range item {
		image[k] = ToStreamValue(v)
	}
	return image
}

// ToStreamValue converts one SDK attribute value, of any data type, to
// aws-lambda-go's form: the inverse of FromStreamValue. Byte slices are
// shared, not copied; an unknown member type becomes NULL.
func ToStreamValue(v types.AttributeValue) events.DynamoDBAttributeValue {
	switch a := v.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(a.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(a.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(a.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(a.Value)
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(a.Value)
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(a.Value)
	case *types.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(a.Value)
	case *types.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(a.Value))
		for i, x := range a.Value {
			l[i] = ToStreamValue(x)
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(ToStreamImage(a.Value))
	}
	return events.NewNullAttribute()
}
