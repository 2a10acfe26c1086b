// A tiny element builder: h('div', { class: 'x', 'data-testid': 'y' }, child, 'text'), and
// svg() the same for SVG elements.
export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/**
 * A name, title or words from the meeting set inside a sentence of the UI, in first-strong
 * isolates (U+2068 … U+2069): right-to-left words keep their own punctuation at their end
 * ("مرحبا بكم!" quoted in an English or Chinese sentence showed its "!" after the closing quote),
 * and the sentence's punctuation stays outside them. Where the text becomes an element's
 * (setIsolatedText), each isolated part is a <bdi> instead, without the marks.
 */
export function isolate(s: string): string {
  return `\u2068${s}\u2069`;
}

/** The element's text, each part isolate() marked in a <bdi> without its marks: it reads (textContent) as the text without them. */
export function setIsolatedText(el: Element, text: string): void {
  const parts = text.split(/\u2068([^\u2068\u2069]*)\u2069/);
  el.replaceChildren(...parts.flatMap((p, i): Node[] => (i % 2 === 1 ? [h('bdi', {}, p)] : p === '' ? [] : [document.createTextNode(p)])));
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no element #${id}`);
  return el as T;
}

/**
 * Makes an element act as a button: focusable, `role="button"`, and `run` on a click or on
 * Enter/Space (for elements that are not <button>, e.g. SVG markers). With tabindex -1 it is
 * out of the Tab order (focused by click or by script: one item of a roving-tabindex widget).
 */
export function asButton(el: Element, run: () => void, tabindex: 0 | -1 = 0): void {
  setAttrs(el, { tabindex, role: 'button' });
  el.addEventListener('click', run);
  el.addEventListener('keydown', (e) => {
    const key = (e as KeyboardEvent).key;
    if (key !== 'Enter' && key !== ' ') return;
    e.preventDefault();
    run();
  });
}
