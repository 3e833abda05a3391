package generator

import (
	"github.com/dave/jennifer/jen"
)

// SDK helpers that depend on the document: each is written only when the
// document has what it needs (misskey-js exports the same helpers and
// lists; see README.md).

// helperNames are the package-level identifiers the helpers file declares;
// they are reserved in every generated package (runtime.go).
var helperNames = []string{"NotificationTypes", "MutedNoteReasons", "QueueTypes", "ModerationLogTypes", "DecodeModerationLogInfo"}

// moderationLogInfo maps each moderation log type to the supplied type of
// its info (streaming_schema.json), as Misskey's server writes them
// (ModerationLogService callers; misskey-js's ModerationLogPayloads).
// clearQueue and promoteQueue have no info.
var moderationLogInfo = map[string]string{
	"suspend":                                "ModerationLogUserInfo",
	"unsuspend":                              "ModerationLogUserInfo",
	"resetPassword":                          "ModerationLogUserInfo",
	"deleteAccount":                          "ModerationLogUserInfo",
	"unsetUserAvatar":                        "ModerationLogUserInfo",
	"unsetUserBanner":                        "ModerationLogUserInfo",
	"updateUserNote":                         "ModerationLogUserNoteInfo",
	"assignRole":                             "ModerationLogRoleAssignmentInfo",
	"unassignRole":                           "ModerationLogRoleAssignmentInfo",
	"updateServerSettings":                   "ModerationLogEntityInfo",
	"addCustomEmoji":                         "ModerationLogEntityInfo",
	"updateCustomEmoji":                      "ModerationLogEntityInfo",
	"deleteCustomEmoji":                      "ModerationLogEntityInfo",
	"createRole":                             "ModerationLogEntityInfo",
	"updateRole":                             "ModerationLogEntityInfo",
	"deleteRole":                             "ModerationLogEntityInfo",
	"createGlobalAnnouncement":               "ModerationLogEntityInfo",
	"createUserAnnouncement":                 "ModerationLogEntityInfo",
	"updateGlobalAnnouncement":               "ModerationLogEntityInfo",
	"updateUserAnnouncement":                 "ModerationLogEntityInfo",
	"deleteGlobalAnnouncement":               "ModerationLogEntityInfo",
	"deleteUserAnnouncement":                 "ModerationLogEntityInfo",
	"createAd":                               "ModerationLogEntityInfo",
	"updateAd":                               "ModerationLogEntityInfo",
	"deleteAd":                               "ModerationLogEntityInfo",
	"createAvatarDecoration":                 "ModerationLogEntityInfo",
	"updateAvatarDecoration":                 "ModerationLogEntityInfo",
	"deleteAvatarDecoration":                 "ModerationLogEntityInfo",
	"createSystemWebhook":                    "ModerationLogEntityInfo",
	"updateSystemWebhook":                    "ModerationLogEntityInfo",
	"deleteSystemWebhook":                    "ModerationLogEntityInfo",
	"createAbuseReportNotificationRecipient": "ModerationLogEntityInfo",
	"updateAbuseReportNotificationRecipient": "ModerationLogEntityInfo",
	"deleteAbuseReportNotificationRecipient": "ModerationLogEntityInfo",
	"deleteChatRoom":                         "ModerationLogEntityInfo",
	"deleteDriveFile":                        "ModerationLogDriveFileInfo",
	"markSensitiveDriveFile":                 "ModerationLogDriveFileInfo",
	"unmarkSensitiveDriveFile":               "ModerationLogDriveFileInfo",
	"deleteNote":                             "ModerationLogContentInfo",
	"deletePage":                             "ModerationLogContentInfo",
	"deleteFlash":                            "ModerationLogContentInfo",
	"deleteGalleryPost":                      "ModerationLogContentInfo",
	"suspendRemoteInstance":                  "ModerationLogInstanceInfo",
	"unsuspendRemoteInstance":                "ModerationLogInstanceInfo",
	"updateRemoteInstanceNote":               "ModerationLogInstanceInfo",
	"resolveAbuseReport":                     "ModerationLogAbuseReportInfo",
	"forwardAbuseReport":                     "ModerationLogAbuseReportInfo",
	"updateAbuseReportNote":                  "ModerationLogAbuseReportInfo",
	"createInvitation":                       "ModerationLogInvitationInfo",
	"updateProxyAccountDescription":          "ModerationLogTextChangeInfo",
}

// helpersFile writes the document-dependent helpers. It returns nil when
// the document supports none of them.
func (e *emitter) helpersFile() *jen.File {
	f := e.newFile()
	n := 0
	if e.pureRenote(f) {
		n++
	}
	if e.notificationTypes(f) {
		n++
	}
	supplied := map[string]*Type{}
	for _, name := range e.api.Supplied {
		for _, t := range e.api.Types {
			if t.Component == name {
				supplied[name] = t
			}
		}
	}
	for _, l := range []struct{ enum, list, doc string }{
		{"MutedNoteReason", "MutedNoteReasons", "MutedNoteReasons lists every MutedNoteReason, as misskey-js's mutedNoteReasons does."},
		{"QueueType", "QueueTypes", "QueueTypes lists every QueueType, as misskey-js's queueTypes does."},
		{"ModerationLogType", "ModerationLogTypes", "ModerationLogTypes lists every ModerationLogType, as misskey-js's moderationLogTypes does."},
	} {
		t := supplied[l.enum]
		if t == nil || t.Kind != KindEnum {
			continue
		}
		var vals []jen.Code
		for _, v := range t.EnumValues {
			vals = append(vals, jen.Id(v.GoName))
		}
		f.Comment(l.doc)
		f.Var().Id(l.list).Op("=").Index().Id(t.Name).Values(vals...)
		n++
	}
	if e.moderationLogDecoder(f, supplied) {
		n++
	}
	if n == 0 {
		return nil
	}
	return f
}

// isSupplied reports whether t is a component misskey-gen added to the
// document (streaming_schema.json).
func (e *emitter) isSupplied(t *Type) bool {
	for _, n := range e.api.Supplied {
		if n == t.Component {
			return true
		}
	}
	return false
}

// findField returns the field of t (own or embedded) with the JSON name, or
// nil.
func findField(t *Type, json string) *Field {
	for _, f := range allFields(t, nil) {
		if f.JSONName == json {
			return f
		}
	}
	return nil
}

// unsetExpr is the Go condition that field f of n holds nothing (null,
// absent, empty), or nil when its type cannot say.
func unsetExpr(f *Field) *jen.Statement {
	x := jen.Id("n").Dot(f.Name)
	if f.Wrap == WrapPointer {
		return x.Op("==").Nil()
	}
	switch f.Type.Kind {
	case RefSlice, RefMap:
		return jen.Len(x).Op("==").Lit(0)
	case RefAny, RefRaw:
		return x.Op("==").Nil()
	case RefString:
		return x.Op("==").Lit("")
	}
	return nil
}

// setExpr is the Go condition that field f of n holds something.
func setExpr(f *Field) *jen.Statement {
	x := jen.Id("n").Dot(f.Name)
	if f.Wrap == WrapPointer {
		return x.Op("!=").Nil()
	}
	switch f.Type.Kind {
	case RefSlice, RefMap:
		return jen.Len(x).Op("!=").Lit(0)
	case RefAny, RefRaw:
		return x.Op("!=").Nil()
	case RefString:
		return x.Op("!=").Lit("")
	}
	return nil
}

// pureRenote writes Note.IsPureRenote, misskey-js's isPureRenote: a renote
// with nothing of its own (no text, content warning, files, poll, and not
// a reply). Written when Note has the fields it reads.
func (e *emitter) pureRenote(f *jen.File) bool {
	var note *Type
	for _, t := range e.api.Types {
		if t.Component == "Note" && t.Kind == KindStruct {
			note = t
		}
	}
	if note == nil {
		return false
	}
	pick := func(names ...string) *Field {
		for _, n := range names {
			if fl := findField(note, n); fl != nil {
				return fl
			}
		}
		return nil
	}
	renote := pick("renote", "renoteId")
	if renote == nil || setExpr(renote) == nil {
		return false
	}
	conds := []jen.Code{jen.Id("n").Op("!=").Nil(), setExpr(renote)}
	for _, names := range [][]string{{"reply", "replyId"}, {"text"}, {"cw"}, {"fileIds", "files"}, {"poll"}} {
		fl := pick(names...)
		if fl == nil {
			if names[0] == "text" {
				return false
			}
			continue
		}
		c := unsetExpr(fl)
		if c == nil {
			return false
		}
		conds = append(conds, c)
	}
	var expr *jen.Statement
	for i, c := range conds {
		if i == 0 {
			expr = jen.Add(c)
			continue
		}
		expr = expr.Op("&&").Line().Add(c)
	}
	f.Comment("IsPureRenote reports whether n is a plain renote: it renotes a note and adds")
	f.Comment("nothing of its own (no text, content warning, files or poll, and it is not a")
	f.Comment("reply), as misskey-js's isPureRenote decides. A quote is not a pure renote.")
	f.Func().Params(jen.Id("n").Op("*").Id(note.Name)).Id("IsPureRenote").Params().Bool().Block(jen.Return(expr))
	return true
}

// notificationTypes writes NotificationTypes: the notification types the
// document knows, in its order — the constants of a NotificationType enum
// when the model has one, else the discriminator values of the Notification
// union.
func (e *emitter) notificationTypes(f *jen.File) bool {
	for _, t := range e.api.Types {
		if t.Name == "NotificationType" && t.Kind == KindEnum && len(t.EnumValues) > 0 {
			var vals []jen.Code
			for _, v := range t.EnumValues {
				vals = append(vals, jen.Id(v.GoName))
			}
			f.Comment("NotificationTypes lists the notification types of the API document, as")
			f.Comment("misskey-js's notificationTypes does for its version.")
			f.Var().Id("NotificationTypes").Op("=").Index().Id(t.Name).Values(vals...)
			return true
		}
	}
	return false
}

// moderationLogDecoder writes DecodeModerationLogInfo when the moderation
// log types were supplied.
func (e *emitter) moderationLogDecoder(f *jen.File, supplied map[string]*Type) bool {
	enum := supplied["ModerationLogType"]
	if enum == nil || enum.Kind != KindEnum {
		return false
	}
	byInfo := map[string][]jen.Code{}
	for _, v := range enum.EnumValues {
		info := moderationLogInfo[v.Value]
		if info == "" || supplied[info] == nil {
			continue
		}
		byInfo[supplied[info].Name] = append(byInfo[supplied[info].Name], jen.Id(v.GoName))
	}
	var cases []jen.Code
	for _, name := range sortedKeys(byInfo) {
		cases = append(cases, jen.Case(byInfo[name]...).Block(jen.Id("v").Op("=").New(jen.Id(name))))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Nil(), jen.Nil())))
	f.Comment("DecodeModerationLogInfo types the info of a moderation log entry")
	f.Comment("(admin/show-moderation-logs) by its type: a *ModerationLogUserInfo for")
	f.Comment("suspend, a *ModerationLogRoleAssignmentInfo for assignRole, and so on. info")
	f.Comment("is the entry's info as decoded (a map), or its raw JSON. Types without info")
	f.Comment("(clearQueue, promoteQueue) and types this package does not know give nil.")
	f.Func().Id("DecodeModerationLogInfo").Params(jen.Id("typ").Id(enum.Name), jen.Id("info").Any()).Params(jen.Any(), jen.Error()).Block(
		jen.Var().Id("v").Any(),
		jen.Switch(jen.Id("typ")).Block(cases...),
		jen.Var().Id("data").Index().Byte(),
		jen.Switch(jen.Id("x").Op(":=").Id("info").Assert(jen.Type())).Block(
			jen.Case(jen.Qual("encoding/json", "RawMessage")).Block(jen.Id("data").Op("=").Id("x")),
			jen.Case(jen.Index().Byte()).Block(jen.Id("data").Op("=").Id("x")),
			jen.Default().Block(
				jen.Var().Id("err").Error(),
				jen.If(jen.List(jen.Id("data"), jen.Id("err")).Op("=").Qual("encoding/json", "Marshal").Call(jen.Id("x")), jen.Id("err").Op("!=").Nil()).Block(
					jen.Return(jen.Nil(), jen.Id("err")),
				),
			),
		),
		jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Nil())),
		jen.List(jen.Id("value"), jen.Id("_"), jen.Id("err")).Op(":=").Id("decodeEventAs").Call(jen.Id("data"), jen.Id("v").Assert(jen.Id("jsonValue")), jen.False()),
		jen.Return(jen.Id("value"), jen.Id("err")),
	)
	return true
}
