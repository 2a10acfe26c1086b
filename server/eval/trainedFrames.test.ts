import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, trainedFrameKey } from '../training/postureRows';
import { readTrainedFrames, readTrainedFramesResult } from './trainedFrames';

const frame = (media_ms: number) => ({ session: 's1', participant: 'Li', media_ms, labels: ['neutral'] });
const fileText = (trained: object[], heldOut: object[], pad = 0) => `${JSON.stringify({ trained, heldOut })}${' '.repeat(pad)}`;

describe('readTrainedFrames', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-trainedframes-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => fs.writeFileSync(path.join(dir, TRAINED_FRAMES_FILE), text);

  it('the frames trained on, by session, participant and media time; the held-out ones not among them', () => {
    write(fileText([frame(0), frame(20_000)], [frame(40_000)]));
    expect(readTrainedFrames(dir)).toEqual(new Set([trainedFrameKey(frame(0)), trainedFrameKey(frame(20_000))]));
  });

  it('none without a folder or a file, or with an odd one', () => {
    expect(readTrainedFrames(undefined)).toBeUndefined();
    expect(readTrainedFrames(dir)).toBeUndefined();
    write('{"trained": "all"}');
    expect(readTrainedFrames(dir)).toBeUndefined();
  });

  it('read at its bound, skipped one byte over it (a job writes none bigger)', () => {
    const text = fileText([frame(0)], []);
    write(text + ' '.repeat(TRAINED_FRAMES_MAX_BYTES - Buffer.byteLength(text)));
    expect(readTrainedFrames(dir)).toEqual(new Set([trainedFrameKey(frame(0))]));
    write(text + ' '.repeat(TRAINED_FRAMES_MAX_BYTES - Buffer.byteLength(text) + 1));
    expect(readTrainedFrames(dir)).toBeUndefined();
  });

  it('says why it is not read: none (no folder, no file), too_large with its bound, malformed, unreadable', () => {
    expect(readTrainedFramesResult(undefined)).toEqual({ ok: false, reason: null });
    expect(readTrainedFramesResult(dir)).toEqual({ ok: false, reason: null });
    write(' '.repeat(TRAINED_FRAMES_MAX_BYTES + 1));
    expect(readTrainedFramesResult(dir)).toEqual({ ok: false, reason: { file: TRAINED_FRAMES_FILE, problem: 'too_large', maxBytes: TRAINED_FRAMES_MAX_BYTES } });
    write('{"trained": "all"}');
    expect(readTrainedFramesResult(dir)).toEqual({ ok: false, reason: { file: TRAINED_FRAMES_FILE, problem: 'malformed', maxBytes: null } });
    write('{"trained": [{"sess');
    expect(readTrainedFramesResult(dir)).toMatchObject({ ok: false, reason: { problem: 'malformed' } });
    fs.rmSync(path.join(dir, TRAINED_FRAMES_FILE));
    fs.mkdirSync(path.join(dir, TRAINED_FRAMES_FILE));
    expect(readTrainedFramesResult(dir)).toEqual({ ok: false, reason: { file: TRAINED_FRAMES_FILE, problem: 'unreadable', maxBytes: null } });
    fs.rmdirSync(path.join(dir, TRAINED_FRAMES_FILE));
    write(fileText([frame(0)], []));
    expect(readTrainedFramesResult(dir)).toEqual({ ok: true, value: new Set([trainedFrameKey(frame(0))]) });
  });
});
