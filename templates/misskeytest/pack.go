package misskeytest

import (
	"time"
)

// Packing: the state as JSON shaped like the entities Misskey sends
// (UserLite, UserDetailed, MeDetailed, Note, Notification, DriveFile,
// NoteReaction, Following), after the recorded answers of Misskey 2026.3.
// The server's answers go through the generated response types before they
// are sent (endpointDef.conform), so that an older document's client gets
// the shape it knows.

type object = map[string]any

func timeJSON(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (st *state) avatarURL(u *user) string {
	return st.baseURL + "/identicon/" + u.username + "@" + st.host()
}

func (st *state) packUserLite(u *user) object {
	return object{
		"id":                u.id,
		"name":              u.name,
		"username":          u.username,
		"host":              nil,
		"avatarUrl":         st.avatarURL(u),
		"avatarBlurhash":    nil,
		"avatarDecorations": []any{},
		"isBot":             u.isBot,
		"isCat":             u.isCat,
		"emojis":            object{},
		"onlineStatus":      "unknown",
		"badgeRoles":        []any{},
	}
}

func (st *state) counts(u *user) (followers, following, notes int) {
	for _, f := range st.follows {
		if f.followeeID == u.id {
			followers++
		}
		if f.followerID == u.id {
			following++
		}
	}
	for _, n := range st.noteOrder {
		if n.userID == u.id {
			notes++
		}
	}
	return
}

// packUserDetailed packs a user as UserDetailedNotMe (with the relation to
// viewer, when there is one) or, for the viewer themself, MeDetailed.
func (st *state) packUserDetailed(u *user, viewer string) object {
	o := st.packUserLite(u)
	followers, following, notes := st.counts(u)
	for k, v := range (object{
		"url": nil, "uri": nil, "movedTo": nil, "alsoKnownAs": nil,
		"createdAt": timeJSON(u.createdAt), "updatedAt": nil, "lastFetchedAt": nil,
		"bannerUrl": nil, "bannerBlurhash": nil,
		"isLocked": u.isLocked, "isSilenced": false, "isSuspended": false,
		"description": nil, "location": nil, "birthday": nil, "lang": nil,
		"fields": []any{}, "verifiedLinks": []any{},
		"followersCount": followers, "followingCount": following, "notesCount": notes,
		"pinnedNoteIds": []any{}, "pinnedNotes": []any{}, "pinnedPageId": nil, "pinnedPage": nil,
		"publicReactions": true, "followersVisibility": "public", "followingVisibility": "public",
		"roles": []any{}, "memo": nil,
		"twoFactorEnabled": false, "usePasswordLessLogin": false, "securityKeys": false,
		"chatScope": "mutual", "canChat": true, "followedMessage": nil,
	}) {
		o[k] = v
	}
	switch {
	case viewer == u.id:
		unread := 0
		for _, n := range st.notifications {
			if n.notifieeID == u.id && !n.read {
				unread++
			}
		}
		for k, v := range (object{
			"avatarId": nil, "bannerId": nil,
			"isModerator": u.isAdmin, "isAdmin": u.isAdmin,
			"injectFeaturedNote": true, "receiveAnnouncementEmail": true, "alwaysMarkNsfw": false,
			"autoSensitive": false, "carefulBot": false, "autoAcceptFollowed": true, "noCrawle": false,
			"preventAiLearning": true, "isExplorable": true, "isDeleted": false,
			"twoFactorBackupCodesStock": "none", "hideOnlineStatus": false,
			"hasUnreadSpecifiedNotes": false, "hasUnreadMentions": false, "hasUnreadAnnouncement": false,
			"unreadAnnouncements": []any{}, "hasUnreadAntenna": false, "hasUnreadChannel": false,
			"hasUnreadNotification": unread > 0, "hasPendingReceivedFollowRequest": false,
			"unreadNotificationsCount": unread,
			"mutedWords":               []any{}, "hardMutedWords": []any{}, "mutedInstances": []any{},
			"notificationRecieveConfig": object{}, "emailNotificationTypes": []any{},
			"achievements": []any{}, "loggedInDays": 1,
			"email": nil, "emailVerified": false, "hasUnreadChatMessages": false,
			"mutingNotificationTypes": []any{}, "securityKeysList": []any{},
			"policies": object{
				"gtlAvailable": true, "ltlAvailable": true, "canPublicNote": true, "mentionLimit": 20,
				"canInvite": false, "inviteLimit": 0, "inviteLimitCycle": 10080, "inviteExpirationTime": 0,
				"canManageCustomEmojis": false, "canManageAvatarDecorations": false,
				"canSearchNotes": true, "canSearchUsers": true, "canUseTranslator": true, "canHideAds": false,
				"driveCapacityMb": 100, "maxFileSizeMb": 30, "alwaysMarkNsfw": false, "canUpdateBioMedia": true,
				"pinLimit": 5, "antennaLimit": 5, "wordMuteLimit": 200, "webhookLimit": 3, "clipLimit": 10,
				"noteEachClipsLimit": 200, "userListLimit": 10, "userEachUserListsLimit": 50,
				"rateLimitFactor": 1, "avatarDecorationLimit": 1,
				"canImportAntennas": false, "canImportBlocking": false, "canImportFollowing": false,
				"canImportMuting": false, "canImportUserLists": false, "chatAvailability": "available",
				"uploadableFileTypes": []string{"text/*", "application/json", "image/*", "video/*", "audio/*"},
				"noteDraftLimit":      10, "scheduledNoteLimit": 1, "watermarkAvailable": true,
			},
		}) {
			o[k] = v
		}
	case viewer != "":
		o["isFollowing"] = st.following(viewer, u.id) != nil
		o["isFollowed"] = st.following(u.id, viewer) != nil
		for k, v := range (object{
			"hasPendingFollowRequestFromYou": false, "hasPendingFollowRequestToYou": false,
			"isBlocking": false, "isBlocked": false, "isMuted": false, "isRenoteMuted": false,
			"notify": "none", "withReplies": false,
		}) {
			o[k] = v
		}
	}
	return o
}

// maxPackDepth bounds how deep renotes of renotes are packed.
const maxPackDepth = 3

// packNote packs n for viewer. With detail, the note it replies to and the
// note it renotes are packed in it, as Misskey does for timelines.
func (st *state) packNote(n *note, viewer string, detail bool, depth int) object {
	author := st.users[n.userID]
	reactions := object{}
	for _, r := range n.reactions {
		c, _ := reactions[r.reaction].(int)
		reactions[r.reaction] = c + 1
	}
	renotes, replies := 0, 0
	for _, m := range st.noteOrder {
		if m.renoteID == n.id {
			renotes++
		}
		if m.replyID == n.id {
			replies++
		}
	}
	files := []any{}
	fileIDs := []string{}
	for _, id := range n.fileIDs {
		if f := st.files[id]; f != nil {
			files = append(files, st.packFile(f))
			fileIDs = append(fileIDs, id)
		}
	}
	o := object{
		"id":                 n.id,
		"createdAt":          timeJSON(n.createdAt),
		"userId":             n.userID,
		"user":               st.packUserLite(author),
		"text":               n.text,
		"cw":                 n.cw,
		"visibility":         n.visibility,
		"localOnly":          n.localOnly,
		"reactionAcceptance": n.acceptance,
		"renoteCount":        renotes,
		"repliesCount":       replies,
		"reactionCount":      len(n.reactions),
		"reactions":          reactions,
		"reactionEmojis":     object{},
		"fileIds":            fileIDs,
		"files":              files,
		"replyId":            nullable(n.replyID),
		"renoteId":           nullable(n.renoteID),
	}
	if detail {
		o["clippedCount"] = 0
	}
	if len(n.mentions) > 0 {
		o["mentions"] = n.mentions
	}
	if n.visibility == "specified" {
		o["visibleUserIds"] = n.visibleUserIDs
	}
	if len(n.tags) > 0 {
		o["tags"] = n.tags
	}
	if n.poll != nil {
		o["poll"] = st.packPoll(n.poll, viewer)
	}
	if viewer != "" {
		if r := n.reactionOf(viewer); r != nil {
			o["myReaction"] = r.reaction
		}
	}
	if !st.canSee(viewer, n) {
		o["isHidden"] = true
		o["text"], o["cw"] = nil, nil
		o["fileIds"], o["files"] = []string{}, []any{}
		delete(o, "poll")
	}
	if detail && depth < maxPackDepth {
		if r := st.notes[n.replyID]; r != nil {
			o["reply"] = st.packNote(r, viewer, false, depth+1)
		}
		if r := st.notes[n.renoteID]; r != nil {
			o["renote"] = st.packNote(r, viewer, true, depth+1)
		}
	}
	return o
}

func (st *state) packPoll(p *poll, viewer string) object {
	counts := make([]int, len(p.choices))
	for _, vs := range p.votes {
		for _, c := range vs {
			if c >= 0 && c < len(counts) {
				counts[c]++
			}
		}
	}
	choices := make([]any, len(p.choices))
	for i, c := range p.choices {
		voted := false
		for _, x := range p.votes[viewer] {
			voted = voted || x == i
		}
		choices[i] = object{"text": c, "votes": counts[i], "isVoted": voted}
	}
	var exp any
	if p.expiresAt != nil {
		exp = timeJSON(*p.expiresAt)
	}
	return object{"multiple": p.multiple, "expiresAt": exp, "choices": choices}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (st *state) packFile(f *driveFile) object {
	return object{
		"id":           f.id,
		"createdAt":    timeJSON(f.createdAt),
		"name":         f.name,
		"type":         f.typ,
		"md5":          f.md5,
		"size":         len(f.data),
		"isSensitive":  f.isSensitive,
		"blurhash":     nil,
		"properties":   object{},
		"url":          st.baseURL + "/files/" + f.id,
		"thumbnailUrl": nil,
		"comment":      f.comment,
		"folderId":     f.folderID,
		"folder":       nil,
		"userId":       f.userID,
		"user":         nil,
	}
}

func (st *state) packNotification(n *notification) object {
	o := object{"id": n.id, "createdAt": timeJSON(n.createdAt), "type": n.typ}
	if u := st.users[n.notifierID]; u != nil {
		o["userId"] = u.id
		o["user"] = st.packUserLite(u)
	}
	if nt := st.notes[n.noteID]; nt != nil {
		o["note"] = st.packNote(nt, n.notifieeID, true, 0)
	}
	if n.reaction != "" {
		o["reaction"] = n.reaction
	}
	return o
}

func (st *state) packReaction(r *reaction) object {
	return object{
		"id":        r.id,
		"createdAt": timeJSON(r.createdAt),
		"user":      st.packUserLite(st.users[r.userID]),
		"type":      r.reaction,
	}
}

// packFollowing packs a follow as the Following entity, with the user on
// the other side (the followee when followee is set).
func (st *state) packFollowing(f *follow, followee bool, viewer string) object {
	o := object{
		"id":         f.id,
		"createdAt":  timeJSON(f.createdAt),
		"followeeId": f.followeeID,
		"followerId": f.followerID,
	}
	if followee {
		o["followee"] = st.packUserDetailed(st.users[f.followeeID], viewer)
	} else {
		o["follower"] = st.packUserDetailed(st.users[f.followerID], viewer)
	}
	return o
}
