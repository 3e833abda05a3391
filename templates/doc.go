// Package templates holds the runtime of every generated Misskey client: the
// HTTP core, errors, optional values, retries, multipart uploads, MiAuth,
// paging and streaming. None of it depends on an API document.
//
// The files are ordinary Go, compiled and tested where they stand. The
// generator embeds them (see embed.go) and copies each one into the generated
// package with the package clause rewritten. Files that are not copied:
//
//   - embed.go (the embedding itself) and doc.go (this comment);
//   - *_test.go;
//   - spec_stub.go, which declares the few identifiers the generator emits from
//     the document (version strings, the endpoint table, stream event
//     decoding), so that this package builds and tests on its own.
//
// The subdirectory misskeytest is the runtime of the fake server generated
// beside every client (<out>/misskeytest). It is copied the same way, with
// its import of this package rewritten to the client's import path; its own
// spec_stub.go stands in for the endpoint table the generator emits.
package templates
