// The Find dialog: a modal <dialog> opened from the header (as Model quality is) that searches
// every stored session's turns (GET /api/search) by their words and filters, shows them grouped
// by session with the words highlighted, a page at a time, and opens the session at a turn
// chosen. The form is built once and kept while typing (its focus and values stay); only the
// status and results are drawn again. Typing is debounced; an answer to an older query is
// dropped (its request aborted).
import { VERBAL_LABELS, type ApiError, type Role, type VerbalLabel } from '../../protocol/protocol';
import { SEARCH_LIMIT_DEFAULT, SEARCH_QUERY_MAX_CHARS, type SearchAnswer, type SearchLang, type SearchResult } from '../../protocol/search';
import { errorMessage, requestError } from '../errorText';
import { correctionLabelName, labelled, labelName, roleName, t } from '../i18n';
import { cutWords, EMPTY_FIND, foundLine, groupBySession, highlightPieces, isAskable, searchParams, wordsLength, type FindQuery } from '../search';
import { h, setIsolatedText } from './dom';
import { formatMs, formatScore, isTentative } from './format';

/** Wait after the last key before searching. */
export const FIND_DEBOUNCE_MS = 250;

export interface FindSource {
  /** GET /api/search with this query string. */
  search(query: string, signal: AbortSignal): Promise<SearchAnswer>;
  /** The session open in the window, which "This session" searches; null when none is. */
  openSession(): { id: string; title: string } | null;
  /** Opens the session (as choosing it in the list does), scrolled to the turn, highlighted and focused. */
  openTurn(result: SearchResult): void;
  /** The least score a cue needs (signals under it are uncertain). */
  cueMinScore(): number;
  /**
   * Why a turn of this session cannot be opened now (this window plays into another one: the
   * session list is disabled then, and so is this way round it), or null when it can.
   */
  blocked(sessionId: string): string | null;
}

type Scope = 'all' | 'session';

export class FindView {
  private readonly dialog: HTMLDialogElement;
  private query: FindQuery = { ...EMPTY_FIND };
  private scope: Scope = 'all';
  private results: SearchResult[] = [];
  private next: string | null = null;
  /** The query the results shown answer: More results goes on with it (`next` is its cursor). */
  private shownQuery: FindQuery | null = null;
  private loading = false;
  private error: ApiError | null = null;
  /** Why the turn chosen last was not opened (FindSource.blocked); cleared by the next search. */
  private refusal: string | null = null;
  /** Whether the results shown answer the query as it is (false before the first answer). */
  private answered = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending: AbortController | null = null;
  private asked = 0;
  private input!: HTMLInputElement;
  private status!: HTMLElement;
  private list!: HTMLElement;
  private more!: HTMLButtonElement;

  constructor(
    private readonly button: HTMLButtonElement,
    host: HTMLElement,
    private readonly source: FindSource,
  ) {
    this.dialog = h('dialog', { class: 'dialog dialog-wide find-dialog', 'aria-labelledby': 'find-h', 'data-testid': 'find-dialog' });
    host.appendChild(this.dialog);
    button.addEventListener('click', () => this.open());
    this.dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      this.close();
    });
    this.renderButton();
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  open(): void {
    // "This session" is the one open now; none open: every session's.
    if (!this.source.openSession()) this.scope = 'all';
    this.build();
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
    this.input.select();
    if (isAskable(this.current())) void this.search();
  }

  close(): void {
    this.cancel();
    if (this.dialog.open) this.dialog.close();
    this.button.focus();
  }

  /**
   * A session was deleted (here or elsewhere, heard in the lobby): its turns leave the results
   * (choosing one could only fail). A focused one gone, the focus goes to the words. Every
   * result shown was of that session while more follow: the first page is asked again.
   */
  sessionDeleted(id: string): void {
    if (!this.results.some((r) => r.sessionId === id)) return;
    this.results = this.results.filter((r) => r.sessionId !== id);
    this.refusal = null; // it was of a turn that may be gone
    if (!this.dialog.open) return;
    const hadFocus = this.list.contains(document.activeElement);
    this.renderResults();
    if (hadFocus && !this.list.contains(document.activeElement)) this.input.focus();
    if (this.results.length === 0 && this.next !== null) void this.search();
  }

  /**
   * The session open in the window was closed (deleted, here or elsewhere): "This session" can
   * no longer be searched; chosen, the search goes on in all sessions, the radio saying so
   * (a query without the session would otherwise search them all under "This session").
   */
  sessionClosed(): void {
    if (this.source.openSession() !== null) return;
    const was = this.scope;
    this.scope = 'all';
    if (!this.dialog.open) return;
    this.render();
    if (was === 'session' && isAskable(this.current())) void this.search();
  }

  /** A session has another title: its group's heading says so. */
  sessionRenamed(id: string, title: string): void {
    if (!this.results.some((r) => r.sessionId === id && r.sessionTitle !== title)) return;
    this.results = this.results.map((r) => (r.sessionId === id ? { ...r, sessionTitle: title } : r));
    if (!this.dialog.open) return;
    const focused = this.list.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.utteranceId : undefined;
    this.renderResults();
    if (focused !== undefined) this.list.querySelector<HTMLElement>(`[data-testid="find-result"][data-utterance-id="${focused}"]`)?.focus();
  }

  /** A chosen turn could not be shown: the focus goes back to the button. */
  returnFocus(): void {
    this.button.focus();
  }

  /** The words, of the button and of the open dialog, in the language of the moment. */
  render(): void {
    this.renderButton();
    if (!this.dialog.open) return;
    const focused = this.dialog.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
    this.build();
    if (focused) this.dialog.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  private renderButton(): void {
    this.button.textContent = t('findButton');
    this.button.title = t('findButtonTip');
  }

  /** The query with the scope's session. */
  private current(): FindQuery {
    return { ...this.query, session: this.scope === 'session' ? (this.source.openSession()?.id ?? null) : null };
  }

  private cancel(): void {
    // An answer (or abort) still to come is of no query shown.
    this.asked++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending?.abort();
    this.pending = null;
  }

  /** After typing: searches once typing pauses. */
  private soon(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    // The results shown are of the words before: said to be on their way from the first key.
    if (isAskable(this.current())) {
      this.loading = true;
      this.renderStatus();
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.search();
    }, FIND_DEBOUNCE_MS);
  }

  /** Searches anew (first page); `more`: the next page of the query shown, added below. */
  private async search(more = false): Promise<void> {
    // More goes on with the query shown (newer words may be waiting for their pause).
    const q = more && this.shownQuery ? this.shownQuery : this.current();
    if (!more) this.cancel();
    if (!isAskable(q)) {
      this.asked++;
      this.results = [];
      this.next = null;
      this.error = null;
      this.loading = false;
      this.answered = false;
      this.renderResults();
      return;
    }
    const n = ++this.asked;
    this.refusal = null;
    const shown = this.results.length;
    const abort = new AbortController();
    this.pending?.abort();
    this.pending = abort;
    this.loading = true;
    this.error = null;
    this.renderStatus();
    try {
      const answer = await this.source.search(searchParams(q, SEARCH_LIMIT_DEFAULT, more ? this.next : null), abort.signal);
      if (n !== this.asked) return;
      this.results = more ? [...this.results, ...answer.results] : answer.results;
      this.next = answer.next;
      this.shownQuery = q;
      this.answered = true;
    } catch (err) {
      if (n !== this.asked) return;
      this.error = requestError(err);
      if (!more) {
        this.results = [];
        this.next = null;
      }
    }
    this.pending = null;
    this.loading = false;
    const focusMore = more && document.activeElement === this.more;
    this.renderResults();
    // More results had the focus (it may hide now): the focus goes to the first turn it added.
    if (focusMore) (this.list.querySelectorAll<HTMLElement>('[data-testid="find-result"]')[shown] ?? this.input).focus();
  }

  private select(id: string, text: string, value: string, options: [string, string][], change: (v: string) => void): HTMLElement {
    const sel = h('select', { id, 'data-testid': id });
    for (const [v, name] of options) sel.appendChild(h('option', { value: v }, name));
    sel.value = value;
    sel.addEventListener('change', () => {
      change(sel.value);
      void this.search();
    });
    return h('label', { class: 'find-field', for: id }, h('span', {}, text), sel);
  }

  /** The whole dialog: heading, form, status, results (kept values). */
  private build(): void {
    const any: [string, string] = ['', t('findAny')];
    this.input = h('input', {
      // No maxlength: it counts UTF-16 units, so an emoji-only query would stop at half the
      // server's 200 characters (code points). The field is cut here as the server counts.
      id: 'find-q', type: 'search', class: 'find-q', autocomplete: 'off', spellcheck: false, 'data-testid': 'find-q', 'aria-describedby': 'find-q-count',
    });
    this.input.value = this.query.q;
    // Its count, read with the field (aria-describedby) rather than announced at every key, as a note's.
    const count = h('span', { class: 'label-note-count find-q-count', id: 'find-q-count', 'data-testid': 'find-q-count' });
    const countNow = (): void => {
      count.textContent = t('labelNoteCount', { n: wordsLength(this.input.value), max: SEARCH_QUERY_MAX_CHARS });
    };
    countNow();
    // Escape in a search field would only clear it (Chromium): here it closes the dialog, as elsewhere in it.
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape') return;
      ev.preventDefault();
      this.close();
    });
    this.input.addEventListener('input', () => {
      const cut = cutWords(this.input.value);
      if (cut !== this.input.value) {
        // Typed or pasted past the limit: the rest is dropped, the caret kept where it was (or at the end).
        const caret = this.input.selectionStart ?? cut.length;
        this.input.value = cut;
        this.input.setSelectionRange(Math.min(caret, cut.length), Math.min(caret, cut.length));
      }
      countNow();
      if (this.query.q === this.input.value) return;
      this.query.q = this.input.value;
      this.soon();
    });
    const form = h(
      'form', { class: 'find-form', role: 'search', 'aria-label': t('findTitle') },
      h('label', { class: 'find-field find-words', for: 'find-q' }, h('span', {}, t('findWords')), this.input),
      count,
      h(
        'fieldset', { class: 'find-filters' },
        h('legend', { class: 'sr-only' }, t('findFilters')),
        this.select('find-role', t('findRole'), this.query.role, [any, ['customer', roleName('customer')], ['rep', roleName('rep')]], (v) => (this.query.role = v as Role | '')),
        this.select('find-lang', t('findLang'), this.query.lang, [any, ['en', t('findLangEn')], ['zh', t('findLangZh')], ['mixed', t('findLangMixed')]], (v) => (this.query.lang = v as SearchLang | '')),
        this.select('find-label', t('findLabel'), this.query.label, [any, ...VERBAL_LABELS.map((l): [string, string] => [l, l === 'neutral' ? t('findLabelNeutral') : labelName(l)])], (v) => (this.query.label = v as VerbalLabel | '')),
        this.select('find-coach', t('findCoachLabel'), this.query.coachLabel, [any, ['none', t('findCoachNone')], ...VERBAL_LABELS.map((l): [string, string] => [l, correctionLabelName(l)])], (v) => (this.query.coachLabel = v as VerbalLabel | 'none' | '')),
        this.uncertainBox(),
      ),
      this.scopeControl(),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.search();
    });
    const close = h('button', { type: 'button', class: 'btn', 'data-testid': 'find-close' }, t('findClose'));
    close.addEventListener('click', () => this.close());
    this.status = h('p', { class: 'q-status', role: 'status', 'data-testid': 'find-status' });
    this.list = h('div', { class: 'find-results', 'data-testid': 'find-results', role: 'region', 'aria-label': t('findResults') });
    this.more = h('button', { type: 'button', class: 'btn', 'data-testid': 'find-more' }, t('findMore'));
    this.more.addEventListener('click', () => void this.search(true));
    this.dialog.replaceChildren(
      h('div', { class: 'q-head' }, h('h2', { id: 'find-h', class: 'dialog-title' }, t('findTitle')), h('div', { class: 'q-actions' }, close)),
      h('p', { class: 'dialog-help' }, t('findIntro')),
      form,
      this.status,
      this.list,
      h('p', { class: 'find-more' }, this.more),
    );
    this.renderResults();
  }

  private uncertainBox(): HTMLElement {
    const box = h('input', { type: 'checkbox', id: 'find-uncertain', 'data-testid': 'find-uncertain' });
    box.checked = this.query.uncertain;
    box.addEventListener('change', () => {
      this.query.uncertain = box.checked;
      void this.search();
    });
    return h('label', { class: 'find-check', for: 'find-uncertain' }, box, h('span', {}, t('findUncertain', { pct: formatScore(this.source.cueMinScore()) })));
  }

  private scopeControl(): HTMLElement {
    const open = this.source.openSession();
    const radio = (scope: Scope, text: string, disabled: boolean) => {
      const input = h('input', { type: 'radio', name: 'find-scope', value: scope, 'data-testid': `find-scope-${scope}`, disabled, 'aria-describedby': disabled ? 'find-scope-why' : null });
      input.checked = this.scope === scope;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        this.scope = scope;
        void this.search();
      });
      return h('label', { class: 'q-scope-option' }, input, h('span', {}, text));
    };
    return h(
      'fieldset', { class: 'q-scope', 'data-testid': 'find-scope' },
      h('legend', {}, t('findScope')),
      radio('all', t('findScopeAll'), false),
      radio('session', open ? labelled(t('findScopeSession'), open.title) : t('findScopeSession'), !open),
      open ? null : h('p', { id: 'find-scope-why', class: 'q-scope-why' }, t('findScopeNoSession')),
    );
  }

  private renderStatus(): void {
    this.status.classList.toggle('q-error', this.error !== null || this.refusal !== null);
    // A session's title in it (why a turn is not opened) sits in a <bdi>.
    setIsolatedText(this.status, this.refusal !== null
      ? this.refusal
      : this.loading
      ? t('findSearching')
      : this.error
        ? `${t('findFailed')}${t('colon')}${errorMessage(this.error)}`
        : this.answered
          ? foundLine(this.results, this.next !== null)
          : t('findPrompt'));
    this.status.setAttribute('aria-busy', String(this.loading));
  }

  private renderResults(): void {
    this.renderStatus();
    const min = this.source.cueMinScore();
    this.list.replaceChildren(
      ...groupBySession(this.results).map((g) =>
        h(
          'section', { class: 'find-group', 'data-testid': 'find-group', 'data-session-id': g.sessionId },
          h('h3', { class: 'find-session', dir: 'auto' }, g.title),
          h('ul', { class: 'find-list' }, ...g.results.map((r) => h('li', {}, this.hit(r, min)))),
        ),
      ),
    );
    this.more.hidden = this.next === null;
  }

  private hit(r: SearchResult, min: number): HTMLElement {
    const tentative = r.signal !== null && r.signal.label !== 'neutral' && isTentative(r.signal.score, min);
    const b = h(
      'button',
      { type: 'button', class: 'find-hit', 'data-testid': 'find-result', 'data-utterance-id': r.utteranceId, 'data-session-id': r.sessionId, title: t('findOpenTurn') },
      h(
        'span', { class: 'find-meta' },
        h('span', { class: 'find-time' }, formatMs(r.startMs)),
        h('span', { class: 'utt-speaker', dir: 'auto' }, r.speaker),
        h('span', { class: 'role-badge' }, roleName(r.role)),
        r.signal &&
          h(
            'span', { class: `utt-signal label-${r.signal.label}${tentative ? ' tentative' : ''}`, 'data-testid': 'find-signal', 'data-label': r.signal.label },
            h('span', { class: `chip label-${r.signal.label}` }, labelName(r.signal.label)),
            h('span', { class: 'utt-score' }, formatScore(r.signal.score)),
          ),
        r.coachLabel && h('span', { class: `chip coach-chip label-${r.coachLabel}`, 'data-testid': 'find-coach' }, t('coachLabel', { label: correctionLabelName(r.coachLabel) })),
      ),
      // User text beside the UI's: dir="auto" isolates it (as <bdi> would), so right-to-left
      // words do not pull the time, role or punctuation around them; the text read is unchanged.
      h('span', { class: 'find-text', dir: 'auto' }, ...highlightPieces(r.text, r.matches).map((p) => (p.mark ? h('mark', {}, p.text) : p.text))),
    );
    b.addEventListener('click', () => {
      const why = this.source.blocked(r.sessionId);
      if (why !== null) {
        // Not opened: the dialog stays, its status (announced) says why, the focus stays on the turn.
        this.refusal = why;
        this.renderStatus();
        return;
      }
      this.cancel();
      if (this.dialog.open) this.dialog.close();
      this.source.openTurn(r);
    });
    return b;
  }
}
