// This directory holds the client misskey-gen generates for
// testdata/openapi.json. It is committed so that its diff shows what every
// change to the generator does to real output; `make check` proves it is
// current. This file is the only one here that is not generated.

package misskey

//go:generate go run ../cmd/misskey-gen -spec ../testdata/openapi.json -out . -package misskey
