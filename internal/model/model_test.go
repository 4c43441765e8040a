package model

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
)

type Payment struct {
	ID         string    `dynamorm:"pk" json:"id"`
	Timestamp  string    `dynamorm:"sk" json:"timestamp"`
	CustomerID string    `dynamorm:"index:customer-index,pk" json:"customer_id"`
	Status     string    `dynamorm:"index:customer-index,sk,index:status-index,pk" json:"status"`
	Amount     int64     `dynamorm:"lsi:by-amount" json:"amount"`
	Note       string    `dynamorm:"attr:note-1,omitempty"`
	Secret     string    `dynamorm:"-"`
	Version    int       `dynamorm:"version"`
	Expires    time.Time `dynamorm:"ttl"`
	CreatedAt  time.Time `dynamorm:"created_at"`
	UpdatedAt  int64     `dynamorm:"updated_at"`
	hidden     string
}

func TestModelMetadata(t *testing.T) {
	m, err := Of(reflect.TypeOf(&Payment{}))
	if err != nil {
		t.Fatal(err)
	}
	if m.PK.Attr != "id" || m.SK.Attr != "timestamp" {
		t.Fatalf("keys = %s/%s", m.PK.Attr, m.SK.Attr)
	}
	if got := m.TableName(reflect.Value{}); got != "payments" {
		t.Errorf("table = %q", got)
	}
	names := []string{}
	for _, idx := range m.Indexes {
		sk := ""
		if idx.SK != nil {
			sk = idx.SK.Attr
		}
		names = append(names, idx.Name+":"+idx.PK.Attr+"/"+sk)
	}
	want := []string{"by-amount:id/amount", "customer-index:customer_id/status", "status-index:status/"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("indexes = %v, want %v", names, want)
	}
	for name, attr := range map[string]string{"Note": "note-1", "note-1": "note-1", "CustomerID": "customer_id", "customer_id": "customer_id"} {
		f, ok := m.Field(name)
		if !ok || f.Attr != attr {
			t.Errorf("Field(%q) = %v, %v", name, f, ok)
		}
	}
	if _, ok := m.Field("Secret"); ok {
		t.Error("a field tagged - is stored")
	}
	if _, ok := m.Field("hidden"); ok {
		t.Error("an unexported field is stored")
	}
	if m.Version.GoName != "Version" || m.TTL.GoName != "Expires" || !m.TTL.UnixTime || m.CreatedAt == nil || m.UpdatedAt == nil {
		t.Errorf("lifecycle fields wrong: %+v %+v", m.Version, m.TTL)
	}
	if _, err := m.MustField("Nope"); !errors.Is(err, errs.ErrValidation) || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("MustField error = %v", err)
	}
}

type Base struct {
	ID      string `dynamorm:"pk"`
	Created string
}
type audit struct{ By string }
type Extra struct{ Deep string }
type Derived struct {
	Base
	audit
	*Extra
	Created string // hides Base.Created
}

func TestEmbeddedPromotion(t *testing.T) {
	m, err := Of(reflect.TypeOf(Derived{}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	for _, f := range m.Fields {
		got[f.Attr] = f.Index
	}
	want := map[string][]int{"Created": {3}, "ID": {0, 0}, "By": {1, 0}, "Deep": {2, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields = %v, want %v", got, want)
	}
	if f, _ := m.Field("Deep"); !f.ThroughPointer {
		t.Error("Deep should be marked as reached through a pointer")
	}
}

type namedTable struct {
	ID string `dynamorm:"pk"`
}

func (namedTable) TableName() string { return "custom" }

func TestTableNames(t *testing.T) {
	cases := map[string]string{"User": "users", "PaymentEvent": "payment_events", "Category": "categories",
		"HTTPRequest": "http_requests", "Status": "statuses", "Day": "days", "UserID": "user_ids", "Box": "boxes",
		// Words already plural stay plural.
		"CustomerStats": "customer_stats", "Stats": "stats", "Users": "users", "UserSettings": "user_settings",
		"News": "news", "Series": "series", "Categories": "categories", "Boxes": "boxes", "Menus": "menus",
		"Photos": "photos", "LimitKeys": "limit_keys", "OrderItems": "order_items",
		// Singular words ending in s.
		"Address": "addresses", "OrderStatus": "order_statuses", "Bus": "buses", "Analysis": "analyses",
		"Axis": "axes", "Alias": "aliases", "Gas": "gases", "Campus": "campuses", "Class": "classes",
		"Church": "churches", "Wish": "wishes", "Key": "keys"}
	for in, want := range cases {
		if got := DefaultTableName(in); got != want {
			t.Errorf("DefaultTableName(%q) = %q, want %q", in, got, want)
		}
	}
	m, err := Of(reflect.TypeOf(namedTable{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.TableName(reflect.ValueOf(&namedTable{})); got != "custom" {
		t.Errorf("TableName() = %q", got)
	}
}

func TestInvalidModels(t *testing.T) {
	type noPK struct{ A string }
	type twoPK struct {
		A string `dynamorm:"pk"`
		B string `dynamorm:"pk"`
	}
	type badKey struct {
		A []string `dynamorm:"pk"`
	}
	type unknownOpt struct {
		A string `dynamorm:"pk,primary"`
	}
	type dupAttr struct {
		A string `dynamorm:"pk,attr:x"`
		B string `dynamorm:"attr:x"`
	}
	type badVersion struct {
		A string `dynamorm:"pk"`
		V string `dynamorm:"version"`
	}
	type lsiNoSK struct {
		A string `dynamorm:"pk"`
		B string `dynamorm:"lsi:l1"`
	}
	type gsiSKOnly struct {
		A string `dynamorm:"pk"`
		B string `dynamorm:"index:g,sk"`
	}
	cases := []struct {
		v    any
		want []string
	}{
		{noPK{}, []string{"noPK", "no partition key", `dynamorm:"pk"`}},
		{twoPK{}, []string{"twoPK", "A", "B", "pk"}},
		{badKey{}, []string{"badKey.A", "[]string"}},
		{unknownOpt{}, []string{"unknownOpt.A", `"primary"`}},
		{dupAttr{}, []string{"dupAttr", "A", "B", `"x"`}},
		{badVersion{}, []string{"badVersion.V", "integer"}},
		{lsiNoSK{}, []string{"lsiNoSK", "l1", "sort key"}},
		{gsiSKOnly{}, []string{"gsiSKOnly", `"g"`, "index:g,pk"}},
		{42, []string{"struct"}},
	}
	for _, c := range cases {
		_, err := Of(reflect.TypeOf(c.v))
		if !errors.Is(err, errs.ErrInvalidModel) {
			t.Errorf("%T: err = %v, want ErrInvalidModel", c.v, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%T: error %q does not mention %q", c.v, err, w)
			}
		}
	}
}

func TestConcurrentParsing(t *testing.T) {
	type fresh struct {
		ID string `dynamorm:"pk"`
		X  int
	}
	var wg sync.WaitGroup
	results := make([]*Model, 16)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], _ = Of(reflect.TypeOf(fresh{}))
		}(i)
	}
	wg.Wait()
	for _, m := range results {
		if m != results[0] || m == nil {
			t.Fatal("concurrent Of calls returned different metadata")
		}
	}
}

func TestCounterTag(t *testing.T) {
	type ok struct {
		ID     string  `dynamorm:"pk"`
		Visits int64   `dynamorm:"counter"`
		Score  float64 `dynamorm:"counter"`
	}
	m, err := Of(reflect.TypeOf(ok{}))
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := m.MustField("Visits"); !f.Counter {
		t.Error("Visits is a counter")
	}
	type text struct {
		ID   string `dynamorm:"pk"`
		Name string `dynamorm:"counter"`
	}
	if _, err := Of(reflect.TypeOf(text{})); err == nil || !strings.Contains(err.Error(), "text.Name: a counter must be a number") {
		t.Errorf("a string counter: %v", err)
	}
	type key struct {
		ID int64 `dynamorm:"pk,counter"`
	}
	if _, err := Of(reflect.TypeOf(key{})); err == nil || !strings.Contains(err.Error(), "cannot be a key") {
		t.Errorf("a key counter: %v", err)
	}
}

func TestSnapshotLayers(t *testing.T) {
	s := &Snapshot{Item: map[string]types.AttributeValue{"a": &types.AttributeValueMemberS{Value: "1"}, "b": &types.AttributeValueMemberS{Value: "2"}}}
	cur := s
	for i := 0; i < 20; i++ {
		cur = cur.Over([]Attr{{"a", &types.AttributeValueMemberS{Value: strconv.Itoa(i)}}, {"b", nil}})
		if cur.depth() >= maxLayers {
			t.Fatalf("depth %d after %d saves", cur.depth(), i+1)
		}
	}
	if v, ok := cur.Get("a"); !ok || v.(*types.AttributeValueMemberS).Value != "19" {
		t.Errorf("a = %v", v)
	}
	if _, ok := cur.Get("b"); ok {
		t.Error("b was removed")
	}
	if v, _ := s.Get("a"); v.(*types.AttributeValueMemberS).Value != "1" {
		t.Error("the first snapshot is not modified")
	}
	if u := Unknown().Over([]Attr{{"a", nil}}); !u.IsUnknown() {
		t.Error("a layer over an unknown item is unknown")
	}
}
