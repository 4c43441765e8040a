package envelope

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The type bytes of the plaintext encoding of an attribute value.
const (
	tagNULL byte = iota + 1
	tagBOOL
	tagS
	tagN
	tagB
	tagSS
	tagNS
	tagBS
	tagL
	tagM
)

// maxDepth bounds the nesting ParseValue accepts (DynamoDB's is 32).
const maxDepth = 64

// AppendValue appends the binary encoding of av (the plaintext an envelope
// holds) to dst: a type byte, then lengths as uvarints and the bytes.
// Map entries are written in key order, so equal values encode equally.
func AppendValue(dst []byte, av types.AttributeValue) ([]byte, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberNULL:
		return append(dst, tagNULL), nil
	case *types.AttributeValueMemberBOOL:
		b := byte(0)
		if v.Value {
			b = 1
		}
		return append(dst, tagBOOL, b), nil
	case *types.AttributeValueMemberS:
		return appendBytes(append(dst, tagS), []byte(v.Value)), nil
	case *types.AttributeValueMemberN:
		return appendBytes(append(dst, tagN), []byte(v.Value)), nil
	case *types.AttributeValueMemberB:
		return appendBytes(append(dst, tagB), v.Value), nil
	case *types.AttributeValueMemberSS:
		dst = binary.AppendUvarint(append(dst, tagSS), uint64(len(v.Value)))
		for _, s := range v.Value {
			dst = appendBytes(dst, []byte(s))
		}
		return dst, nil
	case *types.AttributeValueMemberNS:
		dst = binary.AppendUvarint(append(dst, tagNS), uint64(len(v.Value)))
		for _, s := range v.Value {
			dst = appendBytes(dst, []byte(s))
		}
		return dst, nil
	case *types.AttributeValueMemberBS:
		dst = binary.AppendUvarint(append(dst, tagBS), uint64(len(v.Value)))
		for _, b := range v.Value {
			dst = appendBytes(dst, b)
		}
		return dst, nil
	case *types.AttributeValueMemberL:
		dst = binary.AppendUvarint(append(dst, tagL), uint64(len(v.Value)))
		for _, e := range v.Value {
			var err error
			if dst, err = AppendValue(dst, e); err != nil {
				return nil, err
			}
		}
		return dst, nil
	case *types.AttributeValueMemberM:
		return appendMap(dst, v.Value)
	}
	return nil, fmt.Errorf("cannot encrypt an attribute value of type %T", av)
}

func appendMap(dst []byte, m map[string]types.AttributeValue) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = binary.AppendUvarint(append(dst, tagM), uint64(len(m)))
	for _, k := range keys {
		var err error
		if dst, err = AppendValue(appendBytes(dst, []byte(k)), m[k]); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func appendBytes(dst, b []byte) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(b))), b...)
}

var errValue = errors.New("malformed plaintext value")

// reader reads what AppendValue wrote.
type reader struct{ b []byte }

func (r *reader) uvarint() (int, error) {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)) {
		return 0, errValue
	}
	r.b = r.b[k:]
	return int(n), nil
}

func (r *reader) bytes() ([]byte, error) {
	n, err := r.uvarint()
	if err != nil || n > len(r.b) {
		return nil, errValue
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out, nil
}

func (r *reader) strings() ([]string, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, n)
	for range n {
		b, err := r.bytes()
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// ParseValue decodes a value AppendValue encoded; the whole of b must be
// one value.
func ParseValue(b []byte) (types.AttributeValue, error) {
	r := reader{b}
	av, err := r.value(0)
	if err != nil {
		return nil, err
	}
	if len(r.b) != 0 {
		return nil, errValue
	}
	return av, nil
}

func (r *reader) value(depth int) (types.AttributeValue, error) {
	if len(r.b) == 0 || depth > maxDepth {
		return nil, errValue
	}
	tag := r.b[0]
	r.b = r.b[1:]
	switch tag {
	case tagNULL:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case tagBOOL:
		if len(r.b) == 0 {
			return nil, errValue
		}
		v := r.b[0] == 1
		r.b = r.b[1:]
		return &types.AttributeValueMemberBOOL{Value: v}, nil
	case tagS, tagN, tagB:
		b, err := r.bytes()
		if err != nil {
			return nil, err
		}
		switch tag {
		case tagS:
			return &types.AttributeValueMemberS{Value: string(b)}, nil
		case tagN:
			return &types.AttributeValueMemberN{Value: string(b)}, nil
		}
		return &types.AttributeValueMemberB{Value: append([]byte{}, b...)}, nil
	case tagSS:
		s, err := r.strings()
		return &types.AttributeValueMemberSS{Value: s}, err
	case tagNS:
		s, err := r.strings()
		return &types.AttributeValueMemberNS{Value: s}, err
	case tagBS:
		s, err := r.strings()
		bs := make([][]byte, len(s))
		for i := range s {
			bs[i] = []byte(s[i])
		}
		return &types.AttributeValueMemberBS{Value: bs}, err
	case tagL:
		return r.list(depth)
	case tagM:
		return r.mapValue(depth)
	}
	return nil, errValue
}

func (r *reader) list(depth int) (types.AttributeValue, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	out := make([]types.AttributeValue, 0, n)
	for range n {
		e, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return &types.AttributeValueMemberL{Value: out}, nil
}

func (r *reader) mapValue(depth int) (types.AttributeValue, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	out := make(map[string]types.AttributeValue, n)
	for range n {
		k, err := r.bytes()
		if err != nil {
			return nil, err
		}
		e, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[string(k)] = e
	}
	return &types.AttributeValueMemberM{Value: out}, nil
}
