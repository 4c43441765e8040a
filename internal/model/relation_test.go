package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dynamorm/dynamorm/internal/errs"
)

type relAuthor struct {
	ID    string    `dynamorm:"pk"`
	Posts []relPost `dynamorm:"rel:has_many,fk:AuthorID,index:by-author"`
}

type relPost struct {
	ID       string     `dynamorm:"pk"`
	AuthorID string     `dynamorm:"index:by-author,pk"`
	Author   *relAuthor `dynamorm:"rel:belongs_to,fk:AuthorID"`
	Links    []relLink  `dynamorm:"rel:has_many,fk:PostID"`
	Tags     []*relTag  `dynamorm:"rel:many_to_many,through:Links,fk:TagID"`
}

type relLink struct {
	PostID string `dynamorm:"pk"`
	TagID  string `dynamorm:"sk"`
}

type relTag struct {
	Name string `dynamorm:"pk"`
}

func TestRelationsResolve(t *testing.T) {
	m, err := Of(reflect.TypeOf(relPost{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Fields {
		if f.GoName == "Author" || f.GoName == "Links" || f.GoName == "Tags" {
			t.Errorf("relationship field %s is stored", f.GoName)
		}
	}
	rels, err := m.Relations()
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 3 {
		t.Fatalf("relations: %d", len(rels))
	}
	tags, _ := m.Relation("Tags")
	if tags.Kind != ManyToMany || tags.Via.Name != "Links" || !tags.Ptr || tags.Model.Name() != "relTag" || tags.FKFields[0].GoName != "TagID" {
		t.Errorf("Tags: %+v", tags)
	}
	author, _ := m.Relation("Author")
	if author.Kind != BelongsTo || author.Model.Name() != "relAuthor" || author.FKFields[0].GoName != "AuthorID" {
		t.Errorf("Author: %+v", author)
	}
	a, _ := Of(reflect.TypeOf(relAuthor{}))
	if _, err := a.Relations(); err != nil {
		t.Fatal(err)
	}
}

// Bad declarations fail, naming the struct, the field and the fix: the tag's
// form when the model is built, the related models' fields when resolved.
type (
	relBadKind struct {
		ID string     `dynamorm:"pk"`
		X  *relAuthor `dynamorm:"rel:owns,fk:ID"`
	}
	relNoFK struct {
		ID string     `dynamorm:"pk"`
		X  *relAuthor `dynamorm:"rel:belongs_to"`
	}
	relNotPointer struct {
		ID string    `dynamorm:"pk"`
		X  relAuthor `dynamorm:"rel:belongs_to,fk:ID"`
	}
	relNotSlice struct {
		ID string     `dynamorm:"pk"`
		X  *relAuthor `dynamorm:"rel:has_many,fk:ID"`
	}
	relNoThrough struct {
		ID string   `dynamorm:"pk"`
		X  []relTag `dynamorm:"rel:many_to_many,fk:TagID"`
	}
	relUnknownOpt struct {
		ID string     `dynamorm:"pk"`
		X  *relAuthor `dynamorm:"rel:belongs_to,fk:ID,lazy"`
	}
	relMissingFK struct {
		ID string     `dynamorm:"pk"`
		X  *relAuthor `dynamorm:"rel:belongs_to,fk:AuthorID"`
	}
	relWrongType struct {
		ID       string     `dynamorm:"pk"`
		AuthorID int        `dynamorm:"attr:author"`
		X        *relAuthor `dynamorm:"rel:belongs_to,fk:AuthorID"`
	}
	relTooManyFK struct {
		ID string `dynamorm:"pk"`
		A  string
		X  *relAuthor `dynamorm:"rel:belongs_to,fk:ID+A"`
	}
	relBadIndex struct {
		ID string    `dynamorm:"pk"`
		X  []relPost `dynamorm:"rel:has_many,fk:AuthorID,index:nope"`
	}
	relScans struct {
		ID string    `dynamorm:"pk"`
		X  []relLink `dynamorm:"rel:has_many,fk:TagID"`
	}
	relWrongIndex struct {
		ID string    `dynamorm:"pk"`
		X  []relPost `dynamorm:"rel:has_many,fk:ID,index:by-author"`
	}
	relBadThrough struct {
		ID string   `dynamorm:"pk"`
		X  []relTag `dynamorm:"rel:many_to_many,through:Y,fk:TagID"`
	}
)

func TestRelationErrors(t *testing.T) {
	built := []struct {
		v    any
		want string
	}{
		{relBadKind{}, `relBadKind.X: unknown relationship "owns"; use rel:belongs_to`},
		{relNoFK{}, "relNoFK.X: belongs_to needs fk:FIELD"},
		{relNotPointer{}, "relNotPointer.X: a belongs_to field must be a pointer to a struct"},
		{relNotSlice{}, "relNotSlice.X: a has_many field must be a slice"},
		{relNoThrough{}, "relNoThrough.X: many_to_many needs through:FIELD"},
		{relUnknownOpt{}, `relUnknownOpt.X: unknown relationship option "lazy"`},
	}
	for _, c := range built {
		_, err := Of(reflect.TypeOf(c.v))
		if !errors.Is(err, errs.ErrInvalidModel) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: %v; want %q", c.v, err, c.want)
		}
	}
	resolved := []struct {
		v    any
		want string
	}{
		{relMissingFK{}, "relMissingFK.X: fk:AuthorID: relMissingFK has no stored field AuthorID (fields: ID)"},
		{relWrongType{}, "relWrongType.X: fk:AuthorID: relWrongType.AuthorID (int) cannot hold relAuthor.ID (string)"},
		{relTooManyFK{}, "relTooManyFK.X: fk:ID+A names 2 field(s) of the owner relTooManyFK, but the key of relAuthor has 1 (ID)"},
		{relBadIndex{}, `relBadIndex.X: index:nope: relPost declares no index "nope"`},
		{relBadThrough{}, "relBadThrough.X: through:Y must name a field of relBadThrough tagged rel:has_many"},
		{relScans{}, "relScans.X: fk:TagID: neither the table nor an index of relLink has a partition key the fk fields give, so loading would scan"},
		{relWrongIndex{}, `relWrongIndex.X: index:by-author: the partition key of index "by-author" of relPost is not given by fk:ID`},
	}
	for _, c := range resolved {
		m, err := Of(reflect.TypeOf(c.v))
		if err != nil {
			t.Fatalf("%T: %v", c.v, err)
		}
		_, err = m.Relations()
		if !errors.Is(err, errs.ErrInvalidModel) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: %v; want %q", c.v, err, c.want)
		}
	}
}
