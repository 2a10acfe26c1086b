// What the composer says of a turn it could not get stored: the server's refusal, or an answer
// this page could not read (a malformed acknowledgement), in the language shown.
import { UtteranceSchema, ackSchema, parseWire } from '../../protocol/outbound';
import type { Utterance } from '../../protocol/protocol';
import { TurnQueue, buildTurn } from '../composer';
import { setLang } from '../i18n';
import { refusalText } from './composer';

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

/** The error LiveConnection.sendUtterance throws for an ack whose utterance lacks its id. */
function malformedAck(): Error {
  try {
    parseWire(ackSchema({ utterance: UtteranceSchema }), { ok: true, utterance: { sessionId: 's1' } }, '"utterance" ack');
  } catch (err) {
    return err as Error;
  }
  throw new Error('parsed');
}

async function refusedBy(failure: Error) {
  const q = new TurnQueue({
    mayDrain: () => true,
    send: () => Promise.reject(failure),
    deliveryUnknown: () => false,
    retryLater: () => undefined,
    onStored: (_u: Utterance) => undefined,
    onChange: () => undefined,
  });
  q.add(buildTurn({ speaker: 'Lee', text: 'How much?', startMs: 0, endMs: 500, clientTurnId: 'pv:1' }));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return q.refused!;
}

test('a malformed acknowledgement is told in the language shown, saying the turn may be stored, the parse detail kept', async () => {
  const refused = await refusedBy(malformedAck());
  expect(refused.error).toMatchObject({ code: 'malformed_ack' });
  const en = refusalText(refused.error!);
  expect(en).toMatch(/^Turn not confirmed: the server’s answer could not be read/);
  expect(en).toContain('Unexpected "utterance" ack from the server'); // the detail, for a bug report
  setLang('zh');
  const zh = refusalText(refused.error!);
  expect(zh).toMatch(/^发言未确认：无法读取服务器的回复/);
  expect(zh).not.toMatch(/^[A-Za-z]/);
  expect(zh).toContain('Unexpected "utterance" ack from the server');
});

test('a refusal stays "Turn not stored" with the server\'s error worded in the language shown', async () => {
  const error = { code: 'client_turn_id_conflict', message: 'utterance.clientTurnId: "pv:1" is already the id of turn 1', field: 'utterance.clientTurnId' };
  expect(refusalText(error)).toBe(`Turn not stored: ${error.message}`);
  setLang('zh');
  expect(refusalText(error)).toMatch(/^发言未保存：这句发言的编号已被另一句发言占用/);
  // Another failure of the send itself stays a client error, as before.
  const other = await refusedBy(new Error('boom'));
  expect(other.error).toEqual({ code: 'client_error', message: 'boom' });
});
