// The transcript's rows, grouped in chunks of CHUNK_ROWS: `<ol> <li role="none"><ol role="none">
// rows…`. A browser lays a list out again, child by child, whenever one row is added or redrawn
// and the page reads a size (following the newest turn does, each time): with every row a child
// of one list, that cost grew with the meeting (~10 ms a turn after 2,000 turns). With chunks, a
// change lays out one chunk and steps over the others. The chunk elements have role none and the
// rows role listitem, so a screen reader still meets one list of turns.
import { h } from './dom';

/** Rows per chunk: small enough that laying one out is cheap, large enough that few chunks are. */
export const CHUNK_ROWS = 50;

export class RowChunks {
  constructor(private readonly list: HTMLOListElement) {}

  /** Replaces everything shown with these rows, in this order. */
  reset(rows: readonly HTMLElement[]): void {
    const frag = document.createDocumentFragment();
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) frag.appendChild(this.chunk(rows.slice(i, i + CHUNK_ROWS)));
    this.list.replaceChildren(frag);
  }

  /** Shows something that is not a row (the empty-transcript line) instead of the rows. */
  placeholder(el: HTMLElement): void {
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
    const last = this.list.lastElementChild?.firstElementChild;
    if (last instanceof HTMLOListElement && last.childElementCount < CHUNK_ROWS) last.appendChild(row);
    else {
      if (!(last instanceof HTMLOListElement)) this.list.replaceChildren(); // the placeholder goes
      this.list.appendChild(this.chunk([row]));
    }
  }

  private chunk(rows: readonly HTMLElement[]): HTMLLIElement {
    return h('li', { class: 'utt-chunk', role: 'none' }, h('ol', { class: 'utt-chunk-rows', role: 'none' }, ...rows));
  }
}
