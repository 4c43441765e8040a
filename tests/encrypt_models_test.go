package tests

import (
	"net/netip"
	"testing"
	"time"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// encNested is a nested struct stored inside an encrypted field.
type encNested struct {
	Label string
	Score float64
	Tags  []string
}

// encAll has an encrypted field of every storable type (and two plain
// ones): every one must come back as it was written.
type encAll struct {
	ID       string             `dynamorm:"pk"`
	Plain    string             `dynamorm:"omitempty"`
	Str      string             `dynamorm:"encrypted"`
	Int      int64              `dynamorm:"encrypted"`
	Uint     uint64             `dynamorm:"encrypted"`
	Float    float64            `dynamorm:"encrypted"`
	Bool     bool               `dynamorm:"encrypted"`
	Bytes    []byte             `dynamorm:"encrypted"`
	Time     time.Time          `dynamorm:"encrypted"`
	Unix     time.Time          `dynamorm:"encrypted,unixtime"`
	Dur      time.Duration      `dynamorm:"encrypted"`
	Ptr      *string            `dynamorm:"encrypted"`
	NilPtr   *int               `dynamorm:"encrypted"`
	List     []string           `dynamorm:"encrypted"`
	StrSet   []string           `dynamorm:"encrypted,set"`
	NumSet   []int              `dynamorm:"encrypted,set"`
	BinSet   [][]byte           `dynamorm:"encrypted,set"`
	Map      map[string]int     `dynamorm:"encrypted"`
	Array    [3]int16           `dynamorm:"encrypted"`
	Nested   encNested          `dynamorm:"encrypted"`
	NestPtr  *encNested         `dynamorm:"encrypted"`
	Addr     netip.Addr         `dynamorm:"encrypted"`
	Any      map[string]any     `dynamorm:"encrypted"`
	Empty    string             `dynamorm:"encrypted,omitempty"`
	Version  int                `dynamorm:"version"`
	Updated  time.Time          `dynamorm:"updated_at"`
	Counters map[string]float64 `dynamorm:"encrypted,omitempty"`
}

func (encAll) TableName() string { return "enc_all" }

// encCard is a tracked model with encrypted and plain fields, a version
// and an index on a plain field.
type encCard struct {
	dynamorm.Tracked
	ID          string `dynamorm:"pk"`
	Owner       string `dynamorm:"index:by-owner,pk"`
	Fingerprint string `dynamorm:"encrypted"`
	Note        string `dynamorm:"encrypted,omitempty"`
	Brand       string
	Version     int `dynamorm:"version"`
}

func (encCard) TableName() string { return "enc_cards" }

// encRecord is an entity whose encrypted note shares a table with others.
type encRecord struct {
	dynamorm.Entity `dynamorm:"table:enc_shop,entity:record,pk:PATIENT#{Patient},sk:RECORD#{N}"`
	Patient         string
	N               int
	Diagnosis       string `dynamorm:"encrypted"`
	Visible         string
}

// encEnv is a test database with the encryption models' tables and a DB
// encrypting under key-1 of keys (a new LocalKeys when nil).
type encEnv struct {
	*env
	keys *dynamormtest.LocalKeys
	edb  *dynamorm.DB
}

func newEncEnv(t *testing.T) *encEnv {
	t.Helper()
	e := newEnv(t, &encAll{}, &encCard{})
	if err := e.db.AutoMigrate(&encRecord{}); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	t.Cleanup(func() {
		if err := e.db.DeleteTable(&encRecord{}); err != nil {
			t.Errorf("DeleteTable: %v", err)
		}
	})
	ee := &encEnv{env: e, keys: dynamormtest.NewLocalKeys()}
	ee.edb = ee.dbWith(t, "key-1", nil)
	return ee
}

// dbWith is a DB on e's tables encrypting under keyID with e's keys;
// edit, when set, changes the configuration first.
func (e *encEnv) dbWith(t *testing.T, keyID string, edit func(*session.Config)) *dynamorm.DB {
	t.Helper()
	cfg := sessionFor(e.count, e.env)
	cfg.KMSKeyARN, cfg.KMSClient = keyID, e.keys
	if edit != nil {
		edit(&cfg)
	}
	db, err := dynamorm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// encNote is a tenant-scoped entity with an encrypted body.
type encNote struct {
	dynamorm.Entity `dynamorm:"table:enc_notes,entity:note,tenant,pk:NOTE#{ID},sk:NOTE"`
	ID              string
	Body            string `dynamorm:"encrypted"`
}
