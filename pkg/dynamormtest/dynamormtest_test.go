package dynamormtest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
)

type Note struct {
	ID   string `dynamorm:"pk"`
	Text string
}

func TestNewIsReadyAndIsolated(t *testing.T) {
	t.Parallel()
	a := dynamormtest.New(t, &Note{})
	b := dynamormtest.New(t, &Note{})
	if err := a.Model(&Note{ID: "n1", Text: "hello"}).Create(); err != nil {
		t.Fatal(err)
	}
	var got Note
	if err := a.Model(&Note{ID: "n1"}).First(&got); err != nil || got.Text != "hello" {
		t.Fatalf("First = %+v, %v", got, err)
	}
	if err := b.Model(&Note{ID: "n1"}).First(&got); !errors.Is(err, dynamorm.ErrItemNotFound) {
		t.Fatalf("a second server must not see the first's data: %v", err)
	}
}

type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper()                           {}
func (f *fakeT) Cleanup(func())                    {}
func (f *fakeT) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestInvalidModelFailsTheTest(t *testing.T) {
	ft := &fakeT{TB: t}
	dynamormtest.New(ft, &struct{ A string }{})
	if ft.failed == "" {
		t.Fatal("an invalid model must fail the test")
	}
}

// A test of service code gets a fresh database with its tables.
func Example() {
	_ = func(t *testing.T) {
		db := dynamormtest.New(t, &Note{})
		if err := db.Model(&Note{ID: "n1", Text: "hello"}).Create(); err != nil {
			t.Fatal(err)
		}
		var n Note
		if err := db.Model(&Note{ID: "n1"}).First(&n); err != nil || n.Text != "hello" {
			t.Fatalf("got %+v, %v", n, err)
		}
	}
}
