package dynamorm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// New builds the client without a network call; credentials are resolved
// on the first request. Explain shows the request a query would send.
func ExampleNew() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	db, err := dynamorm.New(session.Config{
		Region:   "us-east-1",
		Endpoint: "http://localhost:8000", // DynamoDB Local; leave empty for AWS
	})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := db.Model(&User{}).Where("ID", "=", "u1").Where("Email", "=", "ann@example.com").Explain()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(plan)
	// Output:
	// GetItem on users
	//   key: email="ann@example.com", id="u1"
}

// Model starts every operation: on a model value for item operations, on a
// pointer to a zero value for queries.
func ExampleDB_Model() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	// memdb is an in-process DynamoDB; an application would use
	// dynamorm.New(session.Config{Region: "us-east-1"}) or LambdaInit.
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&User{}); err != nil {
		log.Fatal(err)
	}

	user := &User{ID: "u1", Email: "ann@example.com", Name: "Ann", Team: "eng"}
	if err := db.Model(user).Create(); err != nil {
		log.Fatal(err)
	}
	var got User
	if err := db.Model(&User{ID: "u1", Email: "ann@example.com"}).First(&got); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s <%s>, team %s, version %d\n", got.Name, got.Email, got.Team, got.Version)

	err = db.Model(&User{ID: "u2", Email: "nobody@example.com"}).First(&got)
	fmt.Println("missing:", errors.Is(err, dynamorm.ErrItemNotFound))
	// Output:
	// Ann <ann@example.com>, team eng, version 1
	// missing: true
}

// Where on the partition key of an index makes a Query on that index,
// chosen automatically; All reads every match into a slice.
func ExampleDB_Model_whereAll() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	// memdb is an in-process DynamoDB; an application would use
	// dynamorm.New(session.Config{Region: "us-east-1"}) or LambdaInit.
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&User{}); err != nil {
		log.Fatal(err)
	}
	for _, u := range []*User{
		{ID: "u1", Email: "ann@example.com", Name: "Ann", Team: "eng"},
		{ID: "u2", Email: "bob@example.com", Name: "Bob", Team: "ops"},
		{ID: "u3", Email: "cy@example.com", Name: "Cy", Team: "eng"},
	} {
		if err := db.Model(u).Create(); err != nil {
			log.Fatal(err)
		}
	}

	query := db.Model(&User{}).Where("Team", "=", "eng").Filter("Name", "BEGINS_WITH", "A")
	plan, err := query.Explain()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(plan)

	var users []User
	if err := query.All(&users); err != nil {
		log.Fatal(err)
	}
	for _, u := range users {
		fmt.Println(u.ID, u.Name)
	}
	// Output:
	// Query on users (index team-index)
	//   key condition: team = "eng"
	//   filter: begins_with(name, "A")
	// u1 Ann
}

// Create fails with ErrConditionFailed when the item exists;
// CreateOrUpdate would overwrite it.
func ExampleDB_Model_create() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	// memdb is an in-process DynamoDB; an application would use
	// dynamorm.New(session.Config{Region: "us-east-1"}) or LambdaInit.
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&User{}); err != nil {
		log.Fatal(err)
	}

	err = db.Model(&User{ID: "u1", Email: "ann@example.com", Name: "Ann"}).Create()
	fmt.Println("first create:", err)
	err = db.Model(&User{ID: "u1", Email: "ann@example.com", Name: "Impostor"}).Create()
	fmt.Println("second create fails:", errors.Is(err, dynamorm.ErrConditionFailed))
	// Output:
	// first create: <nil>
	// second create fails: true
}

// Update writes the named fields of an existing item. A version field is
// checked and bumped, so a stale copy cannot overwrite a newer one.
func ExampleDB_Model_update() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	// memdb is an in-process DynamoDB; an application would use
	// dynamorm.New(session.Config{Region: "us-east-1"}) or LambdaInit.
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&User{}); err != nil {
		log.Fatal(err)
	}
	user := &User{ID: "u1", Email: "ann@example.com", Name: "Ann"}
	if err := db.Model(user).Create(); err != nil {
		log.Fatal(err)
	}
	stale := *user

	user.Name = "Ann Lee"
	if err := db.Model(user).Update("Name"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("updated to version", user.Version)

	stale.Name = "Old Ann"
	err = db.Model(&stale).Update("Name")
	fmt.Println("stale update fails:", errors.Is(err, dynamorm.ErrConditionFailed))

	err = db.Model(&User{ID: "u9", Email: "x@example.com", Name: "X"}).Update()
	fmt.Println("missing item:", errors.Is(err, dynamorm.ErrItemNotFound))
	// Output:
	// updated to version 2
	// stale update fails: true
	// missing item: true
}

// Writes made through tx commit together when the function returns nil;
// an error, returned or from DynamoDB, writes nothing.
func ExampleDB_Transaction() {
	type Account struct {
		ID      string `dynamorm:"pk" json:"id"`
		Balance int64  `json:"balance"`
	}
	type Transfer struct {
		ID     string `dynamorm:"pk" json:"id"`
		From   string `json:"from"`
		To     string `json:"to"`
		Amount int64  `json:"amount"`
	}
	// memdb is an in-process DynamoDB; an application would use
	// dynamorm.New(session.Config{Region: "us-east-1"}) or LambdaInit.
	db, err := dynamorm.New(session.Config{Client: memdb.New().Client()})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&Account{}); err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTable(&Transfer{}); err != nil {
		log.Fatal(err)
	}
	alice, bob := &Account{ID: "alice", Balance: 100}, &Account{ID: "bob", Balance: 0}
	for _, a := range []*Account{alice, bob} {
		if err := db.Model(a).Create(); err != nil {
			log.Fatal(err)
		}
	}

	transfer := func(id string, amount int64) error {
		return db.Transaction(func(tx *dynamorm.Tx) error {
			if alice.Balance < amount {
				return fmt.Errorf("transfer %s: insufficient funds", id)
			}
			alice.Balance -= amount
			bob.Balance += amount
			if err := tx.Model(alice).Update("Balance"); err != nil {
				return err
			}
			if err := tx.Model(bob).Update("Balance"); err != nil {
				return err
			}
			return tx.Model(&Transfer{ID: id, From: "alice", To: "bob", Amount: amount}).Create()
		})
	}
	fmt.Println(transfer("t1", 30))
	fmt.Println(transfer("t2", 500))
	err = transfer("t1", 10) // t1 exists: the whole transaction is cancelled
	fmt.Println("duplicate transfer:", errors.Is(err, dynamorm.ErrConditionFailed))

	var a, b Account
	_ = db.Model(&Account{ID: "alice"}).First(&a)
	_ = db.Model(&Account{ID: "bob"}).First(&b)
	fmt.Println("stored balances:", a.Balance, b.Balance)
	// Output:
	// <nil>
	// transfer t2: insufficient funds
	// duplicate transfer: true
	// stored balances: 70 30
}

// UnmarshalItem decodes a DynamoDB Streams image, as aws-lambda-go delivers
// it to a Lambda handler, with the same rules as every read. A REMOVE
// record carries the item in OldImage.
func ExampleUnmarshalItem() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	const event = `{"Records": [
	  {"eventName": "INSERT", "dynamodb": {"NewImage": {
	    "id": {"S": "u1"}, "email": {"S": "ann@example.com"}, "name": {"S": "Ann"}, "version": {"N": "1"}}}},
	  {"eventName": "REMOVE", "dynamodb": {"OldImage": {
	    "id": {"S": "u2"}, "email": {"S": "bob@example.com"}, "name": {"S": "Bob"}, "version": {"N": "4"}}}}
	]}`
	var e events.DynamoDBEvent
	if err := json.Unmarshal([]byte(event), &e); err != nil {
		log.Fatal(err)
	}
	for _, record := range e.Records {
		image := record.Change.NewImage
		if record.EventName == "REMOVE" {
			image = record.Change.OldImage
		}
		var user User
		if err := dynamorm.UnmarshalItem(image, &user); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %s %s v%d\n", record.EventName, user.ID, user.Name, user.Version)
	}
	// Output:
	// INSERT u1 Ann v1
	// REMOVE u2 Bob v4
}

// UnmarshalItems decodes many images at once; it accepts stream images
// ([]map[string]events.DynamoDBAttributeValue) and SDK items
// ([]map[string]types.AttributeValue).
func ExampleUnmarshalItems() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}
	images := []map[string]events.DynamoDBAttributeValue{
		{"id": events.NewStringAttribute("u1"), "name": events.NewStringAttribute("Ann")},
		{"id": events.NewStringAttribute("u2"), "name": events.NewStringAttribute("Bob")},
	}
	var users []User
	if err := dynamorm.UnmarshalItems(images, &users); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(users), users[0].Name, users[1].Name)
	// Output:
	// 2 Ann Bob
}

// An invalid model fails at first use, before anything is sent, with an
// error wrapping ErrInvalidModel that names the struct and the fix.
func ExampleDB_Register() {
	type User struct {
		ID   string `dynamorm:"pk"`
		Name string
	}
	type NoKey struct {
		Name string
	}
	db, err := dynamorm.New(session.Config{Region: "us-east-1"})
	if err != nil {
		log.Fatal(err)
	}
	err = db.Register(&User{}, &NoKey{})
	fmt.Println(errors.Is(err, dynamorm.ErrInvalidModel))
	// Output:
	// true
}

// A Lambda function builds its DB once, in init(), and reuses it in every
// invocation. (Not run here: it needs the Lambda environment.)
func ExampleLambdaInit() {
	type User struct {
		ID      string `dynamorm:"pk" json:"id"`
		Email   string `dynamorm:"sk" json:"email"`
		Name    string `json:"name"`
		Team    string `dynamorm:"index:team-index,pk" json:"team"`
		Version int64  `dynamorm:"version" json:"version"`
	}

	var db *dynamorm.LambdaDB // a package-level variable

	// func init() {
	var err error
	db, err = dynamorm.LambdaInit(&User{}) // models compiled now
	if err != nil {
		panic(err)
	}
	// }

	handler := func(ctx context.Context, user User) error {
		ctx, cancel := dynamorm.WithLambdaTimeout(ctx)
		defer cancel()
		return db.WithContext(ctx).Model(&user).CreateOrUpdate()
	}
	_ = handler // lambda.Start(handler)
}

// WithLambdaTimeout ends requests a tenth of the remaining time (at most
// 500 ms) before the invocation's deadline.
func ExampleWithLambdaTimeout() {
	for _, remaining := range []time.Duration{3 * time.Second, 15 * time.Minute} {
		invocation, cancelInvocation := context.WithTimeout(context.Background(), remaining)
		ctx, cancel := dynamorm.WithLambdaTimeout(invocation)

		lambdaDeadline, _ := invocation.Deadline()
		deadline, _ := ctx.Deadline()
		fmt.Printf("%v invocation: requests stop %v early\n", remaining, lambdaDeadline.Sub(deadline).Round(100*time.Millisecond))
		cancel()
		cancelInvocation()
	}
	// Output:
	// 3s invocation: requests stop 300ms early
	// 15m0s invocation: requests stop 500ms early
}
