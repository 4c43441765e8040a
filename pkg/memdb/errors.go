package memdb

import "fmt"

// apiError is an error answered to the client in DynamoDB's JSON 1.0 error shape.
type apiError struct {
	status int
	code   string         // short error type name, e.g. "ValidationException"
	msg    string         // message, as DynamoDB words it
	extra  map[string]any // extra members of the error body (Item, CancellationReasons)
	// itemLevel marks errors about one item's data, which cancel a transaction
	// (reason ValidationError) instead of rejecting the request.
	itemLevel bool
	// late marks errors TransactWriteItems reports only after it has parsed
	// every member (paths into key attributes).
	late bool
	// keyUpdate marks an update of a key attribute.
	keyUpdate bool
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

// wireType is the "__type" member DynamoDB sends for the error.
func (e *apiError) wireType() string {
	switch e.code {
	case "ValidationException":
		return "com.amazon.coral.validate#ValidationException"
	case "UnknownOperationException", "SerializationException", "MissingAuthenticationTokenException":
		return "com.amazon.coral.service#" + e.code
	}
	return "com.amazonaws.dynamodb.v20120810#" + e.code
}

func validationf(format string, args ...any) *apiError {
	return &apiError{status: 400, code: "ValidationException", msg: fmt.Sprintf(format, args...)}
}

// invalidParam is DynamoDB's common "One or more parameter values were invalid" prefix.
func invalidParam(format string, args ...any) *apiError {
	return validationf("One or more parameter values were invalid: "+format, args...)
}

// outOfScope answers requests that memdb deliberately does not implement.
func outOfScope(what string) *apiError {
	return validationf("memdb does not support %s (out of scope); use DynamoDB or DynamoDB Local for it", what)
}

func itemErr(e *apiError) *apiError {
	c := *e
	c.itemLevel = true
	return &c
}

func resourceNotFound() *apiError {
	return &apiError{status: 400, code: "ResourceNotFoundException", msg: "Requested resource not found"}
}

func conditionFailed(item map[string]*value) *apiError {
	e := &apiError{status: 400, code: "ConditionalCheckFailedException", msg: "The conditional request failed"}
	if item != nil {
		e.extra = map[string]any{"Item": item}
	}
	return e
}

func serializationErr(msg string) *apiError {
	return &apiError{status: 400, code: "SerializationException", msg: msg}
}
