package templates

// The common frame, a channel event whose body the decoder types (a note on
// a timeline), is handled without scanning its body before the decoder
// does. Misskey writes {"type":"channel","body":{"id":…,"type":…,"body":…}}
// with "body" last in both objects, so the event's body runs from the inner
// "body" to the two closing braces at the end of the frame. That guess is
// right exactly when the slice is one JSON value: had another member
// followed, the slice would hold a comma after a complete value. The
// decoder checks the slice as it decodes it (the generated one decodes with
// encoding/json, which validates first), so a wrong guess fails there and
// the frame takes the general path, as does every frame the decoder gives
// no value.

// channelFrameFast returns the event of a channel frame whose body the
// decoder typed, or ok = false when the general path must handle the frame.
func (s *Stream) channelFrameFast(data []byte) (ev StreamEvent, c *Connection, ok bool) {
	if !s.cfg.decodeChecksJSON {
		return ev, nil, false
	}
	outerType, _, bodyAt, found := membersBeforeBody(data, 0)
	if !found || string(outerType) != `"channel"` {
		return ev, nil, false
	}
	innerType, innerID, innerBody, found := membersBeforeBody(data, bodyAt)
	if !found || innerType == nil || innerID == nil {
		return ev, nil, false
	}
	// The frame ends with the inner and the outer closing brace.
	end := trimSpaceRight(data, len(data))
	if end == 0 || data[end-1] != '}' {
		return ev, nil, false
	}
	end = trimSpaceRight(data, end-1)
	if end == 0 || data[end-1] != '}' {
		return ev, nil, false
	}
	end = trimSpaceRight(data, end-1)
	if end <= innerBody {
		return ev, nil, false
	}
	body := data[innerBody:end]
	typ, err := streamString(innerType)
	if err != nil {
		return ev, nil, false
	}
	// The connection ids are the stream's own, plain ASCII: looked up
	// without making a string of the raw id.
	if len(innerID) < 2 || innerID[0] != '"' || innerID[len(innerID)-1] != '"' {
		return ev, nil, false
	}
	s.mu.Lock()
	c = s.conns[string(innerID[1:len(innerID)-1])]
	s.mu.Unlock()
	if c == nil {
		return ev, nil, false
	}
	v, ms, err := s.cfg.decode(c.channel, typ, body, s.client != nil && s.client.strict)
	if err != nil || v == nil {
		return ev, nil, false
	}
	return StreamEvent{
		Kind:         EventChannel,
		Channel:      c.channel,
		ConnectionID: c.id,
		Connection:   c,
		Type:         EventType(typ),
		Body:         body,
		Value:        v,
		Mismatches:   ms,
		Raw:          data,
	}, c, true
}

// membersBeforeBody reads the members of the JSON object at or after i up
// to the one named "body", and returns the raw values of "type" and "id"
// met before it and the index where the value of "body" starts. found is
// false when the object has no such member, when a member name has escapes,
// or on malformed JSON.
func membersBeforeBody(data []byte, i int) (typ, id []byte, bodyAt int, found bool) {
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != '{' {
		return nil, nil, 0, false
	}
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] == '"' {
		end, escaped := skipString(data, i)
		if end < 0 || escaped {
			return nil, nil, 0, false
		}
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, nil, 0, false
		}
		i = skipSpace(data, i+1)
		if string(key) == "body" {
			return typ, id, i, i < len(data)
		}
		vend := skipValue(data, i)
		if vend < 0 {
			return nil, nil, 0, false
		}
		switch string(key) {
		case "type":
			typ = data[i:vend]
		case "id":
			id = data[i:vend]
		}
		i = skipSpace(data, vend)
		if i >= len(data) || data[i] != ',' {
			return nil, nil, 0, false
		}
		i = skipSpace(data, i+1)
	}
	return nil, nil, 0, false
}

// trimSpaceRight returns end moved back over JSON white space.
func trimSpaceRight(data []byte, end int) int {
	for end > 0 {
		switch data[end-1] {
		case ' ', '\t', '\n', '\r':
			end--
		default:
			return end
		}
	}
	return end
}
