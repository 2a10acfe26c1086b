// The session picker's list as the lobby's events change it (`session_listed`, `session_renamed`,
// `session_deleted`): pure functions on the list, newest first, and which option to select once
// a session is gone. The picker (view/picker.ts) renders what they return.
import type { SessionSummary } from '../protocol/outbound';

/** Newest first, as the server lists them; sessions made at the same time keep their order. */
export function sortSessions(list: readonly SessionSummary[]): SessionSummary[] {
  return list.map((s) => ({ ...s })).sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * A session created (or uploaded into: its counts changed): added in its place, or, already
 * listed, replaced by what the server sends now.
 */
export function upsertSession(list: readonly SessionSummary[], session: SessionSummary): SessionSummary[] {
  return sortSessions([...list.filter((s) => s.id !== session.id), session]);
}

/** A session renamed: the list with its new title, or null when that changes nothing (unknown, or the same title). */
export function renameInList(list: readonly SessionSummary[], id: string, title: string): SessionSummary[] | null {
  const at = list.findIndex((s) => s.id === id);
  if (at < 0 || list[at]!.title === title) return null;
  return list.map((s, i) => (i === at ? { ...s, title } : s));
}

/** A session deleted: the list without it, or null when it was not listed. */
export function removeFromList(list: readonly SessionSummary[], id: string): SessionSummary[] | null {
  return list.some((s) => s.id === id) ? list.filter((s) => s.id !== id) : null;
}

/**
 * The option to select once session `removed` is gone, the choice having been `selected`: the
 * choice itself when it was another; else the session the window shows (`shown`, when it is
 * still listed: the choice was made but not yet opened, or a reload of it failed), else
 * `fallback` (the demo).
 */
export function selectionAfterRemoval(selected: string, removed: string, shown: string | null, listed: (id: string) => boolean, fallback: string): string {
  if (selected !== removed) return selected;
  if (shown !== null && shown !== removed && listed(shown)) return shown;
  return fallback;
}
