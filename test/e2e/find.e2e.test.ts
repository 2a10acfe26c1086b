// Find: the header's search of every stored session's turns. Typing shows the turns with the
// words highlighted (case- and width-insensitively) in English and in Chinese; choosing one opens
// its session with that turn highlighted and focused; Escape gives the focus back to the button.
// Real server, real Chromium.
import { api } from '../integration/harness';
import { openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;
jest.setTimeout(120_000);

const suite = useServerAndBrowser({ seedDemo: true });

test('types a query, sees highlighted turns in English and Chinese, chooses one: its session opens at that turn', async () => {
  const url = suite.server.url;
  const created = await api(url, 'POST', '/api/sessions', { title: 'Find: pricing call', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const id = created.body.session.id as string;
  const turns = [
    { speaker: 'Ada', text: 'Here is the plan we would propose.', startMs: 1000 },
    { speaker: 'Li', text: 'Honestly this is too EXPENSIVE for us.', startMs: 5000 },
    { speaker: 'Li', text: '太贵了，能不能便宜一点？', startMs: 65_000 },
  ];
  expect((await api(url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: turns }))).status).toBe(201);
  const snapshot = (await api(url, 'GET', `/api/sessions/${id}`)).body;
  const chinese = snapshot.utterances[2].id as number;

  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  const button = page.getByTestId('find-button');
  await expect(button.textContent()).resolves.toBe('Find');
  await button.click();
  const dialog = page.getByTestId('find-dialog');
  await dialog.waitFor({ timeout: WAIT_MS });
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('find-q');
  await expect(dialog.getByTestId('find-status').textContent()).resolves.toBe('Type words or choose a filter.');

  await page.getByTestId('find-q').pressSequentially('Too Ｅxpensive', { delay: 20 });
  const hit = dialog.getByTestId('find-result');
  await dialog.getByTestId('find-status').filter({ hasText: '1 turn in 1 session.' }).waitFor({ timeout: WAIT_MS });
  await expect(hit.count()).resolves.toBe(1);
  await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['too EXPENSIVE']);
  await expect(dialog.getByTestId('find-group').locator('h3').textContent()).resolves.toBe('Find: pricing call');
  await expect(hit.textContent()).resolves.toContain('0:05');

  // Escape closes it and gives the focus back to the button.
  await page.keyboard.press('Escape');
  await expect(dialog.isVisible()).resolves.toBe(false);
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('find-button');

  // In Chinese: the dialog's words, a 2-character query, and the status.
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(button.textContent()).resolves.toBe('查找');
  await button.click();
  await dialog.waitFor({ timeout: WAIT_MS });
  await expect(dialog.locator('h2').textContent()).resolves.toBe('查找发言');
  await page.getByTestId('find-q').fill('太贵');
  await dialog.getByTestId('find-status').filter({ hasText: '找到 1 句发言，来自 1 场会谈。' }).waitFor({ timeout: WAIT_MS });
  await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['太贵']);
  await expect(hit.getAttribute('data-utterance-id')).resolves.toBe(String(chinese));

  // Nothing matches: said so.
  await page.getByTestId('find-q').fill('太贵宾');
  await dialog.getByTestId('find-status').filter({ hasText: '没有符合条件的发言。' }).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('find-q').fill('太贵');
  await hit.first().waitFor({ timeout: WAIT_MS });

  // Chosen: the session opens (as the list would open it) with that turn highlighted and focused.
  await hit.click();
  await expect(dialog.isVisible()).resolves.toBe(false);
  await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(id);
  const row = page.locator(`[data-testid="utterance"][data-utterance-id="${chinese}"]`);
  await row.and(page.locator('.is-focused')).waitFor({ timeout: WAIT_MS });
  await expect(row.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  expect(pageErrors).toEqual([]);
});

test('while this window plays, a turn of another session is not opened (the playback goes on); the dialog follows renames and deletions heard meanwhile', async () => {
  const url = suite.server.url;
  const created = await api(url, 'POST', '/api/sessions', { title: 'Find: discount talk', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const other = created.body.session.id as string;
  const turns = [{ speaker: 'Li', text: 'Could you give us a zebra-stripe discount?', startMs: 1000 }];
  expect((await api(url, 'POST', `/api/sessions/${other}/transcript?format=json`, undefined, JSON.stringify({ utterances: turns }))).status).toBe(201);

  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play').click();
  await page.getByTestId('utterance').first().waitFor({ timeout: WAIT_MS });
  const playing = await page.getByTestId('view-title').getAttribute('data-session-id');
  expect(playing).toBeTruthy();
  await expect(page.getByTestId('stop').isDisabled()).resolves.toBe(false);

  await page.getByTestId('find-button').click();
  const dialog = page.getByTestId('find-dialog');
  await page.getByTestId('find-q').fill('zebra-stripe');
  const hit = dialog.locator(`[data-testid="find-result"][data-session-id="${other}"]`);
  await hit.waitFor({ timeout: WAIT_MS });
  await hit.click();
  // Not opened: the session list is disabled while playing, and so is this way round it.
  await dialog.getByTestId('find-status').filter({ hasText: /stop the playback first/i }).waitFor({ timeout: WAIT_MS });
  await expect(dialog.isVisible()).resolves.toBe(true);
  await expect(page.getByTestId('session-select').inputValue()).resolves.toBe(playing);
  await expect(page.getByTestId('view-title').getAttribute('data-session-id')).resolves.toBe(playing);
  await expect(page.getByTestId('stop').isDisabled()).resolves.toBe(false);

  // Renamed elsewhere: the group's heading says so; deleted elsewhere: its turns leave the dialog.
  expect((await api(url, 'PATCH', `/api/sessions/${other}`, { title: 'Find: renamed talk' })).status).toBe(200);
  await dialog.locator(`[data-testid="find-group"][data-session-id="${other}"] h3`).filter({ hasText: 'Find: renamed talk' }).waitFor({ timeout: WAIT_MS });
  expect((await api(url, 'DELETE', `/api/sessions/${other}`)).status).toBe(200);
  await hit.waitFor({ state: 'detached', timeout: WAIT_MS });
  await dialog.getByTestId('find-status').filter({ hasText: 'No turns match.' }).waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Escape');
  await page.getByTestId('stop').click();
  expect(pageErrors).toEqual([]);
});

test('searching "This session" when it is deleted elsewhere: the search goes on in all sessions, and says so', async () => {
  const url = suite.server.url;
  const make = async (title: string, text: string) => {
    const id = (await api(url, 'POST', '/api/sessions', { title, participants: [{ name: 'Li', role: 'customer' }] })).body.session.id as string;
    expect((await api(url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: 'Li', text, startMs: 1000 }] }))).status).toBe(201);
    return id;
  };
  const kept = await make('Find: kept', 'The okapi budget is fine.');
  const doomed = await make('Find: doomed', 'What about the okapi budget?');
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption(doomed);
  await page.locator(`[data-testid="view-title"][data-session-id="${doomed}"]`).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('find-button').click();
  const dialog = page.getByTestId('find-dialog');
  await page.getByTestId('find-scope-session').check();
  await page.getByTestId('find-q').fill('okapi');
  await dialog.locator(`[data-testid="find-result"][data-session-id="${doomed}"]`).waitFor({ timeout: WAIT_MS });
  await expect(dialog.getByTestId('find-result').count()).resolves.toBe(1);

  expect((await api(url, 'DELETE', `/api/sessions/${doomed}`)).status).toBe(200);
  // "This session" is gone: the radio says All sessions (This session disabled), and the results are all sessions'.
  await dialog.locator(`[data-testid="find-result"][data-session-id="${kept}"]`).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('find-scope-all').isChecked()).resolves.toBe(true);
  await expect(page.getByTestId('find-scope-session').isDisabled()).resolves.toBe(true);
  await expect(dialog.locator(`[data-testid="find-result"][data-session-id="${doomed}"]`).count()).resolves.toBe(0);
  expect(pageErrors).toEqual([]);
});

test('More results continues the query shown, even while newer words wait for their search', async () => {
  const url = suite.server.url;
  const id = (await api(url, 'POST', '/api/sessions', { title: 'Find: many', participants: [{ name: 'Li', role: 'customer' }] })).body.session.id as string;
  const utterances = Array.from({ length: 60 }, (_, i) => ({ speaker: 'Li', text: `The quokka plan, part ${i + 1}.`, startMs: 1000 * (i + 1) }));
  expect((await api(url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances }))).status).toBe(201);
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  const asked: URLSearchParams[] = [];
  page.on('request', (r) => void (r.url().includes('/api/search?') && asked.push(new URL(r.url()).searchParams)));
  await page.getByTestId('find-button').click();
  const dialog = page.getByTestId('find-dialog');
  await page.getByTestId('find-q').fill('quokka');
  await dialog.getByTestId('find-more').waitFor({ timeout: WAIT_MS });
  await expect(dialog.getByTestId('find-result').count()).resolves.toBe(50);
  // A key, and More at once (before the 250 ms pause searches the new words).
  await page.getByTestId('find-q').press('x');
  await dialog.getByTestId('find-more').click();
  await dialog.getByTestId('find-status').filter({ hasText: 'No turns match.' }).waitFor({ timeout: WAIT_MS });
  const more = asked.filter((p) => p.has('after'));
  expect(more.length).toBe(1);
  expect(more[0]!.get('q')).toBe('quokka');
  expect(pageErrors).toEqual([]);
});

test('the words field takes 200 characters as the server counts them (an emoji is one), cuts there and shows the count in both languages', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  const asked: string[] = [];
  page.on('request', (r) => void (r.url().includes('/api/search?') && asked.push(new URL(r.url()).searchParams.get('q') ?? '')));
  await page.getByTestId('find-button').click();
  const input = page.getByTestId('find-q');
  const count = page.getByTestId('find-q-count');
  // No maxlength: the browser would count UTF-16 units and stop an emoji-only query at 100.
  await expect(input.getAttribute('maxlength')).resolves.toBeNull();
  await expect(input.getAttribute('aria-describedby')).resolves.toBe('find-q-count');
  await expect(count.textContent()).resolves.toBe('0 / 200 characters');
  await input.pressSequentially('😀😀', { delay: 20 });
  await expect(input.inputValue()).resolves.toBe('😀😀');
  await expect(count.textContent()).resolves.toBe('2 / 200 characters');
  await input.fill('😀'.repeat(150));
  await expect(input.inputValue()).resolves.toBe('😀'.repeat(150));
  await expect(count.textContent()).resolves.toBe('150 / 200 characters');
  // Past the limit: cut at 200 code points, never inside an emoji, as the server counts them.
  await input.fill('😀'.repeat(250));
  await expect(input.inputValue()).resolves.toBe('😀'.repeat(200));
  await expect(count.textContent()).resolves.toBe('200 / 200 characters');
  await page.getByTestId('find-status').filter({ hasText: 'No turns match.' }).waitFor({ timeout: WAIT_MS });
  expect(asked[asked.length - 1]).toBe('😀'.repeat(200));
  await input.press('x');
  await expect(input.inputValue()).resolves.toBe('😀'.repeat(200));
  // In Chinese: the count in the page's language, the words kept.
  await page.keyboard.press('Escape');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await page.getByTestId('find-button').click();
  await expect(page.getByTestId('find-q-count').textContent()).resolves.toBe('200 / 200 字');
  await page.keyboard.press('Escape');
  await page.locator('.lang-btn[data-lang="en"]').click();
  expect(pageErrors).toEqual([]);
});

test('a turn chosen in Find stays highlighted and focusable through redraws (a re-analysis, a language switch) until a click elsewhere in the transcript', async () => {
  const url = suite.server.url;
  const id = (await api(url, 'POST', '/api/sessions', { title: 'Find: kept place', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id as string;
  const turns = [
    { speaker: 'Ada', text: 'Here is the plan.', startMs: 1000 },
    { speaker: 'Li', text: 'Does the wombat tier cost more?', startMs: 5000 },
    { speaker: 'Ada', text: 'Let me check.', startMs: 9000 },
  ];
  expect((await api(url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: turns }))).status).toBe(201);
  const [first, found] = ((await api(url, 'GET', `/api/sessions/${id}`)).body.utterances as { id: number }[]).map((u) => u.id);
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('find-button').click();
  await page.getByTestId('find-q').fill('wombat tier');
  const hit = page.locator(`[data-testid="find-result"][data-utterance-id="${found}"]`);
  await hit.waitFor({ timeout: WAIT_MS });
  await hit.click();
  const row = page.locator(`[data-testid="utterance"][data-utterance-id="${found}"]`);
  const state = () => row.evaluate((el) => ({ marked: el.classList.contains('is-focused'), tabindex: el.getAttribute('tabindex'), active: el === document.activeElement }));
  await row.and(page.locator('.is-focused')).waitFor({ timeout: WAIT_MS });
  await expect(state()).resolves.toEqual({ marked: true, tabindex: '-1', active: true });

  // Another window corrects another turn: this one reads the session again (reanalysed) and redraws it.
  expect((await api(url, 'PATCH', `/api/sessions/${id}/utterances/${first}`, { text: 'Here is the new plan.' })).status).toBe(200);
  await page.locator(`[data-testid="utterance"][data-utterance-id="${first}"] .utt-text`).filter({ hasText: 'the new plan' }).waitFor({ timeout: WAIT_MS });
  await expect(state()).resolves.toEqual({ marked: true, tabindex: '-1', active: true });

  // A language switch redraws every row: still marked and focusable (the focus is on the language button now).
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('find-button').textContent()).resolves.toBe('查找');
  await expect(state()).resolves.toEqual({ marked: true, tabindex: '-1', active: false });
  await expect(row.evaluate((el) => (el.focus(), el === document.activeElement))).resolves.toBe(true);
  await page.locator('.lang-btn[data-lang="en"]').click();
  await expect(state()).resolves.toEqual({ marked: true, tabindex: '-1', active: false });

  // A click in its own row keeps it; one elsewhere in the transcript moves on.
  await row.locator('.utt-text').click();
  await expect(state()).resolves.toMatchObject({ marked: true, tabindex: '-1' });
  await page.locator(`[data-testid="utterance"][data-utterance-id="${first}"] .utt-text`).click();
  await expect(state()).resolves.toEqual({ marked: false, tabindex: null, active: false });
  await expect(page.locator('[data-testid="utterance"].is-focused').count()).resolves.toBe(0);
  expect(pageErrors).toEqual([]);
});

test('right-to-left user text is isolated (dir="auto", <bdi>) in Find results, their session titles, the transcript and notices, read as before', async () => {
  const url = suite.server.url;
  const title = 'שיחת מחיר: Q3';
  const name = 'אבי כהן';
  const text = 'כמה עולה ה-capybara? 20%!';
  const id = (await api(url, 'POST', '/api/sessions', { title, participants: [{ name, role: 'customer' }] })).body.session.id as string;
  expect((await api(url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: name, text, startMs: 1000 }] }))).status).toBe(201);
  expect((await api(url, 'POST', `/api/sessions/${id}/comments`, { mediaMs: 1000, text: 'שאל על המחיר!', author: 'מנחם' })).status).toBe(201);
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('find-button').click();
  await page.getByTestId('find-q').fill('capybara');
  const hit = page.getByTestId('find-result');
  await hit.waitFor({ timeout: WAIT_MS });
  const group = page.locator(`[data-testid="find-group"][data-session-id="${id}"] h3`);
  await expect(group.getAttribute('dir')).resolves.toBe('auto');
  await expect(group.textContent()).resolves.toBe(title);
  await expect(hit.locator('.utt-speaker').getAttribute('dir')).resolves.toBe('auto');
  await expect(hit.locator('.utt-speaker').textContent()).resolves.toBe(name);
  await expect(hit.locator('.find-text').getAttribute('dir')).resolves.toBe('auto');
  await expect(hit.locator('.find-text').textContent()).resolves.toBe(text);
  await hit.click();
  const row = page.locator('[data-testid="utterance"]').filter({ hasText: 'capybara' });
  await row.waitFor({ timeout: WAIT_MS });
  await expect(row.locator('.utt-speaker').getAttribute('dir')).resolves.toBe('auto');
  await expect(row.locator('.utt-speaker').textContent()).resolves.toBe(name);
  await expect(row.locator('.utt-text').getAttribute('dir')).resolves.toBe('auto');
  await expect(row.locator('.utt-text').textContent()).resolves.toBe(text);
  const body = page.getByTestId('comment-body');
  await expect(body.getAttribute('dir')).resolves.toBe('auto');
  await expect(body.textContent()).resolves.toBe('שאל על המחיר!');
  await expect(page.getByTestId('comment-author-name').getAttribute('dir')).resolves.toBe('auto');
  // The text itself is unchanged: no isolate characters added (what screen readers and searches read).
  await expect(page.locator('main').evaluate((el) => /[\u2066-\u2069]/.test(el.textContent ?? ''))).resolves.toBe(false);
  // A session title inside a notice's sentence sits in a <bdi>; the notice reads as before.
  expect((await api(url, 'DELETE', `/api/sessions/${id}`)).status).toBe(200);
  const notice = page.getByTestId('notice').filter({ hasText: 'was deleted in another window' });
  await notice.waitFor({ timeout: WAIT_MS });
  await expect(notice.locator('strong').textContent()).resolves.toBe(`“${title}” was deleted in another window`);
  await expect(notice.locator('strong bdi').textContent()).resolves.toBe(title);
  expect(pageErrors).toEqual([]);
});
