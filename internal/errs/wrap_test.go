package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestMessagesNameThingsOnce(t *testing.T) {
	inner := fmt.Errorf("%w: BatchCreate Order: the item is too big", ErrValidation)
	for _, c := range []struct {
		err  error
		want string
	}{
		{At("BatchCreate Order", "item 40", inner), "dynamorm: invalid input: BatchCreate Order: item 40: the item is too big"},
		{At("TransactGet", "destination 1", errors.New("dynamorm: x")), "dynamorm: TransactGet: destination 1: x"},
		{Within("Create Order", errors.New("dynamorm: encode Order.C: bad")), "dynamorm: Create Order: encode Order.C: bad"},
		{Within("BatchCreate Order", inner), inner.Error()},
		{Marked(ErrInvalidModel, errors.New("dynamorm: Order.C: unsupported type chan int")), "dynamorm: invalid model: Order.C: unsupported type chan int"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q; want %q", got, c.want)
		}
	}
	if err := At("BatchCreate Order", "item 40", inner); !errors.Is(err, ErrValidation) {
		t.Errorf("At lost the sentinel: %v", err)
	}
	m := Marked(ErrInvalidModel, fmt.Errorf("%w: chan", ErrUnsupportedType))
	if !errors.Is(m, ErrInvalidModel) || !errors.Is(m, ErrUnsupportedType) {
		t.Errorf("Marked lost a sentinel: %v", m)
	}
}
