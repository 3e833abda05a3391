package templates

import (
	"encoding/json"
	"time"
)

// Hand-written types in exactly the shape the generator emits for the
// codec (see the "Generated code" section of the codec contract): a note
// with its user, files, poll and channel, a union of two JSON kinds, a
// flattened object union, a tuple and a recursive role condition. The tests
// and benchmarks decode and encode through them; plainNote and friends are
// the same fields as encoding/json users would write them.

type tNoteVisibility string

type tNoteReactionAcceptance string

type tUserOnlineStatus string

// tNote mirrors the Note schema. Field indices for seen: 0 id, 1 createdAt,
// 2 userId, 3 user, 4 text, 5 visibility, 6 reactionAcceptance, 7
// renoteCount, 8 repliesCount, 9 reactionCount, 10 reactions, 11
// reactionEmojis. Null bits: 0 cw, 1 replyId, 2 renoteId, 3 reply, 4 renote,
// 5 myReaction, 6 poll, 7 channelId, 8 channel.
type tNote struct {
	ID                 string                   `json:"id"`
	CreatedAt          time.Time                `json:"createdAt"`
	UserID             string                   `json:"userId"`
	User               tUserLite                `json:"user"`
	Text               *string                  `json:"text"`
	CW                 *string                  `json:"cw,omitzero"`
	Visibility         tNoteVisibility          `json:"visibility"`
	LocalOnly          *bool                    `json:"localOnly,omitzero"`
	ReactionAcceptance *tNoteReactionAcceptance `json:"reactionAcceptance"`
	RenoteCount        int64                    `json:"renoteCount"`
	RepliesCount       int64                    `json:"repliesCount"`
	ReactionCount      int64                    `json:"reactionCount"`
	Reactions          map[string]int64         `json:"reactions"`
	ReactionEmojis     map[string]string        `json:"reactionEmojis"`
	FileIDs            []string                 `json:"fileIds,omitzero"`
	Files              []tDriveFile             `json:"files,omitzero"`
	ReplyID            *string                  `json:"replyId,omitzero"`
	RenoteID           *string                  `json:"renoteId,omitzero"`
	Mentions           []string                 `json:"mentions,omitzero"`
	ClippedCount       *float64                 `json:"clippedCount,omitzero"`
	Reply              *tNote                   `json:"reply,omitzero"`
	Renote             *tNote                   `json:"renote,omitzero"`
	Tags               []string                 `json:"tags,omitzero"`
	MyReaction         *string                  `json:"myReaction,omitzero"`
	VisibleUserIDs     []string                 `json:"visibleUserIds,omitzero"`
	Poll               *tNotePoll               `json:"poll,omitzero"`
	ChannelID          *string                  `json:"channelId,omitzero"`
	Channel            *tNoteChannel            `json:"channel,omitzero"`
	Extra              Members                  `json:"-"`
	nulls              uint64
}

func (x *tNote) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tNote{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "createdAt":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "createdAt", d.at(), decTime(&x.CreatedAt, d), "date-time string")
		case "userId":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "userId", d.at(), decString(&x.UserID, d), "string")
		case "user":
			seen[0] |= 1 << 3
			d.field(&x.Extra, "user", d.at(), x.User.decodeJSON(d), "UserLite")
		case "text":
			seen[0] |= 1 << 4
			if d.null() {
				x.Text = nil
				x.Extra.forgetDeclared("text")
			} else {
				d.field(&x.Extra, "text", d.at(), decPtr(&x.Text, d, decString), "string or null")
			}
		case "cw":
			if d.null() {
				x.CW = nil
				x.nulls |= 1 << 0
				x.Extra.forgetDeclared("cw")
			} else {
				d.field(&x.Extra, "cw", d.at(), decPtr(&x.CW, d, decString), "string or null")
			}
		case "visibility":
			seen[0] |= 1 << 5
			d.field(&x.Extra, "visibility", d.at(), decEnum(&x.Visibility, d), "string")
		case "localOnly":
			d.field(&x.Extra, "localOnly", d.at(), decPtr(&x.LocalOnly, d, decBool), "boolean")
		case "reactionAcceptance":
			seen[0] |= 1 << 6
			if d.null() {
				x.ReactionAcceptance = nil
				x.Extra.forgetDeclared("reactionAcceptance")
			} else {
				d.field(&x.Extra, "reactionAcceptance", d.at(), decPtr(&x.ReactionAcceptance, d, decEnum[tNoteReactionAcceptance]), "string or null")
			}
		case "renoteCount":
			seen[0] |= 1 << 7
			d.field(&x.Extra, "renoteCount", d.at(), decInt64(&x.RenoteCount, d), "integer")
		case "repliesCount":
			seen[0] |= 1 << 8
			d.field(&x.Extra, "repliesCount", d.at(), decInt64(&x.RepliesCount, d), "integer")
		case "reactionCount":
			seen[0] |= 1 << 9
			d.field(&x.Extra, "reactionCount", d.at(), decInt64(&x.ReactionCount, d), "integer")
		case "reactions":
			seen[0] |= 1 << 10
			d.field(&x.Extra, "reactions", d.at(), decMap(&x.Reactions, d, decInt64), "object of integer")
		case "reactionEmojis":
			seen[0] |= 1 << 11
			d.field(&x.Extra, "reactionEmojis", d.at(), decMap(&x.ReactionEmojis, d, decString), "object of string")
		case "fileIds":
			d.field(&x.Extra, "fileIds", d.at(), decSlice(&x.FileIDs, d, decString), "array of string")
		case "files":
			d.field(&x.Extra, "files", d.at(), decSlice(&x.Files, d, (*tDriveFile).decodeJSON), "array of DriveFile")
		case "replyId":
			if d.null() {
				x.ReplyID = nil
				x.nulls |= 1 << 1
				x.Extra.forgetDeclared("replyId")
			} else {
				d.field(&x.Extra, "replyId", d.at(), decPtr(&x.ReplyID, d, decString), "string or null")
			}
		case "renoteId":
			if d.null() {
				x.RenoteID = nil
				x.nulls |= 1 << 2
				x.Extra.forgetDeclared("renoteId")
			} else {
				d.field(&x.Extra, "renoteId", d.at(), decPtr(&x.RenoteID, d, decString), "string or null")
			}
		case "mentions":
			d.field(&x.Extra, "mentions", d.at(), decSlice(&x.Mentions, d, decString), "array of string")
		case "clippedCount":
			d.field(&x.Extra, "clippedCount", d.at(), decPtr(&x.ClippedCount, d, decFloat64), "number")
		case "reply":
			if d.null() {
				x.Reply = nil
				x.nulls |= 1 << 3
				x.Extra.forgetDeclared("reply")
			} else {
				d.field(&x.Extra, "reply", d.at(), decPtr(&x.Reply, d, (*tNote).decodeJSON), "Note or null")
			}
		case "renote":
			if d.null() {
				x.Renote = nil
				x.nulls |= 1 << 4
				x.Extra.forgetDeclared("renote")
			} else {
				d.field(&x.Extra, "renote", d.at(), decPtr(&x.Renote, d, (*tNote).decodeJSON), "Note or null")
			}
		case "tags":
			d.field(&x.Extra, "tags", d.at(), decSlice(&x.Tags, d, decString), "array of string")
		case "myReaction":
			if d.null() {
				x.MyReaction = nil
				x.nulls |= 1 << 5
				x.Extra.forgetDeclared("myReaction")
			} else {
				d.field(&x.Extra, "myReaction", d.at(), decPtr(&x.MyReaction, d, decString), "string or null")
			}
		case "visibleUserIds":
			d.field(&x.Extra, "visibleUserIds", d.at(), decSlice(&x.VisibleUserIDs, d, decString), "array of string")
		case "poll":
			if d.null() {
				x.Poll = nil
				x.nulls |= 1 << 6
				x.Extra.forgetDeclared("poll")
			} else {
				d.field(&x.Extra, "poll", d.at(), decPtr(&x.Poll, d, (*tNotePoll).decodeJSON), "NotePoll or null")
			}
		case "channelId":
			if d.null() {
				x.ChannelID = nil
				x.nulls |= 1 << 7
				x.Extra.forgetDeclared("channelId")
			} else {
				d.field(&x.Extra, "channelId", d.at(), decPtr(&x.ChannelID, d, decString), "string or null")
			}
		case "channel":
			if d.null() {
				x.Channel = nil
				x.nulls |= 1 << 8
				x.Extra.forgetDeclared("channel")
			} else {
				d.field(&x.Extra, "channel", d.at(), decPtr(&x.Channel, d, (*tNoteChannel).decodeJSON), "NoteChannel or null")
			}
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0xfff != 0xfff {
		for i, name := range [...]string{"id", "createdAt", "userId", "user", "text", "visibility", "reactionAcceptance", "renoteCount", "repliesCount", "reactionCount", "reactions", "reactionEmojis"} {
			if seen[0]&(1<<i) == 0 {
				x.Extra.markAbsent(name)
			}
		}
	}
	return true
}

func (x *tNote) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "createdAt") {
		encTime(&x.CreatedAt, e)
	}
	if e.field(&x.Extra, "userId") {
		encString(&x.UserID, e)
	}
	if e.field(&x.Extra, "user") {
		x.User.encodeJSON(e)
	}
	if e.field(&x.Extra, "text") {
		encPtr(&x.Text, e, encString)
	}
	if x.CW != nil || x.nulls&(1<<0) != 0 {
		if e.field(&x.Extra, "cw") {
			encPtr(&x.CW, e, encString)
		}
	}
	if e.field(&x.Extra, "visibility") {
		encEnum(&x.Visibility, e)
	}
	if x.LocalOnly != nil {
		if e.field(&x.Extra, "localOnly") {
			encPtr(&x.LocalOnly, e, encBool)
		}
	}
	if e.field(&x.Extra, "reactionAcceptance") {
		encPtr(&x.ReactionAcceptance, e, encEnum[tNoteReactionAcceptance])
	}
	if e.field(&x.Extra, "renoteCount") {
		encInt64(&x.RenoteCount, e)
	}
	if e.field(&x.Extra, "repliesCount") {
		encInt64(&x.RepliesCount, e)
	}
	if e.field(&x.Extra, "reactionCount") {
		encInt64(&x.ReactionCount, e)
	}
	if e.field(&x.Extra, "reactions") {
		if x.Reactions == nil {
			e.rawBytes("{}")
		} else {
			encMap(&x.Reactions, e, encInt64)
		}
	}
	if e.field(&x.Extra, "reactionEmojis") {
		if x.ReactionEmojis == nil {
			e.rawBytes("{}")
		} else {
			encMap(&x.ReactionEmojis, e, encString)
		}
	}
	if x.FileIDs != nil {
		if e.field(&x.Extra, "fileIds") {
			encSlice(&x.FileIDs, e, encString)
		}
	}
	if x.Files != nil {
		if e.field(&x.Extra, "files") {
			encSlice(&x.Files, e, (*tDriveFile).encodeJSON)
		}
	}
	if x.ReplyID != nil || x.nulls&(1<<1) != 0 {
		if e.field(&x.Extra, "replyId") {
			encPtr(&x.ReplyID, e, encString)
		}
	}
	if x.RenoteID != nil || x.nulls&(1<<2) != 0 {
		if e.field(&x.Extra, "renoteId") {
			encPtr(&x.RenoteID, e, encString)
		}
	}
	if x.Mentions != nil {
		if e.field(&x.Extra, "mentions") {
			encSlice(&x.Mentions, e, encString)
		}
	}
	if x.ClippedCount != nil {
		if e.field(&x.Extra, "clippedCount") {
			encPtr(&x.ClippedCount, e, encFloat64)
		}
	}
	if x.Reply != nil || x.nulls&(1<<3) != 0 {
		if e.field(&x.Extra, "reply") {
			encPtr(&x.Reply, e, (*tNote).encodeJSON)
		}
	}
	if x.Renote != nil || x.nulls&(1<<4) != 0 {
		if e.field(&x.Extra, "renote") {
			encPtr(&x.Renote, e, (*tNote).encodeJSON)
		}
	}
	if x.Tags != nil {
		if e.field(&x.Extra, "tags") {
			encSlice(&x.Tags, e, encString)
		}
	}
	if x.MyReaction != nil || x.nulls&(1<<5) != 0 {
		if e.field(&x.Extra, "myReaction") {
			encPtr(&x.MyReaction, e, encString)
		}
	}
	if x.VisibleUserIDs != nil {
		if e.field(&x.Extra, "visibleUserIds") {
			encSlice(&x.VisibleUserIDs, e, encString)
		}
	}
	if x.Poll != nil || x.nulls&(1<<6) != 0 {
		if e.field(&x.Extra, "poll") {
			encPtr(&x.Poll, e, (*tNotePoll).encodeJSON)
		}
	}
	if x.ChannelID != nil || x.nulls&(1<<7) != 0 {
		if e.field(&x.Extra, "channelId") {
			encPtr(&x.ChannelID, e, encString)
		}
	}
	if x.Channel != nil || x.nulls&(1<<8) != 0 {
		if e.field(&x.Extra, "channel") {
			encPtr(&x.Channel, e, (*tNoteChannel).encodeJSON)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

func (x *tNote) UnmarshalJSON(data []byte) error { return unmarshalJSONValue(data, x) }
func (x tNote) MarshalJSON() ([]byte, error)     { return marshalJSONValue(&x) }

// tUserLite mirrors UserLite. seen: 0 id, 1 name, 2 username, 3 host, 4
// avatarUrl, 5 avatarBlurhash, 6 avatarDecorations, 7 emojis, 8
// onlineStatus.
type tUserLite struct {
	ID                string              `json:"id"`
	Name              *string             `json:"name"`
	Username          string              `json:"username"`
	Host              *string             `json:"host"`
	AvatarURL         *string             `json:"avatarUrl"`
	AvatarBlurhash    *string             `json:"avatarBlurhash"`
	AvatarDecorations []tAvatarDecoration `json:"avatarDecorations"`
	IsBot             *bool               `json:"isBot,omitzero"`
	IsCat             *bool               `json:"isCat,omitzero"`
	Emojis            map[string]string   `json:"emojis"`
	OnlineStatus      tUserOnlineStatus   `json:"onlineStatus"`
	BadgeRoles        []tBadgeRole        `json:"badgeRoles,omitzero"`
	Instance          *tUserLiteInstance  `json:"instance,omitzero"`
	Extra             Members             `json:"-"`
}

func (x *tUserLite) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tUserLite{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "name":
			seen[0] |= 1 << 1
			if d.null() {
				x.Name = nil
				x.Extra.forgetDeclared("name")
			} else {
				d.field(&x.Extra, "name", d.at(), decPtr(&x.Name, d, decString), "string or null")
			}
		case "username":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "username", d.at(), decString(&x.Username, d), "string")
		case "host":
			seen[0] |= 1 << 3
			if d.null() {
				x.Host = nil
				x.Extra.forgetDeclared("host")
			} else {
				d.field(&x.Extra, "host", d.at(), decPtr(&x.Host, d, decString), "string or null")
			}
		case "avatarUrl":
			seen[0] |= 1 << 4
			if d.null() {
				x.AvatarURL = nil
				x.Extra.forgetDeclared("avatarUrl")
			} else {
				d.field(&x.Extra, "avatarUrl", d.at(), decPtr(&x.AvatarURL, d, decString), "string or null")
			}
		case "avatarBlurhash":
			seen[0] |= 1 << 5
			if d.null() {
				x.AvatarBlurhash = nil
				x.Extra.forgetDeclared("avatarBlurhash")
			} else {
				d.field(&x.Extra, "avatarBlurhash", d.at(), decPtr(&x.AvatarBlurhash, d, decString), "string or null")
			}
		case "avatarDecorations":
			seen[0] |= 1 << 6
			d.field(&x.Extra, "avatarDecorations", d.at(), decSlice(&x.AvatarDecorations, d, (*tAvatarDecoration).decodeJSON), "array of AvatarDecoration")
		case "isBot":
			d.field(&x.Extra, "isBot", d.at(), decPtr(&x.IsBot, d, decBool), "boolean")
		case "isCat":
			d.field(&x.Extra, "isCat", d.at(), decPtr(&x.IsCat, d, decBool), "boolean")
		case "emojis":
			seen[0] |= 1 << 7
			d.field(&x.Extra, "emojis", d.at(), decMap(&x.Emojis, d, decString), "object of string")
		case "onlineStatus":
			seen[0] |= 1 << 8
			d.field(&x.Extra, "onlineStatus", d.at(), decEnum(&x.OnlineStatus, d), "string")
		case "badgeRoles":
			d.field(&x.Extra, "badgeRoles", d.at(), decSlice(&x.BadgeRoles, d, (*tBadgeRole).decodeJSON), "array of BadgeRole")
		case "instance":
			d.field(&x.Extra, "instance", d.at(), decPtr(&x.Instance, d, (*tUserLiteInstance).decodeJSON), "UserLiteInstance")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0x1ff != 0x1ff {
		for i, name := range [...]string{"id", "name", "username", "host", "avatarUrl", "avatarBlurhash", "avatarDecorations", "emojis", "onlineStatus"} {
			if seen[0]&(1<<i) == 0 {
				x.Extra.markAbsent(name)
			}
		}
	}
	return true
}

func (x *tUserLite) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "name") {
		encPtr(&x.Name, e, encString)
	}
	if e.field(&x.Extra, "username") {
		encString(&x.Username, e)
	}
	if e.field(&x.Extra, "host") {
		encPtr(&x.Host, e, encString)
	}
	if e.field(&x.Extra, "avatarUrl") {
		encPtr(&x.AvatarURL, e, encString)
	}
	if e.field(&x.Extra, "avatarBlurhash") {
		encPtr(&x.AvatarBlurhash, e, encString)
	}
	if e.field(&x.Extra, "avatarDecorations") {
		if x.AvatarDecorations == nil {
			e.rawBytes("[]")
		} else {
			encSlice(&x.AvatarDecorations, e, (*tAvatarDecoration).encodeJSON)
		}
	}
	if x.IsBot != nil {
		if e.field(&x.Extra, "isBot") {
			encPtr(&x.IsBot, e, encBool)
		}
	}
	if x.IsCat != nil {
		if e.field(&x.Extra, "isCat") {
			encPtr(&x.IsCat, e, encBool)
		}
	}
	if e.field(&x.Extra, "emojis") {
		if x.Emojis == nil {
			e.rawBytes("{}")
		} else {
			encMap(&x.Emojis, e, encString)
		}
	}
	if e.field(&x.Extra, "onlineStatus") {
		encEnum(&x.OnlineStatus, e)
	}
	if x.BadgeRoles != nil {
		if e.field(&x.Extra, "badgeRoles") {
			encSlice(&x.BadgeRoles, e, (*tBadgeRole).encodeJSON)
		}
	}
	if x.Instance != nil {
		if e.field(&x.Extra, "instance") {
			encPtr(&x.Instance, e, (*tUserLiteInstance).encodeJSON)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tAvatarDecoration: seen 0 id, 1 url.
type tAvatarDecoration struct {
	ID      string   `json:"id"`
	URL     string   `json:"url"`
	Angle   *float64 `json:"angle,omitzero"`
	FlipH   *bool    `json:"flipH,omitzero"`
	OffsetX *float64 `json:"offsetX,omitzero"`
	OffsetY *float64 `json:"offsetY,omitzero"`
	Extra   Members  `json:"-"`
}

func (x *tAvatarDecoration) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tAvatarDecoration{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "url":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "url", d.at(), decString(&x.URL, d), "string")
		case "angle":
			d.field(&x.Extra, "angle", d.at(), decPtr(&x.Angle, d, decFloat64), "number")
		case "flipH":
			d.field(&x.Extra, "flipH", d.at(), decPtr(&x.FlipH, d, decBool), "boolean")
		case "offsetX":
			d.field(&x.Extra, "offsetX", d.at(), decPtr(&x.OffsetX, d, decFloat64), "number")
		case "offsetY":
			d.field(&x.Extra, "offsetY", d.at(), decPtr(&x.OffsetY, d, decFloat64), "number")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0b11 != 0b11 {
		if seen[0]&(1<<0) == 0 {
			x.Extra.markAbsent("id")
		}
		if seen[0]&(1<<1) == 0 {
			x.Extra.markAbsent("url")
		}
	}
	return true
}

func (x *tAvatarDecoration) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "url") {
		encString(&x.URL, e)
	}
	if x.Angle != nil {
		if e.field(&x.Extra, "angle") {
			encPtr(&x.Angle, e, encFloat64)
		}
	}
	if x.FlipH != nil {
		if e.field(&x.Extra, "flipH") {
			encPtr(&x.FlipH, e, encBool)
		}
	}
	if x.OffsetX != nil {
		if e.field(&x.Extra, "offsetX") {
			encPtr(&x.OffsetX, e, encFloat64)
		}
	}
	if x.OffsetY != nil {
		if e.field(&x.Extra, "offsetY") {
			encPtr(&x.OffsetY, e, encFloat64)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tBadgeRole: seen 0 name, 1 iconUrl, 2 displayOrder.
type tBadgeRole struct {
	Name         string  `json:"name"`
	IconURL      *string `json:"iconUrl"`
	DisplayOrder int64   `json:"displayOrder"`
	Extra        Members `json:"-"`
}

func (x *tBadgeRole) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tBadgeRole{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "name":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "name", d.at(), decString(&x.Name, d), "string")
		case "iconUrl":
			seen[0] |= 1 << 1
			if d.null() {
				x.IconURL = nil
				x.Extra.forgetDeclared("iconUrl")
			} else {
				d.field(&x.Extra, "iconUrl", d.at(), decPtr(&x.IconURL, d, decString), "string or null")
			}
		case "displayOrder":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "displayOrder", d.at(), decInt64(&x.DisplayOrder, d), "integer")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0b111 != 0b111 {
		for i, name := range [...]string{"name", "iconUrl", "displayOrder"} {
			if seen[0]&(1<<i) == 0 {
				x.Extra.markAbsent(name)
			}
		}
	}
	return true
}

func (x *tBadgeRole) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "name") {
		encString(&x.Name, e)
	}
	if e.field(&x.Extra, "iconUrl") {
		encPtr(&x.IconURL, e, encString)
	}
	if e.field(&x.Extra, "displayOrder") {
		encInt64(&x.DisplayOrder, e)
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tUserLiteInstance: every field optional.
type tUserLiteInstance struct {
	Name         *string `json:"name,omitzero"`
	SoftwareName *string `json:"softwareName,omitzero"`
	IconURL      *string `json:"iconUrl,omitzero"`
	ThemeColor   *string `json:"themeColor,omitzero"`
	Extra        Members `json:"-"`
	nulls        uint64
}

func (x *tUserLiteInstance) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tUserLiteInstance{}
	n := 0
	for ; d.nextMember(n); n++ {
		var p **string
		var bit uint64
		switch string(d.key) {
		case "name":
			p, bit = &x.Name, 1<<0
		case "softwareName":
			p, bit = &x.SoftwareName, 1<<1
		case "iconUrl":
			p, bit = &x.IconURL, 1<<2
		case "themeColor":
			p, bit = &x.ThemeColor, 1<<3
		default:
			d.unknown(&x.Extra)
			continue
		}
		name := string(d.key)
		if d.null() {
			*p = nil
			x.nulls |= bit
			x.Extra.forgetDeclared(name)
		} else {
			d.field(&x.Extra, name, d.at(), decPtr(p, d, decString), "string or null")
		}
	}
	return true
}

func (x *tUserLiteInstance) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	for i, f := range [...]struct {
		name string
		p    **string
	}{{"name", &x.Name}, {"softwareName", &x.SoftwareName}, {"iconUrl", &x.IconURL}, {"themeColor", &x.ThemeColor}} {
		if *f.p != nil || x.nulls&(1<<i) != 0 {
			if e.field(&x.Extra, f.name) {
				encPtr(f.p, e, encString)
			}
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tDriveFile mirrors DriveFile. seen: 0 id, 1 createdAt, 2 name, 3 type, 4
// md5, 5 size, 6 isSensitive, 7 blurhash, 8 properties, 9 url, 10
// thumbnailUrl, 11 comment, 12 folderId, 13 userId. Null bits: 0 folder, 1
// user.
type tDriveFile struct {
	ID           string         `json:"id"`
	CreatedAt    time.Time      `json:"createdAt"`
	Name         string         `json:"name"`
	Type         string         `json:"type"`
	MD5          string         `json:"md5"`
	Size         int64          `json:"size"`
	IsSensitive  bool           `json:"isSensitive"`
	Blurhash     *string        `json:"blurhash"`
	Properties   map[string]any `json:"properties"`
	URL          string         `json:"url"`
	ThumbnailURL *string        `json:"thumbnailUrl"`
	Comment      *string        `json:"comment"`
	FolderID     *string        `json:"folderId"`
	Folder       *any           `json:"folder,omitzero"`
	UserID       *string        `json:"userId"`
	User         *tUserLite     `json:"user,omitzero"`
	Extra        Members        `json:"-"`
	nulls        uint64
}

func (x *tDriveFile) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tDriveFile{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "createdAt":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "createdAt", d.at(), decTime(&x.CreatedAt, d), "date-time string")
		case "name":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "name", d.at(), decString(&x.Name, d), "string")
		case "type":
			seen[0] |= 1 << 3
			d.field(&x.Extra, "type", d.at(), decString(&x.Type, d), "string")
		case "md5":
			seen[0] |= 1 << 4
			d.field(&x.Extra, "md5", d.at(), decString(&x.MD5, d), "string")
		case "size":
			seen[0] |= 1 << 5
			d.field(&x.Extra, "size", d.at(), decInt64(&x.Size, d), "integer")
		case "isSensitive":
			seen[0] |= 1 << 6
			d.field(&x.Extra, "isSensitive", d.at(), decBool(&x.IsSensitive, d), "boolean")
		case "blurhash":
			seen[0] |= 1 << 7
			if d.null() {
				x.Blurhash = nil
				x.Extra.forgetDeclared("blurhash")
			} else {
				d.field(&x.Extra, "blurhash", d.at(), decPtr(&x.Blurhash, d, decString), "string or null")
			}
		case "properties":
			seen[0] |= 1 << 8
			d.field(&x.Extra, "properties", d.at(), decMap(&x.Properties, d, decAny), "object")
		case "url":
			seen[0] |= 1 << 9
			d.field(&x.Extra, "url", d.at(), decString(&x.URL, d), "string")
		case "thumbnailUrl":
			seen[0] |= 1 << 10
			if d.null() {
				x.ThumbnailURL = nil
				x.Extra.forgetDeclared("thumbnailUrl")
			} else {
				d.field(&x.Extra, "thumbnailUrl", d.at(), decPtr(&x.ThumbnailURL, d, decString), "string or null")
			}
		case "comment":
			seen[0] |= 1 << 11
			if d.null() {
				x.Comment = nil
				x.Extra.forgetDeclared("comment")
			} else {
				d.field(&x.Extra, "comment", d.at(), decPtr(&x.Comment, d, decString), "string or null")
			}
		case "folderId":
			seen[0] |= 1 << 12
			if d.null() {
				x.FolderID = nil
				x.Extra.forgetDeclared("folderId")
			} else {
				d.field(&x.Extra, "folderId", d.at(), decPtr(&x.FolderID, d, decString), "string or null")
			}
		case "folder":
			if d.null() {
				x.Folder = nil
				x.nulls |= 1 << 0
				x.Extra.forgetDeclared("folder")
			} else {
				d.field(&x.Extra, "folder", d.at(), decPtr(&x.Folder, d, decAny), "DriveFolder or null")
			}
		case "userId":
			seen[0] |= 1 << 13
			if d.null() {
				x.UserID = nil
				x.Extra.forgetDeclared("userId")
			} else {
				d.field(&x.Extra, "userId", d.at(), decPtr(&x.UserID, d, decString), "string or null")
			}
		case "user":
			if d.null() {
				x.User = nil
				x.nulls |= 1 << 1
				x.Extra.forgetDeclared("user")
			} else {
				d.field(&x.Extra, "user", d.at(), decPtr(&x.User, d, (*tUserLite).decodeJSON), "UserLite or null")
			}
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0x3fff != 0x3fff {
		for i, name := range [...]string{"id", "createdAt", "name", "type", "md5", "size", "isSensitive", "blurhash", "properties", "url", "thumbnailUrl", "comment", "folderId", "userId"} {
			if seen[0]&(1<<i) == 0 {
				x.Extra.markAbsent(name)
			}
		}
	}
	return true
}

func (x *tDriveFile) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "createdAt") {
		encTime(&x.CreatedAt, e)
	}
	if e.field(&x.Extra, "name") {
		encString(&x.Name, e)
	}
	if e.field(&x.Extra, "type") {
		encString(&x.Type, e)
	}
	if e.field(&x.Extra, "md5") {
		encString(&x.MD5, e)
	}
	if e.field(&x.Extra, "size") {
		encInt64(&x.Size, e)
	}
	if e.field(&x.Extra, "isSensitive") {
		encBool(&x.IsSensitive, e)
	}
	if e.field(&x.Extra, "blurhash") {
		encPtr(&x.Blurhash, e, encString)
	}
	if e.field(&x.Extra, "properties") {
		if x.Properties == nil {
			e.rawBytes("{}")
		} else {
			encMap(&x.Properties, e, encAny)
		}
	}
	if e.field(&x.Extra, "url") {
		encString(&x.URL, e)
	}
	if e.field(&x.Extra, "thumbnailUrl") {
		encPtr(&x.ThumbnailURL, e, encString)
	}
	if e.field(&x.Extra, "comment") {
		encPtr(&x.Comment, e, encString)
	}
	if e.field(&x.Extra, "folderId") {
		encPtr(&x.FolderID, e, encString)
	}
	if x.Folder != nil || x.nulls&(1<<0) != 0 {
		if e.field(&x.Extra, "folder") {
			encPtr(&x.Folder, e, encAny)
		}
	}
	if e.field(&x.Extra, "userId") {
		encPtr(&x.UserID, e, encString)
	}
	if x.User != nil || x.nulls&(1<<1) != 0 {
		if e.field(&x.Extra, "user") {
			encPtr(&x.User, e, (*tUserLite).encodeJSON)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tNotePoll: seen 0 multiple, 1 choices. Null bits: 0 expiresAt.
type tNotePoll struct {
	Multiple  bool              `json:"multiple"`
	ExpiresAt *time.Time        `json:"expiresAt,omitzero"`
	Choices   []tNotePollChoice `json:"choices"`
	Extra     Members           `json:"-"`
	nulls     uint64
}

func (x *tNotePoll) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tNotePoll{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "multiple":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "multiple", d.at(), decBool(&x.Multiple, d), "boolean")
		case "expiresAt":
			if d.null() {
				x.ExpiresAt = nil
				x.nulls |= 1 << 0
				x.Extra.forgetDeclared("expiresAt")
			} else {
				d.field(&x.Extra, "expiresAt", d.at(), decPtr(&x.ExpiresAt, d, decTime), "date-time string or null")
			}
		case "choices":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "choices", d.at(), decSlice(&x.Choices, d, (*tNotePollChoice).decodeJSON), "array of NotePollChoice")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&(1<<0) == 0 {
		x.Extra.markAbsent("multiple")
	}
	if seen[0]&(1<<1) == 0 {
		x.Extra.markAbsent("choices")
	}
	return true
}

func (x *tNotePoll) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "multiple") {
		encBool(&x.Multiple, e)
	}
	if x.ExpiresAt != nil || x.nulls&(1<<0) != 0 {
		if e.field(&x.Extra, "expiresAt") {
			encPtr(&x.ExpiresAt, e, encTime)
		}
	}
	if e.field(&x.Extra, "choices") {
		if x.Choices == nil {
			e.rawBytes("[]")
		} else {
			encSlice(&x.Choices, e, (*tNotePollChoice).encodeJSON)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tNotePollChoice: seen 0 text, 1 votes, 2 isVoted.
type tNotePollChoice struct {
	Text    string  `json:"text"`
	Votes   int64   `json:"votes"`
	IsVoted bool    `json:"isVoted"`
	Extra   Members `json:"-"`
}

func (x *tNotePollChoice) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tNotePollChoice{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "text":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "text", d.at(), decString(&x.Text, d), "string")
		case "votes":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "votes", d.at(), decInt64(&x.Votes, d), "integer")
		case "isVoted":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "isVoted", d.at(), decBool(&x.IsVoted, d), "boolean")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0b111 != 0b111 {
		for i, name := range [...]string{"text", "votes", "isVoted"} {
			if seen[0]&(1<<i) == 0 {
				x.Extra.markAbsent(name)
			}
		}
	}
	return true
}

func (x *tNotePollChoice) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "text") {
		encString(&x.Text, e)
	}
	if e.field(&x.Extra, "votes") {
		encInt64(&x.Votes, e)
	}
	if e.field(&x.Extra, "isVoted") {
		encBool(&x.IsVoted, e)
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tNoteChannel: seen 0 id, 1 name, 2 color, 3 isSensitive,
// 4 allowRenoteToExternal, 5 userId.
type tNoteChannel struct {
	ID                    string  `json:"id"`
	Name                  string  `json:"name"`
	Color                 string  `json:"color"`
	IsSensitive           bool    `json:"isSensitive"`
	AllowRenoteToExternal bool    `json:"allowRenoteToExternal"`
	UserID                *string `json:"userId"`
	Extra                 Members `json:"-"`
}

func (x *tNoteChannel) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tNoteChannel{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "name":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "name", d.at(), decString(&x.Name, d), "string")
		case "color":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "color", d.at(), decString(&x.Color, d), "string")
		case "isSensitive":
			seen[0] |= 1 << 3
			d.field(&x.Extra, "isSensitive", d.at(), decBool(&x.IsSensitive, d), "boolean")
		case "allowRenoteToExternal":
			seen[0] |= 1 << 4
			d.field(&x.Extra, "allowRenoteToExternal", d.at(), decBool(&x.AllowRenoteToExternal, d), "boolean")
		case "userId":
			seen[0] |= 1 << 5
			if d.null() {
				x.UserID = nil
				x.Extra.forgetDeclared("userId")
			} else {
				d.field(&x.Extra, "userId", d.at(), decPtr(&x.UserID, d, decString), "string or null")
			}
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&0x3f != 0x3f {
		for i, name := range [...]string{"id", "name", "color", "isSensitive", "allowRenoteToExternal", "userId"} {
			if seen[0]&(1<<i) == 0 {
				x.Extra.markAbsent(name)
			}
		}
	}
	return true
}

func (x *tNoteChannel) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "name") {
		encString(&x.Name, e)
	}
	if e.field(&x.Extra, "color") {
		encString(&x.Color, e)
	}
	if e.field(&x.Extra, "isSensitive") {
		encBool(&x.IsSensitive, e)
	}
	if e.field(&x.Extra, "allowRenoteToExternal") {
		encBool(&x.AllowRenoteToExternal, e)
	}
	if e.field(&x.Extra, "userId") {
		encPtr(&x.UserID, e, encString)
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tTimeline is a response that is an array of notes; the generator wraps
// such responses in a type of their own.
type tTimeline []tNote

func (x *tTimeline) decodeJSON(d *jsonDecoder) bool {
	return decSlice((*[]tNote)(x), d, (*tNote).decodeJSON)
}

func (x *tTimeline) encodeJSON(e *jsonEncoder) {
	encSlice((*[]tNote)(x), e, (*tNote).encodeJSON)
}

// tMutedWord is a union of two JSON kinds: an array of keywords or a regular
// expression string; Raw holds a value that fits neither.
type tMutedWord struct {
	Keywords []string
	Regex    *string
	Raw      json.RawMessage
}

func (x *tMutedWord) decodeJSON(d *jsonDecoder) bool {
	*x = tMutedWord{}
	switch start := d.at(); d.peek() {
	case '[':
		if decSlice(&x.Keywords, d, decString) {
			return true
		}
		x.Keywords = nil
		x.Raw = d.rawFrom(start)
		d.misfitAt(start, "array of string or string")
	case '"':
		decPtr(&x.Regex, d, decString)
	default:
		d.skip()
		x.Raw = d.rawFrom(start)
		d.misfitAt(start, "array of string or string")
	}
	return true
}

func (x *tMutedWord) encodeJSON(e *jsonEncoder) {
	switch {
	case x.Keywords != nil:
		encSlice(&x.Keywords, e, encString)
	case x.Regex != nil:
		encString(x.Regex, e)
	default:
		encRaw(&x.Raw, e)
	}
}

// tHostCount is a tuple [host, count] (prefixItems): it keeps the whole
// array in Raw when a position does not fit.
type tHostCount struct {
	Item0 string
	Item1 int64
	Raw   json.RawMessage
}

func (x *tHostCount) decodeJSON(d *jsonDecoder) bool {
	*x = tHostCount{}
	start := d.at()
	if !d.arrayStart() {
		x.Raw = d.rawFrom(start)
		d.misfitAt(start, "[string, integer]")
		return true
	}
	ok := true
	n := 0
	for ; d.nextElement(n); n++ {
		switch n {
		case 0:
			ok = decString(&x.Item0, d) && ok
		case 1:
			ok = decInt64(&x.Item1, d) && ok
		default:
			ok = false
			d.skip()
		}
	}
	if !ok || n != 2 {
		x.Raw = d.rawFrom(start)
		d.misfitAt(start, "[string, integer]")
	}
	return true
}

func (x *tHostCount) encodeJSON(e *jsonEncoder) {
	if x.Raw != nil {
		encRaw(&x.Raw, e)
		return
	}
	e.arrayStart()
	encString(&x.Item0, e)
	e.rawBytes(",")
	encInt64(&x.Item1, e)
	e.arrayEnd()
}

// tUserDetailed is a flattened object union of UserLite-like and
// MeDetailed-like alternatives, picked after the object is read. Field
// indices: 0 id, 1 username, 2 isAdmin, 3 email.
type tUserDetailed struct {
	ID       string
	Username string
	IsAdmin  *bool
	Email    *string
	Variant  int // 0 lite, 1 me; -1 none
	Extra    Members
}

var tUserDetailedShapes = []variantShape{
	{known: []uint64{0b0011}, required: []uint64{0b0011}},
	{known: []uint64{0b1111}, required: []uint64{0b1011}},
}

func (x *tUserDetailed) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tUserDetailed{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "username":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "username", d.at(), decString(&x.Username, d), "string")
		case "isAdmin":
			seen[0] |= 1 << 2
			d.field(&x.Extra, "isAdmin", d.at(), decPtr(&x.IsAdmin, d, decBool), "boolean")
		case "email":
			seen[0] |= 1 << 3
			d.field(&x.Extra, "email", d.at(), decPtr(&x.Email, d, decString), "string")
		default:
			d.unknown(&x.Extra)
		}
	}
	x.Variant = pickVariant(seen[:], n, tUserDetailedShapes)
	if seen[0]&(1<<0) == 0 {
		x.Extra.markAbsent("id")
	}
	if seen[0]&(1<<1) == 0 {
		x.Extra.markAbsent("username")
	}
	return true
}

func (x *tUserDetailed) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "username") {
		encString(&x.Username, e)
	}
	if x.IsAdmin != nil {
		if e.field(&x.Extra, "isAdmin") {
			encPtr(&x.IsAdmin, e, encBool)
		}
	}
	if x.Email != nil {
		if e.field(&x.Extra, "email") {
			encPtr(&x.Email, e, encString)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tCondFormula is a role's condition formula, recursive through "value"
// (not) and "values" (and, or). seen: 0 type.
type tCondFormula struct {
	Type   string
	ID     *string
	Value  *tCondFormula
	Values []tCondFormula
	Extra  Members
}

func (x *tCondFormula) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tCondFormula{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "type":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "type", d.at(), decString(&x.Type, d), "string")
		case "id":
			d.field(&x.Extra, "id", d.at(), decPtr(&x.ID, d, decString), "string")
		case "value":
			d.field(&x.Extra, "value", d.at(), decPtr(&x.Value, d, (*tCondFormula).decodeJSON), "RoleCondFormula")
		case "values":
			d.field(&x.Extra, "values", d.at(), decSlice(&x.Values, d, (*tCondFormula).decodeJSON), "array of RoleCondFormula")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&1 == 0 {
		x.Extra.markAbsent("type")
	}
	return true
}

func (x *tCondFormula) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "type") {
		encString(&x.Type, e)
	}
	if x.ID != nil {
		if e.field(&x.Extra, "id") {
			encPtr(&x.ID, e, encString)
		}
	}
	if x.Value != nil {
		if e.field(&x.Extra, "value") {
			encPtr(&x.Value, e, (*tCondFormula).encodeJSON)
		}
	}
	if x.Values != nil {
		if e.field(&x.Extra, "values") {
			encSlice(&x.Values, e, (*tCondFormula).encodeJSON)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// tRole holds a condition formula both typed and untyped (as older
// documents give it: "any object"). seen: 0 id, 1 condFormula.
type tRole struct {
	ID          string
	CondFormula tCondFormula
	Policies    map[string]any
	Extra       Members
}

func (x *tRole) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = tRole{}
	var seen [1]uint64
	n := 0
	for ; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			seen[0] |= 1 << 0
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "condFormula":
			seen[0] |= 1 << 1
			d.field(&x.Extra, "condFormula", d.at(), x.CondFormula.decodeJSON(d), "RoleCondFormula")
		case "policies":
			d.field(&x.Extra, "policies", d.at(), decMap(&x.Policies, d, decAny), "object")
		default:
			d.unknown(&x.Extra)
		}
	}
	if seen[0]&(1<<0) == 0 {
		x.Extra.markAbsent("id")
	}
	if seen[0]&(1<<1) == 0 {
		x.Extra.markAbsent("condFormula")
	}
	return true
}

func (x *tRole) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "condFormula") {
		x.CondFormula.encodeJSON(e)
	}
	if x.Policies != nil {
		if e.field(&x.Extra, "policies") {
			encMap(&x.Policies, e, encAny)
		}
	}
	x.Extra.encode(e)
	e.objectEnd()
}

// anyBox decodes any JSON value with decAny; the fuzz test uses it.
type anyBox struct{ v any }

func (x *anyBox) decodeJSON(d *jsonDecoder) bool { return decAny(&x.v, d) }
func (x *anyBox) encodeJSON(e *jsonEncoder)      { encAny(&x.v, e) }

// scalarBox decodes one value with the reader r and re-encodes it with w.
type scalarBox[T any] struct {
	v T
	r func(*T, *jsonDecoder) bool
	w func(*T, *jsonEncoder)
}

func (x *scalarBox[T]) decodeJSON(d *jsonDecoder) bool { return x.r(&x.v, d) }
func (x *scalarBox[T]) encodeJSON(e *jsonEncoder)      { x.w(&x.v, e) }

// Plain types: the same fields as encoding/json users write them.

type plainNote struct {
	ID                 string            `json:"id"`
	CreatedAt          time.Time         `json:"createdAt"`
	UserID             string            `json:"userId"`
	User               plainUserLite     `json:"user"`
	Text               *string           `json:"text"`
	CW                 *string           `json:"cw,omitempty"`
	Visibility         string            `json:"visibility"`
	LocalOnly          *bool             `json:"localOnly,omitempty"`
	ReactionAcceptance *string           `json:"reactionAcceptance"`
	RenoteCount        int64             `json:"renoteCount"`
	RepliesCount       int64             `json:"repliesCount"`
	ReactionCount      int64             `json:"reactionCount"`
	Reactions          map[string]int64  `json:"reactions"`
	ReactionEmojis     map[string]string `json:"reactionEmojis"`
	FileIDs            []string          `json:"fileIds,omitempty"`
	Files              []plainDriveFile  `json:"files,omitempty"`
	ReplyID            *string           `json:"replyId,omitempty"`
	RenoteID           *string           `json:"renoteId,omitempty"`
	Mentions           []string          `json:"mentions,omitempty"`
	ClippedCount       *float64          `json:"clippedCount,omitempty"`
	Reply              *plainNote        `json:"reply,omitempty"`
	Renote             *plainNote        `json:"renote,omitempty"`
	Tags               []string          `json:"tags,omitempty"`
	MyReaction         *string           `json:"myReaction,omitempty"`
	VisibleUserIDs     []string          `json:"visibleUserIds,omitempty"`
	Poll               *plainNotePoll    `json:"poll,omitempty"`
	ChannelID          *string           `json:"channelId,omitempty"`
	Channel            *plainNoteChannel `json:"channel,omitempty"`
}

type plainUserLite struct {
	ID                string             `json:"id"`
	Name              *string            `json:"name"`
	Username          string             `json:"username"`
	Host              *string            `json:"host"`
	AvatarURL         *string            `json:"avatarUrl"`
	AvatarBlurhash    *string            `json:"avatarBlurhash"`
	AvatarDecorations []plainAvatarDeco  `json:"avatarDecorations"`
	IsBot             *bool              `json:"isBot,omitempty"`
	IsCat             *bool              `json:"isCat,omitempty"`
	Emojis            map[string]string  `json:"emojis"`
	OnlineStatus      string             `json:"onlineStatus"`
	BadgeRoles        []plainBadgeRole   `json:"badgeRoles,omitempty"`
	Instance          *plainUserInstance `json:"instance,omitempty"`
}

type plainAvatarDeco struct {
	ID      string   `json:"id"`
	URL     string   `json:"url"`
	Angle   *float64 `json:"angle,omitempty"`
	FlipH   *bool    `json:"flipH,omitempty"`
	OffsetX *float64 `json:"offsetX,omitempty"`
	OffsetY *float64 `json:"offsetY,omitempty"`
}

type plainBadgeRole struct {
	Name         string  `json:"name"`
	IconURL      *string `json:"iconUrl"`
	DisplayOrder int64   `json:"displayOrder"`
}

type plainUserInstance struct {
	Name         *string `json:"name,omitempty"`
	SoftwareName *string `json:"softwareName,omitempty"`
	IconURL      *string `json:"iconUrl,omitempty"`
	ThemeColor   *string `json:"themeColor,omitempty"`
}

type plainDriveFile struct {
	ID           string         `json:"id"`
	CreatedAt    time.Time      `json:"createdAt"`
	Name         string         `json:"name"`
	Type         string         `json:"type"`
	MD5          string         `json:"md5"`
	Size         int64          `json:"size"`
	IsSensitive  bool           `json:"isSensitive"`
	Blurhash     *string        `json:"blurhash"`
	Properties   map[string]any `json:"properties"`
	URL          string         `json:"url"`
	ThumbnailURL *string        `json:"thumbnailUrl"`
	Comment      *string        `json:"comment"`
	FolderID     *string        `json:"folderId"`
	Folder       *any           `json:"folder,omitempty"`
	UserID       *string        `json:"userId"`
	User         *plainUserLite `json:"user,omitempty"`
}

type plainNotePoll struct {
	Multiple  bool              `json:"multiple"`
	ExpiresAt *time.Time        `json:"expiresAt,omitempty"`
	Choices   []plainPollChoice `json:"choices"`
}

type plainPollChoice struct {
	Text    string `json:"text"`
	Votes   int64  `json:"votes"`
	IsVoted bool   `json:"isVoted"`
}

type plainNoteChannel struct {
	ID                    string  `json:"id"`
	Name                  string  `json:"name"`
	Color                 string  `json:"color"`
	IsSensitive           bool    `json:"isSensitive"`
	AllowRenoteToExternal bool    `json:"allowRenoteToExternal"`
	UserID                *string `json:"userId"`
}
