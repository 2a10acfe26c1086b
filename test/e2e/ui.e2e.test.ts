// What a manager runs into in the client, in headless Debian Chromium against the real
// server: an uploaded file's own title, what saving roles changes, a session shown after
// playback, the transcript following new turns (and their labels) without dragging the page
// along, a phone-width header, naming what the server refused during playback, and live
// sessions named by their start time in the UI language, and the footer naming both models.
import type { Page } from 'playwright-core';
import { openPage as openPageWith, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(180_000);

const suite = useServerAndBrowser();

const openPage = () => openPageWith(suite.browser, suite.server, WAIT_MS);

/** A phone-sized page (the layout is one scrolling column there). */
const openPhonePage = () => openPageWith(suite.browser, suite.server, WAIT_MS, { width: 390, height: 844 });

const ROLES_FILE = {
  title: 'Starter package call with Lee',
  participants: [{ name: 'Dana', role: 'rep' }],
  utterances: [
    { speaker: 'Dana', text: 'Hi Lee, good to see you again.', startMs: 1000, endMs: 3000 },
    { speaker: 'Lee', text: 'Hi. So how much would the starter package be?', startMs: 4000, endMs: 7000 },
    { speaker: 'Dana', text: 'Twelve hundred a year, support included.', startMs: 8000, endMs: 10000 },
    { speaker: 'Lee', text: 'Hmm, I will think about it and call you next month.', startMs: 11000, endMs: 14000 },
  ],
};

async function uploadRolesFile(page: Page): Promise<void> {
  const buffer = Buffer.from(JSON.stringify(ROLES_FILE));
  await page.getByTestId('upload-input').setInputFiles({ name: 'call-0412.json', mimeType: 'application/json', buffer });
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
}

test('an uploaded file is titled by the title written in it, not by its file name', async () => {
  const { page, pageErrors } = await openPage();
  await uploadRolesFile(page);
  await expect(page.getByTestId('view-title').textContent()).resolves.toBe(ROLES_FILE.title);
  await expect(page.getByTestId('upload-ok').textContent()).resolves.toContain(`Uploaded “${ROLES_FILE.title}”`);
  await expect(page.locator('#session-select option:checked').textContent()).resolves.toMatch(new RegExp(`^${ROLES_FILE.title} — `));

  // A file without a title of its own is named after the file.
  const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Tom>Thanks for your time today.\n';
  await page.getByTestId('upload-input').setInputFiles({ name: 'tom-intro.vtt', mimeType: 'text/vtt', buffer: Buffer.from(vtt) });
  await page.getByTestId('view-title').filter({ hasText: 'tom-intro' }).waitFor({ timeout: WAIT_MS });

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('saving the missing role re-analyses; the head counts in English and the stale upload report goes', async () => {
  const { page, pageErrors } = await openPage();
  await uploadRolesFile(page);
  await expect(page.getByTestId('upload-ok').textContent()).resolves.toContain(': 4 utterances, 0 signals, 0 cues.');

  // Lee has no role: the prompt names him; until then his turns carry no label.
  const select = page.locator('[data-testid="role-select"][data-speaker="Lee"]');
  await select.waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('signal-label').count()).resolves.toBe(0);
  await select.selectOption('customer');
  await page.getByRole('button', { name: 'Save roles' }).click();
  await page.getByTestId('roles-panel').and(page.locator('[hidden]')).waitFor({ state: 'attached', timeout: WAIT_MS });

  // Re-analysed: the price question is labelled and raised a cue; the head counts it ("1 cue",
  // not "1 cues"), and the upload's "0 signals, 0 cues" no longer contradicts it.
  const price = page.getByTestId('utterance').filter({ hasText: 'how much' });
  await price.locator('[data-testid="signal-label"][data-label="price_inquiry"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('cue-card').first().waitFor({ timeout: WAIT_MS });
  const cues = await page.getByTestId('cue-card').count();
  const counted = `4 utterances · ${cues === 1 ? '1 cue' : `${cues} cues`}`;
  await expect(page.locator('#view-meta').textContent()).resolves.toBe(counted);
  await expect(page.locator('#session-select option:checked').textContent()).resolves.toMatch(new RegExp(` — ${counted}$`));
  await expect(page.getByTestId('upload-ok').count()).resolves.toBe(0);

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a transcript uploaded after playback is shown without the playback’s clock and “finished”', async () => {
  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  await expect(page.locator('#view-meta').textContent()).resolves.toContain('Playback finished.');

  await uploadRolesFile(page);
  await page.getByTestId('view-mode').filter({ hasText: 'Review' }).waitFor({ timeout: WAIT_MS });
  await expect(page.locator('#view-meta').textContent()).resolves.toMatch(/^4 utterances · \d+ cues?$/);
  await expect(page.getByTestId('clock').textContent()).resolves.toBe('0:00');
  await expect(page.locator('body').getAttribute('data-player')).resolves.toBe('idle');

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('while following, the newest turn’s label is scrolled into view when it arrives', async () => {
  const { page, pageErrors } = await openPage();
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('5');
  await page.getByTestId('play').click();

  // Each time the last row has just got its label, the label is inside the pane's view.
  for (let seen = 0, rows = 0; seen < 3; ) {
    const n = await page.waitForFunction(
      (after) => {
        const all = document.querySelectorAll('[data-testid="utterance"]');
        const last = all[all.length - 1];
        return all.length > after && last?.querySelector('[data-testid="signal-label"]') ? all.length : 0;
      },
      rows,
      { timeout: WAIT_MS, polling: 10 },
    );
    rows = await n.jsonValue();
    const hiddenPx = await page.evaluate(() => {
      const pane = document.getElementById('transcript-scroll')!.getBoundingClientRect();
      const all = document.querySelectorAll('[data-testid="utterance"]');
      const label = all[all.length - 1]!.querySelector('[data-testid="signal-label"]')!.getBoundingClientRect();
      return label.bottom - pane.bottom;
    });
    if (rows >= 6) {
      // (the first rows fit without scrolling)
      expect(hiddenPx).toBeLessThanOrEqual(0);
      seen++;
    }
  }
  await page.getByTestId('stop').click();
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('on a phone the header fits and the ticking clock is not a live region', async () => {
  const { page, pageErrors } = await openPhonePage();
  // "中文" on one line: its text has a single line box.
  const zhLines = await page.locator('.lang-btn[data-lang="zh"]').evaluate((b) => {
    const range = document.createRange();
    range.selectNodeContents(b);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
  expect(zhLines).toBe(1);
  // The media clock changes every second: as a polite live region (an <output>'s default) it
  // would be read out on every tick, between the cue announcements.
  await expect(page.getByTestId('clock').getAttribute('aria-live')).resolves.toBe('off');
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('on a desktop window the toolbar is one line in both languages, so the panes keep their height', async () => {
  // A wider upload hint once put Playback on a second line at 1280 px: the panes lost a line's
  // height and the posture editor's Save went under the footer.
  const { page, pageErrors } = await openPage();
  for (const lang of ['en', 'zh']) {
    await page.locator(`.lang-btn[data-lang="${lang}"]`).click();
    const tops = await page.locator('.tool-group').evaluateAll((groups) => groups.map((g) => Math.round(g.getBoundingClientRect().top)));
    expect([lang, tops.length > 2, new Set(tops).size]).toEqual([lang, true, 1]);
  }
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('on a phone, new turns scroll the transcript pane, not the page the manager is reading', async () => {
  const { page, pageErrors } = await openPhonePage();
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play').click();
  await page.getByTestId('utterance').nth(2).waitFor({ timeout: WAIT_MS });
  // The manager scrolls back up to read the cues (above the transcript on a phone).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('utterance').nth(6).waitFor({ timeout: WAIT_MS });
  await expect(page.evaluate(() => window.scrollY)).resolves.toBe(0);
  // The pane itself still follows the newest turn.
  const gap = await page.locator('#transcript-scroll').evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight);
  expect(gap).toBeLessThan(2);

  await page.getByTestId('stop').click();
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a refused posture frame and a refused utterance are named as such during playback', async () => {
  const { page, pageErrors } = await openPage();
  // Stand in for the server's refusal: the first landmarks frame and the third utterance get
  // a negative ack (socket.io: "42<id>[event, payload]" out, "43<id>[ack]" back).
  let frames = 0;
  let utterances = 0;
  let frameMs = -1;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((msg) => {
      const m = typeof msg === 'string' ? /^42(\d+)\["(landmarks|utterance)",(.*)\]$/s.exec(msg) : null;
      if (m) {
        const refuse = m[2] === 'landmarks' ? ++frames === 1 : ++utterances === 3;
        if (refuse) {
          if (m[2] === 'landmarks') frameMs = (JSON.parse(m[3]!) as { mediaMs: number }).mediaMs;
          ws.send(`43${m[1]}${JSON.stringify([{ ok: false, error: { code: 'invalid_input', message: `refused ${m[2]} for the test` } }])}`);
          return;
        }
      }
      upstream.send(msg);
    });
  });
  await page.reload();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption('50');
  await page.getByTestId('play').click();
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });

  const notices = await page.getByTestId('notice').allTextContents();
  expect(frameMs).toBeGreaterThanOrEqual(0);
  const clock = `${Math.floor(frameMs / 60_000)}:${String(Math.floor(frameMs / 1000) % 60).padStart(2, '0')}`;
  expect(notices).toEqual(
    expect.arrayContaining([
      expect.stringContaining(`The posture frame at ${clock} was rejected`),
      expect.stringContaining('Utterance 3 was rejected'),
    ]),
  );
  expect(notices).toHaveLength(2);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('names and texts written as HTML show as text, and the client runs under its Content-Security-Policy (pose wasm included)', async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  const res = await page.goto(suite.server.url);
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: WAIT_MS });

  const img = '<img src=x onerror="window.pwned=1">';
  const file = {
    title: `${img} call`,
    participants: [{ name: img, role: 'customer' }, { name: '"><svg onload="window.pwned=2">', role: 'rep' }],
    utterances: [
      { speaker: img, text: `How much is it? ${img}`, startMs: 1000, endMs: 3000 },
      { speaker: '"><svg onload="window.pwned=2">', text: '<script>window.pwned=3</script> 1200 a year', startMs: 4000, endMs: 6000 },
    ],
  };
  await page.getByTestId('upload-input').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await page.getByTestId('upload-ok').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('utterance').nth(1).waitFor({ timeout: WAIT_MS });
  await expect(page.getByTestId('utterance').first().textContent()).resolves.toContain(`How much is it? ${img}`);
  await expect(page.getByTestId('view-title').textContent()).resolves.toBe(file.title);

  // The pose path: the tasks-vision module, its wasm (compiled under 'wasm-unsafe-eval') and a model.
  // A string: the test transform would turn a dynamic import() in a function into require().
  const pose = await page.evaluate(`(async () => {
    const v = await import(new URL('pose-vision.js', document.baseURI).href);
    const fileset = await v.FilesetResolver.forVisionTasks(new URL('vendor/tasks-vision', document.baseURI).href);
    const lm = await v.PoseLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: new URL('models/pose/pose_landmarker_lite.task', document.baseURI).href, delegate: 'CPU' },
      runningMode: 'VIDEO',
      numPoses: 1,
    });
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    return lm.detectForVideo(canvas, 1000).landmarks.length;
  })()`);
  expect(pose).toBe(0);

  const state = await page.evaluate(() => {
    const w = window as unknown as { cspViolations: string[]; pwned?: number };
    return { pwned: w.pwned ?? null, injected: document.querySelectorAll('img, script:not([src]), [onerror], [onload]').length, violations: w.cspViolations };
  });
  expect(state).toEqual({ pwned: null, injected: 0, violations: [] });
  expect(pageErrors).toEqual([]);
  await context.close();
});

/** The creation time the dropdown adds to sessions shown with the same title. */
const MADE = '(?: \\(\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\)|（\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d）)?';

test('each Play stores a session named with its start time in the language of the moment; replaying one keeps one suffix', async () => {
  const { page, pageErrors } = await openPage();
  const demoTitle = (await (await fetch(`${suite.server.url}/api/demo`)).json() as { title: string }).title;
  const escaped = demoTitle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** Plays until the new live session shows its first turn, then stops (if it has not ended). */
  const playAndStop = async (before = ''): Promise<{ id: string; title: string }> => {
    await page.getByTestId('play').click();
    await page.waitForFunction(
      (prev) => {
        const id = document.querySelector<HTMLElement>('[data-testid="view-title"]')?.dataset.sessionId;
        return !!id && id !== prev && document.querySelector('[data-testid="utterance"]') !== null;
      },
      before,
      { timeout: WAIT_MS },
    );
    // Checked and clicked in one step in the page: a short recording may end in between.
    await page.getByTestId('stop').evaluate((b: HTMLButtonElement) => {
      if (!b.disabled) b.click();
    });
    await page.locator('body[data-player="stopped"], body[data-player="done"]').waitFor({ timeout: WAIT_MS });
    const title = page.getByTestId('view-title');
    return { id: (await title.getAttribute('data-session-id'))!, title: (await title.textContent())! };
  };
  const option = (id: string) => page.locator(`#session-select option[value="${id}"]`);

  // Played in Chinese: the suffix is Chinese, with the local start time.
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await page.getByTestId('session-select').selectOption(':demo');
  const zh = await playAndStop();
  expect(zh.title).toMatch(new RegExp(`^${escaped}（实时 \\d\\d:\\d\\d）$`));
  await expect(option(zh.id).textContent()).resolves.toMatch(new RegExp(`^${escaped}（实时 \\d\\d:\\d\\d）${MADE} — `));

  // Switched to English, the shown titles word the suffix in English (the stored one stays as made).
  await page.locator('.lang-btn[data-lang="en"]').click();
  const zhTime = /（实时 (\d\d:\d\d)）$/.exec(zh.title)![1]!;
  await expect(page.getByTestId('view-title').textContent()).resolves.toBe(`${demoTitle} (live ${zhTime})`);
  await expect(option(zh.id).textContent()).resolves.toMatch(new RegExp(`^${escaped} \\(live ${zhTime}\\)${MADE} — `));
  const stored = async (id: string) => ((await (await fetch(`${suite.server.url}/api/sessions/${id}`)).json()) as { session: { title: string } }).session.title;
  await expect(stored(zh.id)).resolves.toBe(zh.title);

  // That live session played again in English: one English suffix replaces the Chinese one.
  await page.getByTestId('session-select').selectOption(zh.id);
  await page.getByTestId('view-mode').filter({ hasText: 'Review' }).waitFor({ timeout: WAIT_MS });
  const en = await playAndStop(zh.id);
  expect(en.id).not.toBe(zh.id);
  expect(en.title).toMatch(new RegExp(`^${escaped} \\(live \\d\\d:\\d\\d\\)$`));
  await expect(option(en.id).textContent()).resolves.toMatch(new RegExp(`^${escaped} \\(live \\d\\d:\\d\\d\\)${MADE} — `));
  // The stored titles stay in the language they were made in; shown, both are worded in English,
  // and back in Chinese both in Chinese.
  await expect(stored(zh.id)).resolves.toContain('（实时 ');
  await expect(option(zh.id).textContent()).resolves.toContain(' (live ');
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(page.getByTestId('view-title').textContent()).resolves.toMatch(new RegExp(`^${escaped}（实时 \\d\\d:\\d\\d）$`));
  await expect(option(en.id).textContent()).resolves.toMatch(new RegExp(`^${escaped}（实时 \\d\\d:\\d\\d）${MADE} — `));

  // Sessions shown with the same title (played in the same minute, here or by an earlier test on
  // this server) say when each was made; a title shown once does not.
  const shownTitles = await page.locator('#session-select option').evaluateAll((os) =>
    os.filter((o) => (o as HTMLOptionElement).value && !(o as HTMLOptionElement).value.startsWith(':')).map((o) => o.textContent ?? ''),
  );
  const base = (shown: string) => shown.split(' — ')[0]!.replace(new RegExp(`${MADE}$`), '');
  for (const id of [zh.id, en.id]) {
    const shown = (await option(id).textContent())!;
    const shared = shownTitles.filter((other) => base(other) === base(shown)).length > 1;
    // Shown in Chinese: the time in full-width parentheses.
    expect(/（\d\d-\d\d \d\d:\d\d:\d\d） — /.test(shown)).toBe(shared);
  }

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('the footer names both models the server runs, verbal and posture, in both languages', async () => {
  const { page, pageErrors } = await openPage();
  const health = (await (await fetch(`${suite.server.url}/api/health`)).json()) as { verbalModel: string; postureModel: string };
  expect(health.postureModel).toBeTruthy();
  const footer = page.locator('#health');
  await footer.filter({ hasText: health.verbalModel }).waitFor({ timeout: WAIT_MS });
  await expect(footer.textContent()).resolves.toContain(`Verbal model: ${health.verbalModel} · Posture model: ${health.postureModel} · `);
  await page.locator('.lang-btn[data-lang="zh"]').click();
  await expect(footer.textContent()).resolves.toContain(`言语模型：${health.verbalModel} · 姿态模型：${health.postureModel} · `);

  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('while the demo plays, the dropdown counts the live session as the head does, not as the last refresh saw it', async () => {
  const { page, pageErrors } = await openPage();
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('play').click();
  // Play refreshes the list at its start (0 turns); turns keep coming in after that.
  await page.getByTestId('utterance').nth(3).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('pause').click();
  await page.locator('body[data-player="paused"]').waitFor({ timeout: WAIT_MS });
  const head = await page.locator('#view-meta').textContent();
  expect(head).toMatch(/^\d+ utterances · \d+ cues?$/);
  await expect(page.locator('#session-select option:checked').textContent()).resolves.toMatch(new RegExp(` — ${head}$`));
  await page.getByTestId('stop').click();
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
