// The session picker: the demo meeting first, then the stored sessions with their counts (kept
// current by the lobby's `session_counts`).
import { t, tn } from '../i18n';
import { shownTitle } from '../liveTitle';
import type { SessionSummary } from '../../protocol/outbound';
import type { SessionCountsEvent } from '../../protocol/protocol';
import { removeFromList, renameInList, selectionAfterRemoval, sortSessions, upsertSession } from '../sessionList';
import { h } from './dom';

/** The option value for the demo; session ids cannot contain ':' so it never collides. */
export const DEMO_VALUE = ':demo';

export class SessionPicker {
  private sessions: SessionSummary[] = [];
  /**
   * The session to select: the manager's choice, or the session the client shows (a live one
   * Play just made may not be listed yet, and is selected once `session_listed` or a refresh
   * lists it).
   */
  private wanted = DEMO_VALUE;
  /**
   * A session the server no longer has, still shown: it keeps an option, marked so, until
   * another is shown (a refresh no longer lists it, and the demo would be selected instead).
   */
  private lost: { id: string; title: string } | null = null;

  constructor(private readonly select: HTMLSelectElement) {
    // Registered before main's listener, so it reads the choice already remembered.
    select.addEventListener('change', () => {
      this.wanted = select.value;
    });
  }

  get value(): string {
    return this.select.value;
  }

  /** Selects a session; one not listed yet is selected when a later setSessions lists it. */
  set value(v: string) {
    this.wanted = v;
    if (v === DEMO_VALUE || this.has(v)) this.select.value = v;
  }

  /** The session shown is no longer on the server: its option stays, marked, and selected. */
  markLost(id: string, title: string): void {
    this.lost = { id, title };
    this.wanted = id;
    this.render();
  }

  /** The lost session is no longer shown: its option goes. */
  forgetLost(): void {
    if (!this.lost) return;
    this.lost = null;
    this.render();
  }

  has(id: string): boolean {
    return this.sessions.some((s) => s.id === id);
  }

  title(id: string): string | undefined {
    return this.sessions.find((s) => s.id === id)?.title;
  }

  /** A session's new title (renamed here or in another window): its option says so at once. */
  setTitle(id: string, title: string): void {
    const next = renameInList(this.sessions, id, title);
    if (!next) return;
    this.sessions = next;
    this.render();
  }

  /** A session created, or uploaded into, here or elsewhere (`session_listed`): its option appears, or shows its new counts. */
  upsert(session: SessionSummary): void {
    this.sessions = upsertSession(this.sessions, session);
    this.render();
  }

  /**
   * A session deleted, here or elsewhere: its option goes. When it was the choice, the choice
   * falls back to the session the window shows (`shown`, if listed) or the demo, selected
   * without a `change` event (nothing new is opened). Returns whether the choice moved.
   */
  remove(id: string, shown: string | null): boolean {
    const next = removeFromList(this.sessions, id);
    if (next) this.sessions = next;
    const selected = this.select.value;
    const choice = selectionAfterRemoval(selected, id, shown, (x) => this.has(x), DEMO_VALUE);
    if (this.wanted === id || choice !== selected) this.wanted = choice;
    if (next || choice !== selected) this.render();
    return choice !== selected;
  }

  /**
   * A listed session's counts as the server sends them (`session_counts`, coalesced): its option
   * says so at once. A session not listed is not added (a late update never brings one back).
   */
  applyCounts(c: SessionCountsEvent): void {
    this.setCounts(c.sessionId, c.utteranceCount, c.cueCount, c.correctionCount, c.cueReviewCount, c.postureLabelCount, c.commentCount);
  }

  /**
   * Counts of a session shown live, so its option does not keep the counts of the last refresh
   * while turns and cues come in.
   */
  setCounts(id: string, utteranceCount: number, cueCount: number, correctionCount: number, cueReviewCount: number, postureLabelCount = 0, commentCount = 0): void {
    const s = this.sessions.find((x) => x.id === id);
    if (
      !s ||
      (s.utteranceCount === utteranceCount &&
        s.cueCount === cueCount &&
        (s.correctionCount ?? 0) === correctionCount &&
        (s.cueReviewCount ?? 0) === cueReviewCount &&
        (s.postureLabelCount ?? 0) === postureLabelCount &&
        (s.commentCount ?? 0) === commentCount)
    )
      return;
    s.commentCount = commentCount;
    s.postureLabelCount = postureLabelCount;
    s.utteranceCount = utteranceCount;
    s.cueCount = cueCount;
    s.correctionCount = correctionCount;
    s.cueReviewCount = cueReviewCount;
    const option = [...this.select.options].find((o) => o.value === id);
    if (option) option.textContent = this.label(s, this.duplicateTitles());
  }

  setSessions(sessions: readonly SessionSummary[]): void {
    this.sessions = sortSessions(sessions);
    this.render();
  }

  /** Rebuilds the options (e.g. after a language switch), keeping the selection. */
  render(): void {
    const lost = this.lost && !this.has(this.lost.id) ? this.lost : null;
    const listed = (id: string) => this.has(id) || lost?.id === id;
    const keep = listed(this.wanted) ? this.wanted : this.select.value || DEMO_VALUE;
    const stored = this.sessions;
    const duplicates = this.duplicateTitles();
    this.select.replaceChildren(h('option', { value: DEMO_VALUE }, t('demoOption')));
    if (stored.length > 0 || lost) {
      this.select.appendChild(
        h(
          'optgroup',
          { label: t('storedSessions') },
          lost && h('option', { value: lost.id, 'data-lost': 'true' }, `${shownAs(lost.title)} — ${t('sessionGone')}`),
          ...stored.map((s) => h('option', { value: s.id }, this.label(s, duplicates))),
        ),
      );
    }
    this.select.value = keep === DEMO_VALUE || listed(keep) ? keep : DEMO_VALUE;
  }

  /** Titles that more than one stored session has: their options also show when each was made. */
  private duplicateTitles(): Set<string> {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const s of this.sessions) {
      const shown = shownAs(s.title);
      (seen.has(shown) ? twice : seen).add(shown);
    }
    return twice;
  }

  private label(s: SessionSummary, duplicates: ReadonlySet<string>): string {
    const shown = shownAs(s.title);
    const made = duplicates.has(shown) ? t('createdSuffix', { when: createdLabel(s.createdAt) }) : '';
    // A coach's labels, when the session has any: which meetings have been reviewed.
    const labelled = s.correctionCount ? ` · ${tn('labelledCount', s.correctionCount)}` : '';
    // And its cues' verdicts (servers before cue reviews send no count).
    const reviewed = s.cueReviewCount ? ` · ${tn('cueReviewedCount', s.cueReviewCount)}` : '';
    // And its customers' labelled posture moments.
    const postured = s.postureLabelCount ? ` · ${tn('postureLabelledCount', s.postureLabelCount)}` : '';
    // And the coaches' comments for the rep.
    const commented = s.commentCount ? ` · ${tn('commentsCount', s.commentCount)}` : '';
    return `${shown}${made} — ${tn('utterancesCount', s.utteranceCount)} · ${tn('cuesCount', s.cueCount)}${labelled}${reviewed}${postured}${commented}`;
  }
}

/** A stored title as the dropdown shows it: a live copy's suffix in the UI language. */
const shownAs = (title: string) => shownTitle(title, (time) => t('liveSuffix', { time }));

/** "11-29 18:52:07", local time: enough to tell apart sessions of the same title. */
export function createdLabel(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
