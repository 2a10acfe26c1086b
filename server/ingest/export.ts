// A stored session as a JSON transcript: the inverse of json.ts, in exactly the shape the
// upload routes and `analyze` read (`{ title, participants: [{name, role}], utterances:
// [{speaker, text, startMs, endMs}] }`), so a session can leave the server and come back.
// Words only: posture frames and the analysis (signals, cues) are not part of a transcript.
import type { Role, SessionSnapshot } from '../../protocol/protocol';

export interface TranscriptDocument {
  title: string;
  participants: { name: string; role: Role | null }[];
  utterances: { speaker: string; text: string; startMs: number; endMs: number }[];
}

/** The session's title, its participants with their roles (null: none yet), and its turns in stored order. */
export function sessionTranscript(snap: Pick<SessionSnapshot, 'session' | 'utterances'>): TranscriptDocument {
  return {
    title: snap.session.title,
    participants: snap.session.participants.map((p) => ({ name: p.name, role: p.role })),
    utterances: snap.utterances.map((u) => ({ speaker: u.speaker, text: u.text, startMs: u.startMs, endMs: u.endMs })),
  };
}

/** Longest file name kept from a title, in characters (code points), before its ending (`.json`, `-labels.jsonl`). */
export const EXPORT_NAME_MAX = 100;

/**
 * `Content-Disposition` for a download named after the session's title: characters no file
 * system takes (`/ \ : * ? " < > |`, controls) become `_`; `filename` is an ASCII fallback
 * (other characters `_`; the session id when no letter or digit is left, as for a Chinese
 * title), and `filename*` (RFC 5987, UTF-8) carries the title as it is when it is not ASCII.
 * A title with nothing left is named by the session id. `ending` follows the name (`.json`: the
 * transcript; `-labels.jsonl`: its coaches' corrections).
 */
export function exportDisposition(title: string, sessionId: string, ending = '.json'): string {
  const safe = [...title.replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/g, '_')]
    .slice(0, EXPORT_NAME_MAX)
    .join('')
    .replace(/_{2,}/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const name = /[^_\s]/.test(safe) ? safe : sessionId;
  const ascii = name.replace(/[^\x20-\x7e]+/g, '_').replace(/_{2,}/g, '_');
  const fallback = /[A-Za-z0-9]/.test(ascii) ? ascii : sessionId;
  let header = `attachment; filename="${fallback}${ending}"`;
  if (name !== fallback) header += `; filename*=UTF-8''${rfc5987(`${name}${ending}`)}`;
  return header;
}

/** RFC 5987 value-chars: encodeURIComponent leaves `'()*` unescaped, which attr-char does not allow. */
function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
