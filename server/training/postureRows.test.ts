import { POSTURE_HOLD_OUT_WINDOW_MS } from '../../protocol/postureModels';
import type { PostureFrameLabel } from '../../protocol/protocol';
import type { PostureLabelsExportRow } from '../ingest/postureLabelsExport';
import { ARMS, posture, view } from '../signals/posture/testkit';
import { isHeldOut } from './holdOut';
import { holdOutGroup, parseTrainedFrames, postureJobRows, postureJobWarnings, TRAINED_FRAMES_FILE, trainedFramesJson } from './postureRows';

const landmarks = view(posture(ARMS.crossed)).landmarks.map((l) => ({ x: l.x, y: l.y, z: l.z, score: l.score }));
/** The shoulders (11, 12) unseen: no posture features. */
const unseen = landmarks.map((l, i) => (i === 11 || i === 12 ? { ...l, score: 0 } : l));

const row = (mediaMs: number, labels: string[], over: Partial<PostureLabelsExportRow> = {}): PostureLabelsExportRow => ({
  landmarks, aspect: 4 / 3, labels: labels as PostureFrameLabel[], model_labels: [], model_version: null, role: 'customer',
  session: 's1', participant: 'Li', frame: mediaMs / 200 + 1, media_ms: mediaMs, source: 'browser', labelled_at: 1, ...over,
});

/** Frames every 2 s over `n` windows of the hold-out. */
const spread = (n: number, labels = ['arms_crossed']) =>
  Array.from({ length: n * 5 }, (_, i) => row(i * 2000, i % 3 === 0 ? ['neutral'] : labels));

describe('postureJobRows', () => {
  it('without a hold-out trains on every measurable frame, in order, and counts the unmeasurable ones', () => {
    const rows = [row(0, ['neutral']), row(200, ['arms_crossed'], { landmarks: unseen }), row(400, ['arms_crossed']), row(600, ['open_palms', 'leaning_forward'], { landmarks: unseen })];
    const r = postureJobRows(rows, 0, 7);
    expect(r.trained.map((x) => x.media_ms)).toEqual([0, 400]);
    expect(r).toMatchObject({ heldOut: [], unmeasurable: 2, noddingOnly: 0, warnings: [] });
  });

  it('takes nodding off a frame (a motion, not a still pose), and leaves out a frame that had nothing else', () => {
    const rows = [row(0, ['leaning_forward', 'nodding']), row(200, ['nodding']), row(400, ['neutral'])];
    const r = postureJobRows(rows, 0, 7);
    expect(r.trained.map((x) => x.labels)).toEqual([['leaning_forward'], ['neutral']]);
    expect(r.noddingOnly).toBe(1);
    // The input is not changed.
    expect(rows[0]!.labels).toEqual(['leaning_forward', 'nodding']);
  });

  it('holds out whole moments: frames of one session, participant and window fall on one side, by the seeded hash of the group', () => {
    const rows = [
      ...spread(40),
      ...spread(40).map((r) => ({ ...r, participant: 'Wu' })),
      ...spread(40).map((r) => ({ ...r, session: 's2' })),
    ];
    const r = postureJobRows(rows, 30, 11);
    expect(r.trained.length + r.heldOut.length).toBe(rows.length);
    const side = new Map<string, boolean>();
    for (const [held, list] of [[false, r.trained], [true, r.heldOut]] as const) {
      for (const f of list) {
        const g = holdOutGroup(f);
        expect(side.get(g) ?? held).toBe(held);
        side.set(g, held);
        expect(isHeldOut(g, 30, 11)).toBe(held);
      }
    }
    // 120 groups: about 30 % of them held out; a window is POSTURE_HOLD_OUT_WINDOW_MS of media time.
    expect(side.size).toBe(120);
    const heldGroups = [...side.values()].filter(Boolean).length;
    expect(heldGroups).toBeGreaterThan(20);
    expect(heldGroups).toBeLessThan(55);
    expect(holdOutGroup(row(POSTURE_HOLD_OUT_WINDOW_MS - 1, []))).not.toBe(holdOutGroup(row(POSTURE_HOLD_OUT_WINDOW_MS, [])));
    // Another seed, another split; a larger percent a superset.
    const other = postureJobRows(rows, 30, 12);
    expect(other.heldOut.map(holdOutGroup)).not.toEqual(r.heldOut.map(holdOutGroup));
    const more = new Set(postureJobRows(rows, 50, 11).heldOut.map((f) => `${holdOutGroup(f)}@${f.media_ms}`));
    expect(r.heldOut.every((f) => more.has(`${holdOutGroup(f)}@${f.media_ms}`))).toBe(true);
  });

  it('an unmeasurable frame is counted once, as unmeasurable, whichever side its moment falls on', () => {
    const rows = spread(30).map((r, i) => (i % 4 === 0 ? { ...r, landmarks: unseen } : r));
    const r = postureJobRows(rows, 40, 3);
    expect(r.unmeasurable).toBe(rows.filter((_, i) => i % 4 === 0).length);
    expect(r.trained.length + r.heldOut.length + r.unmeasurable).toBe(rows.length);
    expect([...r.trained, ...r.heldOut].some((f) => f.landmarks === unseen)).toBe(false);
  });
});

describe('postureJobWarnings', () => {
  it('no_neutral_labels when no frame trained on is neutral, one_label_only when all carry one label', () => {
    expect(postureJobWarnings([{ labels: ['arms_crossed'] }, { labels: ['arms_crossed'] }])).toEqual(['no_neutral_labels', 'one_label_only']);
    expect(postureJobWarnings([{ labels: ['arms_crossed'] }, { labels: ['leaning_back', 'arms_crossed'] }])).toEqual(['no_neutral_labels']);
    expect(postureJobWarnings([{ labels: ['neutral'] }, { labels: ['neutral'] }])).toEqual(['one_label_only']);
    expect(postureJobWarnings([{ labels: ['neutral'] }, { labels: ['open_palms'] }])).toEqual([]);
  });

  it('are of the frames trained on, not those held out', () => {
    const rows = spread(40);
    const r = postureJobRows(rows, 50, 5);
    expect(r.warnings).toEqual(postureJobWarnings(r.trained));
  });
});

describe(TRAINED_FRAMES_FILE, () => {
  it('lists the frames trained on and held out by session, participant, media time and labels, and reads back', () => {
    const a = row(0, ['neutral']);
    const b = row(12_000, ['arms_crossed', 'leaning_back'], { participant: 'Wu' });
    const text = trainedFramesJson([a], [b]);
    expect(JSON.parse(text)).toEqual({
      trained: [{ session: 's1', participant: 'Li', media_ms: 0, labels: ['neutral'] }],
      heldOut: [{ session: 's1', participant: 'Wu', media_ms: 12_000, labels: ['arms_crossed', 'leaning_back'] }],
    });
    expect(parseTrainedFrames(text)).toEqual(JSON.parse(text));
    expect(parseTrainedFrames(trainedFramesJson([], []))).toEqual({ trained: [], heldOut: [] });
    expect(() => parseTrainedFrames('{"trained": [{"session": 1}], "heldOut": []}')).toThrow(/trained-frames.json is not/);
    expect(() => parseTrainedFrames('[]')).toThrow(/trained-frames.json is not/);
  });
});
