// The client's pages checked against the WCAG 2.x A and AA rules by axe-core, in the page's real
// states, in English and in Chinese, on a desktop window and on a phone: the start page, the
// demo played to its end (transcript, cue cards, posture timeline), the roles panel, the rename
// dialog (a title refused) and the delete confirmation, the Model quality dialog (its scope
// choice disabled with no session open, then measuring the open session with a library model
// compared with the running one and a posture library model's Run this model confirmation open,
// then its two training sections, verbal and posture, refusing a field and a start), the Find dialog
// (highlighted turns with their chips, every session's and the open one's), the live turn
// composer (a name and a turn refused) and the New live session dialog, each coach
// editor (a turn's label, the posture label, a comment; a cue card with a verdict, a saved label
// and comment shown) and the video panel (opened without a camera). And by hand what axe does
// not check: the page's lang follows the language switch, and every control the Tab key reaches
// on the played demo shows a focus indicator. Real server, real Chromium; no network.
import { readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { openPage, playDemo, useServerAndBrowser } from './browser';
import { addLibraryModel, addPostureLibraryModel, tempModelsDir } from '../../server/models/library.testkit';

const WAIT_MS = 60_000;
/** The demo meeting's customer. */
const CUSTOMER = '李女士';

jest.setTimeout(240_000);

// A model library with one model beside the running one of each kind, so Model quality's Running
// model and Running posture model sections show a Run this model button that can be confirmed.
const modelsDir = tempModelsDir();
addLibraryModel(modelsDir, 'retrained', 'verbal-20261201-aaaaaaaa', { extra: { weight: 3, rows: 14 } });
addPostureLibraryModel(modelsDir, 'retrained-posture', 'posture-20261201-aaaaaaaa', { extra: { weight: 2, rows: 30 } });
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));
const suite = useServerAndBrowser({ modelsDir });

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * Findings of one rule on one selector that are not problems of the page, each with why.
 * Only ever a rule on a selector, never a rule everywhere.
 */
const NOT_PROBLEMS: { rule: string; selector: string; why: string }[] = [];

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/**
 * Runs axe on the page as it is (or on the element `within` selects, with the `only` rules) and
 * returns its violations as readable lines, prefixed with `state`. The script is evaluated (not
 * added as a <script>: the page's CSP allows no inline one).
 */
async function audit(page: Page, state: string, scope: { within?: string; only?: string[] } = {}): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // Transitions under way (a quiet button fading in under the pointer) end first: axe would
  // measure the contrast of a colour half-way.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
  const findings = await page.evaluate(
    async ({ tags, skip, within, only }) => {
      type AxeNode = { target: unknown[]; failureSummary?: string; element?: Element };
      type AxeResult = { id: string; impact?: string | null; help: string; nodes: AxeNode[] };
      const axe = (
        window as unknown as {
          axe: { run(ctx: Document | Element, opts: object): Promise<{ violations: AxeResult[] }> };
        }
      ).axe;
      const r = await axe.run((within && document.querySelector(within)) || document, {
        runOnly: only ? { type: 'rule', values: only } : { type: 'tag', values: tags },
        resultTypes: ['violations'],
        elementRef: true,
      });
      return r.violations
        .map((v) => ({
          id: v.id,
          impact: v.impact ?? null,
          help: v.help,
          nodes: v.nodes
            .filter((n) => !skip.some((s) => s.rule === v.id && n.element?.matches(s.selector)))
            .map((n) => ({
              target: n.target.map(String).join(' '),
              summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
            })),
        }))
        .filter((v) => v.nodes.length > 0);
    },
    {
      tags: WCAG_TAGS,
      skip: NOT_PROBLEMS.map(({ rule, selector }) => ({ rule, selector })),
      within: scope.within,
      only: scope.only,
    },
  );
  return (findings as Finding[]).flatMap((v) =>
    v.nodes.map((n) => `[${state}] ${v.id} (${v.impact}) ${n.target} — ${v.help}: ${n.summary}`),
  );
}

/** Switches the page's language with its own switch, and checks <html lang> follows it. */
async function switchTo(page: Page, lang: 'en' | 'zh'): Promise<void> {
  await page.locator(`.lang-btn[data-lang="${lang}"]`).click();
  await page.locator(`.lang-btn[data-lang="${lang}"][aria-pressed="true"]`).waitFor({ timeout: WAIT_MS });
  const htmlLang = await page.evaluate(() => document.documentElement.lang);
  if (lang === 'zh') expect(htmlLang).toMatch(/^zh(-CN)?$/);
  else expect(htmlLang).toBe('en');
}

/**
 * The contrast of the text of the scrolling panes (transcript, cue cards) all through: axe checks
 * only what is scrolled into view, so each pane is scrolled a view at a time and put back.
 */
async function auditPanes(page: Page, state: string): Promise<string[]> {
  const out: string[] = [];
  // The pointer out of the panes: rows scrolled under it would fade their quiet buttons in.
  await page.mouse.move(0, 0);
  for (const pane of ['#transcript-scroll', '#cues']) {
    const { height, views, was } = await page.locator(pane).evaluate((e) => ({
      height: e.clientHeight,
      views: Math.ceil(e.scrollHeight / Math.max(1, e.clientHeight)),
      was: e.scrollTop,
    }));
    for (let v = 1; v < views; v++) {
      await page.locator(pane).evaluate(async (e, top) => {
        e.scrollTop = top;
        for (let f = 0; f < 2; f++) await new Promise(requestAnimationFrame);
      }, v * height);
      out.push(...(await audit(page, `${state}, ${pane} scrolled`, { within: pane, only: ['color-contrast'] })));
    }
    await page.locator(pane).evaluate((e, top) => (e.scrollTop = top), was);
  }
  return [...new Set(out)];
}

/**
 * Audits the page in English, then in Chinese, and leaves it in English; with `panes`, the
 * scrolling panes all through too.
 */
async function auditBoth(page: Page, state: string, found: string[], opts: { panes?: boolean } = {}): Promise<void> {
  const en = await audit(page, `${state}, en`);
  if (opts.panes) en.push(...(await auditPanes(page, `${state}, en`)));
  await switchTo(page, 'zh');
  const zh = await audit(page, `${state}, zh`);
  if (opts.panes) zh.push(...(await auditPanes(page, `${state}, zh`)));
  // A11Y_LOG=1 prints every state's findings as it goes (the assertion shows them all at the end).
  if (process.env.A11Y_LOG && en.length + zh.length > 0) console.log([...en, ...zh].join('\n'));
  found.push(...en, ...zh);
  await switchTo(page, 'en');
}

/**
 * A state with a modal dialog (which `open` opens), audited in English, then in Chinese; closed
 * after each with its `close` button (the session dialog's Cancel unless said).
 */
async function auditDialogBoth(
  page: Page, state: string, found: string[], open: () => Promise<void>,
  ids: { dialog: string; close: string } = { dialog: 'session-dialog', close: 'session-dialog-cancel' },
): Promise<void> {
  for (const lang of ['en', 'zh'] as const) {
    await switchTo(page, lang);
    await open();
    found.push(...(await audit(page, `${state}, ${lang}`)));
    await page.getByTestId(ids.close).click();
    await page.getByTestId(ids.dialog).waitFor({ state: 'hidden', timeout: WAIT_MS });
  }
  await switchTo(page, 'en');
}

/**
 * The states of the page, each audited in both languages: the start page, the demo played to
 * its end, the roles panel, the coach editors, labels and comments saved, the video panel.
 */
async function walkStates(page: Page, found: string[]): Promise<void> {
  page.on('dialog', (d) => void d.dismiss());
  await auditBoth(page, 'start page', found);
  // Model quality from the start page: no session open, so its This session choice is disabled
  // and says why.
  await auditDialogBoth(page, 'model quality, no session open', found, async () => {
    await page.getByTestId('quality-button').click();
    await page.getByTestId('quality-scope-why').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('quality-verbal-rows').waitFor({ timeout: WAIT_MS });
  }, { dialog: 'quality-dialog', close: 'quality-close' });

  await playDemo(page, '50', 1, WAIT_MS);
  await page.locator('body[data-player="done"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('cue-card').first().waitFor({ timeout: WAIT_MS });
  await page.getByTestId('posture-bar').first().waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'demo played', found);

  // The live turn composer (offered on the played copy): a new speaker being typed, a name
  // refused there, then a turn over the text limit refused by the server, its text kept.
  await auditComposer(page, found);

  // The roles panel.
  const rolesToggle = page.getByTestId('roles-toggle');
  await rolesToggle.click();
  await page.locator('[data-testid="roles-panel"]:not([hidden])').waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'roles panel', found);
  await rolesToggle.click();
  await page.getByTestId('roles-panel').and(page.locator('[hidden]')).waitFor({ state: 'attached', timeout: WAIT_MS });

  // Rename and Delete session, each in its modal dialog: the rename with a title refused there
  // (its error announced and tied to the field), the delete's confirmation; both cancelled. A
  // modal dialog leaves the language switch out of reach, so each is opened in each language.
  await auditDialogBoth(page, 'rename dialog, a title refused', found, async () => {
    await page.getByTestId('rename-session').click();
    const titleInput = page.getByTestId('session-title-input');
    await titleInput.waitFor({ timeout: WAIT_MS });
    await titleInput.fill(' ');
    await page.getByTestId('session-rename-save').click();
    await page.getByTestId('session-dialog-error').waitFor({ timeout: WAIT_MS });
  });
  await auditDialogBoth(page, 'delete confirmation', found, async () => {
    await page.getByTestId('delete-session').click();
    await page.getByTestId('session-delete-confirm').waitFor({ timeout: WAIT_MS });
  });

  // A customer turn's label editor.
  const turn = page.locator('[data-testid="utterance"]:has([data-testid="label-turn"])').first();
  await turn.hover();
  await turn.getByTestId('label-turn').click();
  const labelEditor = turn.getByTestId('label-editor');
  await labelEditor.waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'turn label editor', found);
  // Saved, with another label than the model's: the coach's chip and the struck model label.
  await labelEditor.locator('input[type="radio"]:not(:checked)').first().check();
  await labelEditor.getByTestId('label-save').click();
  await labelEditor.waitFor({ state: 'detached', timeout: WAIT_MS });

  // A cue card given a verdict.
  const card = page.getByTestId('cue-card').first();
  await card.hover();
  await card.locator('[data-testid="cue-verdict"][data-verdict="useful"]').click();
  await page.locator('[data-testid="cue-card"][data-verdict="useful"]').first().waitFor({ timeout: WAIT_MS });

  // Model quality, from the header, with the label and the verdict just given measured (its
  // tables, notes and the threshold what-if), in its modal dialog.
  await auditDialogBoth(page, 'model quality', found, async () => {
    await page.getByTestId('quality-button').click();
    await page.getByTestId('quality-verbal-all').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('quality-cues').waitFor({ timeout: WAIT_MS });
    // Measured again for this session alone (the played copy, open): the scope choice enabled,
    // the line saying which session, the cue reasons in words.
    await page.getByTestId('quality-scope-session').check();
    await page.locator('[data-testid="quality-refresh"][aria-busy="false"]').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('quality-cues').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('quality-scope-line').waitFor({ timeout: WAIT_MS });
    // Its Running model section: the library, a Run this model confirmation open, and a
    // threshold refused by its field (nothing is switched: Cancel is pressed after the audit).
    await page.getByTestId('running-library').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('running-threshold-resistance').fill('2');
    await page.getByTestId('running-apply').click();
    await page.getByTestId('running-threshold-resistance-error').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('running-run-lib/retrained').click();
    await page.getByTestId('running-confirm').waitFor({ timeout: WAIT_MS });
    // The library model compared with the running one on this session's labels: the comparison
    // panel's notes, tables, verdicts and changed turns, its Run this model confirmation open.
    await page.getByTestId('running-compare-lib/retrained').click();
    await page.locator('[data-testid="compare-again"][aria-busy="false"]').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('compare-rows').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('compare-run').click();
    await page.getByTestId('compare-confirm').waitFor({ timeout: WAIT_MS });
    // Its Running posture model section: the library with each label's F1, a Run this model
    // confirmation open (nothing is switched: the dialog closes after the audit).
    await page.getByTestId('posture-running-library').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('posture-running-run-lib/retrained-posture').click();
    await page.getByTestId('posture-running-confirm').waitFor({ timeout: WAIT_MS });
  }, { dialog: 'quality-dialog', close: 'quality-close' });

  // Model quality's Train a model on these labels: a weight out of range refused by its field,
  // then Train refused by the server (too few labelled turns), said in an alert.
  await auditDialogBoth(page, 'model quality, training refused', found, async () => {
    await page.getByTestId('quality-button').click();
    await page.getByTestId('quality-verbal-all').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('train-weight').fill('0');
    await page.getByTestId('train-start').click();
    await page.getByTestId('train-weight-error').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('train-seed').fill('not a seed');
    await page.getByTestId('train-weight').fill('5');
    await page.getByTestId('train-start').click();
    await page.getByTestId('train-seed-error').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('train-seed').fill('7');
    await page.getByTestId('train-start').click();
    await page.getByTestId('train-error').waitFor({ timeout: WAIT_MS });
    // Train a posture model: a weight refused by its field, then Train refused by the server (no
    // labelled frame: the posture label editor above was cancelled), said in an alert.
    await page.getByTestId('posture-train-weight').fill('0');
    await page.getByTestId('posture-train-start').click();
    await page.getByTestId('posture-train-weight-error').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('posture-train-weight').fill('1');
    await page.getByTestId('posture-train-start').click();
    await page.getByTestId('posture-train-error').waitFor({ timeout: WAIT_MS });
  }, { dialog: 'quality-dialog', close: 'quality-close' });

  // Find, from the header: the words highlighted in turns of every session, with their signal
  // and coach's label chips, grouped by session, then only this session's customer turns.
  await auditDialogBoth(page, 'find', found, async () => {
    await page.getByTestId('find-button').click();
    await page.getByTestId('find-q').fill('管理费');
    await page.getByTestId('find-result').first().waitFor({ timeout: WAIT_MS });
    await page.getByTestId('find-scope-session').check();
    await page.getByTestId('find-role').selectOption('customer');
    await page.locator('[data-testid="find-status"][aria-busy="false"]').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('find-signal').first().waitFor({ timeout: WAIT_MS });
  }, { dialog: 'find-dialog', close: 'find-close' });

  // The posture label editor, from a posture bar chosen.
  await page.getByTestId('posture-bar').first().click();
  await page.getByTestId('posture-label-here').click();
  const postureEditor = page.getByTestId('posture-label-editor');
  await postureEditor.waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'posture label editor, a turn labelled, a cue reviewed', found);
  await postureEditor.getByTestId('posture-label-cancel').click();
  await postureEditor.waitFor({ state: 'detached', timeout: WAIT_MS });

  // The comment editor at the moment, then one saved on a turn with its editor open again.
  await page.getByTestId('comment-button').click();
  const commentEditor = page.getByTestId('comment-moment-editor').getByTestId('comment-editor');
  await commentEditor.waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'comment editor', found);
  await commentEditor.getByTestId('comment-text').fill('Ask for the order here.');
  await commentEditor.getByTestId('comment-save').click();
  await page
    .getByTestId('comment-moment-editor')
    .getByTestId('comment-editor')
    .waitFor({ state: 'detached', timeout: WAIT_MS });
  const first = page.getByTestId('utterance').first();
  await first.hover();
  await first.getByTestId('comment-turn').click();
  await first.getByTestId('comment-editor').waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'a comment saved, a turn’s comment editor', found, { panes: true });
  await first.getByTestId('comment-cancel').click();
  await first.getByTestId('comment-editor').waitFor({ state: 'detached', timeout: WAIT_MS });

  // Editing the transcript: a turn's editor (its words, its speaker, Another name…) and the
  // confirmation of Delete turn, each in both languages (the played copy is no demo: editable).
  await first.hover();
  await first.getByTestId('edit-turn').click();
  await first.getByTestId('turn-edit-speaker').selectOption({ index: (await first.getByTestId('turn-edit-speaker').locator('option').count()) - 1 });
  await first.getByTestId('turn-edit-other').waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'a turn’s editor, another name', found, { panes: true });
  await first.getByTestId('turn-edit-cancel').click();
  await first.getByTestId('turn-editor').waitFor({ state: 'detached', timeout: WAIT_MS });
  await first.hover();
  await first.getByTestId('delete-turn').click();
  await first.getByTestId('turn-delete').waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'Delete turn’s confirmation', found, { panes: true });
  await first.getByTestId('turn-delete-cancel').click();
  await first.getByTestId('turn-delete').waitFor({ state: 'detached', timeout: WAIT_MS });

  // The video panel, opened without choosing a video or the webcam.
  await page.getByTestId('video-toggle').click();
  await page.getByTestId('pose-panel').waitFor({ state: 'visible', timeout: WAIT_MS });
  await auditBoth(page, 'video panel', found);
  await page.getByTestId('video-toggle').click();
  await page.getByTestId('pose-panel').waitFor({ state: 'hidden', timeout: WAIT_MS });

  // The customer made a rep: the turn's label is kept aside (shown greyed, dashed); then back.
  await setRole(page, CUSTOMER, 'rep');
  const aside = page.locator('[data-testid="coach-label"][data-aside]');
  await aside.waitFor({ timeout: WAIT_MS });
  // In view: axe leaves the contrast of text scrolled out of its pane unchecked.
  await aside.scrollIntoViewIfNeeded();
  await auditBoth(page, 'a label set aside', found, { panes: true });
  await setRole(page, CUSTOMER, 'customer');
  await page.locator('[data-testid="coach-label"]:not([data-aside])').waitFor({ timeout: WAIT_MS });
}

/**
 * The composer's states, each in both languages: a new speaker's row with a name refused, a turn
 * the server refused (its message, its text back in the field, and the queue listing it, with
 * Remove, which then takes it away); then the New live session dialog, opened
 * in each language (it is modal) and cancelled. Leaves the composer as it was (the customer chosen,
 * the field empty).
 */
async function auditComposer(page: Page, found: string[]): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.waitFor({ timeout: WAIT_MS });
  const speaker = page.getByTestId('composer-speaker');
  const before = await speaker.inputValue();
  await speaker.selectOption({ index: (await speaker.locator('option').count()) - 1 }); // New speaker…
  await page.getByTestId('composer-new-name').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('composer-add-speaker').click();
  await page.locator('[data-testid="composer-error"]:not([hidden])').waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'composer, a new speaker’s name refused', found);
  await speaker.selectOption(before);
  const field = page.getByTestId('composer-text');
  await field.fill('价'.repeat(2001));
  await field.press('Enter');
  await page.locator('[data-testid="composer-text"][aria-invalid="true"]').waitFor({ timeout: WAIT_MS });
  // The refused turn is listed (the queue under the field, its Remove button), its text in the field to fix.
  await page.locator('[data-testid="composer-queued"][data-state="refused"]').waitFor({ timeout: WAIT_MS });
  await auditBoth(page, 'composer, a turn refused', found);
  await page.locator('[data-testid="composer-queued"][data-state="refused"] [data-testid="composer-queued-remove"]').click();
  await page.getByTestId('composer-queue').waitFor({ state: 'hidden', timeout: WAIT_MS });
  await field.fill('');
  for (const lang of ['en', 'zh'] as const) {
    await switchTo(page, lang);
    await page.getByTestId('new-live-session').click();
    await page.getByTestId('new-live-title').fill(' ');
    await page.getByTestId('new-live-create').click();
    await page.getByTestId('new-live-error').waitFor({ timeout: WAIT_MS });
    found.push(...(await audit(page, `new live session dialog, a title refused, ${lang}`)));
    await page.getByTestId('new-live-cancel').click();
    await page.getByTestId('new-live-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
  }
  await switchTo(page, 'en');
}

/** Gives `speaker` `role` in the roles panel, and waits for the re-analysis to end. */
async function setRole(page: Page, speaker: string, role: 'rep' | 'customer'): Promise<void> {
  await page.getByTestId('roles-toggle').click();
  await page.locator(`[data-testid="role-select"][data-speaker="${speaker}"]`).selectOption(role);
  await page.locator('[data-testid="roles-panel"] button[type="submit"]').click();
  await page.getByTestId('roles-panel').and(page.locator('[hidden]')).waitFor({ state: 'attached', timeout: WAIT_MS });
  await page.locator('[data-testid="roles-toggle"]:not([disabled])').waitFor({ timeout: WAIT_MS });
}

/**
 * Tabs through the page from its top, once round, and returns how many controls it reached and
 * those whose look does not change with the focus: the outline, box shadow, border colour and
 * SVG stroke of the control and its first parts (a timeline bar shows its focus on its fill),
 * and of the label styled as a visually hidden file input's button, compared focused and just
 * blurred (then the focus is put back, so the next Tab goes on from there).
 */
async function withoutFocusIndicator(page: Page): Promise<{ reached: number; without: string[] }> {
  // The next Tab from the top of the page: the body focused for a moment.
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
    window.scrollTo(0, 0);
  });
  const without: string[] = [];
  let reached = 0;
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const step = await page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement || el instanceof SVGElement) || el === document.body) return null;
      if (el.hasAttribute('data-a11y-tabbed')) return null; // round again
      el.setAttribute('data-a11y-tabbed', '');
      const look = (): string => {
        const parts = [el, ...[...el.querySelectorAll('*')].slice(0, 11)];
        if (el.matches('.file-input') && el.nextElementSibling) parts.push(el.nextElementSibling);
        return parts
          .map((p) => {
            const s = getComputedStyle(p);
            return [
              s.outlineStyle,
              s.outlineWidth,
              s.outlineColor,
              s.boxShadow,
              s.borderColor,
              s.stroke,
              s.strokeWidth,
            ].join(' ');
          })
          .join('|');
      };
      const focused = look();
      el.blur();
      const unfocused = look();
      el.focus();
      const testId = el.getAttribute('data-testid');
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
      return {
        name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${testId ? `[data-testid=${testId}]` : ''} “${text}”`,
        shows: focused !== unfocused,
      };
    });
    if (step === null) break;
    reached++;
    if (!step.shows) without.push(step.name);
  }
  return { reached, without };
}

test('desktop: no WCAG A/AA violation in any state, in English or Chinese; lang follows the switch; focus is visible', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
  const found: string[] = [];
  await walkStates(page, found);
  expect(found).toEqual([]);

  const { reached, without } = await withoutFocusIndicator(page);
  if (process.env.A11Y_LOG) console.log(`Tab reached ${reached} controls`);
  expect(reached).toBeGreaterThan(50); // the header's controls, the timeline, every turn's buttons, the cards, the footer
  expect(without).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('phone (390×844): no WCAG A/AA violation in any state, in English or Chinese', async () => {
  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS, { width: 390, height: 844 });
  const found: string[] = [];
  await walkStates(page, found);
  expect(found).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
