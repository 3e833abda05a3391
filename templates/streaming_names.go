package templates

// EventType is the type of a streaming event (StreamEvent.Type): the event of
// a channel ("note", "mention"), the change of a captured note ("reacted"),
// a broadcast ("emojiAdded"), or the frame type of anything else. Events this
// package has no constant for still arrive, with their type as sent.
type EventType string

// Events of the main channel.
const (
	EventTypeNotification                EventType = "notification"
	EventTypeUnreadNotification          EventType = "unreadNotification"
	EventTypeMention                     EventType = "mention"
	EventTypeReply                       EventType = "reply"
	EventTypeRenote                      EventType = "renote"
	EventTypeFollow                      EventType = "follow"
	EventTypeFollowed                    EventType = "followed"
	EventTypeUnfollow                    EventType = "unfollow"
	EventTypeMeUpdated                   EventType = "meUpdated"
	EventTypePageEvent                   EventType = "pageEvent"
	EventTypeURLUploadFinished           EventType = "urlUploadFinished"
	EventTypeReadAllNotifications        EventType = "readAllNotifications"
	EventTypeNotificationFlushed         EventType = "notificationFlushed"
	EventTypeUnreadMention               EventType = "unreadMention"
	EventTypeReadAllUnreadMentions       EventType = "readAllUnreadMentions"
	EventTypeUnreadSpecifiedNote         EventType = "unreadSpecifiedNote"
	EventTypeReadAllUnreadSpecifiedNotes EventType = "readAllUnreadSpecifiedNotes"
	EventTypeReadAllAntennas             EventType = "readAllAntennas"
	EventTypeUnreadAntenna               EventType = "unreadAntenna"
	EventTypeReadAntenna                 EventType = "readAntenna"
	EventTypeReadAllAnnouncements        EventType = "readAllAnnouncements"
	EventTypeMyTokenRegenerated          EventType = "myTokenRegenerated"
	EventTypeNewChatMessage              EventType = "newChatMessage"
	EventTypeSignin                      EventType = "signin"
	EventTypeRegistryUpdated             EventType = "registryUpdated"
	EventTypeDriveFileCreated            EventType = "driveFileCreated"
	EventTypeReceiveFollowRequest        EventType = "receiveFollowRequest"
	// EventTypeAnnouncementCreated is also a broadcast.
	EventTypeAnnouncementCreated EventType = "announcementCreated"
)

// EventTypeNote is the event of every timeline channel (homeTimeline,
// localTimeline, hybridTimeline, globalTimeline, userList, hashtag,
// roleTimeline, antenna, channel).
const EventTypeNote EventType = "note"

// Events of the drive channel.
const (
	EventTypeFileCreated   EventType = "fileCreated"
	EventTypeFileUpdated   EventType = "fileUpdated"
	EventTypeFileDeleted   EventType = "fileDeleted"
	EventTypeFolderCreated EventType = "folderCreated"
	EventTypeFolderUpdated EventType = "folderUpdated"
	EventTypeFolderDeleted EventType = "folderDeleted"
)

// Events of the serverStats and queueStats channels, and of admin.
const (
	EventTypeStats              EventType = "stats"
	EventTypeStatsLog           EventType = "statsLog"
	EventTypeNewAbuseUserReport EventType = "newAbuseUserReport"
)

// Events of the reversi and reversiGame channels.
const (
	EventTypeMatched           EventType = "matched"
	EventTypeInvited           EventType = "invited"
	EventTypeStarted           EventType = "started"
	EventTypeEnded             EventType = "ended"
	EventTypeCanceled          EventType = "canceled"
	EventTypeChangeReadyStates EventType = "changeReadyStates"
	EventTypeUpdateSettings    EventType = "updateSettings"
	EventTypeLog               EventType = "log"
)

// Events of the chatUser and chatRoom channels.
const (
	EventTypeMessage EventType = "message"
	// EventTypeDeleted is also the update of a captured note that was
	// deleted.
	EventTypeDeleted EventType = "deleted"
	EventTypeReact   EventType = "react"
	EventTypeUnreact EventType = "unreact"
)

// Updates of a captured note (EventNoteUpdated), besides EventTypeDeleted.
const (
	EventTypeReacted   EventType = "reacted"
	EventTypeUnreacted EventType = "unreacted"
	EventTypePollVoted EventType = "pollVoted"
	// EventTypeUpdated is an edited note (forks that allow editing).
	EventTypeUpdated EventType = "updated"
)

// Broadcasts (EventBroadcast), besides EventTypeAnnouncementCreated, and the
// acknowledgement of a connection (EventConnected).
const (
	EventTypeEmojiAdded   EventType = "emojiAdded"
	EventTypeEmojiUpdated EventType = "emojiUpdated"
	EventTypeEmojiDeleted EventType = "emojiDeleted"
	EventTypeConnected    EventType = "connected"
)
