// A coach's text in an editor (a turn's label's note, a posture moment's, a comment): the
// textarea, capped at the server's limit, and its character count, read with the text
// (aria-describedby) rather than announced at every key.
import { LIMITS } from '../../protocol/protocol';
import { t } from '../i18n';
import { h } from './dom';

export interface NoteFieldOptions {
  /** The textarea's id; the counter's is `${id}-count`. */
  id: string;
  value: string;
  disabled: boolean;
  testId: string;
  focusKey: string;
  /** Every edit, with the textarea's whole text. */
  onInput: (value: string) => void;
  /** The server's limit (default: a label's note, LIMITS.correctionNoteMaxChars). */
  max?: number;
  rows?: number;
}

export function noteField(o: NoteFieldOptions): { note: HTMLTextAreaElement; counter: HTMLElement } {
  const max = o.max ?? LIMITS.correctionNoteMaxChars;
  const counter = h('span', { class: 'label-note-count', id: `${o.id}-count` });
  const countNow = (text: string): void => {
    counter.textContent = t('labelNoteCount', { n: text.trim().length, max });
  };
  countNow(o.value);
  const note = h('textarea', {
    id: o.id,
    class: 'label-note',
    rows: o.rows ?? 2,
    maxlength: max,
    disabled: o.disabled,
    'aria-describedby': `${o.id}-count`,
    'data-testid': o.testId,
    'data-focus-key': o.focusKey,
  });
  note.value = o.value;
  note.addEventListener('input', () => {
    o.onInput(note.value);
    countNow(note.value);
  });
  return { note, counter };
}
