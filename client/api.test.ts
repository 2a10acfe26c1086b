// getTranscript: only a 200 is a transcript; any other answer, or none, is an error to show,
// never a file to save.
import { exportDisposition } from '../server/ingest/export';
import { getTranscript, ServerError } from './api';
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
