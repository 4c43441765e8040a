// Package marshal is dynamorm's codec: it converts Go values to DynamoDB
// attribute values and back. Encoders and decoders are compiled once per
// type from the model metadata (the same `dynamorm:"..."` tags the ORM
// reads) and cached, so the per-call work is the conversion itself.
//
// # Go values and their stored forms
//
//   - string: S. The empty string is stored as S "" (omitempty leaves it out).
//   - bool: BOOL.
//   - int, int8...int64, uint...uint64, uintptr: N, exact (math.MaxUint64
//     survives). Decoding never goes through float64; a number that does not
//     fit the field is an error naming the field.
//   - float32, float64: N in the shortest form that reads back exactly.
//     NaN and infinities cannot be stored.
//   - Number: N, exact text. Decoding N into an `any` gives a Number.
//   - []byte and [N]byte: B. A nil []byte is absent.
//   - time.Time: S in TimeLayout ("2006-01-02T15:04:05.000000000Z", UTC,
//     fixed width, so strings sort as instants do). Decoding accepts any
//     RFC 3339 text and N (Unix seconds). With the unixtime option, and for
//     ttl fields, N holding Unix seconds.
//   - pointers: what they point to; nil is NULL. Decoding NULL sets nil.
//   - slices and arrays: L; a nil slice is NULL, an empty one an empty L.
//     With the set option, slices, arrays and map[T]struct{} of strings,
//     numbers or binary values are SS, NS or BS; an empty set is absent,
//     since DynamoDB has no empty sets. Lists and sets decode into either.
//   - maps with string, integer or encoding.TextMarshaler keys: M.
//   - structs: M of their stored fields, with nested tags and embedded
//     structs promoted as in Go. The fields of a nil embedded pointer are
//     absent; decoding allocates the pointer when one of them is present.
//   - interface values: their dynamic value. Decoding into `any` gives
//     S string, N Number, BOOL bool, B []byte, L []any, M map[string]any,
//     SS []string, NS []Number, BS [][]byte, NULL nil.
//
// Types may encode themselves: Marshaler and Unmarshaler (this package),
// then the SDK's attributevalue.Marshaler and attributevalue.Unmarshaler,
// then encoding.TextMarshaler and TextUnmarshaler (stored as S) are used,
// in that order, on the value or its pointer. time.Time follows the rule
// above rather than its TextMarshaler.
//
// # Converters
//
// A registered Converter gives a type that cannot be changed a stored form
// and takes precedence over all of the above, for the type and for
// pointers, slices, arrays, maps and sets of it. RegisterConverter and
// Register apply to the whole process (the package functions and every
// Codecs); Codecs.RegisterConverter to one Codecs (a DB's), where it takes
// precedence over a process-wide converter of the same type. Codecs are
// cached per set of converters: a registration starts a new set, so a codec
// compiled before it is never used after it.
//
// Channels, functions, complex numbers and unsafe pointers cannot be stored:
// struct fields of those types fail when the struct's codec is compiled,
// dynamic values when they are met. Such errors wrap core.ErrUnsupportedType.
//
// # Empty values
//
// omitempty leaves out empty strings, slices and maps, nil pointers and
// interfaces, zero numbers, false, zero times, and zero structs. Keys of
// secondary indexes that are not table keys are left out when DynamoDB
// could not index them: string and binary keys when empty (even through
// pointers), number keys only when nil, since 0 is a valid key. So sparse
// indexes work and no index key is ever "". Zero ttl fields are left out. Decoding an item leaves the fields whose attributes are absent
// untouched and ignores attributes without a field; slices and maps are
// replaced, not merged.
//
// # Limits
//
// What DynamoDB would refuse is refused while encoding, with an error that
// wraps core.ErrValidation and names the path: strings, map keys, set
// elements and TextMarshaler results that are not valid UTF-8; floats and
// Numbers outside DynamoDB's range (magnitude 1E-130 to 9.99...E+125, or
// zero) or with more than 38 significant digits; key values over
// MaxPartitionKeyBytes or MaxSortKeyBytes (table and index keys); maps and
// lists nested deeper than MaxNesting levels, the item being level 1. A Go
// value that contains itself is refused as a cycle ("this is Node.Next
// again"), never recursed into forever; decoding into `any` refuses values
// nested deeper than MaxNesting the same way. The results of custom
// marshalers are checked like the codec's own.
//
// # Errors
//
// Errors say where: the struct and field, and below it list indexes and map
// keys, as in
//
//	dynamorm: decode Order.Lines[2].Qty: number 300 overflows int8
package marshal
