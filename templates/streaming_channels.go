package templates

// Typed connections to the channels of the Misskey streaming API. Each
// helper calls Stream.Connect with the channel's name and parameters; the
// comments list the events the channel sends (StreamEvent.Type) and the
// messages it receives (Connection.Send). Older servers lack some channels:
// connecting to one of them does not fail, it just brings no events.
//
// Optional parameters are Optional values: unset leaves the server's
// default, Value(b) sends b.

// HomeTimelineParams are the parameters of the homeTimeline channel.
type HomeTimelineParams struct {
	WithRenotes Optional[bool] `json:"withRenotes,omitzero"` // include renotes; server default true
	WithFiles   Optional[bool] `json:"withFiles,omitzero"`   // only notes with files; default false
}

// LocalTimelineParams are the parameters of the localTimeline channel.
type LocalTimelineParams struct {
	WithRenotes Optional[bool] `json:"withRenotes,omitzero"` // default true
	WithReplies Optional[bool] `json:"withReplies,omitzero"` // include replies to others; default false
	WithFiles   Optional[bool] `json:"withFiles,omitzero"`   // default false
}

// HybridTimelineParams are the parameters of the hybridTimeline (social)
// channel.
type HybridTimelineParams struct {
	WithRenotes Optional[bool] `json:"withRenotes,omitzero"` // default true
	WithReplies Optional[bool] `json:"withReplies,omitzero"` // default false
	WithFiles   Optional[bool] `json:"withFiles,omitzero"`   // default false
}

// GlobalTimelineParams are the parameters of the globalTimeline channel.
type GlobalTimelineParams struct {
	WithRenotes Optional[bool] `json:"withRenotes,omitzero"` // default true
	WithFiles   Optional[bool] `json:"withFiles,omitzero"`   // default false
}

// UserListParams are the parameters of the userList channel.
type UserListParams struct {
	ListID      string         `json:"listId"`
	WithRenotes Optional[bool] `json:"withRenotes,omitzero"` // default true
	WithFiles   Optional[bool] `json:"withFiles,omitzero"`   // default false
}

// HashtagParams are the parameters of the hashtag channel.
type HashtagParams struct {
	// Q selects notes by hashtag, without "#": a note matches when it has
	// every tag of at least one group. [][]string{{"a", "b"}, {"c"}} means
	// (#a and #b) or #c.
	Q [][]string `json:"q"`
}

type streamRoleParams struct {
	RoleID string `json:"roleId"`
}

type streamAntennaParams struct {
	AntennaID string `json:"antennaId"`
}

type streamChannelParams struct {
	ChannelID string `json:"channelId"`
}

type streamGameParams struct {
	GameID string `json:"gameId"`
}

type streamChatUserParams struct {
	OtherID string `json:"otherId"`
}

type streamChatRoomParams struct {
	RoomID string `json:"roomId"`
}

// Main connects to the main channel, the account's own events (a token is
// required): notification, unreadNotification, mention, reply, renote,
// follow, followed, unfollow, meUpdated, pageEvent, urlUploadFinished,
// readAllNotifications, notificationFlushed, unreadMention,
// readAllUnreadMentions, unreadSpecifiedNote, readAllUnreadSpecifiedNotes,
// readAllAnnouncements, myTokenRegenerated, unreadAntenna, readAntenna,
// newChatMessage, signin, registryUpdated, driveFileCreated,
// receiveFollowRequest, announcementCreated.
func (s *Stream) Main(opts ...ConnectOption) (*Connection, error) {
	return s.Connect("main", nil, opts...)
}

// HomeTimeline connects to the homeTimeline channel: "note" events with the
// notes of followed users and the account's own.
func (s *Stream) HomeTimeline(p HomeTimelineParams, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("homeTimeline", p, opts...)
}

// LocalTimeline connects to the localTimeline channel: "note" events with the
// public notes of local users.
func (s *Stream) LocalTimeline(p LocalTimelineParams, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("localTimeline", p, opts...)
}

// HybridTimeline connects to the hybridTimeline (social) channel: "note"
// events of the home and local timelines.
func (s *Stream) HybridTimeline(p HybridTimelineParams, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("hybridTimeline", p, opts...)
}

// GlobalTimeline connects to the globalTimeline channel: "note" events with
// every public note the server knows.
func (s *Stream) GlobalTimeline(p GlobalTimelineParams, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("globalTimeline", p, opts...)
}

// UserList connects to the userList channel: "note" events with the notes of
// the members of a user list.
func (s *Stream) UserList(p UserListParams, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("userList", p, opts...)
}

// Hashtag connects to the hashtag channel: "note" events with the notes that
// match p.Q.
func (s *Stream) Hashtag(p HashtagParams, opts ...ConnectOption) (*Connection, error) {
	if p.Q == nil {
		p.Q = [][]string{}
	}
	return s.Connect("hashtag", p, opts...)
}

// RoleTimeline connects to the roleTimeline channel: "note" events with the
// notes of the members of an explorable role.
func (s *Stream) RoleTimeline(roleID string, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("roleTimeline", streamRoleParams{RoleID: roleID}, opts...)
}

// Antenna connects to the antenna channel: "note" events with the notes an
// antenna of the account catches.
func (s *Stream) Antenna(antennaID string, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("antenna", streamAntennaParams{AntennaID: antennaID}, opts...)
}

// ChannelTimeline connects to the channel named "channel": "note" events with
// the notes posted to a Misskey channel.
func (s *Stream) ChannelTimeline(channelID string, opts ...ConnectOption) (*Connection, error) {
	return s.Connect("channel", streamChannelParams{ChannelID: channelID}, opts...)
}

// Drive connects to the drive channel: fileCreated, fileUpdated (DriveFile),
// fileDeleted (the file id), folderCreated, folderUpdated (DriveFolder),
// folderDeleted (the folder id).
func (s *Stream) Drive(opts ...ConnectOption) (*Connection, error) {
	return s.Connect("drive", nil, opts...)
}

// Admin connects to the admin channel (moderators only): newAbuseUserReport.
func (s *Stream) Admin(opts ...ConnectOption) (*Connection, error) {
	return s.Connect("admin", nil, opts...)
}

// ServerStats connects to the serverStats channel: "stats" events, and a
// "statsLog" answer to StatsConnection.RequestLog.
func (s *Stream) ServerStats(opts ...ConnectOption) (*StatsConnection, error) {
	c, err := s.Connect("serverStats", nil, opts...)
	if err != nil {
		return nil, err
	}
	return &StatsConnection{c}, nil
}

// QueueStats connects to the queueStats channel: "stats" events, and a
// "statsLog" answer to StatsConnection.RequestLog.
func (s *Stream) QueueStats(opts ...ConnectOption) (*StatsConnection, error) {
	c, err := s.Connect("queueStats", nil, opts...)
	if err != nil {
		return nil, err
	}
	return &StatsConnection{c}, nil
}

// ReversiGame connects to the reversiGame channel of one game: started,
// ended, canceled, changeReadyStates, updateSettings, log. The methods of
// ReversiGameConnection send the moves (putStone, ready, cancel,
// updateSettings, claimTimeIsUp).
func (s *Stream) ReversiGame(gameID string, opts ...ConnectOption) (*ReversiGameConnection, error) {
	c, err := s.Connect("reversiGame", streamGameParams{GameID: gameID}, opts...)
	if err != nil {
		return nil, err
	}
	return &ReversiGameConnection{c}, nil
}

// Reversi connects to the reversi channel: matched, invited.
func (s *Stream) Reversi(opts ...ConnectOption) (*Connection, error) {
	return s.Connect("reversi", nil, opts...)
}

// ChatUser connects to the chatUser channel of the chat with another user
// (Misskey 2025 and newer): message, deleted, react, unreact.
// ChatConnection.Read marks the chat read.
func (s *Stream) ChatUser(otherID string, opts ...ConnectOption) (*ChatConnection, error) {
	c, err := s.Connect("chatUser", streamChatUserParams{OtherID: otherID}, opts...)
	if err != nil {
		return nil, err
	}
	return &ChatConnection{c}, nil
}

// ChatRoom connects to the chatRoom channel of a chat room (Misskey 2025 and
// newer): message, deleted, react, unreact. ChatConnection.Read marks the
// room read.
func (s *Stream) ChatRoom(roomID string, opts ...ConnectOption) (*ChatConnection, error) {
	c, err := s.Connect("chatRoom", streamChatRoomParams{RoomID: roomID}, opts...)
	if err != nil {
		return nil, err
	}
	return &ChatConnection{c}, nil
}
