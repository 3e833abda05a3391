package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// The fast path for channel frames gives exactly the event the general path
// gives, for every frame: well-formed, with "body" not last, with duplicate
// or escaped names, malformed.
func FuzzStreamFastPath(f *testing.F) {
	for _, s := range []string{
		`{"type":"channel","body":{"id":"1","type":"note","body":{"id":"x","text":"a\"b}}"}}}`,
		` { "type" : "channel" , "body" : { "id" : "1" , "type" : "note" , "body" : { "a" : 1 } } } `,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1},"x":{"b":2}}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1}},"x":{}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1},"body":{"a":2}}}`,
		`{"type":"channel","body":{"id":"1","body":{"a":1},"type":"note"}}`,
		`{"type":"channel","body":{"type":"note","id":"1","body":"x"}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":[1,2]}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":1}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":null}}`,
		`{"type":"channel","body":{"id":"2","type":"note","body":{}}}`,
		`{"type":"channel","body":{"id":"1","type":"n\u006fte","body":{}}}`,
		`{"type":"channel","body":{"id":"1","ty\u0070e":"other","type":"note","body":{}}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1}}}garbage`,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1}}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1}} }}`,
		`{"type":"channel","body":{"id":"1","type":"note","body":{"a":1},"type":"other"}}`,
		`{"body":{"id":"1","type":"note","body":{}},"type":"channel"}`,
		`{"type":"noteUpdated","body":{"id":"1","type":"note","body":{}}}`,
		`{"type":"channel","body":{"id":1,"type":"note","body":{}}}`,
		`{"type":"channel","body":{"id":"\u0031","type":"note","body":{}}}`,
	} {
		f.Add([]byte(s))
	}
	decode := func(channel, event string, body json.RawMessage, strict bool) (any, []Mismatch, error) {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, nil, err
		}
		return map[string]any{"channel": channel, "event": event, "value": v}, nil, nil
	}
	open := func(fast bool) *Stream {
		cfg := defaultStreamConfig()
		cfg.decode, cfg.decodeChecksJSON = decode, fast
		s := newStream(context.Background(), NewClient("https://misskey.example"), cfg)
		if _, err := s.HomeTimeline(HomeTimelineParams{}); err != nil {
			f.Fatal(err)
		}
		return s
	}
	fast, general := open(true), open(false)
	defer fast.cancel(nil)
	defer general.cancel(nil)
	describe := func(ev StreamEvent, c *Connection, ok bool) string {
		errText := ""
		if ev.Err != nil {
			errText = ev.Err.Error()
		}
		return fmt.Sprintf("ok=%v kind=%v ch=%q id=%q conn=%v type=%q body=%q raw=%q value=%#v err=%q",
			ok, ev.Kind, ev.Channel, ev.ConnectionID, c != nil, ev.Type, ev.Body, ev.Raw, ev.Value, errText)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a := describe(fast.handleFrame(data))
		b := describe(general.handleFrame(data))
		if a != b {
			t.Fatalf("%q:\nfast:    %s\ngeneral: %s", data, a, b)
		}
	})
}

// The fast path is taken for Misskey's frames.
func TestStreamFastPathTaken(t *testing.T) {
	cfg := defaultStreamConfig()
	cfg.decode = func(channel, event string, body json.RawMessage, strict bool) (any, []Mismatch, error) {
		var v any
		return &v, nil, json.Unmarshal(body, &v)
	}
	s := newStream(context.Background(), NewClient("https://misskey.example"), cfg)
	defer s.cancel(nil)
	c, _ := s.HomeTimeline(HomeTimelineParams{})
	frame := []byte(`{"type":"channel","body":{"id":"1","type":"note","body":{"id":"n1"}}}`)
	ev, conn, ok := s.channelFrameFast(frame)
	if !ok || conn != c || ev.Type != EventTypeNote || string(ev.Body) != `{"id":"n1"}` || !reflect.DeepEqual(*(ev.Value.(*any)), map[string]any{"id": "n1"}) {
		t.Errorf("fast path: ok %v, %+v", ok, ev)
	}
	if _, _, ok := s.channelFrameFast([]byte(`{"type":"channel","body":{"id":"1","type":"note","body":{"id":"n1"},"x":1}}`)); ok {
		t.Error("fast path taken for a frame whose body is not last")
	}
}
