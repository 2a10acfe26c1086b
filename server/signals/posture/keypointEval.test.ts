import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../paths';
import { initTf } from '../../runtime/backend';
import { POSTURE_DATA_DIR } from '../pose/testData';
import { ARM_CROSS_HOLD_LAST_MS, evaluateArmCross, evaluateArmCrossSequences, KEYPOINT_FILES, summariseArmCrossTracks, type SequenceEvent, type SequenceTrack } from './keypointEval';
import { loadPostureClassifier } from './model';

// Hand-made event lists (no real data): what each sequence-level figure counts.
const ev = (label: SequenceEvent['label'], state: SequenceEvent['state'], frame: number, sinceFrame = frame): SequenceEvent => ({ label, state, frame, sinceFrame, mediaMs: (frame * 1000) / 30 });
const track = (file: string, crossedPhase: [number, number] | null, events: SequenceEvent[], frames = 60): SequenceTrack => ({ file, frames, crossedPhase, events });

describe('arm-cross sequence summary', () => {
  it('scores turn-on, delay, turn-off and clip tail against the crossed phase', () => {
    const r = summariseArmCrossTracks([
      track('a', [15, 40], [ev('arms_crossed', 'on', 45, 15), ev('arms_crossed', 'off', 58, 43)]),
      track('b', [12, 30], [ev('arms_crossed', 'on', 30, 12)]),
      track('c', [20, 35], []),
    ]);
    expect(r.sequences).toBe(3);
    expect(r.withCrossedPhase).toBe(3);
    expect(r.onShare).toBeCloseTo(2 / 3);
    expect(r.delayMs).toEqual({ median: 600, max: 1000 });
    expect(r.offAfter).toBe(1);
    expect(r.stillOnAtEnd).toBe(1);
    expect(r.offDelayMs).toEqual({ median: 600, max: 600 });
    expect(r.tailMs).toEqual({ median: 800, max: 967 });
    expect(r.phaseMs).toEqual({ median: 633, max: 867 });
    expect(r.falseAlarms).toBe(0);
    expect(r.toggles).toBe(0);
  });

  it('counts a turn-on whose evidence lies outside the phase as a false alarm, and on-off-on as a toggle', () => {
    const r = summariseArmCrossTracks([
      // Evidence from frame 0 (arms down) that ended before the arms started across: false, and at a rest frame.
      track('early', [30, 45], [ev('arms_crossed', 'on', 2, 0), ev('arms_crossed', 'off', 12, 8)]),
      // Evidence beginning a few frames before the check's first crossed frame belongs to it.
      track('anticipated', [20, 40], [ev('arms_crossed', 'on', 25, 14)]),
      // After the arms came down: false.
      track('late', [10, 20], [ev('arms_crossed', 'on', 40, 25)]),
      track('flicker', [10, 40], [ev('arms_crossed', 'on', 20, 10), ev('arms_crossed', 'off', 25, 22), ev('arms_crossed', 'on', 35, 30)]),
      track('lost forearms', null, [ev('arms_crossed', 'on', 30, 15)]),
    ]);
    expect(r.falseAlarms).toBe(2);
    expect(r.falseAlarmSequences).toBe(2);
    expect(r.restTurnOns).toBe(1);
    expect(r.unscoredTurnOns).toBe(1);
    expect(r.toggles).toBe(1);
    expect(r.withCrossedPhase).toBe(4);
    expect(r.onShare).toBe(0.5);
  });

  it('reports every other label that turned on, per sequence and in all', () => {
    const r = summariseArmCrossTracks([
      track('a', [15, 40], [ev('legs_crossed', 'on', 45, 0), ev('nodding', 'on', 20), ev('nodding', 'off', 30), ev('nodding', 'on', 50)]),
      track('b', [15, 40], [ev('legs_crossed', 'on', 60, 15)]),
    ]);
    expect(r.otherLabels).toEqual({
      legs_crossed: { sequencesOn: 2, turnOns: 2, turnOffs: 0, onAtMs: { median: 1500, max: 2000 } },
      nodding: { sequencesOn: 1, turnOns: 2, turnOffs: 1, onAtMs: { median: 667, max: 1667 } },
    });
    expect(r.onShare).toBe(0);
  });
});

// The real UTD-MHAD arm-cross skeletons are read at run time to measure the video path, never
// copied into the repository (research use only); the suite skips where they are absent.
const armCrossCsv = path.join(POSTURE_DATA_DIR, KEYPOINT_FILES.armCross);
const haveArmCross = fs.existsSync(armCrossCsv) && fs.existsSync(projectPath('models', 'posture', 'manifest.json'));
if (!haveArmCross) console.log(`skipped: ${armCrossCsv} or models/posture missing (set BUYING_SIGNALS_POSTURE_DATA to the posture data folder; run \`npx buying-signals train posture\`)`);
(haveArmCross ? describe : describe.skip)('video path on the real Kinect arm-cross sequences', () => {
  it('turns arms_crossed on for real crossings, never at rest, without flicker, and off again', async () => {
    await initTf('wasm');
    const clf = loadPostureClassifier({ modelDir: projectPath('models', 'posture') });
    const r = evaluateArmCrossSequences(clf, armCrossCsv, {}, ARM_CROSS_HOLD_LAST_MS);
    const frames = evaluateArmCross(clf, armCrossCsv);
    clf.dispose();
    console.log(`arm cross as video (${clf.version}, defaults): ${JSON.stringify(r)}; per frame: recall ${frames.recall.toFixed(3)}, rest FP ${frames.falsePositiveRate.toFixed(3)}`);
    // Most of these crossings last about a second, below what the hold asks for: a share, not most.
    // With the earlier 1.5 s hold it was none.
    expect(r.onShare).toBeGreaterThanOrEqual(0.25);
    expect(r.delayMs!.max).toBeLessThanOrEqual(1500);
    expect(r.falseAlarms).toBe(0);
    expect(r.restTurnOns).toBe(0);
    expect(r.toggles).toBe(0);
    expect(r.stillOnAtEnd).toBe(0);
    expect(r.offDelayMs!.max).toBeLessThanOrEqual(ARM_CROSS_HOLD_LAST_MS);
    // Standing upright: no lean, open palms or distance. (legs_crossed does turn on for people
    // standing with their feet together, a classifier failure reported in the README.)
    for (const label of ['leaning_forward', 'leaning_back', 'open_palms', 'sitting_far'] as const) expect(r.otherLabels[label]).toBeUndefined();
  }, 120_000);
});
