// Interface strings in Chinese and English, and the language choice (navigator default,
// remembered in localStorage). Both languages are complete: a missing key is a type error.
import type { CueType, PostureSignalLabel, Role, Technique, VerbalLabel } from '../protocol/protocol';
import { CUE_TYPE_NAMES, SIGNAL_LABEL_NAMES } from '../protocol/names';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['zh', 'en'];
const STORAGE_KEY = 'buying-signals.lang';

const en = {
  productName: 'Buying Signals',
  productTagline: 'Live closing-moment cues for sales conversations',
  language: 'Language',
  toolbarLabel: 'Session and playback',
  connConnected: 'Connected',
  connConnecting: 'Connecting…',
  connOffline: 'Offline',
  sessionLabel: 'Session',
  demoOption: 'Demo meeting',
  storedSessions: 'Stored sessions',
  refresh: 'Refresh',
  uploadLabel: 'Upload transcript',
  uploadHint: '.vtt .srt .json .txt',
  chooseFile: 'Choose a file…',
  uploading: 'Uploading…',
  uploadDone: 'Uploaded “{title}”: {counts}.',
  uploadFailed: 'Upload failed',
  colon: ': ',
  playback: 'Playback',
  play: 'Play',
  resume: 'Resume',
  playNothing: 'Nothing to play: this session has no utterances and no posture frames.',
  playWatching: 'This session is being played in another window: Play would start a copy of it half-way.',
  playGone: 'Nothing to play: this session is no longer on the server.',
  pause: 'Pause',
  stop: 'Stop',
  speed: 'Speed',
  mediaClock: 'Media time',
  transcript: 'Transcript',
  cues: 'Cues',
  rolesButton: 'Roles',
  exportButton: 'Export',
  exportTip: 'Download this session as a JSON transcript (speakers, roles, turns and times), which can be uploaded again or read by the command line’s analyze.',
  exportFailed: 'Not exported',
  rolesReanalysing: 'Re-analysing…',
  rolesTitle: 'Who is who?',
  rolesHelp: 'Some speakers have no role yet. Only the customer’s turns can be buying signals.',
  rolesEditHelp: 'Only the customer’s turns can be buying signals. Saving re-analyses the whole session: its signals and cues are replaced.',
  rolesSave: 'Save roles',
  rolesSaving: 'Saving…',
  rolesClose: 'Close',
  rolesFailed: 'Roles not saved: {message}',
  roleUnset: '— choose —',
  roleNone: 'No role (no signals)',
  roleCustomer: 'Customer',
  roleRep: 'Sales rep',
  roleUnknown: 'No role',
  live: 'Live',
  review: 'Review',
  preview: 'Ready',
  emptyDemo: 'Press Play to run the recorded demo meeting as a live session. Cues appear here as the customer shows buying signals or resistance.',
  emptyTranscript: 'No utterances yet.',
  emptyCues: 'No cues yet.',
  technique: 'Technique',
  evidence: 'Evidence',
  model: 'Model',
  verbalModel: 'Verbal model',
  postureModel: 'Posture model',
  score: 'Score',
  tentative: 'Uncertain: below the {pct} a cue needs, so it raises no cue',
  utterancesCount: '{n} utterances',
  utterancesCountOne: '{n} utterance',
  cuesCount: '{n} cues',
  cuesCountOne: '{n} cue',
  labelledCount: '{n} labelled',
  labelledCountOne: '{n} labelled',
  signalsCount: '{n} signals',
  signalsCountOne: '{n} signal',
  framesCount: '{n} frames',
  framesCountOne: '{n} frame',
  peopleCount: '{n} people',
  peopleCountOne: '{n} person',
  listSep: ', ',
  ackFailed: 'Utterance {n} was rejected',
  frameRejected: 'The posture frame at {time} was rejected',
  framesFailed: 'Could not load the rest of the posture frames',
  framesFailedDetail: 'The words play on without posture input from {time} on: {error}',
  sessionError: 'Server error',
  loadFailed: 'Could not load',
  versionMismatch: 'The server speaks protocol {server}, this page speaks {client}. Reload the page.',
  dismiss: 'Dismiss',
  warnings: 'Warnings',
  participants: 'Participants',
  personWithRole: '{name} ({role})',
  backend: 'Backend',
  protocolVersion: 'protocol v{v}',
  playbackDone: 'Playback finished.',
  stopped: 'Stopped.',
  liveSuffix: ' (live {time})',
  pausedOffline: 'Playback paused: the connection to the server was lost',
  pausedOfflineDetail: 'It goes on by itself once the connection is back; a turn the server did not confirm is sent again, unless it was already stored.',
  playbackResumed: 'Connection restored: playback resumed',
  rejoinFailed: 'Reconnected, but could not rejoin the session',
  sessionLost: 'This session no longer exists on the server (it restarted without keeping it)',
  startAgain: 'Start again in a new session',
  sessionGone: 'no longer on the server',
  noticeRepeat: '×{n}',
  poseTitle: 'Video posture',
  videoToggle: 'Video',
  poseHelp: 'Pose estimation runs in this browser: only landmarks, never pixels, go to the server.',
  poseChooseVideo: 'Choose a video…',
  poseWebcam: 'Webcam',
  poseParticipant: 'Person in the video',
  poseRate: 'Landmarks / s',
  poseModel: 'Pose model',
  poseModelFull: 'Full (more accurate)',
  poseModelLite: 'Lite (faster)',
  poseStart: 'Analyse',
  poseStarting: 'Starting…',
  poseStop: 'Stop analysis',
  poseChooseSource: 'Choose a video file or the webcam.',
  poseReady: 'Ready: press Analyse.',
  poseLoading: 'Loading the pose model…',
  poseRunning: 'Analysing: {frames} stored · {people} · {ms} ms per frame · last posture: {last}',
  posePaused: 'Stopped after {frames}.',
  poseNoWebcam: 'The webcam is not available.',
  poseVideoError: 'This browser cannot play “{name}”.',
  poseNoParticipants: 'This session has no participants to assign the video to.',
  poseLoadFailed: 'Pose estimation could not start: {message}',
  poseRejected: 'Landmarks rejected: {message}',
  poseOfficialModel: 'official model',
  posePointHint: 'Several people in the video: click the customer to follow them (else the largest, most central person counts).',
  posePointed: 'Following the person you clicked (amber).',
  posePointClear: 'Automatic choice',
  poseRehearsal: 'Video rehearsal',
  postureTrack: 'Posture',
  emptyPosture: 'No posture signals yet.',
  emptyPostureReview: 'No posture signals in this session.',
  postureOngoing: 'ongoing',
  postureReady: 'Receptive',
  postureResisting: 'Resisting',
  postureMerged: '{n} signals',
  timelineWords: 'Words',
  timelineLabel: 'Posture timeline: postures, cues and verbal signals over the meeting’s media time',
  timelineHelp:
    'One Tab stop: arrow keys move between markers and bars, Left and Right in time, Up and Down to the nearest one in the row above or below; Home and End go to the first or last. Enter or Space opens that moment in the transcript (a group zooms in on its markers; a coach’s marker opens its posture labels); after a posture bar is chosen, the next Tab reaches Label posture here.',
  postureEvidence: 'Posture',
  sourceBrowser: 'from the browser',
  sourceServer: 'from the server',
  // the posture timeline's zoom
  tlZoomBar: 'Timeline zoom',
  tlZoomIn: 'Zoom in',
  tlZoomInTip: 'Zoom in (or Ctrl/⌘ + wheel, or pinch, on the timeline)',
  tlZoomOut: 'Zoom out',
  tlZoomOutTip: 'Zoom out (or Ctrl/⌘ + wheel, or pinch, on the timeline)',
  tlFit: 'Fit',
  tlFitLabel: 'Fit the whole meeting',
  tlFitTip: 'Show the whole meeting in the panel',
  tlFollow: 'Follow',
  tlFollowLabel: 'Follow the playhead',
  tlFollowTip: 'Keep the playhead in view (scrolling elsewhere stops following)',
  tlShown: '{span} shown',
  tlCueGroup: '{n} cues · {from}–{to}',
  tlWordGroup: '{n} verbal signals · {from}–{to}',
  tlGroupZoom: 'click to zoom in',
  tlGroupFirst: 'click for the first one',
  tlSeconds: '{n} s',
  tlMinutes: '{n} min',
  tlHours: '{n} h',
  // which models a session's analysis came from (client/modelStatus.ts), and re-analysing it
  modelKindVerbal: 'verbal',
  modelKindPosture: 'posture',
  modelsUsed: 'Analysed with {models}',
  modelServerRuns: '{versions}; the server runs {current}',
  modelOlder: 'Analysed with an older {kind} model ({detail})',
  modelNewer: 'Analysed with a newer {kind} model ({detail})',
  modelOther: 'Analysed with another {kind} model ({detail})',
  modelMixed: 'Mixes {n} {kind} models ({detail})',
  reanalyse: 'Re-analyse',
  reanalyseRunning: 'Re-analysing…',
  reanalyseTip: 'Analyse the whole session again with the server’s current models and signal thresholds: its signals and cues are replaced (its turns are kept).',
  reanalysePlaying: 'Not while this session is being played: re-analyse it once playback has ended or been stopped.',
  reanalyseWatching: 'Not while this session is being played in another window: re-analyse it once its input has stopped.',
  reanalyseDone: 'Re-analysed with {models}: signals {s0} → {s1}, cues {c0} → {c1}.',
  reanalyseDoneBare: 'Re-analysed: signals {s0} → {s1}, cues {c0} → {c1}.',
  reanalyseFailed: 'Not re-analysed: {message}',
  signalThresholds: 'Signal thresholds',
  signalThresholdsTip: 'The server runs with signal thresholds (serve --thresholds): a customer’s turn scoring below its label’s threshold gives no signal.',
  // coaches' labels of customer turns (client/view/turnLabels.ts)
  labelTurn: 'Label',
  labelTurnAria: 'Label {speaker}’s turn at {time}',
  labelEditorTitle: 'What should the model have said of this turn?',
  labelEditorHelp: 'For measuring and training the model on your meetings: a label changes no signal or cue.',
  labelNoSignal: 'No signal',
  labelModelHint: 'model’s label',
  labelNote: 'Note (optional)',
  labelNoteCount: '{n} / {max} characters',
  labelSave: 'Save label',
  labelSaving: 'Saving…',
  labelRemove: 'Remove label',
  labelRemoving: 'Removing…',
  labelCancel: 'Cancel',
  labelSaveFailed: 'Label not saved',
  labelRemoveFailed: 'Label not removed',
  coachLabel: 'Coach: {label}',
  coachNote: 'Coach’s note: {note}',
  coachLabelAside: 'Kept, but neither counted nor exported: this turn is no longer a customer’s',
  labelNotCustomer: 'This turn is no longer a customer’s (its speaker’s role changed): its label is kept, but neither counted nor exported. Remove it, or make the speaker a customer again (Roles).',
  coachLabelTip: 'A coach’s label of this turn: what the model should have said (for measuring and training it; it changes no signal or cue)',
  modelSaid: 'Model said: {label}',
  modelSaidOther: 'Model said {model}; the coach labelled it {coach}',
  labelsSummary: '{n} turns labelled · model agrees on {k}',
  labelsSummaryOne: '{n} turn labelled · model agrees on {k}',
  labelsExport: 'Export labels',
  labelsExportTip: 'Download this session’s labelled customer turns as JSON lines (one eval verbal row per turn: its text, the coach’s label, language and context), to measure or train the verbal model.',
  labelsExportFailed: 'Labels not exported',
  allLabelsExport: 'Every session’s labels',
  allLabelsExportTip: 'Download the labelled customer turns of every session as one JSON lines file (eval verbal rows), to measure the verbal model on your own meetings or train it with train verbal --extra.',
  allLabelsNone: 'No turn is labelled yet in any session: there are no labels to download.',
  // coaches' verdicts on cues (client/view/cueReviews.ts)
  cueVerdictGroup: 'Coach’s verdict on this cue',
  cueVerdictUseful: 'Useful',
  cueVerdictFalseAlarm: 'False alarm',
  cueVerdictUsefulTip: 'Right moment, fitting advice (click again to take it back). A verdict changes no cue.',
  cueVerdictFalseAlarmTip: 'This cue should not have come (click again to take it back). A verdict changes no cue.',
  cueVerdictTagUseful: 'Coach: useful',
  cueVerdictTagFalseAlarm: 'Coach: false alarm',
  cueVerdictTagTip: 'A coach’s verdict on this cue, for measuring how often cues are right; it changes no cue',
  cueReviewSaveFailed: 'Verdict not saved',
  cueReviewRemoveFailed: 'Verdict not taken back',
  cueReviewsSummary: '{n} cues reviewed · {k} useful',
  cueReviewsSummaryOne: '{n} cue reviewed · {k} useful',
  cueReviewsEarlier: '{n} earlier verdicts on cues no longer emitted',
  cueReviewsEarlierOne: '{n} earlier verdict on a cue no longer emitted',
  cueReviewsEarlierTip: 'Verdicts given before a re-analysis or a role change, on cues the analysis no longer emits. The server keeps them; one comes back on its card if its cue is emitted again.',
  cueReviewsExport: 'Export cue reviews',
  cueReviewsExportTip: 'Download this session’s cue verdicts as JSON lines (one row per reviewed cue: its type, media time and the coach’s verdict), to measure how often cues are right.',
  cueReviewsExportFailed: 'Cue reviews not exported',
  allCueReviewsExport: 'Every session’s cue reviews',
  allCueReviewsExportTip: 'Download the cue verdicts of every session as one JSON lines file, to measure how often cues are right on your own meetings.',
  allCueReviewsNone: 'No cue has a verdict yet in any session: there are no cue reviews to download.',
  cueReviewedCount: '{n} cues reviewed',
  cueReviewedCountOne: '{n} cue reviewed',
  // coaches' posture labels (client/view/postureLabels.ts)
  postureLabelButton: 'Label posture',
  postureLabelButtonTip: 'Label what {name}’s posture is at {time} (the playhead, else the moment last chosen on the timeline)',
  postureLabelNoFrames: 'This session has no posture frames: there is no posture to label.',
  postureLabelNoCustomer: 'This session has no customer: posture labels are for customers.',
  postureLabelHere: 'Label posture here',
  postureLabelHereAria: 'Label posture here · {time} ({name})',
  posturePicked: '{label} · {name} · {range}',
  postureEditorTitle: '{name}’s posture at {time}: what does the frame show?',
  postureLabelCustomer: 'Customer',
  postureLabelCustomerFixed: 'Customer: {name}',
  postureEditorHelp: 'Saved on {name}’s stored frame nearest this moment (within 1 s). For measuring and training the posture model: a label changes no signal or cue. Neutral (upright, arms relaxed) does not go with arms crossed, leaning in or back, or open palms.',
  postureModelHint: 'on the timeline',
  postureNeutralHint: 'upright, arms relaxed',
  postureLabelSave: 'Save posture labels',
  postureLabelSaveFailed: 'Posture labels not saved',
  postureLabelRemoveFailed: 'Posture labels not removed',
  postureLabelSaved: 'Saved on {name}’s frame at {frame} (the moment chosen: {time}).',
  postureLabelRemoved: 'Removed the posture labels of {name}’s frame at {frame}.',
  postureNotCustomer: '{name} is no longer a customer: these labels are kept, but neither counted nor exported. Remove them, or make {name} a customer again (Roles).',
  postureNeedOne: 'Check at least one posture (Neutral when none shows).',
  timelineCoach: 'Coach',
  coachMarkerTip: 'Coach: {labels} · {name} · {time}',
  coachMarkerAgrees: 'The timeline shows the same',
  coachMarkerDisagrees: 'The timeline shows otherwise: {model}',
  coachMarkerAside: 'Kept, but neither counted nor exported: {name} is no longer a customer',
  coachModelNone: 'no posture',
  tlCoachGroup: '{n} labelled moments · {from}–{to}',
  postureLabelsSummary: '{n} posture moments labelled · model agrees on {k}',
  postureLabelsSummaryOne: '{n} posture moment labelled · model agrees on {k}',
  postureLabelsExport: 'Export posture labels',
  postureLabelsExportTip: 'Download this session’s posture labels as JSON lines (one eval posture row per labelled frame: the frame’s 33 landmarks, the coach’s labels and the model’s), to measure or train the posture model.',
  postureLabelsExportFailed: 'Posture labels not exported',
  allPostureLabelsExport: 'Every session’s posture labels',
  allPostureLabelsExportTip: 'Download the posture labels of every session as one JSON lines file (eval posture rows with landmarks), to measure the posture model on your own meetings or train it with train posture --extra.',
  allPostureLabelsNone: 'No posture is labelled yet in any session: there are no posture labels to download.',
  postureLabelledCount: '{n} postures labelled',
  postureLabelledCountOne: '{n} posture labelled',
  // coaches' comments and the review report (client/view/comments.ts)
  commentButton: 'Comment',
  commentTurnAria: 'Comment on {speaker}’s turn at {time}',
  commentMomentTip: 'Comment on the moment {time} (the playhead, else the moment last chosen on the timeline)',
  commentEditorNew: 'Comment at {time}',
  commentEditorEdit: 'Edit the comment at {time}',
  commentText: 'Comment for the rep',
  commentAuthor: 'Your name (optional, remembered for your next comment)',
  commentHelp: 'For the rep: comments go into the review report beside the signals and cues, and change no signal or cue.',
  commentSave: 'Save comment',
  commentDelete: 'Delete',
  commentDeleting: 'Deleting…',
  commentEdit: 'Edit',
  commentEditAria: 'Edit {author}’s comment at {time}',
  commentDeleteAria: 'Delete {author}’s comment at {time}',
  commentEdited: 'edited',
  commentEditedTip: 'Edited {when}',
  commentNoAuthor: 'Coach',
  commentSaveFailed: 'Comment not saved',
  commentDeleteFailed: 'Comment not deleted',
  commentsTop: 'Before the first turn',
  commentsCount: '{n} comments',
  commentsCountOne: '{n} comment',
  timelineComments: 'Comments',
  tlCommentGroup: '{n} comments · {from}–{to}',
  reviewReport: 'Review report',
  reviewReportTip: 'Download this session as a Markdown review report in the language shown (the turns, signals, cues, coaches’ labels and comments on one time line), to send the rep or paste into a wiki.',
  reviewReportFailed: 'Review report not downloaded',
};

type Strings = typeof en;

const zh: Strings = {
  productName: '成交信号',
  productTagline: '销售会谈实时成交时机提示',
  language: '语言',
  toolbarLabel: '会谈与播放',
  connConnected: '已连接',
  connConnecting: '连接中…',
  connOffline: '离线',
  sessionLabel: '会谈',
  demoOption: '演示会谈',
  storedSessions: '已保存的会谈',
  refresh: '刷新',
  uploadLabel: '上传会谈记录',
  uploadHint: '.vtt .srt .json .txt',
  chooseFile: '选择文件…',
  uploading: '上传中…',
  uploadDone: '已上传“{title}”：{counts}。',
  uploadFailed: '上传失败',
  colon: '：',
  playback: '播放控制',
  play: '播放',
  resume: '继续',
  playNothing: '没有可播放的内容：这个会谈既没有发言，也没有姿态帧。',
  playWatching: '这个会谈正在另一个窗口中播放：在这里播放会从中途开始复制它。',
  playGone: '没有可播放的内容：服务器上已不存在这个会谈。',
  pause: '暂停',
  stop: '停止',
  speed: '速度',
  mediaClock: '媒体时间',
  transcript: '会谈记录',
  cues: '提示',
  rolesButton: '角色',
  exportButton: '导出',
  exportTip: '将此会谈下载为 JSON 文字记录（发言人、角色、发言和时间），可再次上传，或用命令行的 analyze 分析。',
  exportFailed: '未导出',
  rolesReanalysing: '重新分析中…',
  rolesTitle: '谁是谁？',
  rolesHelp: '有发言人尚未指定角色。只有客户的发言才会被识别为购买信号。',
  rolesEditHelp: '只有客户的发言才会被识别为购买信号。保存后会重新分析整场会谈，原有的信号和提示将被替换。',
  rolesSave: '保存角色',
  rolesSaving: '保存中…',
  rolesClose: '关闭',
  rolesFailed: '角色未保存：{message}',
  roleUnset: '— 请选择 —',
  roleNone: '无角色（不识别信号）',
  roleCustomer: '客户',
  roleRep: '客户经理',
  roleUnknown: '未指定',
  live: '实时',
  review: '回顾',
  preview: '就绪',
  emptyDemo: '点击“播放”，把录制好的演示会谈作为实时会谈运行。客户发出购买信号或表现出抗拒时，提示会出现在这里。',
  emptyTranscript: '暂无发言。',
  emptyCues: '暂无提示。',
  technique: '成交方法',
  evidence: '依据',
  model: '模型',
  verbalModel: '言语模型',
  postureModel: '姿态分类模型',
  score: '分数',
  tentative: '把握不足：低于提示所需的 {pct}，不会触发提示',
  utterancesCount: '{n} 句发言',
  utterancesCountOne: '{n} 句发言',
  cuesCount: '{n} 条提示',
  cuesCountOne: '{n} 条提示',
  labelledCount: '已标注 {n} 句',
  labelledCountOne: '已标注 {n} 句',
  signalsCount: '{n} 个信号',
  signalsCountOne: '{n} 个信号',
  framesCount: '{n} 帧',
  framesCountOne: '{n} 帧',
  peopleCount: '{n} 人',
  peopleCountOne: '{n} 人',
  listSep: '，',
  ackFailed: '第 {n} 句发言被拒绝',
  frameRejected: '{time} 处的姿态帧被拒绝',
  framesFailed: '未能加载其余的姿态帧',
  framesFailedDetail: '发言继续播放，{time} 之后没有姿态输入：{error}',
  sessionError: '服务器错误',
  loadFailed: '加载失败',
  versionMismatch: '服务器协议版本为 {server}，本页面为 {client}。请刷新页面。',
  dismiss: '关闭',
  warnings: '警告',
  participants: '参与者',
  personWithRole: '{name}（{role}）',
  backend: '后端',
  protocolVersion: '协议 v{v}',
  playbackDone: '播放结束。',
  stopped: '已停止。',
  liveSuffix: '（实时 {time}）',
  pausedOffline: '播放已暂停：与服务器的连接已断开',
  pausedOfflineDetail: '连接恢复后会自动继续；服务器未确认的那句发言会重新发送（已保存的不会重复发送）。',
  playbackResumed: '连接已恢复：继续播放',
  rejoinFailed: '已重新连接，但未能重新加入会谈',
  sessionLost: '服务器上已不存在这个会谈（服务器重启时没有保存它）',
  startAgain: '在新会谈中重新播放',
  sessionGone: '服务器上已不存在',
  noticeRepeat: '×{n}',
  poseTitle: '视频姿态',
  videoToggle: '视频',
  poseHelp: '姿态识别在本浏览器中运行：只有关键点发送到服务器，画面不会上传。',
  poseChooseVideo: '选择视频…',
  poseWebcam: '摄像头',
  poseParticipant: '视频中的人',
  poseRate: '每秒关键点帧数',
  poseModel: '姿态模型',
  poseModelFull: '完整版（更准确）',
  poseModelLite: '轻量版（更快）',
  poseStart: '开始分析',
  poseStarting: '启动中…',
  poseStop: '停止分析',
  poseChooseSource: '请选择视频文件或摄像头。',
  poseReady: '就绪：点击“开始分析”。',
  poseLoading: '正在加载姿态模型…',
  poseRunning: '分析中：已保存 {frames} · {people} · 每帧 {ms} 毫秒 · 最近姿态：{last}',
  posePaused: '已停止，共 {frames}。',
  poseNoWebcam: '摄像头不可用。',
  poseVideoError: '此浏览器无法播放“{name}”。',
  poseNoParticipants: '此会谈没有可对应视频的参与者。',
  poseLoadFailed: '无法启动姿态识别：{message}',
  poseRejected: '关键点被拒绝：{message}',
  poseOfficialModel: '官方模型',
  posePointHint: '视频中有多人：点击客户即可跟踪此人（否则取画面中最大、最居中的人）。',
  posePointed: '正在跟踪你点击的人（琥珀色）。',
  posePointClear: '自动选择',
  poseRehearsal: '视频演练',
  postureTrack: '姿态',
  emptyPosture: '暂无姿态信号。',
  emptyPostureReview: '此会谈没有姿态信号。',
  postureOngoing: '持续中',
  postureReady: '积极',
  postureResisting: '抗拒',
  postureMerged: '{n} 个信号',
  timelineWords: '言语',
  timelineLabel: '姿态时间轴：会谈媒体时间上的姿态、提示和言语信号',
  timelineHelp:
    '整个时间轴只占一个 Tab 位置：用方向键在标记和色条之间移动，左、右键按时间前后移动，上、下键移到上一行或下一行中时间最近的一个；Home、End 移到第一个或最后一个。按 Enter 或空格键在文字记录中打开该时刻（分组标记会放大显示其中的标记；教练标记会打开它的姿态标注）；选中姿态色条后，再按 Tab 即到“在此标注姿态”。',
  postureEvidence: '姿态',
  sourceBrowser: '来自浏览器',
  sourceServer: '来自服务器',
  // 姿态时间轴的缩放
  tlZoomBar: '时间轴缩放',
  tlZoomIn: '放大',
  tlZoomInTip: '放大（也可在时间轴上按住 Ctrl/⌘ 滚动滚轮，或双指捏合）',
  tlZoomOut: '缩小',
  tlZoomOutTip: '缩小（也可在时间轴上按住 Ctrl/⌘ 滚动滚轮，或双指捏合）',
  tlFit: '全程',
  tlFitLabel: '显示全程',
  tlFitTip: '在面板中显示整场会谈',
  tlFollow: '跟随',
  tlFollowLabel: '跟随播放位置',
  tlFollowTip: '让播放位置保持在视野内（滚动到别处即停止跟随）',
  tlShown: '显示 {span}',
  tlCueGroup: '{n} 条提示 · {from}–{to}',
  tlWordGroup: '{n} 个言语信号 · {from}–{to}',
  tlGroupZoom: '点击放大',
  tlGroupFirst: '点击查看第一条',
  tlSeconds: '{n} 秒',
  tlMinutes: '{n} 分钟',
  tlHours: '{n} 小时',
  // 会谈分析所用的模型，以及重新分析
  modelKindVerbal: '言语模型',
  modelKindPosture: '姿态分类模型',
  modelsUsed: '分析所用模型：{models}',
  modelServerRuns: '{versions}；服务器当前运行 {current}',
  modelOlder: '用较旧的{kind}分析（{detail}）',
  modelNewer: '用较新的{kind}分析（{detail}）',
  modelOther: '用另一个{kind}分析（{detail}）',
  modelMixed: '混用了 {n} 个{kind}（{detail}）',
  reanalyse: '重新分析',
  reanalyseRunning: '重新分析中…',
  reanalyseTip: '用服务器当前的模型和信号阈值重新分析整场会谈：原有的信号和提示将被替换（发言保留）。',
  reanalysePlaying: '会谈正在播放，不能重新分析：请在播放结束或停止后再重新分析。',
  reanalyseWatching: '这个会谈正在另一个窗口中播放，不能重新分析：请在输入停止后再重新分析。',
  reanalyseDone: '已用 {models} 重新分析：信号 {s0} → {s1}，提示 {c0} → {c1}。',
  reanalyseDoneBare: '已重新分析：信号 {s0} → {s1}，提示 {c0} → {c1}。',
  reanalyseFailed: '未重新分析：{message}',
  signalThresholds: '信号阈值',
  signalThresholdsTip: '服务器使用了信号阈值（serve --thresholds）：客户发言的得分低于该标签的阈值时不产生信号。',
  // 教练对客户发言的标注
  labelTurn: '标注',
  labelTurnAria: '标注{speaker}在 {time} 的发言',
  labelEditorTitle: '模型应把这句发言识别为？',
  labelEditorHelp: '用于在你们的真实会谈上评估和训练模型：标注不会改变任何信号或提示。',
  labelNoSignal: '无信号',
  labelModelHint: '模型的判断',
  labelNote: '备注（可选）',
  labelNoteCount: '{n} / {max} 字',
  labelSave: '保存标注',
  labelSaving: '保存中…',
  labelRemove: '删除标注',
  labelRemoving: '删除中…',
  labelCancel: '取消',
  labelSaveFailed: '标注未保存',
  labelRemoveFailed: '标注未删除',
  coachLabel: '教练：{label}',
  coachNote: '教练备注：{note}',
  coachLabelAside: '已保留，但不计入统计，也不导出：这句发言已不再是客户的发言',
  labelNotCustomer: '这句发言已不再是客户的发言（发言人的角色已更改）：标注仍保留，但不计入统计，也不导出。可以删除它，或在“角色”中把发言人改回客户。',
  coachLabelTip: '教练对这句发言的标注：模型本应给出的判断（用于评估和训练模型，不会改变任何信号或提示）',
  modelSaid: '模型判断：{label}',
  modelSaidOther: '模型判断为{model}；教练标注为{coach}',
  labelsSummary: '已标注 {n} 句发言 · 模型判断一致 {k} 句',
  labelsSummaryOne: '已标注 {n} 句发言 · 模型判断一致 {k} 句',
  labelsExport: '导出标注',
  labelsExportTip: '将此会谈中已标注的客户发言下载为 JSON Lines 文件（每句一行 eval verbal 数据：发言内容、教练的标注、语言和上下文），用于评估或训练言语模型。',
  labelsExportFailed: '标注未导出',
  allLabelsExport: '全部会谈的标注',
  allLabelsExportTip: '将所有会谈中已标注的客户发言下载为一个 JSON Lines 文件（eval verbal 数据），用于在自己的会谈上评估言语模型，或通过 train verbal --extra 训练它。',
  allLabelsNone: '还没有任何会谈标注过发言，没有可下载的标注。',
  // coaches' verdicts on cues
  cueVerdictGroup: '教练对这条提示的评价',
  cueVerdictUseful: '有用',
  cueVerdictFalseAlarm: '误报',
  cueVerdictUsefulTip: '时机正确，建议恰当（再次点击可撤回）。评价不会改变提示。',
  cueVerdictFalseAlarmTip: '这条提示不该出现（再次点击可撤回）。评价不会改变提示。',
  cueVerdictTagUseful: '教练：有用',
  cueVerdictTagFalseAlarm: '教练：误报',
  cueVerdictTagTip: '教练对这条提示的评价，用于衡量提示的准确程度；不会改变提示',
  cueReviewSaveFailed: '评价未保存',
  cueReviewRemoveFailed: '评价未撤回',
  cueReviewsSummary: '已评 {n} 条提示 · 有用 {k} 条',
  cueReviewsSummaryOne: '已评 {n} 条提示 · 有用 {k} 条',
  cueReviewsEarlier: '另有 {n} 条早先的评价，其提示已不再出现',
  cueReviewsEarlierOne: '另有 {n} 条早先的评价，其提示已不再出现',
  cueReviewsEarlierTip: '这些评价是在重新分析或更改角色之前给出的，所评的提示现在的分析已不再给出。服务器仍保留它们；如果提示再次出现，评价会回到它的卡片上。',
  cueReviewsExport: '导出提示评价',
  cueReviewsExportTip: '将此会谈中已评价的提示下载为 JSON Lines 文件（每条提示一行：类型、媒体时间和教练的评价），用于衡量提示的准确程度。',
  cueReviewsExportFailed: '提示评价未导出',
  allCueReviewsExport: '全部会谈的提示评价',
  allCueReviewsExportTip: '将所有会谈的提示评价下载为一个 JSON Lines 文件，用于在自己的会谈上衡量提示的准确程度。',
  allCueReviewsNone: '还没有任何会谈评价过提示，没有可下载的提示评价。',
  cueReviewedCount: '已评 {n} 条提示',
  cueReviewedCountOne: '已评 {n} 条提示',
  // 教练的姿态标注
  postureLabelButton: '标注姿态',
  postureLabelButtonTip: '标注{name}在 {time} 的姿态（播放位置，否则为在时间轴上最后选中的时刻）',
  postureLabelNoFrames: '此会谈没有姿态帧：没有可标注的姿态。',
  postureLabelNoCustomer: '此会谈没有客户：姿态标注只针对客户。',
  postureLabelHere: '在此标注姿态',
  postureLabelHereAria: '在此标注姿态 · {time}（{name}）',
  posturePicked: '{label} · {name} · {range}',
  postureEditorTitle: '{name}在 {time} 的姿态：这一帧显示的是？',
  postureLabelCustomer: '客户',
  postureLabelCustomerFixed: '客户：{name}',
  postureEditorHelp: '保存在{name}离这一时刻最近的已保存帧上（1 秒以内）。用于评估和训练姿态模型：标注不会改变任何信号或提示。“中性”（坐姿端正、双臂放松）不能与双臂交叉、身体前倾或后仰、手掌张开同时选择。',
  postureModelHint: '时间轴所示',
  postureNeutralHint: '坐姿端正、双臂放松',
  postureLabelSave: '保存姿态标注',
  postureLabelSaveFailed: '姿态标注未保存',
  postureLabelRemoveFailed: '姿态标注未删除',
  postureLabelSaved: '已保存在{name} {frame} 处的帧上（所选时刻：{time}）。',
  postureLabelRemoved: '已删除{name} {frame} 处那一帧的姿态标注。',
  postureNotCustomer: '{name}已不再是客户：这些标注仍保留，但不计入统计，也不导出。可以删除它们，或在“角色”中把{name}改回客户。',
  postureNeedOne: '请至少选择一个姿态（都没有时选“中性”）。',
  timelineCoach: '教练',
  coachMarkerTip: '教练：{labels} · {name} · {time}',
  coachMarkerAgrees: '时间轴显示的相同',
  coachMarkerDisagrees: '时间轴显示的不同：{model}',
  coachMarkerAside: '已保留，但不计入统计，也不导出：{name}已不再是客户',
  coachModelNone: '没有姿态',
  tlCoachGroup: '{n} 个已标注的时刻 · {from}–{to}',
  postureLabelsSummary: '已标注 {n} 个姿态时刻 · 模型判断一致 {k} 个',
  postureLabelsSummaryOne: '已标注 {n} 个姿态时刻 · 模型判断一致 {k} 个',
  postureLabelsExport: '导出姿态标注',
  postureLabelsExportTip: '将此会谈的姿态标注下载为 JSON Lines 文件（每个已标注的帧一行 eval posture 数据：该帧的 33 个关键点、教练的标注和模型的判断），用于评估或训练姿态模型。',
  postureLabelsExportFailed: '姿态标注未导出',
  allPostureLabelsExport: '全部会谈的姿态标注',
  allPostureLabelsExportTip: '将所有会谈的姿态标注下载为一个 JSON Lines 文件（带关键点的 eval posture 数据），用于在自己的会谈上评估姿态模型，或通过 train posture --extra 训练它。',
  allPostureLabelsNone: '还没有任何会谈标注过姿态，没有可下载的姿态标注。',
  postureLabelledCount: '已标注 {n} 个姿态',
  postureLabelledCountOne: '已标注 {n} 个姿态',
  // coaches' comments and the review report
  commentButton: '评论',
  commentTurnAria: '评论{speaker}在 {time} 的发言',
  commentMomentTip: '评论 {time} 这一时刻（播放位置，否则为在时间轴上最后选中的时刻）',
  commentEditorNew: '{time} 的评论',
  commentEditorEdit: '编辑 {time} 的评论',
  commentText: '给销售的评论',
  commentAuthor: '你的名字（可选，下次评论时自动填入）',
  commentHelp: '写给销售：评论会写进复盘报告，与信号和提示并列，不会改变任何信号或提示。',
  commentSave: '保存评论',
  commentDelete: '删除',
  commentDeleting: '正在删除…',
  commentEdit: '编辑',
  commentEditAria: '编辑{author}在 {time} 的评论',
  commentDeleteAria: '删除{author}在 {time} 的评论',
  commentEdited: '已编辑',
  commentEditedTip: '编辑于 {when}',
  commentNoAuthor: '教练',
  commentSaveFailed: '评论未保存',
  commentDeleteFailed: '评论未删除',
  commentsTop: '第一句发言之前',
  commentsCount: '{n} 条评论',
  commentsCountOne: '{n} 条评论',
  timelineComments: '评论',
  tlCommentGroup: '{n} 条评论 · {from}–{to}',
  reviewReport: '复盘报告',
  reviewReportTip: '将此会谈下载为当前语言的 Markdown 复盘报告（发言、信号、提示、教练的标注和评论按时间排在一起），可发给销售或贴到知识库。',
  reviewReportFailed: '复盘报告未下载',
};

const STRINGS: Record<Lang, Strings> = { en, zh };
export type StringKey = keyof Strings;

const LABELS = SIGNAL_LABEL_NAMES;

const TECHNIQUES_TEXT: Record<Lang, Record<Technique, string>> = {
  en: {
    direct_request: 'Direct request',
    assumptive_close: 'Assumptive close',
    benefit_listing: 'Benefit listing',
    address_objection: 'Address the objection',
  },
  zh: {
    direct_request: '直接请求法',
    assumptive_close: '推定承诺法',
    benefit_listing: '利益罗列法',
    address_objection: '处理异议',
  },
};

const CUE_TYPES_TEXT = CUE_TYPE_NAMES;

let current: Lang = 'en';
const listeners = new Set<(lang: Lang) => void>();

export function initLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode); the navigator default still works.
  }
  if (stored === 'en' || stored === 'zh') current = stored;
  else current = (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  return current;
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but the switch itself still applies.
  }
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn: (lang: Lang) => void): void {
  listeners.add(fn);
}

/** The string for a key in the current language, with `{name}` placeholders filled. */
export function t(key: StringKey, vars: Record<string, string | number> = {}): string {
  return STRINGS[current][key].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}

/** Keys with a singular form `<key>One`, used when the count is exactly 1. */
export type CountKey = 'utterancesCount' | 'cuesCount' | 'labelledCount' | 'cueReviewedCount' | 'postureLabelledCount' | 'commentsCount' | 'signalsCount' | 'framesCount' | 'peopleCount';

/** A count in words: "1 cue", "2 cues" (Chinese has one form). */
export function tn(key: CountKey, n: number): string {
  return t(n === 1 ? `${key}One` : key, { n });
}

export function labelName(label: VerbalLabel | PostureSignalLabel): string {
  return LABELS[current][label];
}

/** A label a coach gives a turn: `neutral` is "No signal" there (the turn is no buying signal). */
export function correctionLabelName(label: VerbalLabel): string {
  return label === 'neutral' ? t('labelNoSignal') : labelName(label);
}

/** "3 turns labelled · model agrees on 2". */
export function labelsSummary(labelled: number, agree: number): string {
  return t(labelled === 1 ? 'labelsSummaryOne' : 'labelsSummary', { n: labelled, k: agree });
}

/** "2 posture moments labelled · model agrees on 1". */
export function postureLabelsSummary(labelled: number, agree: number): string {
  return t(labelled === 1 ? 'postureLabelsSummaryOne' : 'postureLabelsSummary', { n: labelled, k: agree });
}

/** "4 cues reviewed · 3 useful". */
export function cueReviewsSummary(reviewed: number, useful: number): string {
  return t(reviewed === 1 ? 'cueReviewsSummaryOne' : 'cueReviewsSummary', { n: reviewed, k: useful });
}

/** "2 earlier verdicts on cues no longer emitted". */
export function cueReviewsEarlier(n: number): string {
  return t(n === 1 ? 'cueReviewsEarlierOne' : 'cueReviewsEarlier', { n });
}

export function techniqueName(technique: Technique): string {
  return TECHNIQUES_TEXT[current][technique];
}

export function cueTypeName(type: CueType): string {
  return CUE_TYPES_TEXT[current][type];
}

export function roleName(role: Role | null): string {
  if (role === 'customer') return t('roleCustomer');
  if (role === 'rep') return t('roleRep');
  return t('roleUnknown');
}

/** "Label: value" with the language's colon ("模型：…" in Chinese). */
export function labelled(label: string, value: string): string {
  return `${label}${t('colon')}${value}`;
}

/** "Participants: Wang (Sales rep), …", punctuated in the language shown. */
export function participantsLine(people: readonly { name: string; role: Role | null }[]): string {
  return labelled(t('participants'), people.map((p) => t('personWithRole', { name: p.name, role: roleName(p.role) })).join(t('listSep')));
}

/** Fills every `[data-i18n]` element's text (and `[data-i18n-aria]` aria-label) below root. */
export function applyStatic(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as StringKey);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAria as StringKey));
  }
}
