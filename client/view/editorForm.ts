// How a coach's editor form (a turn's label, a posture moment's labels, a comment) answers the
// keyboard and its buttons: Save submits (Enter in a field, the button), the remove button (when
// there is something to remove) removes, Cancel and Escape cancel, and Escape stays inside the
// editor (it does not also close what holds it).
export interface EditorActions {
  /** Save; absent: the form cannot be submitted (an editor that only removes). */
  submit?: () => void;
  remove?: () => void;
  cancel: () => void;
}

export function wireEditor(form: HTMLElement, buttons: { remove?: HTMLButtonElement | null | false; cancel: HTMLButtonElement }, on: EditorActions): void {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    on.submit?.();
  });
  if (buttons.remove && on.remove) buttons.remove.addEventListener('click', on.remove);
  buttons.cancel.addEventListener('click', on.cancel);
  form.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    ev.preventDefault();
    ev.stopPropagation();
    on.cancel();
  });
}
