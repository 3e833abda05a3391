# misskey-gen — see README.md.
#
#   make generate   regenerate generated/ from testdata/openapi.json, and the example's client
#   make test       everything CI runs: formatting, vet, drift check, tests (race on the runtime)
#   make check      fail when generated/ is not what the generator writes now
#   make fuzz       fuzz the document loader and the response decoder, FUZZTIME each (default 60s)
#   make bench      the benchmarks quoted in README.md

GO       ?= go
FUZZTIME ?= 60s
export GOFLAGS ?= -mod=mod

.PHONY: all generate check test vet fmt-check fuzz bench

all: generate test

generate:
	$(GO) generate ./generated/
	cd examples/downstream && $(GO) generate ./...

check:
	$(GO) run ./cmd/misskey-gen -spec testdata/openapi.json -out generated -package misskey -check

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test: fmt-check vet check
	$(GO) test -race -count=1 ./templates/... ./internal/...
	$(GO) test -count=1 -timeout 40m $$($(GO) list ./... | grep -v -e /templates -e /internal/)

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./generator
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./templates

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./generator ./templates ./generated
