// Package errs holds dynamorm's sentinel errors. It is a leaf: every layer
// (model, codec, planner, executor) can wrap them without importing the public
// pkg/core, which re-exports them.
package errs

import "errors"

// Sentinel errors; see pkg/core, which documents and re-exports them.
var (
	// ErrItemNotFound: the item addressed by a read, update or delete does not exist.
	ErrItemNotFound = errors.New("dynamorm: item not found")

	// ErrConditionFailed: a condition on a write (Create on an existing item,
	// a stale version, WithCondition, ...) was false, so nothing was written.
	ErrConditionFailed = errors.New("dynamorm: condition failed")

	// ErrInvalidModel: a struct cannot be used as a model or item (no partition
	// key, two partition keys, unsupported key type, unknown tag option, ...).
	ErrInvalidModel = errors.New("dynamorm: invalid model")

	// ErrTableNotFound: the table a model maps to does not exist.
	ErrTableNotFound = errors.New("dynamorm: table not found")

	// ErrValidation: input was rejected before any request was sent
	// (unknown field, unknown operator, missing key, oversize item, ...).
	ErrValidation = errors.New("dynamorm: invalid input")

	// ErrIndexNotFound: a query named an index the model does not declare.
	ErrIndexNotFound = errors.New("dynamorm: index not found")

	// ErrInvalidCursor: a pagination cursor is malformed, was signed with
	// another key, or belongs to another table, index or query.
	ErrInvalidCursor = errors.New("dynamorm: invalid cursor")

	// ErrTransactionFailed: DynamoDB cancelled a transaction. The error is a
	// *TransactionError that tells which operation failed and why.
	ErrTransactionFailed = errors.New("dynamorm: transaction failed")

	// ErrUnsupportedType: a Go value has a type the codec cannot store
	// (channels, functions, complex numbers, ...).
	ErrUnsupportedType = errors.New("dynamorm: unsupported type")

	// ErrOutcomeUnknown: a write was sent but its response was lost (a
	// server error, a reset connection, a timeout or a cancellation after
	// the request left), and whether DynamoDB applied it cannot be told.
	// It was neither reported as a success nor as a failure: read the item
	// to find out.
	ErrOutcomeUnknown = errors.New("dynamorm: outcome unknown")

	// ErrIncompleteKey: a write changes a component of a derived key (an
	// entity's pk, sk or index key) without the other components that key
	// is composed of, so the key cannot be recomputed. Nothing was sent.
	ErrIncompleteKey = errors.New("dynamorm: incomplete key")

	// ErrUnknownEntity: an item collection held an item of an entity the
	// call was not given a type for.
	ErrUnknownEntity = errors.New("dynamorm: unknown entity")

	// ErrUniqueViolation: a write would give an item a value of a unique
	// constraint that another item holds.
	ErrUniqueViolation = errors.New("dynamorm: unique constraint violated")

	// ErrEncryption: an encrypted field could not be encrypted (no key
	// configured, KMS failed; nothing was written) or decrypted (KMS cannot
	// decrypt its data key, the envelope was altered, or the value was moved
	// from another item, attribute or tenant).
	ErrEncryption = errors.New("dynamorm: field encryption")
)

// Tenancy sentinels; see pkg/core.
var (
	// ErrTenantRequired: an operation on a tenant-scoped model was called
	// without a tenant in its context (or on its handle). Nothing was sent.
	ErrTenantRequired = errors.New("dynamorm: tenant required")

	// ErrCrossTenant: an item read back belongs to another tenant than the
	// scope's, a value read under one tenant was written under another, or
	// a handle bound to one tenant was given a context of another.
	ErrCrossTenant = errors.New("dynamorm: cross-tenant access")
)
