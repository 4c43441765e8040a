package dynamorm_test

import (
	"errors"
	"fmt"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/mocks"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// Invoice is the model of the examples below.
type Invoice struct {
	Customer string `dynamorm:"pk"`
	ID       string `dynamorm:"sk"`
	Total    int
}

// invoiceDB returns a DB on an in-process memdb server holding five invoices
// of customer c1 and one of c2. Real code uses dynamorm.New with a Region.
func invoiceDB() *dynamorm.DB {
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&Invoice{}); err != nil {
		log.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		o := Invoice{Customer: "c1", ID: fmt.Sprintf("o%d", i), Total: i * 10}
		if err := db.Model(&o).Create(); err != nil {
			log.Fatal(err)
		}
	}
	if err := db.Model(&Invoice{Customer: "c2", ID: "o1", Total: 99}).Create(); err != nil {
		log.Fatal(err)
	}
	return db
}

func ExampleAll() {
	db := invoiceDB()
	invoices, err := dynamorm.All[Invoice](db.Model(&Invoice{}).Where("Customer", "=", "c1").Filter("Total", ">", 20))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(invoices)
	// Output: [{c1 o3 30} {c1 o4 40} {c1 o5 50}]
}

func ExampleFirst() {
	db := invoiceDB()
	latest, err := dynamorm.First[Invoice](db.Model(&Invoice{}).Where("Customer", "=", "c1").OrderBy("ID", "DESC"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(latest.ID, latest.Total)

	_, err = dynamorm.First[Invoice](db.Model(&Invoice{}).Where("Customer", "=", "nobody"))
	fmt.Println(errors.Is(err, dynamorm.ErrItemNotFound))
	// Output:
	// o5 50
	// true
}

func ExampleGet() {
	db := invoiceDB()
	o, err := dynamorm.Get(db, Invoice{Customer: "c2", ID: "o1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Total)
	// Output: 99
}

func ExampleItems() {
	db := invoiceDB()
	q := db.Model(&Invoice{}).Where("Customer", "=", "c1")
	sum := 0
	for o, err := range dynamorm.Items[Invoice](q) {
		if err != nil {
			log.Fatal(err)
		}
		sum += o.Total
		if sum >= 60 {
			break // stops reading: no further page is requested
		}
	}
	fmt.Println(sum)
	// Output: 60
}

func ExamplePages() {
	db := invoiceDB()
	for page, err := range dynamorm.Pages[Invoice](db.Model(&Invoice{}).Where("Customer", "=", "c1")) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(page), "invoices in this page")
	}
	// Output: 5 invoices in this page
}

// With a mock query (pkg/mocks), the typed functions read through All and
// First, so services that use them are tested like any other.
func TestTypedFunctionsWorkWithMocks(t *testing.T) {
	invoices := []Invoice{{"c1", "o1", 10}, {"c1", "o2", 20}, {"c1", "o3", 30}}
	q := &mocks.MockQuery{}
	q.On("All", mock.Anything).Run(func(args mock.Arguments) {
		*args.Get(0).(*[]Invoice) = invoices
	}).Return(nil)
	q.On("First", mock.Anything).Run(func(args mock.Arguments) {
		*args.Get(0).(*Invoice) = invoices[0]
	}).Return(nil)

	all, err := dynamorm.All[Invoice](q)
	require.NoError(t, err)
	assert.Equal(t, invoices, all)

	first, err := dynamorm.First[Invoice](q)
	require.NoError(t, err)
	assert.Equal(t, invoices[0], first)

	var got []Invoice
	for o, err := range dynamorm.Items[Invoice](q) {
		require.NoError(t, err)
		got = append(got, o)
		if len(got) == 2 {
			break
		}
	}
	assert.Equal(t, invoices[:2], got)

	pages := 0
	for page, err := range dynamorm.Pages[Invoice](q) {
		require.NoError(t, err)
		assert.Equal(t, invoices, page)
		pages++
	}
	assert.Equal(t, 1, pages)

	db := &mocks.MockDB{}
	db.On("Model", &Invoice{Customer: "c1", ID: "o1"}).Return(q)
	o, err := dynamorm.Get[Invoice](db, Invoice{Customer: "c1", ID: "o1"})
	require.NoError(t, err)
	assert.Equal(t, invoices[0], o)

	failing := &mocks.MockQuery{}
	failing.On("All", mock.Anything).Return(core.ErrTableNotFound)
	failing.On("First", mock.Anything).Return(core.ErrItemNotFound)
	_, err = dynamorm.All[Invoice](failing)
	assert.ErrorIs(t, err, core.ErrTableNotFound)
	_, err = dynamorm.First[Invoice](failing)
	assert.ErrorIs(t, err, core.ErrItemNotFound)
	n := 0
	for o, err := range dynamorm.Items[Invoice](failing) {
		n++
		assert.Zero(t, o)
		assert.ErrorIs(t, err, core.ErrTableNotFound)
	}
	assert.Equal(t, 1, n)
	for page, err := range dynamorm.Pages[Invoice](failing) {
		assert.Nil(t, page)
		assert.ErrorIs(t, err, core.ErrTableNotFound)
	}
}

// A builder error reaches the typed functions before any request.
func TestTypedFunctionsReturnBuilderErrors(t *testing.T) {
	db := invoiceDB()
	q := db.Model(&Invoice{}).Where("Nope", "=", 1)
	_, err := dynamorm.All[Invoice](q)
	assert.ErrorIs(t, err, dynamorm.ErrValidation)
	_, err = dynamorm.First[*Invoice](q)
	assert.ErrorIs(t, err, dynamorm.ErrValidation)
	for _, err := range dynamorm.Items[Invoice](q) {
		assert.ErrorIs(t, err, dynamorm.ErrValidation)
	}
}
