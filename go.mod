module github.com/misskey-gen/misskey-gen

go 1.26.8

require (
	github.com/coder/websocket v1.8.15 // indirect
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
