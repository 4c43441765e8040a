package core

import "github.com/dynamorm/dynamorm/internal/errs"

// Sentinel errors. Every error dynamorm returns that falls into one of these
// classes wraps the sentinel, so callers test with errors.Is:
//
//	if errors.Is(err, core.ErrItemNotFound) { ... }
//
// The underlying AWS error, when there is one, stays wrapped as well, so
// errors.As still reaches the SDK's typed exceptions.
var (
	// ErrItemNotFound: the item addressed by a read, update or delete does not exist.
	ErrItemNotFound = errs.ErrItemNotFound

	// ErrConditionFailed: a condition on a write (Create on an existing item,
	// a stale version, WithCondition, ...) was false, so nothing was written.
	ErrConditionFailed = errs.ErrConditionFailed

	// ErrInvalidModel: a struct cannot be used as a model or item (no partition
	// key, two partition keys, unsupported key type, unknown tag option, ...).
	ErrInvalidModel = errs.ErrInvalidModel

	// ErrTableNotFound: the table a model maps to does not exist.
	ErrTableNotFound = errs.ErrTableNotFound

	// ErrValidation: input was rejected before any request was sent
	// (unknown field, unknown operator, missing key, oversize item, ...).
	ErrValidation = errs.ErrValidation

	// ErrIndexNotFound: a query named an index the model does not declare.
	ErrIndexNotFound = errs.ErrIndexNotFound

	// ErrInvalidCursor: a pagination cursor is malformed, was signed with
	// another key, or belongs to another table, index or query.
	ErrInvalidCursor = errs.ErrInvalidCursor

	// ErrTransactionFailed: DynamoDB cancelled a transaction. The error is a
	// *TransactionError that tells which operation failed and why.
	ErrTransactionFailed = errs.ErrTransactionFailed

	// ErrUnsupportedType: a Go value has a type the codec cannot store
	// (channels, functions, complex numbers, ...).
	ErrUnsupportedType = errs.ErrUnsupportedType

	// ErrOutcomeUnknown: a write was sent but its response was lost (a
	// server error, a reset connection, a timeout or a cancellation after
	// the request left) and whether DynamoDB applied it cannot be told. The
	// error is a *dynamorm.OutcomeError; the Go value keeps the changes the
	// write made (it is not rolled back). Read the item to find out.
	ErrOutcomeUnknown = errs.ErrOutcomeUnknown

	// ErrIncompleteKey: a write changes a component of a derived key (an
	// entity's pk, sk or index key) without the other components that key
	// is composed of, so the key cannot be recomputed; the message names
	// the missing fields. Nothing was sent. errors.Is(err, ErrValidation)
	// holds too.
	ErrIncompleteKey = errs.ErrIncompleteKey

	// ErrUnknownEntity: an item collection held an item of an entity the
	// call was given no type for (see Query.Collection).
	ErrUnknownEntity = errs.ErrUnknownEntity

	// ErrUniqueViolation: a write would give an item a value of a unique
	// constraint that another item holds (see dynamorm.UniqueViolationError).
	ErrUniqueViolation = errs.ErrUniqueViolation

	// ErrTenantRequired: an operation on a tenant-scoped model (see
	// dynamorm.WithTenant) had no tenant in its context or handle. It is
	// returned before anything is sent.
	ErrTenantRequired = errs.ErrTenantRequired

	// ErrCrossTenant: an item read back is stored under another tenant than
	// the scope's (it is never returned), a value read under one tenant was
	// written under another, or a handle bound to one tenant was given a
	// context of another.
	ErrCrossTenant = errs.ErrCrossTenant

	// ErrEncryption: an encrypted field could not be encrypted (no KMS
	// configuration, or KMS failed: nothing was written) or decrypted (KMS
	// cannot decrypt its data key, the stored envelope was altered, or the
	// value was copied from another item, attribute or tenant).
	ErrEncryption = errs.ErrEncryption
)
