// The browser client's entry: wires the HTTP API, the socket connection, the playback
// scheduler and the views. A shown session is "live" (joined, receiving events) or
// "review" (a stored snapshot); the demo entry is a "preview" until played.
// First: it configures zod before any schema is built.
import './zodConfig';
import {
  PROTOCOL_VERSION,
  type Cue,
  type CueVerdict,
  type Participant,
  type PersonBox,
  type PoseIn,
  type Role,
  type SessionSnapshot,
  type UtteranceEdit,
  type UtteranceIn,
  type VerbalLabel,
} from '../protocol/protocol';
import * as api from './api';
import { commentError, errorMessage, requestError } from './errorText';
import { reanalyseOutcome, thresholdsText, type ReanalyseOutcome } from './modelStatus';
import { applyStatic, cueReviewsEarlier, cueReviewsSummary, initLang, labelled, labelsSummary, lang, onLangChange, participantsLine, postureLabelsSummary, setLang, t, tn, type Lang, type StringKey } from './i18n';
import { LiveConnection, type ConnectionState } from './live';
import { DEFAULT_AHEAD } from './fetchAhead';
import { FrameFeed } from './frameFeed';
import { Player, type PlayerState } from './player';
import { controls, focusTarget, type Content } from './controls';
import { OwnRequests } from './ownRequests';
import { agreement, turnKey } from './corrections';
import { cueReviewRequestKey, reviewCounts } from './cueReviews';
import { postureAgreement, type postureLabelsBody } from './postureLabels';
import { PostureLabelRequests } from './postureLabelRequests';
import { CommentRequests } from './commentRequests';
import { commentActions } from './commentActions';
import { newPlaybackId, turnId } from './resend';
import { clockTime, liveTitle, shownTitle } from './liveTitle';
import { PosePanel, type PoseSession } from './pose/panel';
import { CommentsView } from './view/comments';
import { Composer, NewLiveSessionDialog } from './view/composer';
import { latestMediaMs } from './composer';
import { CueVerdicts } from './view/cueReviews';
import { CueView } from './view/cues';
import { byId, isolate } from './view/dom';
import { DownloadLink } from './view/downloadLink';
import { DEFAULT_CUE_MIN_SCORE, formatMs } from './view/format';
import { Notices } from './view/notices';
import { DEMO_VALUE, SessionPicker } from './view/picker';
import { PostureTimeline } from './view/posture';
import { PostureLabelEditor, type FramesKnown } from './view/postureLabels';
import { QualityView } from './view/quality';
import { FindView } from './view/find';
import { ModelStatusView } from './view/modelStatus';
import { RolesPanel } from './view/roles';
import { SessionActions } from './view/sessionActions';
import { TranscriptView } from './view/transcript';
import { TurnLabels } from './view/turnLabels';
import { TurnEdits } from './view/turnEdits';
import { UploadPanel } from './view/upload';
import type { Demo, DemoPosture, Health, LandmarksPage, StoredLandmarks } from '../protocol/outbound';

type Mode = 'preview' | 'live' | 'review';

/** One frame of a recording's posture input, as the server got (or estimated) it. */
interface RecordedFrame {
  participant: string;
  mediaMs: number;
  poses: PoseIn[];
  aspect?: number;
  /** The person box sent with the frame (null cleared it); absent: unchanged. */
  person?: PersonBox | null;
}

interface Recording {
  title: string;
  participants: Participant[];
  utterances: UtteranceIn[];
  /**
   * The posture track: the demo's, held whole, or where to read a stored session's frames (in
   * the order they were stored, a page at a time while playing: they are not kept).
   */
  posture: { kind: 'frames'; frames: RecordedFrame[] } | { kind: 'stored'; sessionId: string };
}

/** What playback sends, in media-time order: the words and the posture track. */
type PlayItem =
  | { kind: 'utterance'; startMs: number; endMs?: number; utterance: UtteranceIn; /** 1-based, in media order */ n: number }
  | { kind: 'landmarks'; startMs: number; frame: RecordedFrame };

/** The words, and the frames loaded so far (more are appended to the player as they come). */
function playItems(utterances: readonly UtteranceIn[], frames: readonly RecordedFrame[]): PlayItem[] {
  const spoken = [...utterances].sort((a, b) => a.startMs - b.startMs);
  const items: PlayItem[] = spoken.map((u, i) => ({ kind: 'utterance', startMs: u.startMs, ...(u.endMs !== undefined ? { endMs: u.endMs } : {}), utterance: u, n: i + 1 }));
  // The player sorts by media time, stably: frames keep their stored order among equal times,
  // and a turn goes before a frame of the same time (as the stored demo was analysed); frames
  // appended later go after the items of the same time already there.
  return items.concat(frameItems(frames));
}

function frameItems(frames: readonly RecordedFrame[]): PlayItem[] {
  return frames.map((f) => ({ kind: 'landmarks', startMs: f.mediaMs, frame: f }));
}

function recordedFrame(f: StoredLandmarks): RecordedFrame {
  return {
    participant: f.participant,
    mediaMs: f.mediaMs,
    poses: f.poses,
    ...(f.aspect !== undefined ? { aspect: f.aspect } : {}),
    ...(f.person !== undefined ? { person: f.person } : {}),
  };
}

function demoFrames(p: DemoPosture | undefined): RecordedFrame[] {
  return p ? p.frames.map((f) => ({ participant: p.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: p.aspect })) : [];
}

const el = {
  conn: byId('conn'),
  connText: byId('conn-text'),
  select: byId<HTMLSelectElement>('session-select'),
  refresh: byId<HTMLButtonElement>('refresh-btn'),
  upload: byId<HTMLInputElement>('upload-input'),
  play: byId<HTMLButtonElement>('play-btn'),
  playHint: byId('play-hint'),
  pause: byId<HTMLButtonElement>('pause-btn'),
  stop: byId<HTMLButtonElement>('stop-btn'),
  speed: byId<HTMLSelectElement>('speed-select'),
  clock: byId<HTMLOutputElement>('clock'),
  viewMode: byId('view-mode'),
  viewTitle: byId('view-title'),
  viewMeta: byId('view-meta'),
  exportLink: byId<HTMLAnchorElement>('export-link'),
  archiveLink: byId<HTMLAnchorElement>('archive-link'),
  renameButton: byId<HTMLButtonElement>('rename-btn'),
  deleteButton: byId<HTMLButtonElement>('delete-btn'),
  labelsSummary: byId('labels-summary'),
  labelsExport: byId<HTMLAnchorElement>('labels-export'),
  allLabels: byId<HTMLAnchorElement>('all-labels'),
  cueReviewsSummary: byId('cue-reviews-summary'),
  cueReviewsEarlier: byId('cue-reviews-earlier'),
  cueReviewsExport: byId<HTMLAnchorElement>('cue-reviews-export'),
  allCueReviews: byId<HTMLAnchorElement>('all-cue-reviews'),
  postureLabelsSummary: byId('posture-labels-summary'),
  postureLabelsExport: byId<HTMLAnchorElement>('posture-labels-export'),
  allPostureLabels: byId<HTMLAnchorElement>('all-posture-labels'),
  commentsSummary: byId('comments-summary'),
  reviewReport: byId<HTMLAnchorElement>('review-report'),
  health: byId('health'),
  videoToggle: byId<HTMLButtonElement>('video-toggle'),
  newLive: byId<HTMLButtonElement>('new-live-btn'),
};

const state = {
  mode: 'preview' as Mode,
  sessionId: null as string | null,
  title: '',
  /** The session shown is the stored demo session (neither renamed nor deleted). */
  demoSession: false,
  /** The session this window is deleting: its `session_deleted` echo is this window's own. */
  deleting: null as string | null,
  /**
   * `session_renamed` events heard so far, per session. The server sends a rename's event before
   * its answer, so one heard while this window's rename was under way holds a title at least as
   * new as the answer's: the answer, coming after another window's later rename, put the older
   * title back.
   */
  renamesHeard: new Map<string, number>(),
  cueCount: 0,
  connection: 'connecting' as ConnectionState,
  health: null as Health | null,
  demo: null as Demo | null,
  player: null as Player<PlayItem> | null,
  /** Reads the playing recording's stored frames ahead of its clock; cancelled with it. */
  feed: null as FrameFeed<RecordedFrame> | null,
  starting: false,
  participants: [] as Participant[],
  /** The length of the recording being played; null for open-ended live input. */
  durationMs: null as number | null,
  /** Playback was paused because the connection dropped: it resumes once the session is re-joined. */
  pausedOffline: false,
  /** Takes the "paused: connection lost" notice away. */
  dropOfflineNotice: null as (() => void) | null,
  /**
   * The recording the last Play sent and the live session it made. Play again while that
   * session is shown plays the same recording again (the whole of it, though a stopped copy
   * holds only part), as does "start again" after the server lost it. A stored session's
   * frames are not kept: they are read again from it.
   */
  played: null as { sessionId: string; rec: Recording } | null,
  /** A reviewed session another window plays into is watched live (see noteInput). */
  watching: false,
  /** The latest media time of the input watched; the clock and the playhead show it. */
  watchMs: null as number | null,
  /** Whether the session shown has anything to play (a stored one without turns may have frames). */
  content: 'some' as Content,
  /** The server no longer has the session shown: it stays on view, read-only (see sessionLost). */
  lost: false,
  /** The signals shown (`kind:id`; a posture signal comes twice, on and off), counted for a re-analysis's outcome. */
  signalKeys: new Set<string>(),
  /** The connection has been up before: on the next 'connected' the server may be another (health again). */
  wasConnected: false,
  /** Speakers of the session shown the server reports without a role (for the composer's speaker list). */
  unassigned: [] as string[],
  /** The latest media time the session shown held when read (turns, signals, cues): where the composer's clock starts. */
  storedLatestMs: 0,
};

/** This window's role saves and re-analyses under way: their `reanalysed` echoes are not read again. */
const ownRequests = new OwnRequests();
/** This window's label saves and removals under way, by turn: their `corrected` echoes are not applied again. */
const ownLabels = new OwnRequests();
/** This window's verdict saves and removals under way, by cue moment: their `cue_reviewed` echoes are not applied again. */
const ownVerdicts = new OwnRequests();

const notices = new Notices(byId('notices'));
const labels = new TurnLabels({ save: saveLabel, remove: removeLabel }, () => renderViewHead());
/** Coaches' comments: under their turns, the timeline's Comments row, and this window's requests (their echoes not applied again). */
const comments = new CommentsView(
  { top: byId('comments-top'), button: byId<HTMLButtonElement>('comment-btn'), editor: byId('comment-editor') },
  () => postureLabels.moment(),
  commentActions(
    () => commentRequests,
    (failed, err) => notices.add('error', () => t(failed), () => errorMessage(commentError(requestError(err)))),
  ),
  () => {
    posture.setCommentMarks(comments.marks());
    renderViewHead();
  },
  () => {
    try {
      return window.localStorage;
    } catch {
      return null; // storage refused: the author is not remembered
    }
  },
);
const commentRequests = new CommentRequests({ post: api.postComment, put: api.putComment, delete: api.deleteComment }, (ev) => comments.apply(ev));
/** Coaches' corrections of the turns themselves: each re-analyses the session (see editTurn). */
const edits = new TurnEdits({
  edit: editTurn,
  remove: deleteTurn,
  refused: (problem) => notices.add('error', () => t('turnEditFailed'), () => errorMessage(problem)),
  lost: (text) => notices.add('error', () => t('turnEditGone'), () => t('turnEditGoneDetail', { text })),
});
const transcript = new TranscriptView(byId('transcript'), byId('transcript-scroll'), labels, comments, edits);
const verdicts = new CueVerdicts({ save: saveVerdict, remove: removeVerdict }, () => renderViewHead());
const cues = new CueView(byId('cues'), byId('cue-count'), verdicts);
const posture = new PostureTimeline(byId('posture-track'), byId('posture-count'), (p) => transcript.focus(p.mediaMs, p.utteranceId), byId('posture-zoom'));
/** Coaches' posture labels: the editor under the timeline, and this window's requests (their echoes not applied again). */
const postureLabels = new PostureLabelEditor(
  { button: byId<HTMLButtonElement>('posture-label-btn'), offer: byId('posture-label-offer'), editor: byId('posture-label-editor'), status: byId('posture-label-status') },
  {
    posturesAt: (p, ms) => posture.posturesAt(p, ms),
    postureParticipants: () => posture.postureParticipants(),
    firstPostureMs: (p) => posture.firstPostureMs(p),
    playheadMs: () => posture.clockMs,
    focusCoach: (frameId) => posture.focusCoach(frameId),
  },
  { save: savePostureLabels, remove: removePostureLabels },
  () => {
    posture.setCoachMarks(postureLabels.marks());
    renderViewHead();
  },
);
posture.attachComments({ onComment: (id) => comments.reveal(id) });
posture.attachCoach({ onBar: (pick) => postureLabels.pickBar(pick), onCoach: (frameId) => postureLabels.openFrame(frameId) });
const postureLabelRequests = new PostureLabelRequests({ put: api.putPostureLabels, delete: api.deletePostureLabels }, (ev) => postureLabels.apply(ev));
const picker = new SessionPicker(el.select);
/**
 * A checked download link (see DownloadLink): a refusal or no answer is an error notice titled
 * `failed`; `none`, for the footer's every-session files, words an empty one (the api throws
 * `empty` then, rather than saving a file with nothing in it).
 */
function checkedDownload(
  link: HTMLAnchorElement,
  fetchFile: () => Promise<api.DownloadFile> | null,
  failed: StringKey,
  none?: { empty: new () => Error; key: StringKey },
): DownloadLink {
  return new DownloadLink(link, fetchFile, (err) =>
    none && err instanceof none.empty
      ? notices.add('info', () => t(none.key))
      : notices.add('error', () => t(failed), () => errorMessage(requestError(err))),
  );
}
/** The session shown, for the header's downloads: null (nothing to fetch) without one. */
const ofSession = (get: (id: string) => Promise<api.DownloadFile>) => () => (state.sessionId !== null ? get(state.sessionId) : null);
/**
 * Export: the session's transcript, saved only when the server answered it with a 200; a
 * refusal (a session gone after a restart, a stopping server, a missing token) or no answer is
 * a notice, and nothing is saved.
 */
const exportLink = checkedDownload(el.exportLink, ofSession(api.getTranscript), 'exportFailed');
/** Full backup: everything the session holds, annotations included (GET …/archive), saved as Export is. */
const archiveLink = checkedDownload(el.archiveLink, ofSession(api.getArchive), 'archiveFailed');
/** Export labels and Export cue reviews: the session's labelled turns and cue verdicts as JSON lines. */
const labelsExport = checkedDownload(el.labelsExport, ofSession(api.getCorrectionsFile), 'labelsExportFailed');
const cueReviewsExport = checkedDownload(el.cueReviewsExport, ofSession(api.getCueReviewsFile), 'cueReviewsExportFailed');
const postureLabelsExport = checkedDownload(el.postureLabelsExport, ofSession(api.getPostureLabelsFile), 'postureLabelsExportFailed');
/** Review report: the session as Markdown, headings in the page's language. */
const reviewReport = checkedDownload(el.reviewReport, ofSession((id) => api.getReviewReport(id, lang())), 'reviewReportFailed');
/** The footer's links to every session's labels (for `eval verbal` and `train --extra`) and cue verdicts, each in one file. */
const allLabels = checkedDownload(el.allLabels, api.getAllCorrectionsFile, 'labelsExportFailed', { empty: api.NoLabelsYet, key: 'allLabelsNone' });
const allCueReviews = checkedDownload(el.allCueReviews, api.getAllCueReviewsFile, 'cueReviewsExportFailed', { empty: api.NoCueReviewsYet, key: 'allCueReviewsNone' });
const allPostureLabels = checkedDownload(el.allPostureLabels, api.getAllPostureLabelsFile, 'postureLabelsExportFailed', { empty: api.NoPostureLabelsYet, key: 'allPostureLabelsNone' });
/** The header's Model quality: the running models on every session's stored labels, or the open session's, in a dialog. */
const quality = new QualityView(byId<HTMLButtonElement>('quality-btn'), document.body, {
  quality: api.getQuality,
  labels: (s) => (s === null ? api.getAllCorrectionsFile() : api.getSessionFile(api.getCorrectionsFile(s), () => new api.NoLabelsYet())),
  cueReviews: (s) => (s === null ? api.getAllCueReviewsFile() : api.getSessionFile(api.getCueReviewsFile(s), () => new api.NoCueReviewsYet())),
  postureLabels: (s) => (s === null ? api.getAllPostureLabelsFile() : api.getSessionFile(api.getPostureLabelsFile(s), () => new api.NoPostureLabelsYet())),
  openSession: () => (state.sessionId === null ? null : { id: state.sessionId, title: shownTitle(state.title, (time) => t('liveSuffix', { time })) }),
  training: { start: api.startTraining, current: api.getTraining, cancel: api.cancelTraining },
  running: { library: api.getVerbalLibrary, settings: api.getVerbalSettings, apply: api.putVerbalSettings },
  postureTraining: { start: api.startPostureTraining, current: api.getPostureTraining, cancel: api.cancelPostureTraining },
  postureRunning: { library: api.getPostureLibrary, settings: api.getPostureSettings, apply: api.putPostureSettings },
  compare: api.getComparison,
  postureCompare: api.getPostureComparison,
  // A turn the comparison lists opens in its session, as Find's do (the focus back on Model quality when it cannot).
  openTurn: (session, utterance, startMs) => void openFoundTurn(session, utterance, startMs, () => byId<HTMLButtonElement>('quality-btn').focus()),
  // A frame the posture comparison lists opens its session there: the turn spoken at (or just before) its time.
  openFrame: (session, mediaMs) => void openFoundTurn(session, null, mediaMs, () => byId<HTMLButtonElement>('quality-btn').focus()),
  blocked: (id) => findBlocked(id),
});
/** The header's Find: every stored session's turns by their words and filters; a turn chosen opens its session there. */
const find = new FindView(byId<HTMLButtonElement>('find-btn'), document.body, {
  search: api.searchTurns,
  openSession: () => (state.sessionId === null ? null : { id: state.sessionId, title: shownTitle(state.title, (time) => t('liveSuffix', { time })) }),
  openTurn: (r) => void openFoundTurn(r.sessionId, r.utteranceId, r.startMs, () => find.returnFocus()),
  cueMinScore: () => transcript.minScore,
  blocked: (id) => findBlocked(id),
});
/** Rename and Delete beside the title, each with its dialog. */
const sessionActions = new SessionActions(el.renameButton, el.deleteButton, document.body, {
  async rename(id, title) {
    const heard = state.renamesHeard.get(id);
    const session = await api.renameSession(id, title);
    // No event of it heard meanwhile (offline, or the answer came first): the answer is the title now.
    if (state.renamesHeard.get(id) === heard) sessionRenamed(id, session.title);
  },
  async remove(id) {
    state.deleting = id;
    try {
      await api.deleteSession(id);
    } finally {
      state.deleting = null;
    }
    sessionDeleted(id, true);
  },
  backupFirst: () => el.archiveLink.click(),
});
const roles = new RolesPanel(byId('roles-panel'), byId<HTMLButtonElement>('roles-toggle'), saveRoles);
const modelStatus = new ModelStatusView(byId('model-status'), reanalyseSession);
const upload = new UploadPanel(el.upload, byId('upload-status'), async (sessionId) => {
  await refreshSessions();
  picker.value = sessionId;
  endPlayback();
  await review(sessionId);
});

// ---- the live turn composer (client/view/composer.ts) -----------------------------------

/** Typed turns, sent live into the session shown (see docs/client.md, "Typing turns live"). */
const composer = new Composer(byId('composer'), {
  now: () => performance.now(),
  connected: () => state.connection === 'connected',
  send(sessionId, turn) {
    takeLive(sessionId); // before the room's echo of the turn, which would otherwise read as another window's input
    return live.sendUtterance(sessionId, turn);
  },
  deliveryUnknown: (err) => live.deliveryUnknown(err),
  // After everything stored (a webcam rehearsal's postures past its last turn too), and any turn since.
  latestMs: () => Math.max(posture.latestTimeMs, state.storedLatestMs),
  onStored(sessionId, u) {
    if (sessionId !== state.sessionId) return;
    transcript.addUtterance(u); // the room's event may have shown it already: once, by its id
    posture.noteTime(u.endMs);
    // The clock and the playhead at the typed turn (the webcam moves them on while it runs).
    state.watchMs = Math.max(state.watchMs ?? 0, u.endMs);
    if (!state.player) renderClock();
    renderViewHead();
  },
  setRole: (sessionId, name, role) => saveRoles(sessionId, { [name]: role }),
  // A local video loaded: typed turns take its time, so the words line up with its landmarks.
  videoMs: (): number | null => pose.localVideoMs(),
  storage: () => {
    try {
      return window.sessionStorage;
    } catch {
      return null; // storage refused: the queues last as long as the page
    }
  },
});

/** New live session: an empty session, shown live, the composer's clock at 0 from now. */
const newLive = new NewLiveSessionDialog(
  el.newLive,
  document.body,
  () => liveTitle(t('composerDefaultTitle'), t('liveSuffix', { time: clockTime(new Date()) })),
  async (title) => {
    const session = await api.createSession({ title });
    upload.clear();
    endPlayback();
    state.durationMs = null;
    picker.value = session.id; // selected once the list has it (session_listed, or the refresh below)
    void refreshSessions();
    const joined = await live.join(session.id);
    if (!joined.ok) {
      // Created but not joined: it is shown stored (the composer still sends into it).
      notices.add('error', () => t('sessionError'), () => errorMessage(joined.error));
      await refreshSessions();
      picker.value = session.id;
      await review(session.id);
      // Its clock starts at 0:00 now, as a joined one's does (not at the first keystroke).
      if (state.sessionId === session.id) composer.startedHere();
      return;
    }
    show(joined.value, 'live');
    composer.startedHere();
    return () => composer.focus();
  },
);

/** This window types into the session shown: a reviewed one is live here from now on (not watched). */
function takeLive(sessionId: string): void {
  if (state.sessionId !== sessionId || state.mode !== 'review') return;
  endWatching();
  state.mode = 'live';
  state.durationMs = null;
  posture.setLive(true);
  renderViewHead();
  renderControls();
}

const live = new LiveConnection({
  onConnection(c) {
    state.connection = c;
    if (c !== 'connected') pauseForConnection();
    // Connected again: the server may have been restarted with other models.
    else if (state.wasConnected) {
      void refreshHealth();
      // A training job may have progressed or ended (or the server restarted) while disconnected.
      quality.trainingReload();
    }
    if (c === 'connected') state.wasConnected = true;
    renderConnection();
    renderControls();
    composer.connectionChanged();
  },
  onUtterance(event) {
    // The stored turn as a snapshot holds it; the id it was sent with only says whose it is.
    const { clientTurnId: _sentAs, ...u } = event;
    if (u.sessionId !== state.sessionId) return;
    transcript.addUtterance(u);
    // Classified under the server's thresholds now: the model line knows the session holds those too.
    if (state.health?.signalThresholds) modelStatus.noteThresholds(state.health.signalThresholds);
    posture.noteTime(u.endMs);
    // This window's own typed turn (sent in the background before its session was shown
    // again) is not another window's input: the session goes live here, as at a turn typed.
    if (composer.sentHere(event)) takeLive(u.sessionId);
    else noteInput(u.startMs);
    renderViewHead();
  },
  onSignal(s) {
    if (s.sessionId !== state.sessionId) return;
    posture.addSignal(s);
    state.signalKeys.add(signalKey(s));
    modelStatus.noteVersion(s.kind, s.modelVersion);
    if (s.kind === 'posture') {
      if (s.endedMs === null) pose.noteSignal(s); // the status names the posture held now
      if (postureLabels.all.size > 0) renderViewHead(); // the model's agreement with the coach may change
    } else transcript.addSignal(s);
    noteInput(s.kind === 'posture' && s.endedMs !== null ? s.endedMs : s.mediaMs);
  },
  onCue(c) {
    if (c.sessionId !== state.sessionId) return;
    addCue(c);
    noteInput(c.mediaMs);
  },
  onRolesNeeded(sessionId, speakers) {
    if (sessionId !== state.sessionId) return;
    roles.rolesNeeded(speakers);
    state.unassigned = [...new Set([...state.unassigned, ...speakers])];
    renderSessionActions();
  },
  onReanalysed(sessionId) {
    // Roles changed or the session was re-analysed (here or in another window): the signals
    // and cues shown are void. One this window's Save roles or Re-analyse made is shown from
    // its answer (see OwnRequests).
    if (sessionId === state.sessionId && !ownRequests.isOwnEcho(sessionId)) void reload(sessionId);
  },
  onCorrected(ev) {
    // A label given or removed in another window (or by another coach); this window's own is
    // applied from its answer, not again from its echo (see OwnRequests).
    if (ev.sessionId === state.sessionId && !ownLabels.isOwnEcho(turnKey(ev.sessionId, ev.utteranceId))) labels.apply(ev);
  },
  onCueReviewed(ev) {
    // A verdict given or taken back elsewhere; this window's own is applied from its answer.
    if (ev.sessionId === state.sessionId && !ownVerdicts.isOwnEcho(cueReviewRequestKey(ev.sessionId, ev))) verdicts.apply(ev);
  },
  onPostureLabelled(ev) {
    // Labels given or removed in another window; this window's own are applied from its answer.
    if (ev.sessionId === state.sessionId) postureLabelRequests.onEvent(ev);
  },
  onCommented(ev) {
    // Comments posted, edited or deleted elsewhere; this window's own are applied from their answers.
    if (ev.sessionId === state.sessionId) commentRequests.onEvent(ev);
  },
  onSessionRenamed(ev) {
    state.renamesHeard.set(ev.sessionId, (state.renamesHeard.get(ev.sessionId) ?? 0) + 1);
    sessionRenamed(ev.sessionId, ev.title);
  },
  onSessionDeleted(ev) {
    sessionDeleted(ev.sessionId, ev.sessionId === state.deleting);
  },
  onSessionList(sessions) {
    // Following the list from now on (at each connect): it replaces what the dropdown had.
    picker.setSessions(sessions);
  },
  onSessionListed(session) {
    // Made, or uploaded into, here or in another window: the dropdown offers it at once.
    picker.upsert(session);
    // The session shown counts what it shows (its live turns may be ahead of the event's counts).
    if (session.id === state.sessionId && state.mode !== 'preview') renderViewHead();
  },
  onVerbalSettings(s) {
    // A switch here or in another window: the Model quality view follows it, and once it is done
    // the footer's figures and the model line ("signals came from … / Re-analyse") read health again.
    quality.onVerbalSettings(s);
    if (s.switching !== null) return;
    // What runs now is in the event: the model line judges the next turns by it at once (health
    // read again below brings the rest; until then a live turn would be taken as made under the old thresholds).
    if (state.health) setHealth({ ...state.health, verbalModel: s.model.version, signalThresholds: s.thresholds.values });
    void refreshHealth();
  },
  onSessionCounts(ev) {
    // Counts changed here or in another window (live turns, labels, comments): the option shows them without Refresh.
    picker.applyCounts(ev);
    // The session shown counts what it shows, as for session_listed.
    if (ev.sessionId === state.sessionId && state.mode !== 'preview') renderViewHead();
  },
  onModelTraining(job) {
    quality.trainingUpdate(job);
  },
  onPostureTraining(job) {
    quality.postureTrainingUpdate(job);
  },
  onPostureSettings(s) {
    // A posture switch here or in another window: the Model quality view follows it, and once it
    // is done the footer's posture model and the model line read health again.
    quality.onPostureSettings(s);
    if (s.switching !== null) return;
    if (state.health) setHealth({ ...state.health, postureModel: s.model.version });
    void refreshHealth();
  },
  onSessionError(e) {
    if (e.sessionId === state.sessionId) notices.add('error', () => t('sessionError'), () => errorMessage(e));
  },
  onProtocolError(message) {
    notices.add('error', () => t('sessionError'), message);
  },
  onResync(snapshot) {
    if (snapshot.session.id !== state.sessionId) return;
    show(snapshot, state.mode);
    composer.rejoined(); // a typed turn the drop left unconfirmed goes again
    // Back in the session's room: the playback the drop paused goes on where it stopped.
    if (state.pausedOffline && state.player?.state === 'paused') {
      endOfflinePause();
      notices.add('info', () => t('playbackResumed'));
      state.player.play();
    }
  },
  onResyncFailed(error) {
    if (state.pausedOffline) endOfflinePause();
    if (error.code === 'not_found') sessionLost();
    // Otherwise the playback stays paused; the manager may resume (sends then say what is
    // wrong) or stop.
    else notices.add('error', () => t('rejoinFailed'), () => errorMessage(error));
    renderControls();
  },
});

/** The connection dropped: a playing playback pauses (its sends would all fail) and says why. */
function pauseForConnection(): void {
  const p = state.player;
  if (!p || p.state !== 'playing') return;
  state.pausedOffline = true;
  p.pause();
  state.dropOfflineNotice?.();
  state.dropOfflineNotice = notices.add('info', () => t('pausedOffline'), () => t('pausedOfflineDetail'));
}

/**
 * The server no longer has the session shown (a restart of a `:memory:` store lost it): every
 * turn resumed into it would only be refused, so playback stops, and the notice offers to play
 * the recording again into a new session.
 */
function sessionLost(): void {
  live.leave();
  // What was shown stays on view, as the notice speaks of it, but read-only: the dropdown
  // names it as no longer on the server (rather than falling back to the demo while the page
  // shows this), and it offers no roles or video, whose saves could only be refused.
  endWatching();
  state.lost = true;
  state.mode = 'review';
  if (state.sessionId) {
    picker.markLost(state.sessionId, state.title);
    composer.dropSession(state.sessionId); // its queued turns could only be refused
  }
  roles.setSession(null, [], []);
  modelStatus.setSession(null, null);
  labels.setEditable(false); // its labels stay on view, read-only
  verdicts.setEditable(false); // so do its cues' verdicts, without toggles
  postureLabels.setEditable(false); // and its posture labels, as markers only
  comments.setEditable(false); // and its comments, without Edit or Delete
  edits.setSession(state.sessionId, [], false); // and its turns, without Edit or Delete turn
  transcript.render();
  cues.render();
  pose.setSession(null, state.participants, false);
  posture.setLive(false);
  state.player?.stop();
  const again = state.played && state.played.sessionId === state.sessionId ? { label: () => t('startAgain'), run: () => void startLive() } : undefined;
  notices.add('error', () => t('sessionLost'), '', again);
  renderControls();
  renderViewHead();
}

/** A session has another title (renamed here or elsewhere): the header and the dropdown say so. */
function sessionRenamed(id: string, title: string): void {
  picker.setTitle(id, title);
  find.sessionRenamed(id, title);
  if (state.sessionId !== id || state.title === title) return;
  state.title = title;
  renderViewHead();
}

/**
 * A session was deleted, by this window (`own`) or another (heard in its room or in the lobby,
 * whichever session this window shows): its option leaves the dropdown. Shown here, it cannot
 * stay on view (every save into it would be refused): a playback into it stops, the window goes
 * back to the list (the demo preview) and a notice says what happened; the focus goes to the
 * dropdown after this window's own deletion (its dialog and buttons are gone). Chosen in the
 * dropdown but not yet shown, the choice goes back to the session shown, with the same notice.
 */
function sessionDeleted(id: string, own: boolean): void {
  const chosenTitle = picker.title(id);
  find.sessionDeleted(id);
  // Its option goes; chosen but not shown (being opened), the choice goes back to what is shown.
  if (picker.remove(id, state.sessionId) && state.sessionId !== id && chosenTitle !== undefined) {
    const title = shownTitle(chosenTitle, (time) => t('liveSuffix', { time }));
    notices.add('error', () => t('sessionDeletedElsewhere', { title: isolate(title) }), () => t('sessionDeletedElsewhereDetail'));
  }
  composer.dropSession(id); // its queued turns could only be refused
  if (state.sessionId !== id) return;
  const title = shownTitle(state.title, (time) => t('liveSuffix', { time }));
  state.player?.stop();
  endPlayback();
  upload.clear();
  picker.value = DEMO_VALUE;
  showDemoPreview();
  find.sessionClosed();
  // The title in a <bdi> (a right-to-left one keeps the quotes where they belong).
  if (own) notices.add('info', () => t('sessionDeleted', { title: isolate(title) }));
  else notices.add('error', () => t('sessionDeletedElsewhere', { title: isolate(title) }), () => t('sessionDeletedElsewhereDetail'));
  if (own) el.select.focus();
}

/** A session is shown anew (or the demo): one the server lost is no longer on view. */
function notLost(): void {
  if (!state.lost) return;
  state.lost = false;
  picker.forgetLost();
}

function endOfflinePause(): void {
  state.pausedOffline = false;
  state.dropOfflineNotice?.();
  state.dropOfflineNotice = null;
}

const pose = new PosePanel(byId('pose-panel'), {
  ensureSession: ensurePoseSession,
  send: (payload) => live.sendLandmarks(payload),
  onSignals(signals) {
    for (const s of signals) {
      if (s.sessionId !== state.sessionId) continue;
      posture.addSignal(s);
      pose.noteSignal(s);
    }
  },
  onError(title, message) {
    notices.add('error', title, message);
  },
  webcamMediaMs: (sessionId) => composer.webcamMs(sessionId),
  onMediaTime(ms) {
    // A webcam rehearsal or a video has its own clock: the posture timeline's playhead follows
    // it unless a recorded transcript is playing (then the player's clock leads).
    if (el.viewMode.dataset.mode !== badgeMode()) renderViewHead(); // analysing after playback: live again
    if (state.player?.state === 'playing') return;
    el.clock.value = formatMs(ms);
    posture.setClock(ms);
  },
});

// ---- showing sessions -------------------------------------------------------------------

function show(snapshot: SessionSnapshot, mode: Mode): void {
  const same = snapshot.session.id === state.sessionId;
  // The same session read again (a rejoin, a role change) while it is watched goes on being watched.
  const stillWatching = same && state.watching && mode === 'live';
  if (!stillWatching) endWatching();
  notLost();
  state.mode = mode;
  state.sessionId = snapshot.session.id;
  state.title = snapshot.session.title;
  state.demoSession = snapshot.session.demo;
  state.cueCount = snapshot.cues.length;
  state.participants = snapshot.session.participants;
  state.unassigned = snapshot.unassignedSpeakers;
  state.storedLatestMs = latestMediaMs(snapshot);
  // Live: on the newest turn; stored: from its start; read again: where the reader was (also
  // while watching another window's playback: a role change there does not move this reader).
  labels.setSession(snapshot.session.id, snapshot.corrections, true);
  comments.setSession(snapshot.session.id, snapshot.comments, true);
  // The demo session's turns are the server's sample: it refuses to correct them.
  edits.setSession(snapshot.session.id, snapshot.session.participants, !snapshot.session.demo);
  edits.keepTurns(snapshot.utterances);
  transcript.reset(snapshot.utterances, snapshot.signals, { scroll: stillWatching ? 'keep' : mode === 'live' ? 'end' : same ? 'keep' : 'start' });
  verdicts.setSession(snapshot.session.id, snapshot.cueReviews, true);
  cues.reset(snapshot.cues);
  // A stored session's axis ends with its last turn; a live one's with the recording played.
  const lastEndMs = snapshot.utterances.reduce((end, u) => Math.max(end, u.endMs), 0);
  posture.reset({
    signals: snapshot.signals,
    cues: snapshot.cues,
    latestMs: lastEndMs,
    durationMs: mode === 'live' ? state.durationMs : lastEndMs || null,
    live: mode === 'live',
  });
  // After the timeline: the labels' markers and agreement are read against its postures.
  postureLabels.setSession(snapshot.session.id, snapshot.postureLabels, snapshot.session.participants, true, postureFrames(snapshot, mode));
  pose.setSession(snapshot.session.id, snapshot.session.participants, mode === 'live');
  roles.setSession(snapshot.session.id, snapshot.session.participants, snapshot.unassignedSpeakers);
  state.signalKeys = new Set(snapshot.signals.map(signalKey));
  modelStatus.setSession(snapshot.session.id, snapshot.modelVersions);
  checkContent(snapshot, mode);
  renderViewHead();
  renderClock(); // the timeline was reset without its playhead
}

/**
 * Whether Play has anything to copy from the stored session shown: its turns, or else its
 * posture frames (a video rehearsal has no turns), looked up with a one-frame page.
 */
function checkContent(snapshot: SessionSnapshot, mode: Mode): void {
  const id = snapshot.session.id;
  state.content = mode !== 'review' || snapshot.utterances.length > 0 ? 'some' : 'unknown';
  renderControls();
  if (state.content !== 'unknown') return;
  api.getLandmarksPage(id, 0, 1).then(
    (page) => {
      if (state.sessionId !== id || state.content !== 'unknown') return;
      state.content = page.frames.length > 0 ? 'some' : 'none';
      renderControls();
    },
    () => {
      // Not known: Play is let try (it says what goes wrong).
      if (state.sessionId !== id || state.content !== 'unknown') return;
      state.content = 'some';
      renderControls();
    },
  );
}

/**
 * Whether the session shown has posture frames (for Label posture): a posture signal says so; a
 * live session may get some (the server says when a moment has none); a stored one is looked up
 * with a one-frame page.
 */
function postureFrames(snapshot: SessionSnapshot, mode: Mode): FramesKnown {
  const id = snapshot.session.id;
  if (mode === 'live' || snapshot.signals.some((s) => s.kind === 'posture')) return mode === 'live' ? 'unknown' : 'some';
  api.getLandmarksPage(id, 0, 1).then(
    (page) => {
      if (state.sessionId === id) postureLabels.setFrames(page.frames.length > 0 ? 'some' : 'none');
    },
    () => {
      // Not known: Label posture is let try (the server says what is wrong).
    },
  );
  return 'unknown';
}

/** How long a watched session stays Live after its last input; then it reads Review again. */
const WATCH_IDLE_MS = 30_000;
let watchIdle: ReturnType<typeof setTimeout> | undefined;

/**
 * Input arrived for the session shown, at media time `ms`. A session this window reviews gets
 * some when another window plays into it (or sends its video's landmarks): the window then
 * watches it live — the Live badge, the clock and the timeline's playhead at the latest media
 * time, the transcript following the new turns — until no input has come for WATCH_IDLE_MS
 * (the other window's playback sends no "finished"). A window's own playback is not watched.
 */
function noteInput(ms: number): void {
  if (state.mode === 'review' && !state.player) startWatching();
  if (!state.watching) return;
  state.watchMs = Math.max(state.watchMs ?? 0, ms);
  renderClock();
  clearTimeout(watchIdle);
  watchIdle = setTimeout(idleWatching, WATCH_IDLE_MS);
}

function startWatching(): void {
  state.mode = 'live';
  state.watching = true;
  state.content = 'some'; // input came in: there is something (Play waits until it ends)
  state.durationMs = null; // open-ended: the axis grows with what arrives
  posture.setLive(true);
  if (transcript.atStart) transcript.scrollToEnd(); // a reader who scrolled keeps their place
  renderViewHead();
  renderControls(); // Play would copy a session half-played elsewhere
}

/** No input for a while: the session reads Review again; the clock stays at the last input. */
function idleWatching(): void {
  if (!state.watching) return;
  state.watching = false;
  state.mode = 'review';
  posture.setLive(false);
  renderViewHead();
  renderControls();
}

/** Another session is shown (or this one is taken live here): nothing is watched. */
function endWatching(): void {
  clearTimeout(watchIdle);
  const was = state.watching;
  state.watching = false;
  state.watchMs = null;
  if (was) renderControls();
}

function showDemoPreview(): void {
  endWatching();
  notLost();
  state.content = 'some';
  state.mode = 'preview';
  state.sessionId = null;
  state.demoSession = false;
  state.title = state.demo?.title ?? t('demoOption');
  state.cueCount = 0;
  state.participants = state.demo?.participants ?? [];
  state.unassigned = [];
  labels.setSession(null, [], false);
  verdicts.setSession(null, [], false);
  comments.setSession(null, [], false);
  edits.setSession(null, [], false);
  transcript.reset([], [], { scroll: 'start', emptyText: t('emptyDemo') });
  postureLabels.setSession(null, [], [], false, 'unknown');
  cues.reset([]);
  posture.reset({ signals: [], cues: [], latestMs: 0, durationMs: null, live: true });
  pose.setSession(null, state.participants, false);
  roles.setSession(null, [], []);
  modelStatus.setSession(null, null);
  state.signalKeys = new Set();
  renderViewHead();
  renderControls();
}

function addCue(c: Cue): void {
  cues.add(c);
  posture.addCue(c);
  state.cueCount++;
  renderViewHead();
}

async function review(id: string): Promise<void> {
  // The window watches the session's room while it shows it, so the view stays true to the
  // store: a role change made elsewhere re-reads it (`reanalysed`), and turns another window
  // plays into it arrive. Offline, or if joining fails, it shows the stored session alone.
  live.leave();
  const joined = live.connected ? await live.join(id).catch(() => null) : null;
  if (picker.value !== id) return; // another session was picked meanwhile
  if (joined?.ok) {
    show(joined.value, 'review');
    return;
  }
  try {
    show(await api.getSnapshot(id), 'review');
  } catch (err) {
    notices.add('error', () => t('loadFailed'), () => errorMessage(api.toApiError(err)));
  }
}

/**
 * A turn chosen in Find: its session opened as choosing it in the list does (unless it is the one
 * shown), then the turn scrolled to, highlighted and focused.
 */
/**
 * Why another session's turn is not opened now, or null. As the session list (disabled while
 * this window plays): another session is not opened meanwhile; the playback would go on
 * sending, unseen, with no Stop for it.
 */
function findBlocked(id: string): string | null {
  const ps = state.player?.state;
  if (id === state.sessionId || !(state.starting || ps === 'playing' || ps === 'paused')) return null;
  return t('findPlaying', { title: isolate(shownTitle(state.title, (time) => t('liveSuffix', { time }))) });
}

/** Opens a turn in its session (Find's, the comparison's; `utteranceId` null: the turn spoken at or just before `startMs`, a posture comparison's changed frame); `returnFocus`: where the focus goes when it cannot. */
async function openFoundTurn(id: string, utteranceId: number | null, startMs: number, returnFocus: () => void): Promise<void> {
  // Not in the list (deleted meanwhile, and the lobby's word not heard, or offline): the list is
  // read again; still not there, the session shown stays, its room still watched, and a notice
  // says why. (picker.value would not select it, and review() would leave the room shown.)
  if (state.sessionId !== id && !picker.has(id)) {
    await refreshSessions();
    if (!picker.has(id)) {
      notices.add('error', () => t('findGone'), () => t('sessionDeletedElsewhereDetail'));
      returnFocus();
      return;
    }
  }
  if (state.sessionId !== id) {
    picker.value = id;
    upload.clear();
    endPlayback();
    await review(id);
  }
  if (state.sessionId !== id) {
    // Not opened (another was chosen meanwhile, or it failed: its notice says why).
    returnFocus();
    return;
  }
  transcript.focus(startMs, utteranceId, { keyboard: true });
}

async function refreshSessions(): Promise<void> {
  try {
    picker.setSessions(await api.listSessions());
  } catch (err) {
    notices.add('error', () => t('loadFailed'), () => errorMessage(api.toApiError(err)));
  }
}

/** Shows the session again as the server holds it now (after its analysis was replaced). */
async function reload(id: string): Promise<void> {
  try {
    showReanalysed(id, await api.getSnapshot(id));
  } catch (err) {
    notices.add('error', () => t('loadFailed'), () => errorMessage(api.toApiError(err)));
  }
}

/**
 * The session's analysis was replaced (roles, a re-analysis): its new snapshot replaces what is
 * shown, if it still is, and the upload's report (counted before) would now contradict it.
 */
function showReanalysed(id: string, snapshot: SessionSnapshot): void {
  if (state.sessionId !== id) return;
  show(snapshot, state.mode);
  upload.clear();
}

/**
 * Sets roles from the role panel (only those it changes); a refusal is the panel's to word. The
 * roles re-analyse the whole session: the answer's snapshot is shown, and the `reanalysed` echo
 * the server sends the room just before it is not read again (see OwnRequests).
 */
async function saveRoles(id: string, assigned: Record<string, Role | null>): Promise<void> {
  await ownRequests.run(id, async () => showReanalysed(id, await api.setRoles(id, assigned)));
  void refreshSessions();
}

/**
 * Corrects a turn's words or speaker (the turn editor's Save): the server re-analyses the session
 * and answers its snapshot, which is shown; the `reanalysed` echo is not read again (see
 * OwnRequests). A refusal or no answer is a notice, and the editor stays open with what was typed.
 */
async function editTurn(id: string, utteranceId: number, body: UtteranceEdit): Promise<boolean> {
  return correctTurn(id, 'turnEditFailed', () => api.editUtterance(id, utteranceId, body));
}

/** Deletes a turn (after its confirmation); as editTurn. */
async function deleteTurn(id: string, utteranceId: number): Promise<boolean> {
  return correctTurn(id, 'turnDeleteFailed', () => api.deleteUtterance(id, utteranceId));
}

async function correctTurn(id: string, failed: 'turnEditFailed' | 'turnDeleteFailed', request: () => Promise<SessionSnapshot>): Promise<boolean> {
  try {
    await ownRequests.run(id, async () => showReanalysed(id, await request()));
    void refreshSessions();
    return true;
  } catch (err) {
    notices.add('error', () => t(failed), () => errorMessage(requestError(err)));
    return false;
  }
}

/**
 * Labels a customer turn (the editor's Save) and shows the answer's correction; its `corrected`
 * echo is not applied again. A refusal (a rep's turn, a gone session or turn, a bad note) or no
 * answer is a notice, and the editor stays open with the coach's choice.
 */
async function saveLabel(id: string, utteranceId: number, body: { label: VerbalLabel; note?: string }): Promise<boolean> {
  try {
    const correction = await ownLabels.run(turnKey(id, utteranceId), () => api.putCorrection(id, utteranceId, body));
    labels.apply({ sessionId: id, utteranceId, correction });
    return true;
  } catch (err) {
    notices.add('error', () => t('labelSaveFailed'), () => errorMessage(requestError(err)));
    return false;
  }
}

/** Removes a turn's label (the editor's Remove); as saveLabel. */
async function removeLabel(id: string, utteranceId: number): Promise<boolean> {
  try {
    await ownLabels.run(turnKey(id, utteranceId), () => api.deleteCorrection(id, utteranceId));
    labels.apply({ sessionId: id, utteranceId, correction: null });
    return true;
  } catch (err) {
    notices.add('error', () => t('labelRemoveFailed'), () => errorMessage(requestError(err)));
    return false;
  }
}

/**
 * Gives a cue a verdict (a toggle) and shows the answer's review; its `cue_reviewed` echo is
 * not applied again. A refusal (a cue a re-analysis replaced, a gone session) or no answer is a
 * notice, and the card keeps what it showed.
 */
async function saveVerdict(id: string, cue: Cue, verdict: CueVerdict): Promise<boolean> {
  const moment = { cueType: cue.type, mediaMs: cue.mediaMs };
  try {
    const review = await ownVerdicts.run(cueReviewRequestKey(id, moment), () => api.putCueReview(id, cue.id, { verdict }));
    verdicts.apply({ sessionId: id, ...moment, review });
    return true;
  } catch (err) {
    notices.add('error', () => t('cueReviewSaveFailed'), () => errorMessage(requestError(err)));
    return false;
  }
}

/** Takes a cue's verdict back (its pressed toggle clicked again); as saveVerdict. */
async function removeVerdict(id: string, cue: Cue): Promise<boolean> {
  const moment = { cueType: cue.type, mediaMs: cue.mediaMs };
  try {
    await ownVerdicts.run(cueReviewRequestKey(id, moment), () => api.deleteCueReview(id, moment));
    verdicts.apply({ sessionId: id, ...moment, review: null });
    return true;
  } catch (err) {
    notices.add('error', () => t('cueReviewRemoveFailed'), () => errorMessage(requestError(err)));
    return false;
  }
}

/**
 * Labels a customer's posture at a moment (the posture editor's Save) and shows the answer's
 * labels, on the frame the server chose; their `posture_labelled` echo is not applied again. A
 * refusal (no frame near the moment, a participant no longer a customer, a gone session, bad
 * labels) or no answer is a notice, and the editor stays open with the coach's choice.
 */
async function savePostureLabels(id: string, body: ReturnType<typeof postureLabelsBody>) {
  try {
    return await postureLabelRequests.save(id, body);
  } catch (err) {
    notices.add('error', () => t('postureLabelSaveFailed'), () => errorMessage(requestError(err)));
    return null;
  }
}

/** Removes a frame's posture labels (the editor's Remove); as savePostureLabels. */
async function removePostureLabels(id: string, frameId: number): Promise<boolean> {
  try {
    await postureLabelRequests.remove(id, frameId);
    return true;
  } catch (err) {
    notices.add('error', () => t('postureLabelRemoveFailed'), () => errorMessage(requestError(err)));
    return false;
  }
}

function signalKey(s: { kind: string; id: number }): string {
  return `${s.kind}:${s.id}`;
}

/**
 * Re-analyses the session with the server's current models (the status's Re-analyse) and
 * shows the snapshot it answers with; its `reanalysed` echo is not read again, as for Save
 * roles (see OwnRequests).
 */
async function reanalyseSession(id: string): Promise<ReanalyseOutcome> {
  const before = { signals: state.signalKeys.size, cues: state.cueCount };
  const res = await ownRequests.run(id, async () => {
    const answer = await api.reanalyse(id);
    showReanalysed(id, answer.snapshot);
    return answer;
  });
  void refreshSessions();
  // The snapshot names the models the server ran: if they are not those health named, the
  // server was restarted with others since it was read.
  const h = state.health;
  const used = res.snapshot.modelVersions;
  if (h && (used.verbal.some((v) => v !== h.verbalModel) || used.posture.some((v) => v !== h.postureModel))) void refreshHealth();
  return reanalyseOutcome(before, res.snapshot);
}

/**
 * The session the video panel sends landmarks to: the live one shown; a reviewed session is
 * joined (it becomes live); from the demo preview a new session with the demo's participants.
 */
async function ensurePoseSession(): Promise<PoseSession | null> {
  try {
    if (state.mode === 'live' && state.sessionId) {
      // Watching another window's input until now: this window's video is an input too, so the
      // session stays live here and no idle timer turns it back to Review.
      if (state.watching) endWatching();
      return { sessionId: state.sessionId, participants: state.participants };
    }
    let id = state.mode === 'review' && !state.lost ? state.sessionId : null;
    if (!id) {
      // From the demo preview, or from a session the server lost: a new one with its people.
      const people = state.lost ? state.participants : (state.demo?.participants ?? (await api.getDemo()).participants);
      const session = await api.createSession({
        title: liveTitle(t('poseRehearsal'), t('liveSuffix', { time: clockTime(new Date()) })),
        participants: people.flatMap((p) => (p.role ? [{ name: p.name, role: p.role }] : [])),
      });
      id = session.id;
    }
    live.leave();
    endWatching(); // this window's video is the input now
    state.durationMs = null;
    const joined = await live.join(id);
    if (!joined.ok) {
      notices.add('error', () => t('sessionError'), () => errorMessage(joined.error));
      return null;
    }
    show(joined.value, 'live');
    picker.value = id;
    void refreshSessions();
    return { sessionId: id, participants: joined.value.session.participants };
  } catch (err) {
    notices.add('error', () => t('sessionError'), () => errorMessage(api.toApiError(err)));
    return null;
  }
}

// ---- playback ---------------------------------------------------------------------------

/** The recording to play, and the first page of a stored session's frames (null: the demo's). */
async function loadRecording(): Promise<{ rec: Recording; first: LandmarksPage | null }> {
  const firstPage = (id: string) => api.getLandmarksPage(id, 0, DEFAULT_AHEAD.pageSize);
  const again = state.played && state.played.sessionId === state.sessionId ? state.played.rec : null;
  if (again) return { rec: again, first: again.posture.kind === 'stored' ? await firstPage(again.posture.sessionId) : null };
  if (picker.value === DEMO_VALUE) {
    const demo = state.demo ?? (await api.getDemo());
    const rec: Recording = { title: demo.title, participants: demo.participants, utterances: demo.utterances.map(toUtteranceIn), posture: { kind: 'frames', frames: demoFrames(demo.posture) } };
    return { rec, first: null };
  }
  // A stored session: its words and its posture input (frames sent as images come back as the
  // landmarks the server estimated from them), so the copy gets the same signals and cues.
  // Play starts with the first page of frames; the rest are read while it plays.
  const id = picker.value;
  const [snap, first] = await Promise.all([api.getSnapshot(id), firstPage(id)]);
  const rec: Recording = { title: snap.session.title, participants: snap.session.participants, utterances: snap.utterances.map(toUtteranceIn), posture: { kind: 'stored', sessionId: id } };
  return { rec, first };
}

function toUtteranceIn(u: { speaker: string; text: string; startMs: number; endMs?: number }): UtteranceIn {
  return u.endMs !== undefined && u.endMs >= u.startMs
    ? { speaker: u.speaker, text: u.text, startMs: u.startMs, endMs: u.endMs }
    : { speaker: u.speaker, text: u.text, startMs: u.startMs };
}

/** Plays the selected recording into a new live session. */
async function startLive(): Promise<void> {
  state.starting = true;
  renderControls();
  cancelFeed(); // a page the last playback asked for is not appended to this one
  try {
    const { rec, first } = await loadRecording();
    const session = await api.createSession({
      title: liveTitle(rec.title, t('liveSuffix', { time: clockTime(new Date()) })),
      participants: rec.participants.flatMap((p) => (p.role ? [{ name: p.name, role: p.role }] : [])),
    });
    live.leave();
    const frames = rec.posture.kind === 'frames' ? rec.posture.frames : (first?.frames ?? []).map(recordedFrame);
    const items = playItems(rec.utterances, frames);
    // The axis reaches the end known so far; pages read while playing may move it on.
    state.durationMs = items.reduce((end, x) => Math.max(end, 'endMs' in x && x.endMs !== undefined ? x.endMs : x.startMs), 0) || null;
    const joined = await live.join(session.id);
    if (!joined.ok) {
      notices.add('error', () => t('sessionError'), () => errorMessage(joined.error));
      return;
    }
    show(joined.value, 'live');
    state.played = { sessionId: session.id, rec };
    // The dropdown names the session shown (roles saved now go to it), not the one played from.
    picker.value = session.id;
    /** Each turn goes under the same clientTurnId on every send: the server stores it once. */
    const playbackId = newPlaybackId();
    /** Posture frames sent whose ack has not come yet (at most FRAME_WINDOW). */
    const framesInFlight = new Set<Promise<void>>();
    const sendFrame = async (item: PlayItem & { kind: 'landmarks' }): Promise<void> => {
      try {
        const f = item.frame;
        const res = await live.sendLandmarks({
          sessionId: session.id,
          participant: f.participant,
          mediaMs: f.mediaMs,
          poses: f.poses,
          ...(f.aspect !== undefined ? { aspect: f.aspect } : {}),
          ...(f.person !== undefined ? { person: f.person } : {}),
        });
        if (!res.ok) notices.add('error', () => rejectedHeading(item), () => errorMessage(res.error));
      } catch (err) {
        // A frame the drop took is not sent again: the store cannot tell whether it got
        // it, a copy would be counted twice by the posture tracker, and one frame of the
        // track is missed as when the server drops a frame under load.
        if (live.deliveryUnknown(err)) pauseForConnection();
        else notices.add('error', () => rejectedHeading(item), () => errorMessage(api.toApiError(err)));
      }
    };
    const stored = rec.posture.kind === 'stored' ? rec.posture.sessionId : null;
    // Only when there is more than the first page (its closures use the player made below).
    const feed: FrameFeed<RecordedFrame> | null =
      stored === null || first === null || first.next === null
        ? null
        : new FrameFeed<RecordedFrame>({
            after: first.next,
            loaded: frames,
            clock: () => ({ mediaMs: player.mediaMs(), speed: player.speed }),
            fetchPage: async (after, limit, signal) => {
              const page = await api.getLandmarksPage(stored, after, limit, signal);
              return { frames: page.frames.map(recordedFrame), next: page.next };
            },
            deliver: (more) => {
              player.append(frameItems(more));
              const end = more.reduce((m, f) => Math.max(m, f.mediaMs), state.durationMs ?? 0);
              if (state.player === player && end > (state.durationMs ?? 0)) {
                state.durationMs = end;
                if (state.sessionId === session.id) posture.setDuration(end);
              }
            },
            end: () => player.endOfInput(),
            onGiveUp: (err, fromMs) =>
              notices.add(
                'error',
                () => t('framesFailed'),
                () => t('framesFailedDetail', { time: formatMs(fromMs), error: errorMessage(api.toApiError(err)) }),
              ),
          });
    const player: Player<PlayItem> = new Player<PlayItem>({
      items,
      openInput: feed !== null,
      speed: Number(el.speed.value),
      send: async (item) => {
        // Never emit while offline: socket.io would buffer it and send it, unchecked, on
        // reconnect. Nothing was sent, so the item is simply sent once the session is back.
        if (!live.connected) {
          pauseForConnection();
          return 'retry';
        }
        feed?.check(); // the next page of frames, if the clock comes near the end of those loaded
        if (item.kind === 'landmarks') {
          feed?.noteSent();
          // Frames go without waiting for each ack (socket.io keeps their order), a few at a
          // time: one round trip per frame was what made a fast playback fall behind.
          const ack = sendFrame(item).finally(() => framesInFlight.delete(ack));
          framesInFlight.add(ack);
          if (framesInFlight.size >= FRAME_WINDOW) await Promise.race(framesInFlight);
          return;
        }
        // A turn goes once the frames before it are stored, so the server reads them in order.
        await Promise.all(framesInFlight);
        try {
          // Sent again after a drop, a turn the server already had (its ack was lost, or it
          // was still being stored) is acked with the stored original: shown once, by its id.
          const res = await live.sendUtterance(session.id, { ...item.utterance, clientTurnId: turnId(playbackId, item.n) });
          if (res.ok) {
            if (state.sessionId === session.id) transcript.addUtterance(res.value);
          } else {
            notices.add('error', () => rejectedHeading(item), () => errorMessage(res.error));
          }
        } catch (err) {
          if (!live.deliveryUnknown(err)) throw err;
          pauseForConnection();
          return 'retry';
        }
      },
      onSendError: (err, item) => notices.add('error', () => rejectedHeading(item), () => errorMessage(api.toApiError(err))),
      onStateChange: (s) => {
        if (s === 'stopped' || s === 'done') feed?.cancel();
        onPlayerState(s);
      },
    });
    state.player = player;
    state.feed = feed;
    player.play();
    feed?.check();
    void refreshSessions();
  } catch (err) {
    notices.add('error', () => t('sessionError'), () => errorMessage(api.toApiError(err)));
  } finally {
    state.starting = false;
    renderControls();
  }
}

/** Posture frames a playback may have sent and not yet had acknowledged. */
const FRAME_WINDOW = 16;

/**
 * Names what the server refused: the utterance by its number among the utterances (the
 * player's index also counts the posture frames), a posture frame by its media time.
 */
function rejectedHeading(item: PlayItem): string {
  return item.kind === 'utterance' ? t('ackFailed', { n: item.n }) : t('frameRejected', { time: formatMs(item.startMs) });
}

function onPlayerState(s: PlayerState): void {
  // A manager's Play (or Stop) takes over from the pause the drop made.
  if (s !== 'paused' && state.pausedOffline) endOfflinePause();
  renderControls();
  if (s === 'playing') tickClock();
  else renderClock();
  renderViewHead();
  if (s === 'done' || s === 'stopped') void refreshSessions();
}

/**
 * Before another session is shown: the finished (or stopped) playback is left behind, so its
 * clock and "Playback finished." do not carry over to the next session.
 */
function endPlayback(): void {
  endOfflinePause();
  live.leave();
  cancelFeed();
  state.player = null;
  state.played = null;
  renderControls();
  renderClock();
}

/** Stops reading the playback's frames: no page comes in for it after this. */
function cancelFeed(): void {
  state.feed?.cancel();
  state.feed = null;
}

function tickClock(): void {
  renderClock();
  if (state.player?.state === 'playing') requestAnimationFrame(tickClock);
}

function renderClock(): void {
  // The playback's clock; watching another window's, the latest media time that arrived.
  const ms = state.player ? state.player.mediaMs() : state.watchMs;
  el.clock.value = formatMs(ms ?? 0);
  posture.setClock(ms);
}

// ---- rendering --------------------------------------------------------------------------

function renderConnection(): void {
  el.conn.dataset.state = state.connection;
  el.connText.textContent =
    state.connection === 'connected'
      ? t('connConnected')
      : state.connection === 'connecting'
        ? t('connConnecting')
        : t('connOffline');
}

/** The playback button that lost the focus by disabling itself, before another could take it. */
let focusOwed = false;

function renderControls(): void {
  const ps = state.player?.state ?? 'idle';
  const c = controls({
    player: ps,
    starting: state.starting,
    connected: state.connection === 'connected',
    content: state.content,
    watching: state.watching,
    lost: state.lost,
    replayable: state.played !== null && state.played.sessionId === state.sessionId,
  });
  const buttons = { play: el.play, pause: el.pause, stop: el.stop };
  const focused = Object.values(buttons).find((b) => b === document.activeElement);
  el.play.textContent = c.play.resume ? t('resume') : t('play');
  el.play.disabled = c.play.disabled;
  el.pause.disabled = c.pause.disabled;
  el.stop.disabled = c.stop.disabled;
  const hint = c.play.hint ? t(c.play.hint) : '';
  el.playHint.textContent = hint;
  if (hint) {
    el.play.title = hint;
    el.play.setAttribute('aria-describedby', 'play-hint');
  } else {
    el.play.removeAttribute('title');
    el.play.removeAttribute('aria-describedby');
  }
  el.select.disabled = c.busy;
  el.newLive.disabled = c.busy;
  renderSessionActions();
  el.upload.disabled = c.busy;
  el.refresh.disabled = c.busy;
  // Not while the session shown is still being played into: once it has ended, one
  // re-analysis covers every turn (see docs/client.md, "Model versions and re-analysis").
  modelStatus.setBlocked(state.starting || ps === 'playing' || ps === 'paused' ? 'reanalysePlaying' : state.watching ? 'reanalyseWatching' : null);
  // Correcting a turn re-analyses the session: not while this window plays into it (its player
  // would go on from a snapshot the re-analysis replaces); another window's playback goes on,
  // its turns kept and analysed with the correction.
  if (edits.setBlocked(state.starting || ps === 'playing' || ps === 'paused')) transcript.render();
  document.body.dataset.player = state.starting ? 'starting' : ps;
  // The button pressed disabled itself (Play, Pause): the focus goes to the one now useful
  // rather than to the page's body; if none is yet (Play is loading), at a later render.
  if (focused?.disabled) focusOwed = true;
  else if (focused || (document.activeElement !== document.body && document.activeElement !== null)) focusOwed = false;
  if (focusOwed) {
    const target = focusTarget(c, ps);
    if (target) {
      buttons[target].focus();
      focusOwed = false;
    }
  }
}

/**
 * The badge: "Live" while input comes in, so a played session whose playback finished (or was
 * stopped) reads "Review" — unless the video panel is still sending its landmarks to it.
 */
function badgeMode(): Mode {
  const ps = state.player?.state;
  return state.mode === 'live' && (ps === 'done' || ps === 'stopped') && !pose.analysing ? 'review' : state.mode;
}

function renderViewHead(): void {
  const badge = badgeMode();
  el.viewMode.textContent = t(badge);
  el.viewMode.dataset.mode = badge;
  // A live session's suffix is worded in the language of the moment, whatever it was stored in.
  el.viewTitle.textContent = shownTitle(state.title, (time) => t('liveSuffix', { time }));
  el.viewTitle.dataset.sessionId = state.sessionId ?? '';
  const ps = state.player?.state;
  const ending = state.lost ? ` · ${t('sessionGone')}` : ps === 'done' ? ` · ${t('playbackDone')}` : ps === 'stopped' ? ` · ${t('stopped')}` : '';
  el.viewMeta.textContent =
    state.mode === 'preview'
      ? previewMeta()
      : `${tn('utterancesCount', transcript.count)} · ${tn('cuesCount', state.cueCount)}${ending}`;
  renderSessionActions();
  // A stored or live session (not the demo's preview, nor one the server lost) can be taken out as a transcript.
  const exportable = state.mode !== 'preview' && state.sessionId !== null && !state.lost;
  exportLink.render(exportable && state.sessionId ? api.transcriptUrl(state.sessionId) : null, t('exportButton'), t('exportTip'));
  archiveLink.render(exportable && state.sessionId ? api.archiveUrl(state.sessionId) : null, t('archiveButton'), t('archiveTip'));
  // Coaches' labels: how many customer turns, how often the model agrees, and their download
  // (none: neither). A label on a turn no longer a customer's is not counted, as the export leaves it out.
  const agreed = state.mode === 'preview' ? { labelled: 0, agree: 0 } : agreement(labels.all, (id) => transcript.signalOf(id), (id) => transcript.isCustomerTurn(id));
  el.labelsSummary.hidden = agreed.labelled === 0;
  el.labelsSummary.textContent = agreed.labelled === 0 ? '' : labelsSummary(agreed.labelled, agreed.agree);
  labelsExport.render(exportable && state.sessionId && agreed.labelled > 0 ? api.correctionsUrl(state.sessionId) : null, t('labelsExport'), t('labelsExportTip'));
  // Coaches' verdicts on cues: those on the cards, how many useful, and those whose cue the
  // analysis no longer emits (on no card: only counted here), and their download.
  const reviewed = state.mode === 'preview' ? { reviewed: 0, useful: 0, earlier: 0 } : reviewCounts(verdicts.all, cues.all.map((c) => ({ cueType: c.type, mediaMs: c.mediaMs })));
  el.cueReviewsSummary.hidden = reviewed.reviewed === 0;
  el.cueReviewsSummary.textContent = reviewed.reviewed === 0 ? '' : cueReviewsSummary(reviewed.reviewed, reviewed.useful);
  el.cueReviewsEarlier.hidden = reviewed.earlier === 0;
  el.cueReviewsEarlier.textContent = reviewed.earlier === 0 ? '' : cueReviewsEarlier(reviewed.earlier);
  el.cueReviewsEarlier.title = t('cueReviewsEarlierTip');
  const anyVerdict = reviewed.reviewed + reviewed.earlier > 0;
  cueReviewsExport.render(exportable && state.sessionId && anyVerdict ? api.cueReviewsUrl(state.sessionId) : null, t('cueReviewsExport'), t('cueReviewsExportTip'));
  // Coaches' posture labels: the customers' labelled frames, how often the timeline shows the
  // same postures, and their download (labels of a participant no longer a customer are kept
  // but neither counted nor exported).
  const postured =
    state.mode === 'preview'
      ? { labelled: 0, agree: 0 }
      : postureAgreement(postureLabels.all, (p, ms) => posture.posturesAt(p, ms), (p) => postureLabels.isCustomer(p));
  el.postureLabelsSummary.hidden = postured.labelled === 0;
  el.postureLabelsSummary.textContent = postured.labelled === 0 ? '' : postureLabelsSummary(postured.labelled, postured.agree);
  postureLabelsExport.render(exportable && state.sessionId && postured.labelled > 0 ? api.postureLabelsUrl(state.sessionId) : null, t('postureLabelsExport'), t('postureLabelsExportTip'));
  // Coaches' comments, and the review report (the whole session for the rep, with them if any).
  const commentCount = state.mode === 'preview' ? 0 : comments.all.size;
  el.commentsSummary.hidden = commentCount === 0;
  el.commentsSummary.textContent = commentCount === 0 ? '' : tn('commentsCount', commentCount);
  reviewReport.render(exportable && state.sessionId ? api.reviewReportUrl(state.sessionId, lang()) : null, t('reviewReport'), t('reviewReportTip'));
  // The dropdown's option for this session counts what is shown, not what the last refresh saw
  // (its verdicts all of them, earlier ones too, as the server's cueReviewCount and the export).
  if (state.mode !== 'preview' && state.sessionId) picker.setCounts(state.sessionId, transcript.count, state.cueCount, agreed.labelled, verdicts.all.size, postured.labelled, commentCount);
}

/** Rename and Delete: a stored or live session, not the demo, not lost, not while this window plays into it. */
function renderSessionActions(): void {
  const ps = state.player?.state;
  sessionActions.setSession({
    id: state.mode === 'preview' ? null : state.sessionId,
    title: state.title,
    shownTitle: shownTitle(state.title, (time) => t('liveSuffix', { time })),
    demo: state.demoSession,
    lost: state.lost,
    busy: state.starting || ps === 'playing' || ps === 'paused',
  });
  composer.setSession({
    id: state.mode === 'preview' ? null : state.sessionId,
    participants: state.participants,
    unassigned: state.unassigned,
    demo: state.demoSession,
    lost: state.lost,
    playing: state.starting || ps === 'playing' || ps === 'paused',
    // Another window plays into it (the Re-analyse button's reanalyseWatching): no typing meanwhile.
    watching: state.watching,
  });
}

function previewMeta(): string {
  const d = state.demo;
  if (!d) return '';
  return `${participantsLine(d.participants)} · ${tn('utterancesCount', d.utterances.length)}`;
}

function renderHealth(): void {
  const hl = state.health;
  allLabels.render(hl ? api.ALL_CORRECTIONS_URL : null, t('allLabelsExport'), t('allLabelsExportTip'));
  allCueReviews.render(hl ? api.ALL_CUE_REVIEWS_URL : null, t('allCueReviewsExport'), t('allCueReviewsExportTip'));
  allPostureLabels.render(hl ? api.ALL_POSTURE_LABELS_URL : null, t('allPostureLabelsExport'), t('allPostureLabelsExportTip'));
  if (!hl) {
    el.health.textContent = '';
    return;
  }
  const parts = [labelled(t('verbalModel'), hl.verbalModel)];
  if (hl.postureModel) parts.push(labelled(t('postureModel'), hl.postureModel));
  const thresholds = thresholdsText(hl.signalThresholds);
  if (thresholds) parts.push(thresholds);
  parts.push(labelled(t('backend'), hl.backend), t('protocolVersion', { v: hl.protocolVersion }));
  el.health.textContent = parts.join(' · ');
  if (thresholds) el.health.title = t('signalThresholdsTip');
  else el.health.removeAttribute('title');
}

function renderLang(l: Lang): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-btn')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === l));
  }
  document.title = `${t('productName')} · ${l === 'zh' ? 'Buying Signals' : '成交信号'}`;
}

function renderAll(): void {
  applyStatic(document);
  renderLang(lang());
  renderConnection();
  renderControls();
  renderClock();
  picker.render();
  if (state.mode === 'preview') showDemoPreview();
  else {
    transcript.render();
    cues.render();
    posture.render();
  }
  postureLabels.render();
  comments.render();
  pose.render();
  notices.render();
  el.videoToggle.title = t('poseTitle');
  roles.render();
  modelStatus.render();
  sessionActions.render();
  quality.render();
  find.render();
  newLive.render();
  composer.render();
  renderViewHead();
  renderHealth();
  upload.render();
}

// ---- start ------------------------------------------------------------------------------

function bindEvents(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-btn')) {
    b.addEventListener('click', () => setLang(b.dataset.lang === 'zh' ? 'zh' : 'en'));
  }
  onLangChange(renderAll);
  el.select.addEventListener('change', () => {
    upload.clear(); // the report was about the session shown before
    endPlayback();
    if (picker.value === DEMO_VALUE) showDemoPreview();
    else void review(picker.value);
  });
  el.refresh.addEventListener('click', () => void refreshSessions());
  el.videoToggle.addEventListener('click', () => {
    const open = el.videoToggle.getAttribute('aria-expanded') !== 'true';
    el.videoToggle.setAttribute('aria-expanded', String(open));
    pose.setOpen(open);
  });
  el.play.addEventListener('click', () => {
    const p = state.player;
    if (p && p.state === 'paused') p.play();
    else void startLive();
  });
  el.pause.addEventListener('click', () => state.player?.pause());
  el.stop.addEventListener('click', () => state.player?.stop());
  // Closing or reloading the page ends a playback under way: the browser asks first.
  window.addEventListener('beforeunload', (ev) => {
    const ps = state.player?.state;
    // So does a typed turn not yet confirmed stored.
    if (ps !== 'playing' && ps !== 'paused' && !state.starting && !composer.unsent) return;
    ev.preventDefault();
    ev.returnValue = ''; // older browsers ask only when it is set
  });
  el.speed.addEventListener('change', () => state.player?.setSpeed(Number(el.speed.value)));
}

async function loadHealth(): Promise<void> {
  try {
    const health = await api.getHealth();
    setHealth(health);
    const server = health.protocolVersion;
    if (server !== PROTOCOL_VERSION) notices.add('error', () => t('versionMismatch', { server, client: PROTOCOL_VERSION }));
  } catch (err) {
    notices.add('error', () => t('loadFailed'), () => errorMessage(api.toApiError(err)));
  }
}

function setHealth(health: Health): void {
  state.health = health;
  renderHealth();
  const cueMin = health.cueMinSignalScore ?? DEFAULT_CUE_MIN_SCORE;
  transcript.setCueMinScore(cueMin);
  posture.setCueMinScore(cueMin);
  modelStatus.setHealth(health);
}

/** Reads the server's models again, quietly (a failure leaves those known). */
async function refreshHealth(): Promise<void> {
  try {
    setHealth(await api.getHealth());
  } catch {
    // Kept as they were: the next reconnect or re-analysis asks again.
  }
}

initLang();
bindEvents();
renderAll();
void loadHealth();
void refreshSessions();
void api
  .getDemo()
  .then((demo) => {
    state.demo = demo;
    if (state.mode === 'preview') showDemoPreview();
  })
  .catch((err: unknown) => notices.add('error', () => t('loadFailed'), () => errorMessage(api.toApiError(err))));
