// Sessions with coaches' labels on customer turns, for the tests that train on them (HTTP,
// socket.io and browser): a rep's opening turn, then n customer turns labelled in LABELS' order.
import { api } from './harness';

export const LABELS = ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral'] as const;
export const TEXTS = [
  'How much would the premium plan cost per month?',
  'Could you take ten percent off if we pay upfront?',
  'Let us sign the contract this week.',
  'That is too expensive for us right now.',
  'We had lunch by the river.',
  '这个方案一年多少钱？',
  '能不能再便宜一点？',
  '好，我们就定这个吧。',
  '我们还要再考虑一下。',
  '今天天气不错。',
  'What would the setup fee be?',
  'Is there a discount for two years?',
];

/**
 * Labelled turns a session needs for a job with the default hold-out (20 %): of these 16 texts
 * the seeds the tests train with hold out 4 (seed 7, 12), 5 (seed 11) or 2 (seed 13), leaving at
 * least 11 of the 10 a job needs. 10 are no longer enough: seed 7 holds 2 of them out.
 */
export const LABELLED_FOR_JOB = 16;

/** A new session with a rep turn and `n` labelled customer turns (texts cycling through TEXTS); its id. */
export async function labelledSession(base: string, n: number): Promise<string> {
  const created = await api(base, 'POST', '/api/sessions', { title: 'labelled', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const id = created.body.session.id as string;
  const utterances = [{ speaker: 'Ada', text: 'Here is our proposal.', startMs: 0 }, ...Array.from({ length: n }, (_, i) => ({ speaker: 'Li', text: `${TEXTS[i % TEXTS.length]} (${i})`, startMs: (i + 1) * 1000 }))];
  expect((await api(base, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances }))).status).toBe(201);
  const snap = (await api(base, 'GET', `/api/sessions/${id}`)).body;
  const customer = snap.utterances.filter((u: { speaker: string }) => u.speaker === 'Li');
  for (const [i, u] of customer.entries()) {
    expect((await api(base, 'PUT', `/api/sessions/${id}/utterances/${u.id}/correction`, { label: LABELS[i % LABELS.length] })).status).toBe(200);
  }
  return id;
}
