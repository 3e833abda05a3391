module example.com/misskey-bot

go 1.25.0

tool github.com/misskey-gen/misskey-gen/cmd/misskey-gen

require (
	github.com/coder/websocket v1.8.15
	github.com/misskey-gen/misskey-gen v0.0.0-00010101000000-000000000000 // indirect
)

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)

// This example lives inside the misskey-gen repository and uses the
// generator beside it. A real project drops this line and pins a release:
// go get -tool github.com/misskey-gen/misskey-gen/cmd/misskey-gen@latest
replace github.com/misskey-gen/misskey-gen => ../..
