// Command kmshandler is a Lambda handler on dynamorm that encrypts a field
// with AWS KMS (pkg/kmskeys): the counterpart of dynamormhandler in the
// dead-code test, which checks that only a program like this one links
// the KMS client. It is built, never run.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/kmskeys"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// Patient has an encrypted field.
type Patient struct {
	ID         string `dynamorm:"pk"`
	NationalID string `dynamorm:"encrypted"`
}

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	db, err := dynamorm.New(session.Config{KMSKeyARN: "alias/patients", KMSClient: kmskeys.New(kms.NewFromConfig(cfg))})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(func(ctx context.Context, p Patient) error {
		return db.WithContext(ctx).Model(&p).Create()
	})
}
