package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/coder/websocket"
)

// Follow the home timeline and a note's reactions. In a generated package
// ev.Value holds the entity type of the event (a *Note for a timeline's
// "note"); this runtime package has no entity types, so the example reads
// the raw body.
func ExampleClient_Stream() {
	srv := exampleMisskey() // stands in for https://misskey.example
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the stream, like stream.Close()

	client := NewClient(srv.URL, WithToken("YOUR-TOKEN"))
	stream, err := client.Stream(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()

	home, err := stream.HomeTimeline(HomeTimelineParams{WithRenotes: Value(false)})
	if err != nil {
		log.Fatal(err)
	}
	if err := stream.SubNote("9zcx1aq0"); err != nil {
		log.Fatal(err)
	}

	for ev := range stream.Events() {
		switch ev.Kind {
		case EventConnected:
			fmt.Println("connected to", ev.Channel)
		case EventChannel:
			if ev.Connection == home && ev.Type == "note" {
				var note struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(ev.Body, &note); err != nil {
					log.Print(err)
					continue
				}
				fmt.Println("note:", note.Text)
			}
		case EventNoteUpdated:
			switch u := ev.Value.(type) {
			case *NoteReacted:
				fmt.Printf("%s reacted %s to %s\n", u.UserID, u.Reaction, ev.NoteID)
			case *NoteDeleted:
				fmt.Println(ev.NoteID, "deleted at", u.DeletedAt.Format("15:04"))
				stream.Close() // Events is closed and the loop ends
			}
		case EventDisconnected:
			log.Print("reconnecting: ", ev.Err)
		case EventReconnected:
			log.Print("back; fetch what was missed over the REST API")
		}
	}
	if err := stream.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// connected to homeTimeline
	// note: Hello from the stream
	// alice reacted 👍 to 9zcx1aq0
	// 9zcx1aq0 deleted at 20:15
}

// exampleMisskey serves a scripted /streaming session.
func exampleMisskey() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		ctx := r.Context()
		var connect struct {
			Body struct{ ID string } `json:"body"`
		}
		for _, want := range []string{"connect", "subNote"} {
			_, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			if want == "connect" {
				json.Unmarshal(data, &connect)
			}
		}
		id := connect.Body.ID
		for _, frame := range []string{
			`{"type":"connected","body":{"id":"` + id + `"}}`,
			`{"type":"channel","body":{"id":"` + id + `","type":"note","body":{"id":"9zcx1aq0","text":"Hello from the stream"}}}`,
			`{"type":"noteUpdated","body":{"id":"9zcx1aq0","type":"reacted","body":{"reaction":"👍","emoji":null,"userId":"alice"}}}`,
			`{"type":"noteUpdated","body":{"id":"9zcx1aq0","type":"deleted","body":{"deletedAt":"2026-11-24T20:15:21.636Z"}}}`,
		} {
			if conn.Write(ctx, websocket.MessageText, []byte(frame)) != nil {
				return
			}
		}
		for { // until the client closes
			if _, _, err := conn.Read(ctx); err != nil {
				return
			}
		}
	}))
}
