package dynamormtest_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/session"
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

func TestNewWithConfigAppliesClientOptions(t *testing.T) {
	t.Parallel()
	var calls int
	count := func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(*middleware.Stack) error { calls++; return nil })
	}
	db := dynamormtest.NewWithConfig(t, session.Config{ClientOptions: []func(*dynamodb.Options){count}}, &Note{})
	before := calls
	if before == 0 {
		t.Fatal("the option was not applied to CreateTable")
	}
	if err := db.Model(&Note{ID: "n1"}).Create(); err != nil {
		t.Fatal(err)
	}
	if calls != before+1 {
		t.Fatalf("the option ran %d times for one write", calls-before)
	}
}

// Customer and Invoice share one table (a single-table design): the same
// keys, each with an index of its own.
type Customer struct {
	PK    string `dynamorm:"pk"`
	SK    string `dynamorm:"sk"`
	Email string `dynamorm:"index:by-email,pk"`
}

func (Customer) TableName() string { return "app" }

type Invoice struct {
	PK     string `dynamorm:"pk"`
	SK     string `dynamorm:"sk"`
	Status string `dynamorm:"index:by-status,pk"`
}

func (Invoice) TableName() string { return "app" }

type InvoiceBadKeys struct {
	PK string `dynamorm:"pk"`
	SK int64  `dynamorm:"sk"`
}

func (InvoiceBadKeys) TableName() string { return "app" }

func TestModelsSharingATableCreateItOnce(t *testing.T) {
	t.Parallel()
	db := dynamormtest.New(t, &Customer{}, &Invoice{})
	if err := db.Model(&Customer{PK: "c#1", SK: "profile", Email: "a@x"}).Create(); err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&Invoice{PK: "c#1", SK: "inv#1", Status: "open"}).Create(); err != nil {
		t.Fatal(err)
	}
	var open []Invoice
	if err := db.Model(&Invoice{}).Where("Status", "=", "open").All(&open); err != nil || len(open) != 1 {
		t.Fatalf("by-status: %v, %v", open, err)
	}
	var byEmail []Customer
	if err := db.Model(&Customer{}).Where("Email", "=", "a@x").All(&byEmail); err != nil || len(byEmail) != 1 {
		t.Fatalf("by-email: %v, %v", byEmail, err)
	}

	ft := &fakeT{TB: t}
	dynamormtest.New(ft, &Customer{}, &InvoiceBadKeys{})
	if !strings.Contains(ft.failed, `sort key is "SK" (S) in the table, "SK" (N) in the model`) {
		t.Fatalf("models disagreeing on the keys: %q", ft.failed)
	}
}

// A server that does not answer at DYNAMORMTEST_ENDPOINT fails the test
// with a message naming the variable, never a silent fallback to memdb.
func TestUnreachableEndpointFailsTheTest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	t.Setenv(dynamormtest.EndpointEnv, "http://"+addr)
	ft := &fakeT{TB: t}
	dynamormtest.NewWithConfig(ft, session.Config{MaxAttempts: 1}, &Note{})
	if !strings.Contains(ft.failed, "at http://"+addr+" (DYNAMORMTEST_ENDPOINT)") || !strings.Contains(ft.failed, "connect") {
		t.Fatalf("failure: %q", ft.failed)
	}
}

type shopCustomer struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:customer,pk:C#{ID},sk:PROFILE"`
	ID              string
	Name            string
}

type shopOrder struct {
	dynamorm.Entity `dynamorm:"table:shop,entity:order,pk:C#{CustomerID},sk:O#{ID},gsi1pk:STATUS#{Status},gsi1sk:O#{ID}"`
	CustomerID      string
	ID              string
	Status          string
}

func TestEntitiesOfOneTable(t *testing.T) {
	t.Parallel()
	db := dynamormtest.New(t, &shopCustomer{}, &shopOrder{})
	if err := db.Model(&shopCustomer{ID: "c1", Name: "Ada"}).Create(); err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&shopOrder{CustomerID: "c1", ID: "o1", Status: "open"}).Create(); err != nil {
		t.Fatal(err)
	}
	var open []shopOrder
	if err := db.Model(&shopOrder{}).Where("Status", "=", "open").All(&open); err != nil || len(open) != 1 {
		t.Fatalf("gsi1, created with the table: %v, %v", open, err)
	}
	var c struct {
		Customer shopCustomer
		Orders   []shopOrder
	}
	if err := db.Model(&shopCustomer{ID: "c1"}).Collection(&c); err != nil || c.Customer.Name != "Ada" || len(c.Orders) != 1 {
		t.Fatalf("collection: %+v, %v", c, err)
	}
}

func TestStreamEventOfEntities(t *testing.T) {
	ev := dynamormtest.StreamEvent(t, dynamormtest.Insert(&shopOrder{CustomerID: "c1", ID: "o1", Status: "open"}), dynamormtest.Insert(&shopCustomer{ID: "c1", Name: "Ada"}))
	if len(ev.Records) != 2 {
		t.Fatalf("records: %d", len(ev.Records))
	}
	img := ev.Records[0].Change.NewImage
	if img["pk"].String() != "C#c1" || img["sk"].String() != "O#o1" || img["_type"].String() != "order" || img["gsi1pk"].String() != "STATUS#open" {
		t.Fatalf("image without the derived keys and entity type: %v", img)
	}
	if keys := ev.Records[0].Change.Keys; keys["pk"].String() != "C#c1" || keys["sk"].String() != "O#o1" {
		t.Fatalf("keys: %v", keys)
	}
	v, err := dynamorm.EntityOf(ev.Records[1].Change.NewImage, shopCustomer{}, shopOrder{})
	if c, ok := v.(*shopCustomer); err != nil || !ok || c.Name != "Ada" {
		t.Fatalf("EntityOf: %#v, %v", v, err)
	}
}
