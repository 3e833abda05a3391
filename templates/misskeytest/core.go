package misskeytest

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The server's own Misskey: the endpoints it answers when no handler is
// set. Each runs with Server.mu held, reads the validated parameters from
// the call as JSON, changes the state, sends the streaming events Misskey
// would send, and returns JSON shaped like Misskey's answer.

type coreFunc func(c *callState) (any, error)

var coreEndpoints map[string]coreFunc

func init() {
	coreEndpoints = map[string]coreFunc{
		"i":                              coreI,
		"users/show":                     coreUsersShow,
		"notes/create":                   coreNotesCreate,
		"notes/show":                     coreNotesShow,
		"notes/delete":                   coreNotesDelete,
		"notes/timeline":                 timeline(homeTL),
		"notes/local-timeline":           timeline(localTL),
		"notes/hybrid-timeline":          timeline(hybridTL),
		"notes/global-timeline":          timeline(globalTL),
		"notes":                          timeline(localTL),
		"users/notes":                    coreUsersNotes,
		"notes/replies":                  coreNotesReplies,
		"notes/children":                 coreNotesChildren,
		"notes/renotes":                  coreNotesRenotes,
		"notes/mentions":                 coreNotesMentions,
		"notes/reactions":                coreNotesReactions,
		"notes/reactions/create":         coreReactionsCreate,
		"notes/reactions/delete":         coreReactionsDelete,
		"notes/polls/vote":               corePollsVote,
		"following/create":               coreFollowingCreate,
		"following/delete":               coreFollowingDelete,
		"users/followers":                coreUsersFollows(false),
		"users/following":                coreUsersFollows(true),
		"i/notifications":                coreINotifications,
		"notifications/mark-all-as-read": coreNotificationsMarkAllAsRead,
		"drive/files/create":             coreDriveFilesCreate,
		"drive/files/show":               coreDriveFilesShow,
		"drive/files":                    coreDriveFiles,
		"drive/files/delete":             coreDriveFilesDelete,
		"miauth/gen-token":               coreMiAuthGenToken,
		"ping":                           corePing,
	}
}

// needsUser lists the endpoints of the server's own Misskey that act as the
// caller; they refuse a call without a token whatever the document says.
var needsUser = map[string]bool{
	"i": true, "notes/create": true, "notes/delete": true, "notes/timeline": true, "notes/hybrid-timeline": true,
	"notes/mentions": true, "notes/reactions/create": true, "notes/reactions/delete": true, "notes/polls/vote": true,
	"following/create": true, "following/delete": true, "i/notifications": true,
	"notifications/mark-all-as-read": true, "drive/files/create": true, "drive/files/show": true,
	"drive/files": true, "drive/files/delete": true, "miauth/gen-token": true,
}

// Parameters. The call passed validation, so types are as the schema says.

func (c *callState) has(name string) bool {
	v, ok := c.params[name]
	return ok && v != nil
}

func (c *callState) str(name string) string {
	s, _ := c.params[name].(string)
	return s
}

func (c *callState) strPtr(name string) *string {
	s, ok := c.params[name].(string)
	if !ok {
		return nil
	}
	return &s
}

func (c *callState) boolean(name string, def bool) bool {
	b, ok := c.params[name].(bool)
	if !ok {
		return def
	}
	return b
}

func (c *callState) integer(name string, def int64) int64 {
	n, ok := c.params[name].(json.Number)
	if !ok {
		return def
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	if f, err := n.Float64(); err == nil {
		return int64(f)
	}
	return def
}

func (c *callState) strs(name string) []string {
	arr, _ := c.params[name].([]any)
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// fail returns the error the endpoint documents under code.
func (c *callState) fail(code, message string) error {
	return c.def.errorFor(code, message)
}

func (c *callState) me() *user { return c.s.st.users[c.userID] }

// page returns the items (sorted by id, oldest first) between sinceId and
// untilId (and sinceDate, untilDate), at most limit of them, newest first.
func page[T any](c *callState, items []T, id func(T) string, at func(T) time.Time) []T {
	limit := int(c.integer("limit", 10))
	since, until := c.str("sinceId"), c.str("untilId")
	sinceDate, untilDate := c.integer("sinceDate", 0), c.integer("untilDate", 0)
	var in []T
	for _, x := range items {
		i := id(x)
		if (until != "" && i >= until) || (since != "" && i <= since) {
			continue
		}
		ms := at(x).UnixMilli()
		if (untilDate > 0 && ms >= untilDate) || (sinceDate > 0 && ms <= sinceDate) {
			continue
		}
		in = append(in, x)
	}
	if (since != "" || sinceDate > 0) && until == "" && untilDate == 0 {
		// Paging forward: the oldest ones after since.
		if len(in) > limit {
			in = in[:limit]
		}
		slices.Reverse(in)
		return in
	}
	slices.Reverse(in)
	if len(in) > limit {
		in = in[:limit]
	}
	return in
}

func notePage(c *callState, notes []*note) []any {
	st := c.s.st
	out := []any{}
	for _, n := range page(c, notes, func(n *note) string { return n.id }, func(n *note) time.Time { return n.createdAt }) {
		out = append(out, st.packNote(n, c.userID, true, 0))
	}
	return out
}

func coreI(c *callState) (any, error) {
	return c.s.st.packUserDetailed(c.me(), c.userID), nil
}

func corePing(c *callState) (any, error) {
	return object{"pong": time.Now().UnixMilli()}, nil
}

// findUser reads userId, or username (with host null or this server).
func (c *callState) findUser() *user {
	st := c.s.st
	if id := c.str("userId"); id != "" {
		return st.users[id]
	}
	if name := c.str("username"); name != "" {
		if h := c.str("host"); h != "" && h != st.host() {
			return nil
		}
		return st.userByName(name)
	}
	return nil
}

func coreUsersShow(c *callState) (any, error) {
	st := c.s.st
	if ids, ok := c.params["userIds"].([]any); ok {
		out := []any{}
		for _, x := range ids {
			id, _ := x.(string)
			if u := st.users[id]; u != nil {
				out = append(out, st.packUserDetailed(u, c.userID))
			}
		}
		return out, nil
	}
	u := c.findUser()
	if u == nil {
		return nil, c.fail("NO_SUCH_USER", "No such user.")
	}
	return st.packUserDetailed(u, c.userID), nil
}

// Notes.

func coreNotesCreate(c *callState) (any, error) {
	s, st := c.s, c.s.st
	me := c.me()
	n := &note{
		userID:     me.id,
		text:       c.strPtr("text"),
		cw:         c.strPtr("cw"),
		visibility: c.str("visibility"),
		localOnly:  c.boolean("localOnly", false),
		replyID:    c.str("replyId"),
		renoteID:   c.str("renoteId"),
		acceptance: c.strPtr("reactionAcceptance"),
	}
	if n.visibility == "" {
		n.visibility = "public"
	}
	if c.str("channelId") != "" {
		return nil, c.fail("NO_SUCH_CHANNEL", "No such channel.")
	}
	if n.replyID != "" {
		r := st.notes[n.replyID]
		if r == nil || !st.canSee(me.id, r) {
			return nil, c.fail("NO_SUCH_REPLY_TARGET", "No such reply target.")
		}
		if r.isPureRenote() {
			return nil, c.fail("CANNOT_REPLY_TO_A_PURE_RENOTE", "You can not reply to a pure Renote.")
		}
	}
	if n.renoteID != "" {
		r := st.notes[n.renoteID]
		if r == nil || !st.canSee(me.id, r) {
			return nil, c.fail("NO_SUCH_RENOTE_TARGET", "No such renote target.")
		}
		if r.isPureRenote() {
			return nil, c.fail("CANNOT_RENOTE_TO_A_PURE_RENOTE", "You can not Renote a pure Renote.")
		}
		if r.userID != me.id && (r.visibility == "followers" || r.visibility == "specified") {
			return nil, c.fail("CANNOT_RENOTE_DUE_TO_VISIBILITY", "You can not Renote due to target visibility.")
		}
	}
	for _, id := range append(c.strs("fileIds"), c.strs("mediaIds")...) {
		f := st.files[id]
		if f == nil || f.userID != me.id {
			return nil, c.fail("NO_SUCH_FILE", "Some files are not found.")
		}
		if !slices.Contains(n.fileIDs, id) {
			n.fileIDs = append(n.fileIDs, id)
		}
	}
	if p, ok := c.params["poll"].(map[string]any); ok {
		pc := &callState{params: p}
		n.poll = &poll{choices: pc.strs("choices"), multiple: pc.boolean("multiple", false), votes: map[string][]int{}}
		if at := pc.integer("expiresAt", 0); at > 0 {
			t := time.UnixMilli(at).UTC()
			n.poll.expiresAt = &t
		} else if after := pc.integer("expiredAfter", 0); after > 0 {
			t := st.now().Add(time.Duration(after) * time.Millisecond)
			n.poll.expiresAt = &t
		}
		if n.poll.expiresAt != nil && n.poll.expiresAt.Before(st.now()) {
			return nil, c.fail("CANNOT_CREATE_ALREADY_EXPIRED_POLL", "Poll is already expired.")
		}
	}
	text := ""
	if n.text != nil {
		text = *n.text
	}
	if n.cw != nil {
		text += " " + *n.cw
	}
	n.mentions = st.mentionsIn(text)
	n.tags = hashtagsIn(text)
	if n.visibility == "specified" {
		n.visibleUserIDs = c.strs("visibleUserIds")
		for _, m := range n.mentions {
			if !slices.Contains(n.visibleUserIDs, m) {
				n.visibleUserIDs = append(n.visibleUserIDs, m)
			}
		}
		if n.visibleUserIDs == nil {
			n.visibleUserIDs = []string{}
		}
	}
	n.createdAt = st.now()
	n.id = st.newID(n.createdAt)
	st.notes[n.id] = n
	st.noteOrder = append(st.noteOrder, n)
	s.deliverNoteLocked(n)
	return object{"createdNote": st.packNote(n, me.id, true, 0)}, nil
}

func coreNotesShow(c *callState) (any, error) {
	st := c.s.st
	n := st.notes[c.str("noteId")]
	if n == nil {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	return st.packNote(n, c.userID, true, 0), nil
}

func coreNotesDelete(c *callState) (any, error) {
	s, st := c.s, c.s.st
	n := st.notes[c.str("noteId")]
	if n == nil {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	if me := c.me(); n.userID != me.id && !me.isAdmin {
		return nil, c.fail("ACCESS_DENIED", "Access denied.")
	}
	gone := []*note{n}
	for _, m := range st.noteOrder {
		if m.renoteID == n.id && m.isPureRenote() {
			gone = append(gone, m)
		}
	}
	now := st.now()
	for _, g := range gone {
		delete(st.notes, g.id)
		st.noteOrder = slices.DeleteFunc(st.noteOrder, func(x *note) bool { return x == g })
		s.emitLocked(NoteUpdate(g.id, "deleted", object{"deletedAt": timeJSON(now)}))
	}
	return nil, nil
}

// A timeline is a filter of notes for a viewer and the connection's (or the
// call's) parameters.
type timelineKind int

const (
	homeTL timelineKind = iota
	localTL
	hybridTL
	globalTL
)

// params reads a timeline's parameters from a call or a channel connection.
type params interface {
	boolean(name string, def bool) bool
}

type mapParams map[string]any

func (m mapParams) boolean(name string, def bool) bool {
	b, ok := m[name].(bool)
	if !ok {
		return def
	}
	return b
}

// onTimeline reports whether n belongs on the timeline of viewer.
func (st *state) onTimeline(kind timelineKind, n *note, viewer string, p params) bool {
	if !st.canSee(viewer, n) {
		return false
	}
	if n.isPureRenote() && !p.boolean("withRenotes", true) {
		return false
	}
	if p.boolean("withFiles", false) && len(n.fileIDs) == 0 {
		return false
	}
	public := n.visibility == "public"
	home := viewer != "" && (n.userID == viewer || st.following(viewer, n.userID) != nil)
	// A reply shows when it answers its author or the viewer, or when the
	// connection asks for replies.
	if r := st.notes[n.replyID]; r != nil && kind != homeTL && !p.boolean("withReplies", false) {
		if r.userID != n.userID && r.userID != viewer && n.userID != viewer {
			return false
		}
	}
	switch kind {
	case homeTL:
		return home
	case localTL, globalTL:
		return public
	case hybridTL:
		return home || public
	}
	return false
}

func timeline(kind timelineKind) coreFunc {
	return func(c *callState) (any, error) {
		st := c.s.st
		var notes []*note
		for _, n := range st.noteOrder {
			if st.onTimeline(kind, n, c.userID, c) {
				notes = append(notes, n)
			}
		}
		return notePage(c, notes), nil
	}
}

func coreUsersNotes(c *callState) (any, error) {
	st := c.s.st
	u := st.users[c.str("userId")]
	if u == nil {
		return nil, c.fail("NO_SUCH_USER", "No such user.")
	}
	withReplies := c.boolean("withReplies", false)
	var notes []*note
	for _, n := range st.noteOrder {
		if n.userID != u.id || !st.canSee(c.userID, n) {
			continue
		}
		if n.replyID != "" && !withReplies {
			continue
		}
		if n.isPureRenote() && !c.boolean("withRenotes", true) {
			continue
		}
		if c.boolean("withFiles", false) && len(n.fileIDs) == 0 {
			continue
		}
		notes = append(notes, n)
	}
	return notePage(c, notes), nil
}

func (c *callState) notesWhere(keep func(n *note) bool) []any {
	st := c.s.st
	var notes []*note
	for _, n := range st.noteOrder {
		if st.canSee(c.userID, n) && keep(n) {
			notes = append(notes, n)
		}
	}
	return notePage(c, notes)
}

func coreNotesReplies(c *callState) (any, error) {
	id := c.str("noteId")
	return c.notesWhere(func(n *note) bool { return n.replyID == id }), nil
}

func coreNotesChildren(c *callState) (any, error) {
	id := c.str("noteId")
	return c.notesWhere(func(n *note) bool { return n.replyID == id || (n.renoteID == id && !n.isPureRenote()) }), nil
}

func coreNotesRenotes(c *callState) (any, error) {
	id := c.str("noteId")
	if c.s.st.notes[id] == nil {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	return c.notesWhere(func(n *note) bool { return n.renoteID == id }), nil
}

func coreNotesMentions(c *callState) (any, error) {
	me := c.userID
	specified := c.str("visibility") == "specified"
	return c.notesWhere(func(n *note) bool {
		if specified && n.visibility != "specified" {
			return false
		}
		return slices.Contains(n.mentions, me) || slices.Contains(n.visibleUserIDs, me)
	}), nil
}

// deliverNoteLocked sends a new note to the timelines that show it, and the
// mention, reply and renote events and notifications Misskey sends.
func (s *Server) deliverNoteLocked(n *note) {
	st := s.st
	packed := func(viewer string) []byte {
		return s.conformAs("Note", mustJSON(st.packNote(n, viewer, true, 0)))
	}
	s.publishLocked(func(c *streamConn, sub *channelSub) bool {
		p := mapParams(sub.params)
		switch sub.channel {
		case "homeTimeline":
			return st.onTimeline(homeTL, n, c.userID, p)
		case "localTimeline":
			return st.onTimeline(localTL, n, c.userID, p)
		case "hybridTimeline":
			return st.onTimeline(hybridTL, n, c.userID, p)
		case "globalTimeline":
			return st.onTimeline(globalTL, n, c.userID, p)
		case "hashtag":
			return st.canSee(c.userID, n) && matchesHashtags(sub.params["q"], n.tags)
		}
		return false
	}, "note", packed)

	// Notifications go to each user once: a reply that mentions its target
	// notifies as a reply.
	reasons := map[string]string{}
	var order []string
	push := func(userID, reason string) {
		if _, ok := reasons[userID]; !ok {
			order = append(order, userID)
			reasons[userID] = reason
		} else if reason != "mention" {
			reasons[userID] = reason
		}
	}
	for _, m := range n.mentions {
		if m == n.userID || !st.canSee(m, n) {
			continue
		}
		s.publishMainLocked(m, "mention", packed(m))
		push(m, "mention")
	}
	if r := st.notes[n.replyID]; r != nil && r.userID != n.userID {
		s.publishMainLocked(r.userID, "reply", packed(r.userID))
		push(r.userID, "reply")
	}
	if r := st.notes[n.renoteID]; r != nil && r.userID != n.userID {
		reason := "renote"
		if n.text != nil {
			reason = "quote"
		}
		s.publishMainLocked(r.userID, "renote", packed(r.userID))
		push(r.userID, reason)
	}
	for _, u := range order {
		s.addNotificationLocked(u, reasons[u], n.userID, n.id, "")
	}
}

// matchesHashtags reports whether tags satisfy the hashtag channel's q: an
// OR of AND-groups.
func matchesHashtags(q any, tags []string) bool {
	groups, _ := q.([]any)
	for _, g := range groups {
		words, _ := g.([]any)
		if len(words) == 0 {
			continue
		}
		all := true
		for _, w := range words {
			s, _ := w.(string)
			if !slices.Contains(tags, strings.ToLower(strings.TrimPrefix(s, "#"))) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// conformAs passes an entity through the client's type of that name.
func (s *Server) conformAs(kind string, data []byte) []byte {
	if s.conform == nil {
		return data
	}
	return s.conform(kind, data)
}

// Reactions.

// normalizeReaction writes a reaction as Misskey stores it: a custom emoji
// of this server as ":name@.:".
func normalizeReaction(r string, acceptance *string) string {
	if acceptance != nil && *acceptance == "likeOnly" {
		return "❤"
	}
	if strings.HasPrefix(r, ":") && strings.HasSuffix(r, ":") && len(r) > 2 && !strings.Contains(r, "@") {
		return r[:len(r)-1] + "@.:"
	}
	return r
}

func coreReactionsCreate(c *callState) (any, error) {
	s, st := c.s, c.s.st
	n := st.notes[c.str("noteId")]
	if n == nil || !st.canSee(c.userID, n) {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	if n.reactionOf(c.userID) != nil {
		return nil, c.fail("ALREADY_REACTED", "You are already reacting to that note.")
	}
	now := st.now()
	r := &reaction{id: st.newID(now), createdAt: now, userID: c.userID, reaction: normalizeReaction(c.str("reaction"), n.acceptance)}
	n.reactions = append(n.reactions, r)
	s.emitLocked(NoteUpdate(n.id, "reacted", object{"reaction": r.reaction, "emoji": nil, "userId": c.userID}))
	s.addNotificationLocked(n.userID, "reaction", c.userID, n.id, r.reaction)
	return nil, nil
}

func coreReactionsDelete(c *callState) (any, error) {
	s, st := c.s, c.s.st
	n := st.notes[c.str("noteId")]
	if n == nil || !st.canSee(c.userID, n) {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	r := n.reactionOf(c.userID)
	if r == nil {
		return nil, c.fail("NOT_REACTED", "You are not reacting to that note.")
	}
	n.reactions = slices.DeleteFunc(n.reactions, func(x *reaction) bool { return x == r })
	s.emitLocked(NoteUpdate(n.id, "unreacted", object{"reaction": r.reaction, "userId": c.userID}))
	return nil, nil
}

func coreNotesReactions(c *callState) (any, error) {
	st := c.s.st
	n := st.notes[c.str("noteId")]
	if n == nil || !st.canSee(c.userID, n) {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	typ := c.str("type")
	var rs []*reaction
	for _, r := range n.reactions {
		if typ == "" || r.reaction == normalizeReaction(typ, nil) {
			rs = append(rs, r)
		}
	}
	out := []any{}
	for _, r := range page(c, rs, func(r *reaction) string { return r.id }, func(r *reaction) time.Time { return r.createdAt }) {
		out = append(out, st.packReaction(r))
	}
	return out, nil
}

func corePollsVote(c *callState) (any, error) {
	s, st := c.s, c.s.st
	n := st.notes[c.str("noteId")]
	if n == nil || !st.canSee(c.userID, n) {
		return nil, c.fail("NO_SUCH_NOTE", "No such note.")
	}
	if n.poll == nil {
		return nil, c.fail("NO_POLL", "The note does not attach a poll.")
	}
	if n.poll.expiresAt != nil && n.poll.expiresAt.Before(st.now()) {
		return nil, c.fail("ALREADY_EXPIRED", "The poll is already expired.")
	}
	choice := int(c.integer("choice", -1))
	if choice < 0 || choice >= len(n.poll.choices) {
		return nil, c.fail("INVALID_CHOICE", "Choice ID is invalid.")
	}
	votes := n.poll.votes[c.userID]
	if slices.Contains(votes, choice) || (len(votes) > 0 && !n.poll.multiple) {
		return nil, c.fail("ALREADY_VOTED", "You have already voted.")
	}
	n.poll.votes[c.userID] = append(votes, choice)
	s.emitLocked(NoteUpdate(n.id, "pollVoted", object{"choice": choice, "userId": c.userID}))
	return nil, nil
}

// Following.

func coreFollowingCreate(c *callState) (any, error) {
	s, st := c.s, c.s.st
	if c.str("userId") == c.userID {
		return nil, c.fail("FOLLOWEE_IS_YOURSELF", "Followee is yourself.")
	}
	followee := st.users[c.str("userId")]
	if followee == nil {
		return nil, c.fail("NO_SUCH_USER", "No such user.")
	}
	if st.following(c.userID, followee.id) != nil {
		return nil, c.fail("ALREADY_FOLLOWING", "You are already following that user.")
	}
	now := st.now()
	st.follows = append(st.follows, &follow{id: st.newID(now), createdAt: now, followerID: c.userID, followeeID: followee.id})
	me := c.me()
	s.publishMainLocked(c.userID, "follow", s.conformAs("UserDetailedNotMe", mustJSON(st.packUserDetailed(followee, c.userID))))
	s.publishMainLocked(followee.id, "followed", s.conformAs("UserLite", mustJSON(st.packUserLite(me))))
	s.addNotificationLocked(followee.id, "follow", c.userID, "", "")
	return st.packUserLite(followee), nil
}

func coreFollowingDelete(c *callState) (any, error) {
	s, st := c.s, c.s.st
	if c.str("userId") == c.userID {
		return nil, c.fail("FOLLOWEE_IS_YOURSELF", "Followee is yourself.")
	}
	followee := st.users[c.str("userId")]
	if followee == nil {
		return nil, c.fail("NO_SUCH_USER", "No such user.")
	}
	f := st.following(c.userID, followee.id)
	if f == nil {
		return nil, c.fail("NOT_FOLLOWING", "You are not following that user.")
	}
	st.follows = slices.DeleteFunc(st.follows, func(x *follow) bool { return x == f })
	s.publishMainLocked(c.userID, "unfollow", s.conformAs("UserDetailedNotMe", mustJSON(st.packUserDetailed(followee, c.userID))))
	return st.packUserLite(followee), nil
}

func coreUsersFollows(following bool) coreFunc {
	return func(c *callState) (any, error) {
		st := c.s.st
		u := c.findUser()
		if u == nil {
			return nil, c.fail("NO_SUCH_USER", "No such user.")
		}
		var fs []*follow
		for _, f := range st.follows {
			if (following && f.followerID == u.id) || (!following && f.followeeID == u.id) {
				fs = append(fs, f)
			}
		}
		out := []any{}
		for _, f := range page(c, fs, func(f *follow) string { return f.id }, func(f *follow) time.Time { return f.createdAt }) {
			out = append(out, st.packFollowing(f, following, c.userID))
		}
		return out, nil
	}
}

// Notifications.

// addNotificationLocked notifies a user (never of their own doing) and sends
// the notification to their main channel.
func (s *Server) addNotificationLocked(notifiee, typ, notifier, noteID, reaction string) {
	if notifiee == notifier || notifiee == "" {
		return
	}
	st := s.st
	now := st.now()
	n := &notification{id: st.newID(now), createdAt: now, notifieeID: notifiee, typ: typ, notifierID: notifier, noteID: noteID, reaction: reaction}
	st.notifications = append(st.notifications, n)
	s.publishMainLocked(notifiee, "notification", s.conformAs("Notification", mustJSON(st.packNotification(n))))
}

func coreINotifications(c *callState) (any, error) {
	st := c.s.st
	include, exclude := c.strs("includeTypes"), c.strs("excludeTypes")
	var ns []*notification
	for _, n := range st.notifications {
		if n.notifieeID != c.userID {
			continue
		}
		if (len(include) > 0 && !slices.Contains(include, n.typ)) || slices.Contains(exclude, n.typ) {
			continue
		}
		ns = append(ns, n)
	}
	got := page(c, ns, func(n *notification) string { return n.id }, func(n *notification) time.Time { return n.createdAt })
	out := []any{}
	for _, n := range got {
		out = append(out, st.packNotification(n))
	}
	if c.boolean("markAsRead", true) {
		for _, n := range got {
			n.read = true
		}
	}
	return out, nil
}

func coreNotificationsMarkAllAsRead(c *callState) (any, error) {
	for _, n := range c.s.st.notifications {
		if n.notifieeID == c.userID {
			n.read = true
		}
	}
	c.s.publishMainLocked(c.userID, "readAllNotifications", []byte("null"))
	return nil, nil
}

// Drive.

func coreDriveFilesCreate(c *callState) (any, error) {
	s, st := c.s, c.s.st
	var up *UploadedFile
	for i := range c.files {
		if c.files[i].Field == "file" || up == nil {
			up = &c.files[i]
		}
	}
	if up == nil {
		return nil, c.fail("INVALID_PARAM", "File required.")
	}
	name := up.Name
	if n := c.str("name"); n != "" {
		name = n
	}
	sum := md5.Sum(up.Data)
	now := st.now()
	f := &driveFile{
		id:          st.newID(now),
		createdAt:   now,
		userID:      c.userID,
		name:        name,
		typ:         contentType(name, up.Data),
		md5:         hex.EncodeToString(sum[:]),
		data:        up.Data,
		isSensitive: c.boolean("isSensitive", false),
		comment:     c.strPtr("comment"),
	}
	st.files[f.id] = f
	st.fileOrder = append(st.fileOrder, f)
	packed := s.conformAs("DriveFile", mustJSON(st.packFile(f)))
	s.publishLocked(func(sc *streamConn, sub *channelSub) bool {
		return sc.userID == c.userID && sub.channel == "drive"
	}, "fileCreated", func(string) []byte { return packed })
	s.publishMainLocked(c.userID, "driveFileCreated", packed)
	return st.packFile(f), nil
}

// contentType guesses a file's type from its name and content.
func contentType(name string, data []byte) string {
	switch {
	case strings.HasSuffix(strings.ToLower(name), ".txt"):
		return "text/plain"
	case strings.HasSuffix(strings.ToLower(name), ".json"):
		return "application/json"
	}
	t := http.DetectContentType(data)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return t
}

func (c *callState) myFile() (*driveFile, error) {
	st := c.s.st
	f := st.files[c.str("fileId")]
	if f == nil && c.str("url") != "" {
		for _, x := range st.fileOrder {
			if st.baseURL+"/files/"+x.id == c.str("url") {
				f = x
			}
		}
	}
	if f == nil {
		return nil, c.fail("NO_SUCH_FILE", "No such file.")
	}
	if me := c.me(); f.userID != me.id && !me.isAdmin {
		return nil, c.fail("ACCESS_DENIED", "Access denied.")
	}
	return f, nil
}

func coreDriveFilesShow(c *callState) (any, error) {
	f, err := c.myFile()
	if err != nil {
		return nil, err
	}
	return c.s.st.packFile(f), nil
}

func coreDriveFilesDelete(c *callState) (any, error) {
	s, st := c.s, c.s.st
	f, err := c.myFile()
	if err != nil {
		return nil, err
	}
	delete(st.files, f.id)
	st.fileOrder = slices.DeleteFunc(st.fileOrder, func(x *driveFile) bool { return x == f })
	s.publishLocked(func(sc *streamConn, sub *channelSub) bool {
		return sc.userID == f.userID && sub.channel == "drive"
	}, "fileDeleted", func(string) []byte { return mustJSON(f.id) })
	return nil, nil
}

func coreDriveFiles(c *callState) (any, error) {
	st := c.s.st
	typ := c.str("type")
	var fs []*driveFile
	for _, f := range st.fileOrder {
		if f.userID != c.userID {
			continue
		}
		if typ != "" && !(f.typ == typ || strings.HasSuffix(typ, "*") && strings.HasPrefix(f.typ, strings.TrimSuffix(typ, "*"))) {
			continue
		}
		fs = append(fs, f)
	}
	out := []any{}
	for _, f := range page(c, fs, func(f *driveFile) string { return f.id }, func(f *driveFile) time.Time { return f.createdAt }) {
		out = append(out, st.packFile(f))
	}
	return out, nil
}

// serveFile serves the content of a drive file at its url.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	f := s.st.files[id]
	s.mu.Unlock()
	if f == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.typ)
	_, _ = w.Write(f.data)
}
