// getTranscript (and the labels' download): only a 200 is a file; any other answer, or none,
// is an error to show, never a file to save. The corrections' PUT and DELETE, checked answers.
import { exportDisposition } from '../server/ingest/export';
import {
  cueReviewRemovalPath,
  deleteCorrection,
  deleteCueReview,
  deletePostureLabels,
  getAllPostureLabelsFile,
  getPostureLabelsFile,
  NoPostureLabelsYet,
  putPostureLabels,
  getAllCorrectionsFile,
  getAllCueReviewsFile,
  getCorrectionsFile,
  getCueReviewsFile,
  getSessionFile,
  getTranscript,
  qualityUrl,
  NoCueReviewsYet,
  NoLabelsYet,
  putCorrection,
  putCueReview,
  ServerError,
} from './api';
import { NETWORK_ERROR, requestError } from './errorText';

const realFetch = globalThis.fetch;
let answer: () => Promise<Response>;
const calls: { url: string; init: RequestInit | undefined }[] = [];
beforeEach(() => {
  calls.length = 0;
  globalThis.fetch = ((url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('resolved');
    },
    (err: unknown) => err,
  );

test('a 200 is the transcript, named by its Content-Disposition, else by the session id', async () => {
  const body = '{"title":"季度回顾","participants":[],"utterances":[]}\n';
  answer = async () =>
    new Response(body, { status: 200, headers: { 'Content-Disposition': exportDisposition('季度回顾', 'ses_1') } });
  const file = await getTranscript('ses 1');
  expect(calls[0]!.url).toBe('/api/sessions/ses%201/transcript');
  expect(calls[0]!.init?.credentials).toBe('same-origin'); // the access-token cookie goes with it
  expect(file.filename).toBe('季度回顾.json');
  expect(await file.blob.text()).toBe(body);

  answer = async () => new Response('{}', { status: 200 });
  expect((await getTranscript('ses_2')).filename).toBe('ses_2.json');
});

test('a refusal throws the server’s error, whatever its body', async () => {
  answer = async () =>
    Response.json(
      { error: { code: 'not_found', message: 'session "ses_1" does not exist', field: 'sessionId' } },
      { status: 404 },
    );
  const gone = await failure(getTranscript('ses_1'));
  expect(gone).toBeInstanceOf(ServerError);
  expect((gone as ServerError).status).toBe(404);
  expect(requestError(gone)).toEqual({
    code: 'not_found',
    message: 'session "ses_1" does not exist',
    field: 'sessionId',
  });

  answer = async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
  expect(requestError(await failure(getTranscript('ses_1')))).toEqual({
    code: 'http_502',
    message: 'GET /api/sessions/ses_1/transcript failed: 502 Bad Gateway',
  });

  // a 2xx other than 200 (no content) is not a transcript either
  answer = async () => new Response(null, { status: 204 });
  expect((await failure(getTranscript('ses_1'))) as ServerError).toBeInstanceOf(ServerError);
});

test('no answer is the client’s network error', async () => {
  answer = () => Promise.reject(new TypeError('Failed to fetch'));
  expect(requestError(await failure(getTranscript('ses_1'))).code).toBe(NETWORK_ERROR);
});

test('Export labels downloads the session’s JSON lines the same way: only a 200, named by the server', async () => {
  const row = '{"text":"how much is it?","label":"price_inquiry","lang":"en","role":"customer"}\n';
  answer = async () => new Response(row, { status: 200, headers: { 'Content-Disposition': 'attachment; filename="call-labels.jsonl"' } });
  const file = await getCorrectionsFile('ses 1');
  expect(calls[0]!.url).toBe('/api/sessions/ses%201/corrections');
  expect(calls[0]!.init?.credentials).toBe('same-origin');
  expect(file.filename).toBe('call-labels.jsonl');
  expect(await file.blob.text()).toBe(row);
  answer = async () => new Response('', { status: 200 });
  expect((await getCorrectionsFile('ses_2')).filename).toBe('ses_2-labels.jsonl');
  answer = async () => Response.json({ error: { code: 'not_found', message: 'session "ses_1" does not exist', field: 'sessionId' } }, { status: 404 });
  expect(requestError(await failure(getCorrectionsFile('ses_1'))).code).toBe('not_found');
});

test('a label is PUT as JSON to the turn’s correction and answered with the stored correction', async () => {
  const stored = { sessionId: 'ses_1', utteranceId: 7, label: 'resistance', note: 'too dear', correctedAt: 1 };
  answer = async () => Response.json({ correction: stored });
  await expect(putCorrection('ses_1', 7, { label: 'resistance', note: 'too dear' })).resolves.toEqual(stored);
  expect(calls[0]!.url).toBe('/api/sessions/ses_1/utterances/7/correction');
  expect(calls[0]!.init?.method).toBe('PUT');
  expect(JSON.parse(calls[0]!.init?.body as string)).toEqual({ label: 'resistance', note: 'too dear' });

  // A refusal keeps the server's code (a rep's turn), for the notice.
  answer = async () => Response.json({ error: { code: 'not_customer', message: 'utterance 7 is not a customer turn' } }, { status: 409 });
  const refused = await failure(putCorrection('ses_1', 7, { label: 'neutral' }));
  expect((refused as ServerError).status).toBe(409);
  expect(requestError(refused).code).toBe('not_customer');

  // An answer that is not a correction is not taken for one.
  answer = async () => Response.json({ correction: { label: 'resistance' } });
  await expect(putCorrection('ses_1', 7, { label: 'resistance' })).rejects.toThrow();
});

test('a label is removed with a DELETE, answered with whether there was one', async () => {
  answer = async () => Response.json({ removed: true });
  await expect(deleteCorrection('ses_1', 7)).resolves.toBe(true);
  expect(calls[0]!.url).toBe('/api/sessions/ses_1/utterances/7/correction');
  expect(calls[0]!.init?.method).toBe('DELETE');
  answer = async () => Response.json({ removed: false });
  await expect(deleteCorrection('ses_1', 7)).resolves.toBe(false);
  answer = () => Promise.reject(new TypeError('Failed to fetch'));
  expect(requestError(await failure(deleteCorrection('ses_1', 7))).code).toBe(NETWORK_ERROR);
});

test('a verdict is PUT as JSON to the cue’s review and answered with the stored review', async () => {
  const stored = { sessionId: 'ses_1', cueType: 'closing_moment', mediaMs: 5000, cueId: 3, verdict: 'useful', note: null, reviewedAt: 1 };
  answer = async () => Response.json({ review: stored });
  await expect(putCueReview('ses_1', 3, { verdict: 'useful' })).resolves.toEqual(stored);
  expect(calls[0]!.url).toBe('/api/sessions/ses_1/cues/3/review');
  expect(calls[0]!.init?.method).toBe('PUT');
  expect(JSON.parse(calls[0]!.init?.body as string)).toEqual({ verdict: 'useful' });

  // A cue a re-analysis replaced meanwhile: the server's refusal, for the notice.
  answer = async () => Response.json({ error: { code: 'not_found', message: 'cue 3 does not exist in session "ses_1"', field: 'cueId' } }, { status: 404 });
  const refused = await failure(putCueReview('ses_1', 3, { verdict: 'false_alarm' }));
  expect((refused as ServerError).status).toBe(404);
  expect(requestError(refused).field).toBe('cueId');

  // An answer that is not a review is not taken for one.
  answer = async () => Response.json({ review: { verdict: 'useful' } });
  await expect(putCueReview('ses_1', 3, { verdict: 'useful' })).rejects.toThrow();
});

test('a verdict is taken back with a DELETE, answered with whether there was one', async () => {
  // By moment (type and media time), the one removal route, whether or not its cue is emitted now.
  const cue = { cueType: 'resistance' as const, mediaMs: 9000 };
  answer = async () => Response.json({ removed: true });
  await expect(deleteCueReview('ses 1', cue)).resolves.toBe(true);
  expect(calls[0]!.url).toBe('/api/sessions/ses%201/cue-reviews?type=resistance&mediaMs=9000');
  expect(cueReviewRemovalPath('ses 1', cue)).toBe(calls[0]!.url);
  expect(calls[0]!.init?.method).toBe('DELETE');
  answer = async () => Response.json({ removed: false });
  await expect(deleteCueReview('ses_1', cue)).resolves.toBe(false);
  answer = () => Promise.reject(new TypeError('Failed to fetch'));
  expect(requestError(await failure(deleteCueReview('ses_1', cue))).code).toBe(NETWORK_ERROR);
});

test('cue reviews download as JSON lines, the session’s and every session’s; none anywhere is not an empty file', async () => {
  const row = '{"sessionId":"ses_1","cueType":"closing_moment","mediaMs":5000,"verdict":"useful"}\n';
  answer = async () => new Response(row, { status: 200, headers: { 'Content-Disposition': 'attachment; filename="call-cue-reviews.jsonl"' } });
  const file = await getCueReviewsFile('ses 1');
  expect(calls[0]!.url).toBe('/api/sessions/ses%201/cue-reviews');
  expect(file.filename).toBe('call-cue-reviews.jsonl');
  answer = async () => new Response(row, { status: 200 });
  expect((await getCueReviewsFile('ses_2')).filename).toBe('ses_2-cue-reviews.jsonl');
  const all = await getAllCueReviewsFile();
  expect(calls.at(-1)!.url).toBe('/api/cue-reviews');
  expect(all.filename).toBe('cue-reviews.jsonl');
  answer = async () => new Response('', { status: 200 });
  await expect(getAllCueReviewsFile()).rejects.toBeInstanceOf(NoCueReviewsYet);
  await expect(getAllCorrectionsFile()).rejects.toBeInstanceOf(NoLabelsYet);
});

test('posture labels: a PUT answered with the frame the server chose, a DELETE by frame, and their JSON lines', async () => {
  const labels = { sessionId: 'ses 1', frameId: 812, participant: '李女士', mediaMs: 64_200, labels: ['leaning_forward'], note: null, labelledAt: 1 };
  answer = async () => Response.json({ labels });
  await expect(putPostureLabels('ses 1', { participant: '李女士', mediaMs: 64_000, labels: ['leaning_forward'] })).resolves.toEqual(labels);
  expect(calls[0]!.url).toBe('/api/sessions/ses%201/posture-labels');
  expect(calls[0]!.init?.method).toBe('PUT');
  expect(JSON.parse(calls[0]!.init?.body as string)).toEqual({ participant: '李女士', mediaMs: 64_000, labels: ['leaning_forward'] });
  answer = async () => Response.json({ error: { code: 'no_frame', message: 'no frame of "李女士" within 1000 ms of 64000 ms', field: 'mediaMs' } }, { status: 404 });
  const refused = await failure(putPostureLabels('ses 1', { participant: '李女士', mediaMs: 64_000, labels: ['neutral'] }));
  expect(refused).toBeInstanceOf(ServerError);
  expect(requestError(refused)).toMatchObject({ code: 'no_frame', field: 'mediaMs' });
  answer = async () => Response.json({ removed: true });
  await expect(deletePostureLabels('ses 1', 812)).resolves.toBe(true);
  expect(calls.at(-1)!.url).toBe('/api/sessions/ses%201/posture-labels/812');
  expect(calls.at(-1)!.init?.method).toBe('DELETE');
  answer = async () => new Response('{"frame":812}\n', { status: 200 });
  expect((await getPostureLabelsFile('ses_2')).filename).toBe('ses_2-posture-labels.jsonl');
  expect((await getAllPostureLabelsFile()).filename).toBe('posture-labels.jsonl');
  expect(calls.at(-1)!.url).toBe('/api/posture-labels');
  answer = async () => new Response('', { status: 200 });
  await expect(getAllPostureLabelsFile()).rejects.toBeInstanceOf(NoPostureLabelsYet);
});

test('Model quality asks for every session or one (its id encoded); a session\'s empty download is "none yet", not an empty file', async () => {
  expect(qualityUrl(null)).toBe('/api/quality');
  expect(qualityUrl('ses 1&rows=1')).toBe('/api/quality?session=ses+1%26rows%3D1');
  answer = async () => new Response('', { status: 200 });
  expect(await failure(getSessionFile(getCorrectionsFile('ses_1'), () => new NoLabelsYet()))).toBeInstanceOf(NoLabelsYet);
  expect(calls[0]!.url).toBe('/api/sessions/ses_1/corrections');
  answer = async () => new Response('{"x":1}\n', { status: 200 });
  expect((await getSessionFile(getCueReviewsFile('ses_1'), () => new NoCueReviewsYet())).filename).toBe('ses_1-cue-reviews.jsonl');
});
