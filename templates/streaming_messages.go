package templates

import (
	"context"
	"strconv"
	"sync/atomic"
)

// Messages a client sends to a channel ("receives" in Misskey's channel
// code), as methods of typed connections. Like Connection.Send, a message is
// not kept for the next socket: while the stream reconnects it fails with
// ErrStreamDisconnected. Each method fails with ctx's error, sending
// nothing, when ctx is already done.

// sendContext sends one channel message unless ctx is done.
func (c *Connection) sendContext(ctx context.Context, typ string, body any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Send(typ, body)
}

// StatsConnection is a connection to the serverStats or queueStats channel
// (Stream.ServerStats, Stream.QueueStats). Its events are "stats", every few
// seconds, and "statsLog", the answer to RequestLog.
type StatsConnection struct {
	*Connection
}

// streamLogRequests numbers the requestLog messages of the process: the
// server keys its answer by the id.
var streamLogRequests atomic.Uint64

// RequestLog asks for the latest length stats, which arrive as one
// "statsLog" event, newest first (length <= 0 lets the server choose: all it
// keeps for serverStats, 50 for queueStats).
func (c *StatsConnection) RequestLog(ctx context.Context, length int) error {
	body := struct {
		ID     string `json:"id"`
		Length int    `json:"length,omitempty"`
	}{ID: "log" + strconv.FormatUint(streamLogRequests.Add(1), 10), Length: max(length, 0)}
	return c.sendContext(ctx, "requestLog", body)
}

// ReversiGameConnection is a connection to the reversiGame channel of one
// game (Stream.ReversiGame). Its events are started, ended, canceled,
// changeReadyStates, updateSettings and log; the methods are the moves of a
// player, which the server ignores from anyone else.
type ReversiGameConnection struct {
	*Connection
}

// ReversiSettingKey names a setting of a reversi game that the players can
// change before it starts (UpdateSettings).
type ReversiSettingKey string

// The settings of a reversi game, as misskey-js's reversiUpdateKeys lists
// them.
const (
	ReversiSettingMap                  ReversiSettingKey = "map"                  // []string: the board, one string per row
	ReversiSettingBW                   ReversiSettingKey = "bw"                   // "random", "1" or "2": who plays black
	ReversiSettingIsLlotheo            ReversiSettingKey = "isLlotheo"            // bool: the fewest stones win
	ReversiSettingCanPutEverywhere     ReversiSettingKey = "canPutEverywhere"     // bool
	ReversiSettingLoopedBoard          ReversiSettingKey = "loopedBoard"          // bool
	ReversiSettingTimeLimitForEachTurn ReversiSettingKey = "timeLimitForEachTurn" // number of seconds
)

// PutStone puts a stone on cell pos of the board (row × width + column).
// id is echoed in the resulting "log" event, so that a player can tell its
// own move from the other's; any string will do.
func (c *ReversiGameConnection) PutStone(ctx context.Context, pos int, id string) error {
	return c.sendContext(ctx, "putStone", struct {
		Pos int    `json:"pos"`
		ID  string `json:"id"`
	}{pos, id})
}

// Ready says whether the player is ready to start; the game starts when both
// are ("started" event).
func (c *ReversiGameConnection) Ready(ctx context.Context, ready bool) error {
	return c.sendContext(ctx, "ready", ready)
}

// Cancel leaves a game that has not started ("canceled" event).
func (c *ReversiGameConnection) Cancel(ctx context.Context) error {
	return c.sendContext(ctx, "cancel", struct{}{})
}

// UpdateSettings changes a setting of a game that has not started
// ("updateSettings" event); value is encoded as JSON.
func (c *ReversiGameConnection) UpdateSettings(ctx context.Context, key ReversiSettingKey, value any) error {
	return c.sendContext(ctx, "updateSettings", struct {
		Key   ReversiSettingKey `json:"key"`
		Value any               `json:"value"`
	}{key, value})
}

// ClaimTimeIsUp asks the server to check whether the player to move ran out
// of time, which ends the game ("ended" event) when so.
func (c *ReversiGameConnection) ClaimTimeIsUp(ctx context.Context) error {
	return c.sendContext(ctx, "claimTimeIsUp", struct{}{})
}

// ChatConnection is a connection to the chatUser or chatRoom channel
// (Stream.ChatUser, Stream.ChatRoom). Its events are message, deleted, react
// and unreact.
type ChatConnection struct {
	*Connection
}

// Read marks the chat's messages as read up to now, as the web client does
// while the chat is on screen. messageID, the newest message seen, is sent
// along as the web client does ("" sends none); servers mark the whole chat.
func (c *ChatConnection) Read(ctx context.Context, messageID string) error {
	body := struct {
		ID string `json:"id,omitempty"`
	}{messageID}
	return c.sendContext(ctx, "read", body)
}
