// The title of a session that Play (or a video rehearsal) stores: the recording's title and
// the local start time in the UI language, "Call with Lee (live 11:55)" or "与李女士的会谈（实时 11:55）",
// so the picker tells one run from the next. Playing a live session again replaces its suffix
// instead of adding another one. The title is stored in the language of the moment; shown, its
// suffix is worded in the language the UI has now.
import { LIMITS } from '../protocol/protocol';

/** A live suffix in either language, with or without a time (titles stored before had "(live)"). */
const LIVE_SUFFIX = /\s*(?:\((?:live|实时)(?: \d{1,2}:\d{2})?\)|（(?:live|实时)(?: ?\d{1,2}:\d{2})?）)\s*$/;

/** Local wall-clock time as HH:MM (24 h). */
export function clockTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The recording's title without live suffixes, then `suffix`, within the title limit (the title is cut, never the suffix). */
export function liveTitle(title: string, suffix: string, max: number = LIMITS.titleMaxChars): string {
  let base = title.trim();
  for (let cut = base.replace(LIVE_SUFFIX, ''); cut !== base && cut; cut = base.replace(LIVE_SUFFIX, '')) base = cut;
  base = base.slice(0, Math.max(0, max - suffix.length)).replace(/[\uD800-\uDBFF]$/, '').trimEnd();
  return (base + suffix).trim();
}

/** A suffix with its time, in either language: the time is group 1 or 2. */
const TIMED_SUFFIX = /\s*(?:\((?:live|实时) (\d{1,2}:\d{2})\)|（(?:live|实时) ?(\d{1,2}:\d{2})）)\s*$/;

/**
 * A title as shown: a live session's suffix worded again by `suffix` (the UI language's, given
 * the time), "与李女士的会谈（实时 18:53）" → "与李女士的会谈 (live 18:53)"; any other title as it is.
 */
export function shownTitle(title: string, suffix: (time: string) => string): string {
  const m = TIMED_SUFFIX.exec(title);
  const time = m?.[1] ?? m?.[2];
  if (!m || time === undefined) return title;
  const base = title.slice(0, m.index).trimEnd();
  return base ? (base + suffix(time)).trim() : title;
}
