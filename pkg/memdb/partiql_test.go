package memdb

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Statements outside the subset answer a ValidationException that says so
// and change nothing.
func TestPartiQLOutsideTheSubsetSaysSo(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	c := srv.Client()
	newTable(t, c, "things")
	for _, st := range []string{
		"SELECT COUNT(*) FROM things",
		"UPDATE things SET x = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
		"INSERT INTO things VALUE {'pk': 'a', 'sk': 1} RETURNING ALL NEW *",
		"SELECT * FROM things WHERE pk = 'a' AND x IS NULL",
		"UPDATE things SET x = upper(y) WHERE pk = 'a' AND sk = 1",
	} {
		_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(st)})
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae, st)
		assert.Equal(t, "ValidationException", ae.ErrorCode(), st)
		assert.Contains(t, ae.ErrorMessage(), "out of scope", st)
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("things")})
	require.NoError(t, err)
	assert.Zero(t, out.Count, "nothing was written")
}

// PartiQL writes go through the same commit path as every write: they
// appear in the table's stream.
func TestPartiQLWritesAreStreamed(t *testing.T) {
	ctx := context.Background()
	srv := New()
	defer srv.Close()
	c := srv.Client()
	streamTable(t, c, "")
	r, err := NewStreamReader(ctx, c, "things")
	require.NoError(t, err)
	for _, st := range []string{
		"INSERT INTO things VALUE {'pk': 'a', 'sk': 1, 'v': 1}",
		"UPDATE things SET v = v + 1 WHERE pk = 'a' AND sk = 1",
		"DELETE FROM things WHERE pk = 'a' AND sk = 1",
	} {
		_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(st)})
		require.NoError(t, err, st)
	}
	ev, err := r.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 3)
	assert.Equal(t, "INSERT", ev.Records[0].EventName)
	assert.Equal(t, "2", ev.Records[1].Change.NewImage["v"].Number())
	assert.Equal(t, "REMOVE", ev.Records[2].EventName)
}
