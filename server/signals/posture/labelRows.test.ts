import { parseLabelRows, PostureEvalError } from './labelRows';
import { ARMS, posture, view } from './testkit';

const pose = view(posture(ARMS.crossed));
const LANDMARKS = pose.landmarks.map((l) => ({ x: l.x, y: l.y, z: l.z, score: l.score }));
const row = (over: Record<string, unknown>): string => JSON.stringify({ landmarks: LANDMARKS, labels: ['arms_crossed'], ...over });
const at = (k: number, field: Record<string, unknown>) => LANDMARKS.map((l, i) => (i === k ? { ...l, ...field } : l));

describe('posture labels rows', () => {
  it('reads photo rows and landmark rows side by side, other fields ignored, blank lines skipped', () => {
    const rows = parseLabelRows(
      [
        '{"file":"a.jpg","labels":["arms_crossed","leaning_forward"],"view":"frontal"}',
        '',
        row({ aspect: 1.333, model_labels: ['open_palms'], session: 's1', frame: 812, note: 'x' }),
        JSON.stringify({ landmarks: LANDMARKS.map(({ x, y }) => ({ x, y })), labels: ['neutral'], aspect: null }),
      ].join('\n'),
      'l.jsonl',
    );
    expect(rows[0]).toEqual({ kind: 'photo', file: 'a.jpg', labels: ['arms_crossed', 'leaning_forward'], line: 1 });
    expect(rows[1]).toMatchObject({ kind: 'landmarks', aspect: 1.333, labels: ['arms_crossed'], line: 3 });
    expect(rows[1]!.kind === 'landmarks' && rows[1]!.pose.landmarks).toEqual(LANDMARKS);
    // Without z and score, as the protocol's frames: depth 0, fully visible; no aspect when null.
    expect(rows[2]).toMatchObject({ kind: 'landmarks', labels: ['neutral'], line: 4 });
    expect(rows[2]).not.toHaveProperty('aspect');
    expect(rows[2]!.kind === 'landmarks' && rows[2]!.pose.landmarks[5]).toEqual({ x: LANDMARKS[5]!.x, y: LANDMARKS[5]!.y, z: 0, score: 1 });
  });

  it.each([
    ['{"file":"a.jpg","labels":["neutral"]}\n{"file": "b.jpg", "labels": [', 'l.jsonl:2: not valid JSON'],
    ['{"file":"a.jpg","labels":["neutral"]}\n{"labels":["neutral"]}', 'l.jsonl:2: field "file" (a photo) or "landmarks" (one frame\'s 33 landmarks) is required'],
    ['{"file":"a.jpg","labels":[]}', 'l.jsonl:1: field "labels" must be a non-empty array'],
    ['{"file":3,"labels":["neutral"]}', 'l.jsonl:1: field "file" must be a non-empty string'],
    ['\n\n{"file":"a.jpg","labels":["slouching"]}', 'l.jsonl:3: field "labels": unknown label "slouching"'],
    ['[1,2]', 'l.jsonl:1: expected a JSON object'],
    [row({ file: 'a.jpg' }), 'l.jsonl:1: a row holds "file" (a photo) or "landmarks" (one frame\'s 33 landmarks), not both'],
    [row({ labels: ['slouching'] }), 'l.jsonl:1: field "labels": unknown label "slouching"'],
    [row({ labels: undefined }), 'l.jsonl:1: field "labels" must be a non-empty array'],
    [row({ landmarks: LANDMARKS.slice(1) }), 'l.jsonl:1: field "landmarks" must hold exactly 33 landmarks (BlazePose topology), got 32'],
    [row({ landmarks: {} }), 'l.jsonl:1: field "landmarks" must be an array of 33 landmarks'],
    [row({ landmarks: at(4, { x: 2.5 }) }), 'l.jsonl:1: field "landmarks[4].x": must be within [-1, 2] (normalised image coordinates)'],
    [row({ landmarks: at(7, { y: '0.5' }) }), 'l.jsonl:1: field "landmarks[7].y": '],
    [row({ landmarks: at(0, { x: undefined }) }), 'l.jsonl:1: field "landmarks[0].x": '],
    [row({ landmarks: at(9, { score: 1.5 }) }), 'l.jsonl:1: field "landmarks[9].score": must be <= 1'],
    [row({ landmarks: at(2, { visibility: 0.9 }) }), 'l.jsonl:1: field "landmarks[2]": unknown field "visibility" (a landmark holds x, y, z, score)'],
    [row({ landmarks: LANDMARKS.map((l, i) => (i === 3 ? null : l)) }), 'l.jsonl:1: field "landmarks[3]": must be an object {"x", "y", "z"?, "score"?}'],
    [row({ aspect: 0 }), 'l.jsonl:1: field "aspect" must be the frame\'s width / height, a number above 0 and at most 10, got 0'],
    [row({ aspect: 'wide' }), 'l.jsonl:1: field "aspect" must be the frame\'s width / height, a number above 0 and at most 10, got "wide"'],
  ])('stops at a malformed row naming the file, line and field (%#)', (text, message) => {
    expect(() => parseLabelRows(text, 'l.jsonl')).toThrow(PostureEvalError);
    expect(() => parseLabelRows(text, 'l.jsonl')).toThrow(message);
  });

  it('refuses a landmark coordinate JSON reads as Infinity (1e999)', () => {
    const text = row({}).replace(/"x":[-0-9.e]+/, '"x":1e999');
    expect(() => parseLabelRows(text, 'l.jsonl')).toThrow('l.jsonl:1: field "landmarks[0].x": ');
  });
});
