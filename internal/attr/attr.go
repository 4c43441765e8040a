// Package attr holds what every layer needs to know about DynamoDB attribute
// values: their type names and their size as DynamoDB counts it.
package attr

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// TypeName returns DynamoDB's name for av's type ("S", "N", "B", "BOOL",
// "NULL", "L", "M", "SS", "NS", "BS"), or "" for nil or an unknown member.
func TypeName(av types.AttributeValue) string {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	}
	return ""
}
