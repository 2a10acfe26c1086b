// The session picker: the demo meeting first, then the stored sessions with their counts.
import { t, tn } from '../i18n';
import { shownTitle } from '../liveTitle';
import type { SessionSummary } from '../../protocol/outbound';
import { h } from './dom';

/** The option value for the demo; session ids cannot contain ':' so it never collides. */
export const DEMO_VALUE = ':demo';

export class SessionPicker {
  private sessions: SessionSummary[] = [];
  /**
   * The session to select: the manager's choice, or the session the client shows (a live one
   * Play just made is not in the list until the next refresh, and is selected once it is).
   */
  private wanted = DEMO_VALUE;

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

  has(id: string): boolean {
    return this.sessions.some((s) => s.id === id);
  }

  title(id: string): string | undefined {
    return this.sessions.find((s) => s.id === id)?.title;
  }

  setSessions(sessions: readonly SessionSummary[]): void {
    this.sessions = [...sessions].sort((a, b) => b.createdAt - a.createdAt);
    this.render();
  }

  /** Rebuilds the options (e.g. after a language switch), keeping the selection. */
  render(): void {
    const keep = this.has(this.wanted) ? this.wanted : this.select.value || DEMO_VALUE;
    const stored = this.sessions;
    this.select.replaceChildren(h('option', { value: DEMO_VALUE }, t('demoOption')));
    if (stored.length > 0) {
      this.select.appendChild(
        h(
          'optgroup',
          { label: t('storedSessions') },
          ...stored.map((s) =>
            h(
              'option',
              { value: s.id },
              `${shownTitle(s.title, (time) => t('liveSuffix', { time }))} — ${tn('utterancesCount', s.utteranceCount)} · ${tn('cuesCount', s.cueCount)}`,
            ),
          ),
        ),
      );
    }
    this.select.value = keep === DEMO_VALUE || this.has(keep) ? keep : DEMO_VALUE;
  }
}
