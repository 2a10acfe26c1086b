// The transcript's rows, grouped in chunks of CHUNK_ROWS: `<div role="list"> <ol role="none">
// rows…`. A browser lays a list out again, child by child, whenever one row is added or redrawn
// and the page reads a size (following the newest turn does, each time): with every row a child
// of one list, that cost grew with the meeting (~10 ms a turn after 2,000 turns). With chunks, a
// change lays out one chunk and steps over the others. The chunks have role none and the rows role
// listitem, so a screen reader still meets one list of turns. The list is a div, not an <ol>: an
// <ol>'s children must be list items, and an <li> with role none is not allowed (axe's `list`).
import { h } from './dom';

/** Rows per chunk: small enough that laying one out is cheap, large enough that few chunks are. */
export const CHUNK_ROWS = 50;

export class RowChunks {
  constructor(private readonly list: HTMLElement) {}

  /** Replaces everything shown with these rows, in this order. */
  reset(rows: readonly HTMLElement[]): void {
    const frag = document.createDocumentFragment();
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) frag.appendChild(this.chunk(rows.slice(i, i + CHUNK_ROWS)));
    this.list.replaceChildren(frag);
    this.list.setAttribute('role', 'list');
  }

  /**
   * Shows something that is not a row (the empty-transcript line) instead of the rows. The
   * element is then no list: a list without items is an error to a screen reader (and to axe's
   * `aria-required-children`); the rows make it one again.
   */
  placeholder(el: HTMLElement): void {
    this.list.removeAttribute('role');
    this.list.replaceChildren(el);
  }

  /**
   * Adds a row after every other (a new turn), or before `before` (a turn that belongs earlier):
   * in `before`'s chunk, which may then hold more than the chunk size (they are not rebalanced;
   * a late turn is rare and reset() evens them out).
   */
  insert(row: HTMLElement, before: HTMLElement | null): void {
    const into = before?.parentElement;
    if (before && into && this.list.contains(into)) {
      into.insertBefore(row, before);
      return;
    }
    const last = this.list.lastElementChild;
    const chunk = last?.classList.contains('utt-chunk') ? last : null;
    if (chunk && chunk.childElementCount < CHUNK_ROWS) chunk.appendChild(row);
    else {
      if (!chunk) {
        this.list.replaceChildren(); // the placeholder goes
        this.list.setAttribute('role', 'list');
      }
      this.list.appendChild(this.chunk([row]));
    }
  }

  private chunk(rows: readonly HTMLElement[]): HTMLOListElement {
    return h('ol', { class: 'utt-chunk', role: 'none' }, ...rows);
  }
}
