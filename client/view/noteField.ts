// A coach's optional note in a label editor (a turn's label, a posture moment's labels): the
// textarea, capped at the server's limit, and its character count, read with the note
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
}

export function noteField(o: NoteFieldOptions): { note: HTMLTextAreaElement; counter: HTMLElement } {
  const counter = h('span', { class: 'label-note-count', id: `${o.id}-count` });
  const countNow = (text: string): void => {
    counter.textContent = t('labelNoteCount', { n: text.trim().length, max: LIMITS.correctionNoteMaxChars });
  };
  countNow(o.value);
  const note = h('textarea', {
    id: o.id,
    class: 'label-note',
    rows: 2,
    maxlength: LIMITS.correctionNoteMaxChars,
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
