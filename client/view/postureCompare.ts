// The Model quality view's posture comparison panel: a library posture model (B) against the
// running one (A) on the labelled frames of the view's scope that neither was trained on
// (GET /api/quality/posture/compare). Asked by Compare with running on a row of Running posture
// model; shows the frames measured and why others were left out, the warnings, one table of the
// labels (each model's F1, B − A with its interval, frames fixed and broken), the verdict, the
// frames B fixed and broke, and Run this model (ComparePanelBase's, as the verbal panel's).
import type { PostureComparison } from '../../protocol/compare';
import type { ApiError } from '../../protocol/protocol';
import { compareNotes, compareStaleLines } from '../compare';
import { postureModelError } from '../errorText';
import { t, type StringKey } from '../i18n';
import { changedFramesNote, changedFrameText, changedFrameWhere, labelVerdict, openFrameLabel, noPersonLine, postureFramesLine, postureLabelRow, postureVerdictText } from '../postureCompare';
import { ComparePanelBase, table, type CompareHost } from './compare';
import { h, type Child } from './dom';
import { formatMs } from './format';

const POSTURE_COLUMNS: StringKey[] = ['qualityLabel', 'qualitySupport', 'compareColA', 'compareColB', 'compareColDiff', 'postureCompareColFrames'];
const POSTURE_NOTES = { flatters: 'postureCompareFlatters', flattersWhy: 'postureCompareFlattersWhy', heldOut: 'postureCompareHeldOutNote' } as const;

export class PostureComparePanel extends ComparePanelBase<PostureComparison> {
  protected override readonly headingKey: StringKey = 'postureCompareH';

  constructor(host: CompareHost<PostureComparison>) {
    super(host, 'posture-compare');
  }

  /** Its refusals name the posture model (the server's field is `model`, as the verbal comparison's). */
  protected override worded(e: ApiError): ApiError {
    return postureModelError(e);
  }

  protected body(c: PostureComparison): Child[] {
    const note = this.note.bind(this);
    const out: Child[] = [note(t('postureCompareIntro')), this.scopeLine(c)];
    out.push(note(postureFramesLine(c), c.frames ? 'note' : 'none', 'posture-compare-frames'));
    for (const n of compareNotes(c, POSTURE_NOTES)) out.push(note(n.text, n.warn ? 'warn' : 'note', n.warn ? 'posture-compare-warning' : 'posture-compare-held-out'));
    // The running posture model changed since (here or in another window): A no longer runs.
    for (const line of compareStaleLines(c, this.host.running(), () => '')) out.push(note(line, 'warn', 'posture-compare-stale'));
    if (!c.frames) return out;
    const noPerson = noPersonLine(c);
    if (noPerson) out.push(note(noPerson, 'note', 'posture-compare-no-person'));
    out.push(table(t('postureCompareCaption', { n: c.frames }), POSTURE_COLUMNS, c.perLabel.map(postureLabelRow), 'posture-compare-labels'));
    // Coloured as the verbal verdict when B is only better or only worse; a mix of both reads as neither.
    const told = new Set(c.perLabel.map(labelVerdict).filter((v) => v !== 'unclear'));
    const verdict = told.size === 1 ? [...told][0]! : 'unclear';
    out.push(h('p', { class: `q-verdict q-verdict-${verdict}`, 'data-testid': 'posture-compare-verdict', 'data-verdict': verdict }, postureVerdictText(c)));
    out.push(h('h4', { class: 'q-h4' }, t('postureCompareChangedH')));
    for (const line of changedFramesNote(c)) out.push(note(line, 'note', 'posture-compare-changed-note'));
    if (c.changed.length) {
      out.push(h('ol', { class: 'q-changed', 'data-testid': 'posture-compare-changed' }, ...c.changed.map((x, i) => {
        const textId = this.id(`changed-${i}`);
        const time = formatMs(x.mediaMs);
        // As the verbal comparison's changed turns: Open this frame opens its session at the frame's time.
        const open = this.host.openFrame
          ? h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'posture-compare-open-frame', 'aria-describedby': textId,
            'aria-label': openFrameLabel(x, time),
          }, t('postureCompareOpenFrame'))
          : null;
        open?.addEventListener('click', () => this.host.openFrame?.(x.session, x.mediaMs));
        return h('li', { class: `q-changed-turn q-changed-${x.change}`, 'data-testid': 'posture-compare-changed-frame', 'data-change': x.change, 'data-session': x.session },
          h('span', { class: `chip q-change-${x.change}` }, t(x.change === 'fixed' ? 'compareFixed' : 'compareBroken')), ' ',
          h('span', { class: 'q-changed-text', id: textId, 'data-testid': 'posture-compare-frame-where', dir: 'auto' }, changedFrameWhere(x, time)), ' ',
          h('span', { class: 'q-changed-labels' }, changedFrameText(x)),
          open);
      })));
    }
    return out;
  }
}
