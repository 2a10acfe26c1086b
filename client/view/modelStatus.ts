// The small status under the session's header: the model versions its analysis came from,
// said plainly when they are not the server's current ones ("Analysed with an older verbal
// model …", "Mixes 2 verbal models …"), with a Re-analyse button then. While the server
// re-analyses, the button says so and is disabled; then the outcome ("Re-analysed with …:
// signals 12 → 14, cues 5 → 6.") or the refusal is shown until another session is. Worded
// again on a language switch (render()).
import type { ApiError, ModelVersions } from '../../protocol/protocol';
import { errorMessage, requestError } from '../errorText';
import { t, type StringKey } from '../i18n';
import { modelStatus, outcomeText, statusText, type CurrentModels, type ReanalyseOutcome } from '../modelStatus';
import { h } from './dom';

export class ModelStatusView {
  private sessionId: string | null = null;
  private versions: ModelVersions | null = null;
  private health: CurrentModels = null;
  /** Why Re-analyse is not available now (a playback), or null. */
  private blocked: StringKey | null = null;
  /** The session being re-analysed at this window's request, if any. */
  private runningFor: string | null = null;
  private result: { sessionId: string; outcome: ReanalyseOutcome } | { sessionId: string; error: ApiError } | null = null;

  private readonly text = h('span', { class: 'model-status-text', 'data-testid': 'model-status-text' });
  private readonly button = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'reanalyse' });
  private readonly hint = h('span', { id: 'reanalyse-hint', class: 'sr-only' });
  private readonly outcome = h('span', { class: 'model-status-result', 'data-testid': 'reanalyse-result', role: 'status', tabindex: -1 });

  constructor(
    private readonly root: HTMLElement,
    /** Re-analyses the session and shows it anew; resolves with what changed. */
    private readonly run: (sessionId: string) => Promise<ReanalyseOutcome>,
  ) {
    root.replaceChildren(this.text, this.button, this.hint, this.outcome);
    this.button.addEventListener('click', () => void this.reanalyse());
    this.render();
  }

  /** The session shown and its snapshot's model versions (null: none, e.g. the demo preview). */
  setSession(sessionId: string | null, versions: ModelVersions | null): void {
    if (sessionId !== this.sessionId) this.result = null;
    this.sessionId = sessionId;
    this.versions = versions;
    this.render();
  }

  /** A live signal came with its model's version: the session now holds that one too. */
  noteVersion(kind: 'verbal' | 'posture', version: string): void {
    if (!this.versions || this.versions[kind].includes(version)) return;
    this.versions = { ...this.versions, [kind]: [...this.versions[kind], version].sort() };
    this.render();
  }

  /** A live turn was classified under `thresholds` (the server's now): the session holds those too (when it records them). */
  noteThresholds(thresholds: Partial<Record<string, number>>): void {
    const recorded = this.versions?.thresholds;
    if (!this.versions || recorded === undefined) return;
    const key = (th: Partial<Record<string, number>>) => JSON.stringify(Object.entries(th).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (recorded.some((r) => key(r) === key(thresholds))) return;
    this.versions = { ...this.versions, thresholds: [...recorded, thresholds] };
    this.render();
  }

  /** The server's current models (from /api/health; null: not known). */
  setHealth(health: CurrentModels): void {
    this.health = health;
    this.render();
  }

  /** Why Re-analyse is unavailable now (a key of its hint), or null when it is available. */
  setBlocked(reason: StringKey | null): void {
    if (reason === this.blocked) return;
    this.blocked = reason;
    this.render();
  }

  /** Whether this window is re-analysing the session shown. */
  get running(): boolean {
    return this.runningFor !== null && this.runningFor === this.sessionId;
  }

  render(): void {
    const id = this.sessionId;
    const status = this.versions ? modelStatus(this.versions, this.health) : { kinds: [], stale: false };
    const result = this.result && this.result.sessionId === id ? this.result : null;
    // A session with turns under other thresholds yet no signal is still said to be so.
    const shown = status.kinds.length > 0 || status.thresholds !== undefined;
    this.text.textContent = shown ? statusText(status) : '';
    this.text.hidden = !shown;
    this.root.dataset.state = status.stale ? 'stale' : status.kinds.some((k) => k.state === 'unchecked') ? 'unchecked' : 'current';
    this.button.hidden = !(status.stale || this.running);
    // One re-analysis at a time from this window (one under way for a session shown before too).
    this.button.disabled = this.runningFor !== null || this.blocked !== null;
    this.button.textContent = this.running ? t('reanalyseRunning') : t('reanalyse');
    this.button.setAttribute('aria-busy', String(this.running));
    const hint = this.blocked !== null ? t(this.blocked) : t('reanalyseTip');
    this.button.title = hint;
    this.hint.textContent = hint;
    this.button.setAttribute('aria-describedby', this.hint.id);
    if (result && 'error' in result) {
      this.outcome.textContent = t('reanalyseFailed', { message: errorMessage(result.error) });
      this.outcome.dataset.kind = 'error';
      this.outcome.setAttribute('role', 'alert');
    } else {
      this.outcome.textContent = result ? outcomeText(result.outcome) : '';
      this.outcome.dataset.kind = 'ok';
      this.outcome.setAttribute('role', 'status');
    }
    this.outcome.hidden = result === null;
    this.root.hidden = id === null || (!shown && result === null && !this.running);
  }

  private async reanalyse(): Promise<void> {
    const id = this.sessionId;
    if (id === null || this.runningFor !== null || this.blocked !== null) return;
    const hadFocus = document.activeElement === this.button;
    this.runningFor = id;
    this.result = null;
    this.render();
    try {
      this.result = { sessionId: id, outcome: await this.run(id) };
    } catch (err) {
      this.result = { sessionId: id, error: requestError(err) };
    } finally {
      this.runningFor = null;
    }
    this.render();
    // The button pressed is disabled or gone now: the focus goes to what it did.
    if (hadFocus && this.sessionId === id && (this.button.hidden || this.button.disabled || document.activeElement === document.body)) {
      if (this.button.hidden) this.outcome.focus();
      else this.button.focus();
    }
  }
}
