// When Rename and Delete are offered, and the title check a rename makes before it is sent (the
// server's TitleSchema rules, so a title the server would refuse is worded here first).
import { LIMITS, TitleSchema } from '../../protocol/protocol';
import { checkTitle, sessionActionsOffered, type ShownSession } from './sessionActions';

const stored: ShownSession = { id: 's1', title: 'Q3 review', shownTitle: 'Q3 review', demo: false, lost: false, busy: false };

test('offered for a stored or live session only: not the demo preview, the stored demo, a lost session, or while this window plays into it', () => {
  expect(sessionActionsOffered(stored)).toBe(true);
  expect(sessionActionsOffered({ ...stored, id: null })).toBe(false);
  expect(sessionActionsOffered({ ...stored, id: 'demo', demo: true })).toBe(false);
  expect(sessionActionsOffered({ ...stored, lost: true })).toBe(false);
  expect(sessionActionsOffered({ ...stored, busy: true })).toBe(false);
});

test('a title is trimmed; empty, invisible-only or over the limit is refused, naming the limit and the length', () => {
  expect(checkTitle('  Bank visit 银行拜访 ')).toEqual({ ok: true, title: 'Bank visit 银行拜访' });
  expect(checkTitle('')).toEqual({ ok: false, problem: { key: 'sessionRenameEmpty' } });
  expect(checkTitle(' \n\t ')).toEqual({ ok: false, problem: { key: 'sessionRenameEmpty' } });
  expect(checkTitle('\u200b\u200d')).toEqual({ ok: false, problem: { key: 'sessionRenameEmpty' } });
  // The Hangul filler is a letter, but shown as nothing (default-ignorable): a blank title too.
  expect(checkTitle(' \u3164 \uffa0')).toEqual({ ok: false, problem: { key: 'sessionRenameEmpty' } });
  const max = LIMITS.titleMaxChars;
  expect(checkTitle('t'.repeat(max))).toEqual({ ok: true, title: 't'.repeat(max) });
  expect(checkTitle('t'.repeat(max + 1))).toEqual({ ok: false, problem: { key: 'sessionRenameTooLong', actual: max + 1, max } });
  expect(checkTitle(`  ${'t'.repeat(max)}  `)).toEqual({ ok: true, title: 't'.repeat(max) }); // counted after trimming
});

test('agrees with the server’s TitleSchema on what it takes', () => {
  for (const raw of ['x', '  x  ', '', ' ', '\u200b', '\u00a0', 'a'.repeat(LIMITS.titleMaxChars), 'a'.repeat(LIMITS.titleMaxChars + 1), ' 会谈 ', '😀'.repeat(100), '😀'.repeat(101)]) {
    const server = TitleSchema.safeParse(raw);
    const client = checkTitle(raw);
    expect([raw, client.ok]).toEqual([raw, server.success]);
    if (client.ok && server.success) expect(client.title).toBe(server.data);
  }
});
