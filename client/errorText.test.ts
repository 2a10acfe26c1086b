// The server's refusals and warnings in the UI language: English keeps the server's words;
// Chinese is built from the structured error (line, field, limit, actual), and the real
// ingest's errors and warnings are all worded (so a changed server string shows up here).
import type { ApiError } from '../protocol/protocol';
import { parseTranscript, TranscriptError } from '../server/ingest';
import { AmbiguousModelError, ModelNotInLibraryError, ModelUnloadableError, QualityBusyError, QualityShuttingDownError, ShuttingDownError, SwitchInProgressError } from '../server/errors/errors';
import { ServerError } from './api';
import { commentError, describeError, errorMessage, fieldName, NETWORK_ERROR, postureModelError, requestError, warningText } from './errorText';

/** What the upload route answers for a file (server/http/routes/sessions.ts parseUpload). */
function uploadError(text: string | Uint8Array, filename = 'x.txt'): ApiError {
  try {
    parseTranscript(typeof text === 'string' ? Buffer.from(text) : text, { filename });
  } catch (err) {
    if (!(err instanceof TranscriptError)) throw err;
    const { code, message, field, line, limit, actual } = err;
    return { code, message, ...(field !== undefined ? { field } : {}), ...(line !== undefined ? { line } : {}), ...(limit !== undefined ? { limit } : {}), ...(actual !== undefined ? { actual } : {}) };
  }
  throw new Error('the file was accepted');
}

const ENGLISH_WORDS = /\b(line|file|text|the|is|has|expected|limit)\b/;

test('English shows the server’s message as it is', () => {
  const e = uploadError(Buffer.from([0x89, 0x50, 0x00, 0x01]));
  expect(describeError(e, 'en')).toEqual({ text: e.message });
  expect(errorMessage(e, 'en')).toBe(e.message);
});

test('a binary file and an over-long line in Chinese, naming the line, the size and the limit', () => {
  expect(describeError(uploadError(Buffer.from([0x89, 0x50, 0x00, 0x01])), 'zh')).toEqual({
    text: '文件看起来是二进制文件，不是文字记录；请上传 UTF-8、UTF-16（带 BOM）或 GB18030 编码的文本文件。',
  });
  const long = uploadError(`Alice: hi\nBob: ${'好'.repeat(2500)}\n`);
  expect(long).toMatchObject({ code: 'limit_exceeded', line: 2, field: 'text', limit: 2000, actual: 2500 });
  expect(describeError(long, 'zh')).toEqual({ text: '第 2 行：发言内容有 2500 个字符，上限为 2000 个字符。' });
  const speaker = uploadError(`${'N'.repeat(90)}: hi\n`);
  expect(describeError(speaker, 'zh').text).toBe('第 1 行：发言人姓名有 90 个字符，上限为 80 个字符。');
  const json = uploadError(JSON.stringify([{ speaker: 'A', text: 'x'.repeat(2001), startMs: 0 }]), 'a.json');
  expect(describeError(json, 'zh').text).toBe('第 1 句发言的发言内容有 2001 个字符，上限为 2000 个字符。');
});

test('every refusal of the real ingest a manager can meet is worded in Chinese', () => {
  const files: [string | Uint8Array, string][] = [
    ['', 'x.txt'],
    ['   \n', 'x.txt'],
    [Buffer.from([0xff, 0xfe, 0x00, 0xd8]), 'x.txt'],
    [Buffer.from([0xc3, 0x28, 0x41, 0x42]), 'x.txt'],
    [Buffer.concat([Buffer.from('A: 这款理财产品多少钱？\n'), Buffer.from('423a20c4eabbafcad5d2e6c2cacac7b0d9b7d6d6aec8fda1a30a', 'hex')]), 'x.txt'],
    ['hello there\n', 'x.txt'],
    ['NOTVTT\n\n00:01.000 --> 00:02.000\nhi\n', 'x.vtt'],
    ['1\n00:00:05,000 --> 00:00:01,000\nA: hi\n', 'x.srt'],
    ['1\nnonsense\nA: hi\n', 'x.srt'],
    ['{"utterances": [', 'x.json'],
    ['[{"speaker": "A", "text": "hi"}]', 'x.json'],
    ['[]', 'x.json'],
  ];
  for (const [text, name] of files) {
    const e = uploadError(text, name);
    const zh = describeError(e, 'zh');
    expect({ code: e.code, text: zh.text }).toEqual({ code: e.code, text: expect.not.stringMatching(ENGLISH_WORDS) });
    if (e.line !== undefined) expect(zh.text).toContain(`第 ${e.line} 行`);
    // Where the Chinese drops a detail the English names, the English goes along.
    if (zh.detail !== undefined) expect(zh.detail).toBe(e.message);
  }
});

test('the live refusals and the server’s own errors in Chinese', () => {
  const gone: ApiError = { code: 'not_found', message: 'session "abc" does not exist', field: 'sessionId' };
  expect(describeError(gone, 'zh')).toEqual({ text: '服务器上没有此会谈（可能已删除，或服务器重启时未保留）。', detail: gone.message });
  expect(errorMessage(gone, 'zh')).toBe('服务器上没有此会谈（可能已删除，或服务器重启时未保留）。（session "abc" does not exist）');
  expect(describeError({ code: 'busy', message: 'at most 256 turns…', field: 'utterance' }, 'zh').text).toContain('服务器正忙');
  expect(describeError({ code: 'shutting_down', message: 'the server is stopping…' }, 'zh').text).toContain('服务器正在停止');
  expect(describeError({ code: 'too_large', field: 'body', message: 'request body is larger than the limit of 5242880 bytes', limit: 5242880 }, 'zh')).toEqual({
    text: '内容太大：上限为 5 MB。',
  });
  // Size limits on the live path carry their numbers (limit, actual); the participant limit too.
  expect(describeError({ code: 'invalid_input', field: 'utterance.text', message: 'utterance.text: text must be at most 2000 characters', limit: 2000, actual: 2500 }, 'zh')).toEqual({
    text: '发言内容长度为 2500，上限为 2000。',
  });
  const crowd: ApiError = { code: 'invalid_input', field: 'speaker', line: 51, message: 'line 51: speaker "P50" would be participant 51; the session would have 51 participants; the limit is 50', limit: 50, actual: 51 };
  expect(describeError(crowd, 'zh')).toEqual({ text: '第 51 行：每场会谈最多 50 位参与者，这样会达到 51 位。', detail: crowd.message });
  expect(describeError({ code: 'http_502', message: 'GET /api/sessions failed: 502 Bad Gateway' }, 'zh')).toEqual({
    text: '请求失败（HTTP 502）。',
    detail: 'GET /api/sessions failed: 502 Bad Gateway',
  });
});

test('a code not worded here keeps the server’s English in Chinese too', () => {
  const e: ApiError = { code: 'image_corrupt', message: 'image could not be decoded' };
  expect(describeError(e, 'zh')).toEqual({ text: e.message });
  // A limit error without its numbers (an older server) is not guessed at either.
  const old: ApiError = { code: 'limit_exceeded', message: 'line 1: text is 2500 characters; the limit is 2000', line: 1, field: 'text' };
  expect(describeError(old, 'zh')).toEqual({ text: old.message });
});

test('field paths in words', () => {
  expect(fieldName('utterances[3].startMs')).toBe('第 4 句发言的开始时间');
  expect(fieldName('participants[1].role')).toBe('第 2 位参与者的角色');
  expect(fieldName('utterance.text')).toBe('发言内容');
  expect(fieldName('weird')).toBe('“weird”');
});

test('every warning of the real ingest is worded in Chinese, naming its lines', () => {
  const warningsOf = (text: string, filename: string) => parseTranscript(Buffer.from(text), { filename }).warnings;
  const warnings = [
    ...warningsOf('1\n00:00:01,000 --> 00:00:02,000\nAlice: hi\n\n2\n00:00:03,000 --> 00:00:04,000\nhow much?\n\nmore words\n', 'a.srt'),
    ...warningsOf('WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>hi\n\n00:03.000 --> 00:04.000\n<v A></v>\n', 'a.vtt'),
    ...warningsOf('[00:00:01] A: hi\nB:\nA: there\n', 'a.txt'),
    ...warningsOf('A: hi\nB: ok\n', 'a.txt'),
    ...warningsOf('A: hi\nDr. Li, Head of Sales: the fee is waived\n', 'a.txt'),
    ...warningsOf('[00:00:01] A: hi\n0:00:05\n', 'a.txt'),
    ...warningsOf(`[23:59:59] A: hi\nB: ${'word '.repeat(50)}\n`, 'a.txt'),
    ...warningsOf(JSON.stringify({ participants: [{ name: 'Ghost', role: 'rep' }], utterances: [{ speaker: 'A', text: 'hi', startMs: 0, mood: 1 }] }), 'a.json'),
    ...warningsOf(JSON.stringify({ participant: [], participants: [{ name: 'A', rol: 'rep' }], utterances: [{ speaker: 'A', text: 'hi', startMs: 0, start_ms: 1 }] }), 'a.json'),
  ];
  expect(warnings.length).toBeGreaterThanOrEqual(7);
  for (const w of warnings) {
    const zh = warningText(w, 'zh');
    expect({ w, zh }).toEqual({ w, zh: expect.not.stringMatching(ENGLISH_WORDS) });
    const line = /^line (\d+)/.exec(w);
    if (line) expect(zh).toMatch(new RegExp(`^第 ${line[1]} 行：`));
    expect(warningText(w, 'en')).toBe(w);
  }
  expect(warningText('file: ignored unknown fields "participant" (did you mean "participants"?), "notes"', 'zh')).toBe(
    '文件顶层中的未知字段已忽略："participant"（是否应为 "participants"？）, "notes"',
  );
  expect(warningText('... and 12 more warnings', 'zh')).toBe('另有 12 条警告未列出');
  expect(warningText('something new', 'zh')).toBe('something new');
});

test('a stopping server’s refusal says what it did not do: a turn, a re-analysis, a role change', () => {
  const refusal = (what: string): ApiError => {
    const e = new ShuttingDownError(what);
    return { code: e.code, message: e.message };
  };
  expect(describeError(refusal('re-analysis'), 'zh').text).toBe('服务器正在停止，没有重新分析，会谈保持原样；服务器恢复后请再试。');
  expect(describeError(refusal('role change'), 'zh').text).toBe('服务器正在停止，角色没有更改，会谈保持原样；服务器恢复后请再试。');
  expect(describeError(refusal('utterance'), 'zh').text).toBe('服务器正在停止，这一条未保存；服务器恢复后请重新发送。');
  expect(errorMessage(refusal('re-analysis'), 'en')).toBe('the server is stopping: this re-analysis was not stored; send it again once the server is back');
});

test('a request with no answer at all is worded in both languages; a server refusal stays itself', () => {
  const none = requestError(new TypeError('Failed to fetch'));
  expect(none).toEqual({ code: NETWORK_ERROR, message: 'no answer from the server (Failed to fetch)' });
  expect(errorMessage(none, 'en')).toBe('no answer from the server (Failed to fetch)');
  expect(errorMessage(none, 'zh')).toBe('没有收到服务器的回复，连接可能已断开。（no answer from the server (Failed to fetch)）');
  const refused = { code: 'not_found', field: 'sessionId', message: 'session "x" not found' };
  expect(requestError(new ServerError(404, refused))).toBe(refused);
});

test('a coach’s label refused: not a customer’s turn, a turn or session gone, a bad note, in Chinese', () => {
  const rep: ApiError = { code: 'not_customer', message: 'utterance 7 is not a customer turn (its speaker "Ada" is a rep)' };
  expect(errorMessage(rep, 'en')).toBe(rep.message);
  expect(describeError(rep, 'zh')).toEqual({ text: '只能标注客户的发言：这句发言的发言人是客户经理，或还没有角色。', detail: rep.message });
  const turn: ApiError = { code: 'not_found', message: 'utterance 99 does not exist in session "s1"', field: 'utteranceId' };
  expect(describeError(turn, 'zh').text).toBe('服务器上没有这句发言。');
  const note: ApiError = { code: 'invalid_field', message: 'note must be at most 500 characters', field: 'note', limit: 500, actual: 612 };
  expect(describeError(note, 'zh').text).toBe('备注长度为 612，上限为 500。');
  expect(describeError({ code: 'invalid_field', message: 'label: invalid option', field: 'label' }, 'zh').text).toBe('标注无效。');
});

test('a coach’s verdict refused: a cue gone (re-analysed meanwhile), a bad verdict, in Chinese', () => {
  const gone: ApiError = { code: 'not_found', message: 'cue 12 does not exist in session "s1"', field: 'cueId' };
  expect(errorMessage(gone, 'en')).toBe(gone.message);
  expect(describeError(gone, 'zh')).toEqual({ text: '服务器上已没有这条提示（会谈可能已重新分析）；请刷新后再评价。', detail: gone.message });
  expect(describeError({ code: 'invalid_field', message: 'verdict: invalid option', field: 'verdict' }, 'zh').text).toBe('评价无效。');
});

test('the posture labels’ refusals in Chinese: no frame near the moment, not a customer, no such participant', () => {
  const noFrame: ApiError = { code: 'no_frame', message: 'no frame of "Li" with a person within 1000 ms of 64000 ms (the nearest is at 70200 ms)', field: 'mediaMs' };
  expect(describeError(noFrame, 'zh')).toEqual({ text: expect.stringContaining('1 秒内没有这位参与者的姿态帧'), detail: noFrame.message });
  expect(describeError(noFrame, 'en')).toEqual({ text: noFrame.message });
  const rep: ApiError = { code: 'not_customer', message: '"Li" is a rep: posture labels are for customers', field: 'participant' };
  expect(describeError(rep, 'zh').text).toBe('只能标注客户的姿态：这位参与者是客户经理，或还没有角色。');
  expect(describeError({ code: 'not_customer', message: 'x', field: 'utteranceId' }, 'zh').text).toContain('只能标注客户的发言');
  expect(describeError({ code: 'not_found', message: 'no participant "Zed"', field: 'participant' }, 'zh').text).toBe('此会谈中没有这位参与者。');
  expect(describeError({ code: 'invalid_input', message: 'labels: neutral cannot come with arms_crossed', field: 'labels' }, 'zh').text).toBe('姿态标注无效。');
});

test('a comment’s refusals, in both languages: too many comments, one deleted meanwhile, its text named as a comment’s', () => {
  const full: ApiError = { code: 'too_many_comments', message: 'session already holds 1000 comments', field: 'comments', limit: 1000 };
  expect(errorMessage(full, 'en')).toBe(full.message);
  expect(errorMessage(full, 'zh')).toBe('此会谈的点评已达上限（1000 条），这条未保存；请先删除一些点评。');
  const gone: ApiError = { code: 'not_found', message: 'no comment 7 in this session', field: 'commentId' };
  expect(errorMessage(gone, 'zh')).toBe('服务器上已没有这条点评（可能已删除）。（no comment 7 in this session）');
  const long: ApiError = { code: 'invalid_input', message: 'text must be at most 2000 characters', field: 'text', limit: 2000, actual: 2001 };
  expect(errorMessage(commentError(long), 'zh')).toBe('点评内容长度为 2001，上限为 2000。');
  expect(errorMessage(commentError(long), 'en')).toBe(long.message);
  const author: ApiError = { code: 'invalid_input', message: 'author must be at most 80 characters', field: 'author', limit: 80, actual: 81 };
  expect(errorMessage(commentError(author), 'zh')).toBe('点评人姓名长度为 81，上限为 80。');
});

test('renaming and deleting a session: the demo refused, a stopping server, in both languages', () => {
  const demo: ApiError = { code: 'demo_session', message: "sessionId: the demo session is the server's built-in sample meeting and cannot be deleted", field: 'sessionId' };
  expect(errorMessage(demo, 'en')).toBe(demo.message);
  expect(errorMessage(demo, 'zh')).toBe('演示会谈是服务器自带的示例，不能重命名或删除（服务器每次启动时都会重新载入）；可以点击“播放”，将它复制为新会谈。');
  const rename: ApiError = { code: 'shutting_down', message: 'the server is stopping: this rename was not stored; send it again once the server is back' };
  expect(errorMessage(rename, 'zh')).toBe('服务器正在停止，会谈没有重命名；服务器恢复后请再试。');
  const deletion: ApiError = { code: 'shutting_down', message: 'the server is stopping: this deletion was not stored; send it again once the server is back' };
  expect(errorMessage(deletion, 'zh')).toBe('服务器正在停止，会谈没有删除；服务器恢复后请再试。');
  expect(errorMessage(deletion, 'en')).toBe(deletion.message);
});

test("correcting a turn: the demo's turns refused, a stopping server, in Chinese", () => {
  const demo: ApiError = { code: 'demo_session', message: "sessionId: the demo session is the server's built-in sample meeting and cannot have its turns edited or deleted; play it into a new session (Play), or start the server with --no-demo", field: 'sessionId' };
  expect(errorMessage(demo, 'zh')).toBe('演示会谈是服务器自带的示例，其中的发言不能编辑或删除；可以点击“播放”，将它复制为新会谈。');
  const edit: ApiError = { code: 'shutting_down', message: 'the server is stopping: this edit was not stored; send it again once the server is back' };
  expect(errorMessage(edit, 'zh')).toBe('服务器正在停止，发言没有更正，会谈保持原样；服务器恢复后请再试。');
  const deletion: ApiError = { code: 'shutting_down', message: 'the server is stopping: this turn deletion was not stored; send it again once the server is back' };
  expect(errorMessage(deletion, 'zh')).toBe('服务器正在停止，发言没有删除，会谈保持原样；服务器恢复后请再试。');
});

test('GET /api/quality refused, busy or stopping: in Chinese no "not saved" (a measurement stores nothing), and the limit', () => {
  const busy = new QualityBusyError(2).toApi();
  expect(errorMessage(busy, 'en')).toBe(busy.message);
  expect(errorMessage(busy, 'zh')).toBe('服务器正在进行其他模型质量测量（最多同时 2 项）；请等其中一项完成后再试。');
  const stopping = new QualityShuttingDownError().toApi();
  expect(errorMessage(stopping, 'en')).toBe(stopping.message);
  expect(errorMessage(stopping, 'zh')).toBe('服务器正在停止，模型质量没有测完；服务器恢复后请再试。');
});

test('a number over its limit (an archive turn\'s seq, a media time) is worded as a number, not as a length', () => {
  const seq: ApiError = { code: 'invalid_input', field: 'utterances.17.seq', message: 'utterances.17.seq: must be <= 1,000,000,000', limit: 1_000_000_000, actual: 9_007_199_254_740_991 };
  expect(describeError(seq, 'zh')).toEqual({ text: '第 18 句发言的序号为 9007199254740991，超过了上限 1000000000。', detail: seq.message });
  expect(describeError(seq, 'en').text).toBe(seq.message);
});

test('a backup from a newer server is worded as such in Chinese (it read as a length: “version”长度为 2，上限为 1)', () => {
  const newer: ApiError = { code: 'invalid_input', field: 'version', message: 'version: this archive is version 2, written by a newer buying-signals; this server reads versions up to 1', limit: 1, actual: 2 };
  expect(describeError(newer, 'zh')).toEqual({ text: '此备份是第 2 版格式，由更新版本的 buying-signals 写出；本服务器只能读取第 1 版及以前的备份。' });
  expect(describeError(newer, 'en').text).toBe(newer.message);
});

test("a turn sent again whose first send a coach deleted: said so in Chinese, the English kept as detail", () => {
  const deleted: ApiError = { code: 'client_turn_id_conflict', message: 'utterance.clientTurnId: "p1:3" was the id of turn 3 of this session, which a coach deleted; it is not stored again under that id (send it under a new clientTurnId to add it as a new turn)', field: 'utterance.clientTurnId' };
  expect(errorMessage(deleted, 'zh')).toContain('教练已删除这句发言');
  expect(errorMessage(deleted, 'en')).toContain('which a coach deleted');
  const taken: ApiError = { code: 'client_turn_id_conflict', message: 'utterance.clientTurnId: "p1:3" is already the id of turn 3 of this session, whose text differs', field: 'utterance.clientTurnId' };
  expect(errorMessage(taken, 'zh')).toContain('已被另一句发言占用');
});

test('the running model’s refusals in Chinese: a switch under way, an ambiguous version, a model that does not load, a threshold out of range', () => {
  expect(errorMessage({ code: 'switch_in_progress', message: 'a switch … (to verbal-x (lib/x))' }, 'zh')).toMatch(/^正在切换运行中的言语模型：请等切换完成后再试。（a switch/);
  expect(errorMessage({ code: 'ambiguous_model', field: 'model', message: 'model: version v is held by 2 folders' }, 'zh')).toMatch(/^有多个文件夹保存了这个版本的言语模型/);
  expect(errorMessage({ code: 'model_unloadable', field: 'model', message: 'model: lib/x cannot be loaded' }, 'zh')).toMatch(/^无法载入这个言语模型/);
  expect(errorMessage({ code: 'running_model_changed', field: 'model', message: "model: the running model's folder (base) now holds verbal-x, not the running verbal-y" }, 'zh')).toMatch(/^运行中的模型的文件夹已被替换/);
  expect(errorMessage({ code: 'not_found', field: 'model', message: 'model: "x" is neither…' }, 'zh')).toMatch(/^模型库中没有这个言语模型/);
  expect(errorMessage({ code: 'invalid_input', field: 'thresholds.resistance', limit: 1, message: 'thresholds.resistance: threshold for resistance: 2 is not a number from 0 to 1' }, 'zh')).toMatch(/^抗拒的阈值无效。/);
  expect(errorMessage({ code: 'shutting_down', message: 'the server is stopping: this change of the running model was not stored; send it again once the server is back' }, 'zh')).toBe('服务器正在停止，运行中的模型没有更改；服务器恢复后请再试。');
});

test('the running posture model’s refusals name the posture model in Chinese; the verbal ones stay the verbal model’s', () => {
  const posture = (e: ApiError) => errorMessage(postureModelError(e), 'zh');
  expect(posture({ code: 'switch_in_progress', message: 'a switch … (to posture-x (lib/x))' })).toMatch(/^正在切换运行中的姿态模型：请等切换完成后再试。（a switch/);
  expect(posture({ code: 'ambiguous_model', field: 'model', message: 'model: version v is held by 2 folders' })).toMatch(/^有多个文件夹保存了这个版本的姿态模型/);
  expect(posture({ code: 'model_unloadable', field: 'model', message: 'model: lib/x cannot be loaded' })).toMatch(/^无法载入这个姿态模型（/);
  expect(posture({ code: 'not_found', field: 'model', message: 'model: "x" is neither…' })).toMatch(/^模型库中没有这个姿态模型/);
  expect(posture({ code: 'invalid_input', field: 'model', message: 'model: must name a model' })).toMatch(/^姿态模型无效。/);
  expect(posture({ code: 'shutting_down', message: 'the server is stopping: this change of the running posture model was not stored; send it again once the server is back' })).toBe('服务器正在停止，运行中的姿态模型没有更改；服务器恢复后请再试。');
  // Other refusals pass unchanged, and English is the server's message whatever the field.
  const busy: ApiError = { code: 'busy', message: 'a posture training job is running' };
  expect(postureModelError(busy)).toBe(busy);
  const unloadable: ApiError = { code: 'model_unloadable', field: 'model', message: 'model: lib/x cannot be loaded' };
  expect(errorMessage(postureModelError(unloadable), 'en')).toBe(unloadable.message);
  expect(errorMessage({ code: 'switch_in_progress', message: 'x' }, 'zh')).toMatch(/^正在切换运行中的言语模型/);
});

test('the real posture switch refusals (server/errors) are worded in Chinese, naming the posture model', () => {
  const zh = (e: { toApi(): ApiError }) => errorMessage(postureModelError(e.toApi()), 'zh');
  expect(zh(new SwitchInProgressError('posture-x (lib/x)', 'posture'))).toMatch(/^正在切换运行中的姿态模型：/);
  expect(zh(new ModelNotInLibraryError('nope', 'posture'))).toMatch(/^模型库中没有这个姿态模型/);
  expect(zh(new AmbiguousModelError('posture-x', ['lib/a', 'lib/b']))).toMatch(/^有多个文件夹保存了这个版本的姿态模型/);
  expect(zh(new ModelUnloadableError('lib/x', 'bad weights'))).toMatch(/^无法载入这个姿态模型/);
  expect(zh(new ShuttingDownError('change of the running posture model'))).toBe('服务器正在停止，运行中的姿态模型没有更改；服务器恢复后请再试。');
});
