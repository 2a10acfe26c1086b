// Deciding whether an unacked utterance was stored before its ack was lost.
import { storedWithoutAck, type TurnKey } from './resend';

const hi: TurnKey = { speaker: 'Lee', text: 'Hi.', startMs: 1000 };
const price: TurnKey = { speaker: 'Lee', text: 'How much is it?', startMs: 4000 };

test('a turn the store holds and no ack accounted for was stored without its ack', () => {
  expect(storedWithoutAck([hi, price], [hi], price)).toBe(true);
});

test('a turn the store does not hold was lost on the way: send it again', () => {
  expect(storedWithoutAck([hi], [hi], price)).toBe(false);
  expect(storedWithoutAck([], [], hi)).toBe(false);
});

test('the same words at another time, or by someone else, are another turn', () => {
  expect(storedWithoutAck([{ ...price, startMs: 9000 }], [], price)).toBe(false);
  expect(storedWithoutAck([{ ...price, speaker: 'Dana' }], [], price)).toBe(false);
});

test('a turn said twice at the same time counts its copies against its acks', () => {
  // The first copy was acked; the second was in flight when the connection dropped.
  expect(storedWithoutAck([hi], [hi], hi)).toBe(false);
  expect(storedWithoutAck([hi, hi], [hi], hi)).toBe(true);
});

test('the sent turn is compared as the server stores it (trimmed)', () => {
  expect(storedWithoutAck([price], [], { ...price, text: `  ${price.text}\n`, speaker: ' Lee' })).toBe(true);
});
