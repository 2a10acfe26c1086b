// The video panel: a local video file or the webcam, which participant it shows, how many
// landmark frames per second to send, which model. While analysis runs, PoseLandmarker
// (loaded on first use) finds up to three people in the playing video, the skeleton is
// drawn over it, and each sampled frame's landmarks go to the server as a `landmarks`
// event; the server classifies them like its own and answers with posture signals.
import type { NormalizedLandmark } from '@mediapipe/tasks-vision';
import type { LandmarksIn, Participant, PersonBox, PoseIn, PostureSignal, PostureSignalLabel } from '../../protocol/protocol';
import { errorMessage } from '../errorText';
import { labelName, t, tn, type StringKey } from '../i18n';
import type { AckResult } from '../live';
import { h } from '../view/dom';
import {
  createLandmarker,
  FrameSampler,
  POSE_MODEL_VARIANTS,
  toPoses,
  type LoadedLandmarker,
  type PoseModelVariant,
} from './landmarker';
import { nearestPose, poseAt, poseBox } from './pointing';

export const RATE_DEFAULT = 5;
export const RATE_MIN = 1;
export const RATE_MAX = 15;
/** Sends waiting for their ack; beyond this, sampled frames are skipped (never queued). */
const MAX_IN_FLIGHT = 4;

export interface PoseSession {
  sessionId: string;
  participants: Participant[];
}

export interface PosePanelDeps {
  /** The joined live session to send to, joining or creating one when needed; null to give up. */
  ensureSession(): Promise<PoseSession | null>;
  send(payload: LandmarksIn): Promise<AckResult<{ frameId: number; signals: PostureSignal[] }>>;
  /** Posture signals returned in an ack (the room broadcast delivers them too). */
  onSignals(signals: PostureSignal[]): void;
  /** A problem worth a notice (shown once per distinct message). */
  /** `title` words the heading in the current UI language (a notice words it again on a switch). */
  onError(title: () => string, message: string): void;
  /** The media time of each analysed frame: the app's clock while no transcript plays. */
  onMediaTime?(mediaMs: number): void;
  /**
   * The session's rehearsal clock for a webcam frame of session `sessionId` (the live turn
   * composer's, so typed turns and postures share one time line); null: the webcam's own time
   * since it started.
   */
  webcamMediaMs?(sessionId: string): number | null;
}

type Source = { kind: 'file'; name: string; url: string } | { kind: 'webcam'; stream: MediaStream; startedAt: number };
type Status = { key: StringKey; vars?: Record<string, string | number>; error?: boolean };

export class PosePanel {
  private readonly video: HTMLVideoElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly fileInput: HTMLInputElement;
  private readonly webcamBtn: HTMLButtonElement;
  private readonly participantSelect: HTMLSelectElement;
  private readonly rateInput: HTMLInputElement;
  private readonly modelSelect: HTMLSelectElement;
  private readonly runBtn: HTMLButtonElement;
  private readonly statusEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly pointedEl: HTMLElement;
  private readonly hitLayer: HTMLElement;
  private readonly clearPersonBtn: HTMLButtonElement;

  private source: Source | null = null;
  private session: PoseSession | null = null;
  private participants: Participant[] = [];
  private running = false;
  private starting = false;
  private loaded: LoadedLandmarker | null = null;
  private loading: Promise<LoadedLandmarker> | null = null;
  private readonly sampler = new FrameSampler(RATE_DEFAULT);
  private frameHandle: number | null = null;
  private inFlight = 0;
  private sent = 0;
  private acked = 0;
  private lastFrameId: number | null = null;
  private lastPeople = 0;
  private lastMs = 0;
  private status: Status = { key: 'poseChooseSource' };
  private lastError: string | null = null;
  private readonly reported = new Set<string>();
  private signalsSeen = 0;
  private lastLabel: PostureSignalLabel | null = null;
  /** The people in the last analysed frame (for clicks on the video). */
  private lastPoses: PoseIn[] = [];
  /** Where the person the user pointed at was last seen; null: the server picks (largest, most central). */
  private pointed: PersonBox | null = null;
  /** The pointing still to send with the next frame (a box, or null to undo one); undefined: nothing new. */
  private pendingPerson: PersonBox | null | undefined = undefined;
  /** Frames whose ack confirmed a pointing (box or undo). */
  private pointingsSent = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: PosePanelDeps,
  ) {
    this.fileInput = root.querySelector<HTMLInputElement>('[data-role="pose-file"]')!;
    this.webcamBtn = root.querySelector<HTMLButtonElement>('[data-role="pose-webcam"]')!;
    this.participantSelect = root.querySelector<HTMLSelectElement>('[data-role="pose-participant"]')!;
    this.rateInput = root.querySelector<HTMLInputElement>('[data-role="pose-rate"]')!;
    this.modelSelect = root.querySelector<HTMLSelectElement>('[data-role="pose-model"]')!;
    this.runBtn = root.querySelector<HTMLButtonElement>('[data-role="pose-run"]')!;
    this.statusEl = root.querySelector<HTMLElement>('[data-role="pose-status"]')!;
    this.errorEl = root.querySelector<HTMLElement>('[data-role="pose-error"]')!;
    this.stage = root.querySelector<HTMLElement>('[data-role="pose-stage"]')!;
    this.pointedEl = root.querySelector<HTMLElement>('[data-role="pose-pointed"]')!;
    this.hitLayer = root.querySelector<HTMLElement>('[data-role="pose-hit"]')!;
    this.clearPersonBtn = root.querySelector<HTMLButtonElement>('[data-role="pose-person-clear"]')!;
    this.video = root.querySelector<HTMLVideoElement>('video')!;
    this.canvas = root.querySelector<HTMLCanvasElement>('canvas')!;
    for (const [name, el] of Object.entries({
      fileInput: this.fileInput,
      webcamBtn: this.webcamBtn,
      video: this.video,
      canvas: this.canvas,
      pointedEl: this.pointedEl,
      hitLayer: this.hitLayer,
      clearPersonBtn: this.clearPersonBtn,
    })) {
      if (!el) throw new Error(`index.html: the pose panel has no ${name}`);
    }
    this.rateInput.min = String(RATE_MIN);
    this.rateInput.max = String(RATE_MAX);
    this.rateInput.value = String(RATE_DEFAULT);
    this.modelSelect.replaceChildren(...POSE_MODEL_VARIANTS.map((v) => h('option', { value: v }, '')));
    this.bind();
    this.render();
  }

  /** The session shown in the app; analysis stops when it changes. */
  setSession(sessionId: string | null, participants: readonly Participant[], live: boolean): void {
    const same = this.session?.sessionId === sessionId;
    if ((!same || !live) && this.running) this.stop();
    this.session = live && sessionId ? { sessionId, participants: [...participants] } : null;
    const keep = this.participantSelect.value;
    this.participants = [...participants];
    this.renderParticipants(keep);
    this.render();
  }

  /** Opens or closes the panel; closing stops analysis and releases the webcam. */
  setOpen(open: boolean): void {
    this.root.hidden = !open;
    // The page's layout follows (styles.css: `.pose-open`); a class, not body:has(), which would
    // restyle the whole page on every transcript row added.
    document.body.classList.toggle('pose-open', open);
    if (!open) {
      this.stop();
      this.clearSource();
    }
  }

  /** A posture signal of the session (ack or broadcast): the status names the latest one. */
  noteSignal(s: PostureSignal): void {
    if (s.sessionId !== this.session?.sessionId || s.participant !== this.participantSelect.value) return;
    this.lastLabel = s.label;
    this.render();
  }

  get isRunning(): boolean {
    return this.running;
  }

  private bind(): void {
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file) this.useFile(file);
      this.fileInput.value = '';
    });
    this.webcamBtn.addEventListener('click', () => void this.useWebcam());
    this.rateInput.addEventListener('change', () => {
      const v = Math.round(Number(this.rateInput.value));
      const rate = Number.isFinite(v) ? Math.min(RATE_MAX, Math.max(RATE_MIN, v)) : RATE_DEFAULT;
      this.rateInput.value = String(rate);
      this.sampler.rate = rate;
    });
    this.modelSelect.addEventListener('change', () => {
      // A different model is loaded on the next start.
      if (this.running) this.stop();
      this.loaded?.landmarker.close();
      this.loaded = null;
      this.loading = null;
      this.render();
    });
    this.runBtn.addEventListener('click', () => (this.running ? this.stop() : void this.start()));
    this.video.addEventListener('loadedmetadata', () => this.sizeCanvas());
    this.video.addEventListener('seeked', () => this.sampler.reset());
    // Several people in the video: a click on one tells the server which is the participant.
    // The hit layer covers the picture above the player's controls, so clicks on people never
    // reach the video (a double click there would toggle full screen).
    this.hitLayer.addEventListener('click', (e) => this.pointAt(e));
    // A pointing belongs to the participant it was sent for; another participant starts unpointed.
    this.participantSelect.addEventListener('change', () => {
      this.pointed = null;
      this.pendingPerson = undefined;
      this.draw(this.lastPoses);
      this.render();
    });
    this.clearPersonBtn.addEventListener('click', () => this.unpoint());
    this.video.addEventListener('error', () => {
      if (this.source?.kind === 'file') this.fail(t('poseVideoError', { name: this.source.name }));
    });
  }

  private useFile(file: File): void {
    this.clearSource();
    const url = URL.createObjectURL(file);
    this.source = { kind: 'file', name: file.name, url };
    this.video.srcObject = null;
    this.video.src = url;
    this.video.controls = true;
    this.video.muted = true;
    this.afterSource();
  }

  private async useWebcam(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.fail(t('poseNoWebcam'));
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (err) {
      this.fail(`${t('poseNoWebcam')} ${err instanceof Error ? `(${err.name}: ${err.message})` : ''}`.trim());
      return;
    }
    this.clearSource();
    this.source = { kind: 'webcam', stream, startedAt: performance.now() };
    this.video.removeAttribute('src');
    this.video.srcObject = stream;
    this.video.controls = false;
    this.video.muted = true;
    void this.video.play().catch(() => undefined);
    this.afterSource();
  }

  private afterSource(): void {
    this.lastError = null;
    this.sampler.reset();
    this.stage.hidden = false;
    this.status = { key: 'poseReady' };
    this.clearOverlay();
    this.render();
    // Warm up: fetch the module, wasm and model while the user gets the video ready.
    void this.landmarker().catch(() => undefined);
  }

  private pointAt(e: MouseEvent): void {
    const rect = this.video.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const i = poseAt(this.lastPoses, (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
    if (i < 0) return;
    this.pointed = poseBox(this.lastPoses[i]!);
    this.pendingPerson = this.pointed;
    this.draw(this.lastPoses);
    this.render();
  }

  /** Back to the server's own choice (the largest, most central person). */
  private unpoint(): void {
    if (!this.pointed && this.pendingPerson === undefined) return;
    this.pointed = null;
    this.pendingPerson = null;
    this.draw(this.lastPoses);
    this.render();
  }

  private clearSource(): void {
    // Another video: whoever was pointed at in the old one means nothing in it.
    this.unpoint();
    this.lastPoses = [];
    const src = this.source;
    if (src?.kind === 'webcam') for (const track of src.stream.getTracks()) track.stop();
    if (src?.kind === 'file') URL.revokeObjectURL(src.url);
    this.source = null;
    this.video.pause();
    this.video.srcObject = null;
    this.video.removeAttribute('src');
    this.video.load();
    this.stage.hidden = true;
    this.status = { key: 'poseChooseSource' };
    this.render();
  }

  private landmarker(): Promise<LoadedLandmarker> {
    const variant = (this.modelSelect.value || 'full') as PoseModelVariant;
    if (this.loaded?.variant === variant) return Promise.resolve(this.loaded);
    if (!this.loading) {
      this.loading = createLandmarker(variant).then(
        (l) => {
          this.loaded = l;
          return l;
        },
        (err: unknown) => {
          this.loading = null;
          throw err;
        },
      );
    }
    return this.loading;
  }

  private async start(): Promise<void> {
    if (this.running || this.starting) return;
    if (!this.source) {
      this.fail(t('poseChooseSource'));
      return;
    }
    this.starting = true;
    this.lastError = null;
    this.render();
    try {
      const session = await this.deps.ensureSession();
      if (!session) return;
      this.session = session;
      this.participants = session.participants;
      this.renderParticipants(this.participantSelect.value);
      if (!this.participantSelect.value) {
        this.fail(t('poseNoParticipants'));
        return;
      }
      this.status = { key: 'poseLoading' };
      this.render();
      await this.landmarker();
      this.running = true;
      this.sampler.reset();
      this.status = { key: 'poseRunning', vars: { n: this.acked } };
      if (this.source?.kind === 'file' && this.video.paused) void this.video.play().catch(() => undefined);
      this.schedule();
    } catch (err) {
      this.fail(t('poseLoadFailed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      this.starting = false;
      this.render();
    }
  }

  stop(): void {
    this.running = false;
    if (this.frameHandle !== null) {
      if ('cancelVideoFrameCallback' in this.video) this.video.cancelVideoFrameCallback(this.frameHandle);
      cancelAnimationFrame(this.frameHandle);
      this.frameHandle = null;
    }
    if (this.source) this.status = { key: 'posePaused', vars: { n: this.acked } };
    this.render();
  }

  private schedule(): void {
    if (!this.running) return;
    // requestVideoFrameCallback fires once per new video frame; rAF is the fallback.
    if ('requestVideoFrameCallback' in this.video) {
      this.frameHandle = this.video.requestVideoFrameCallback(() => this.tick());
    } else {
      this.frameHandle = requestAnimationFrame(() => this.tick());
    }
  }

  private tick(): void {
    this.frameHandle = null;
    if (!this.running) return;
    try {
      this.analyse();
    } finally {
      this.schedule();
    }
  }

  /** The loaded local video file's playback position (ms); null with the webcam or no video. */
  localVideoMs(): number | null {
    return this.source?.kind === 'file' ? Math.round(this.video.currentTime * 1000) : null;
  }

  private mediaMs(): number {
    const src = this.source;
    if (src?.kind === 'webcam') {
      const shared = this.session ? this.deps.webcamMediaMs?.(this.session.sessionId) : null;
      return shared ?? Math.round(performance.now() - src.startedAt);
    }
    return Math.round(this.video.currentTime * 1000);
  }

  private analyse(): void {
    const lm = this.loaded?.landmarker;
    const session = this.session;
    const participant = this.participantSelect.value;
    const v = this.video;
    if (!lm || !session || !participant || v.readyState < 2 || v.videoWidth === 0) return;
    if (this.source?.kind === 'file' && (v.paused || v.ended)) return;
    const mediaMs = this.mediaMs();
    if (!this.sampler.due(mediaMs)) return;
    this.sampler.take(mediaMs);
    this.deps.onMediaTime?.(mediaMs);
    const t0 = performance.now();
    const result = lm.detectForVideo(v, this.sampler.timestamp(t0));
    this.lastMs = performance.now() - t0;
    const poses = toPoses(result);
    this.lastPoses = poses;
    this.lastPeople = poses.length;
    // Keep marking the pointed person as they move (the server follows them the same way).
    const followed = this.pointed ? nearestPose(poses, this.pointed) : -1;
    if (followed >= 0) this.pointed = poseBox(poses[followed]!);
    this.draw(poses);
    if (this.inFlight >= MAX_IN_FLIGHT) return;
    const payload: LandmarksIn = {
      sessionId: session.sessionId,
      participant,
      mediaMs,
      poses,
      aspect: v.videoWidth / v.videoHeight,
    };
    if (this.pendingPerson !== undefined) {
      payload.person = this.pendingPerson;
      this.pendingPerson = undefined;
    }
    void this.send(payload);
  }

  private async send(payload: LandmarksIn): Promise<void> {
    this.inFlight++;
    this.sent++;
    try {
      const res = await this.deps.send(payload);
      if (!res.ok && payload.person !== undefined && this.pendingPerson === undefined) this.pendingPerson = payload.person;
      if (res.ok) {
        this.acked++;
        if (payload.person !== undefined) this.pointingsSent++;
        this.lastFrameId = res.value.frameId;
        this.signalsSeen += res.value.signals.length;
        if (res.value.signals.length) this.deps.onSignals(res.value.signals);
        if (this.lastError && this.running) this.lastError = null;
        const last = res.value.signals.at(-1);
        if (last) this.lastLabel = last.label;
        this.status = {
          key: 'poseRunning',
          vars: { n: this.acked, people: this.lastPeople, ms: Math.round(this.lastMs) },
        };
      } else {
        this.fail(t('poseRejected', { message: errorMessage(res.error) }));
      }
    } catch (err) {
      // Not delivered: the pointing goes with the next frame instead.
      if (payload.person !== undefined && this.pendingPerson === undefined) this.pendingPerson = payload.person;
      this.fail(t('poseRejected', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      this.inFlight--;
      if (this.running || this.lastError) this.render();
    }
  }

  private fail(message: string): void {
    this.lastError = message;
    if (!this.reported.has(message)) {
      this.reported.add(message);
      this.deps.onError(() => t('poseTitle'), message);
    }
    this.render();
  }

  private sizeCanvas(): void {
    if (this.video.videoWidth && this.canvas.width !== this.video.videoWidth) {
      this.canvas.width = this.video.videoWidth;
      this.canvas.height = this.video.videoHeight;
    }
  }

  private clearOverlay(): void {
    this.canvas.getContext('2d')?.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** The skeletons over the video; the person pointed at in amber with their box. */
  private draw(poses: readonly PoseIn[]): void {
    const vision = this.loaded?.vision;
    const ctx = this.canvas.getContext('2d');
    if (!vision || !ctx) return;
    this.sizeCanvas();
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const du = new vision.DrawingUtils(ctx);
    const scale = Math.max(1, this.canvas.width / 640);
    const chosen = this.pointed ? nearestPose(poses, this.pointed) : -1;
    poses.forEach((pose, i) => {
      const points: NormalizedLandmark[] = pose.landmarks.map((l) => ({ x: l.x, y: l.y, z: l.z ?? 0, visibility: l.score ?? 1 }));
      const color = i === chosen ? '#f59e0b' : '#22c55e';
      du.drawConnectors(points, vision.PoseLandmarker.POSE_CONNECTIONS, { color, lineWidth: (i === chosen ? 3 : 2) * scale });
      du.drawLandmarks(points, { color: '#f8fafc', fillColor: '#1d4ed8', lineWidth: 1 * scale, radius: 2.5 * scale });
      if (i === chosen) {
        const b = poseBox(pose);
        ctx.strokeStyle = color;
        ctx.lineWidth = 2 * scale;
        ctx.strokeRect(b.xMin * this.canvas.width, b.yMin * this.canvas.height, b.width * this.canvas.width, b.height * this.canvas.height);
      }
    });
  }

  private renderParticipants(keep: string): void {
    const names = this.participants.map((p) => p.name);
    const fallback = this.participants.find((p) => p.role === 'customer')?.name ?? names[0] ?? '';
    const value = names.includes(keep) ? keep : fallback;
    this.participantSelect.replaceChildren(
      ...this.participants.map((p) =>
        h(
          'option',
          { value: p.name },
          `${p.name}${p.role ? ` (${t(p.role === 'customer' ? 'roleCustomer' : 'roleRep')})` : ''}`,
        ),
      ),
    );
    this.participantSelect.value = value;
  }

  /** Whether landmarks are being sent (or about to be). */
  get analysing(): boolean {
    return this.running || this.starting;
  }

  /** Refreshes every text (language switch included) and the control states. */
  render(): void {
    for (const opt of this.modelSelect.options)
      opt.textContent = t(opt.value === 'lite' ? 'poseModelLite' : 'poseModelFull');
    this.renderParticipants(this.participantSelect.value);
    this.runBtn.textContent = this.running ? t('poseStop') : this.starting ? t('poseStarting') : t('poseStart');
    this.runBtn.disabled = this.starting || !this.source;
    this.runBtn.setAttribute('aria-pressed', String(this.running));
    this.modelSelect.disabled = this.running || this.starting;
    this.participantSelect.disabled = this.running || this.starting;
    this.webcamBtn.disabled = this.starting;
    this.fileInput.disabled = this.starting;
    const counted = { n: 0, people: 0, ms: 0, ...this.status.vars };
    const vars = {
      ...counted,
      // Counted in words: "1 frame", "1 person" (Chinese has one form).
      frames: tn('framesCount', Number(counted.n)),
      people: tn('peopleCount', Number(counted.people)),
      last: this.lastLabel ? labelName(this.lastLabel) : '—',
    };
    const source = this.loaded?.modelSource === 'official' ? ` · ${t('poseOfficialModel')}` : '';
    this.statusEl.textContent = t(this.status.key, vars) + (this.running ? source : '');
    this.pointedEl.textContent = this.pointed ? t('posePointed') : this.lastPeople > 1 ? t('posePointHint') : '';
    this.clearPersonBtn.hidden = !this.pointed;
    this.clearPersonBtn.textContent = t('posePointClear');
    this.errorEl.textContent = this.lastError ?? '';
    this.errorEl.hidden = !this.lastError;
    const ds = this.root.dataset;
    ds.state = this.running ? 'running' : this.starting ? 'starting' : this.source ? 'ready' : 'idle';
    ds.framesSent = String(this.sent);
    ds.framesAcked = String(this.acked);
    ds.lastFrameId = this.lastFrameId === null ? '' : String(this.lastFrameId);
    ds.people = String(this.lastPeople);
    ds.signals = String(this.signalsSeen);
    ds.detectMs = String(Math.round(this.lastMs));
    ds.pointed = this.pointed ? '1' : '0';
    ds.pointingsSent = String(this.pointingsSent);
  }
}
