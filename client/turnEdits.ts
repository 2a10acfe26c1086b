// What a coach's correction of a turn sends (PATCH …/utterances/:utteranceId): only what the
// editor changed, checked as the server checks it (UtteranceEditSchema), and the speakers the
// editor offers. Pure: the view (view/turnEdits.ts) draws the editor.
import { LIMITS, UtteranceEditSchema, zodToApiError, type ApiError, type Participant, type Utterance, type UtteranceEdit } from '../protocol/protocol';

/** The editor's speaker choice: one of the session's names, or another typed in. */
export const OTHER_SPEAKER = '\u0000other';

export interface EditDraft {
  text: string;
  /** A participant's name, or OTHER_SPEAKER. */
  speaker: string;
  /** The name typed when `speaker` is OTHER_SPEAKER. */
  other: string;
  /**
   * The turn's words and speaker the draft started from (or last followed): a field still equal
   * to its base is one the coach has not changed, which is not sent, and which follows the
   * turn when another window corrects it meanwhile (see followTurn).
   */
  base: { text: string; speaker: string };
}

/** The session's speakers the editor offers, the turn's own first among them in the session's order. */
export function speakerChoices(participants: readonly Participant[], turn: Pick<Utterance, 'speaker'>): string[] {
  const names = participants.map((p) => p.name);
  return names.includes(turn.speaker) ? names : [turn.speaker, ...names];
}

/** The editor opened on a turn: its words and speaker as they are. */
export function draftOf(turn: Pick<Utterance, 'text' | 'speaker'>): EditDraft {
  return { text: turn.text, speaker: turn.speaker, other: '', base: { text: turn.text, speaker: turn.speaker } };
}

/**
 * The turn was corrected elsewhere while the draft is open (the session read again): a field the
 * coach has not changed takes the turn's new value; one the coach changed keeps what was typed.
 * Whether the draft changed.
 */
export function followTurn(d: EditDraft, turn: Pick<Utterance, 'text' | 'speaker'>): boolean {
  let changed = false;
  if (d.text === d.base.text && d.text !== turn.text) {
    d.text = turn.text;
    changed = true;
  }
  if (d.speaker === d.base.speaker && d.speaker !== turn.speaker) {
    d.speaker = turn.speaker;
    changed = true;
  }
  d.base = { text: turn.text, speaker: turn.speaker };
  return changed;
}

/**
 * The PATCH body for a draft: the fields it changes, as the server will store them (trimmed,
 * the name normalised), or null when it changes nothing (nothing is sent); a refusal the server
 * would give (the field and limit named) as `problem`.
 */
export function editBody(
  turn: Pick<Utterance, 'text' | 'speaker'>,
  d: EditDraft,
  participants: readonly Pick<Participant, 'name'>[] = [],
): { body: UtteranceEdit | null } | { problem: ApiError } {
  const raw = { text: d.text, speaker: d.speaker === OTHER_SPEAKER ? d.other : d.speaker };
  const checked = UtteranceEditSchema.safeParse(raw);
  if (!checked.success) return { problem: zodToApiError(checked.error, '', 'body', raw) };
  const body: UtteranceEdit = {};
  // Only what the coach changed (from the draft's base), and only where the turn differs now: a
  // field left as it was is not sent, so it cannot undo another window's correction of it.
  if (checked.data.text !== undefined && checked.data.text !== turn.text && d.text !== d.base.text) body.text = checked.data.text;
  if (checked.data.speaker !== undefined && checked.data.speaker !== turn.speaker && raw.speaker !== d.base.speaker) body.speaker = checked.data.speaker;
  // A name the session does not have joins it: not past the participant limit (the server's wording).
  const known = new Set(participants.map((p) => p.name));
  if (body.speaker !== undefined && !known.has(body.speaker) && known.size >= LIMITS.participantsMax) {
    const total = known.size + 1;
    return {
      problem: {
        code: 'invalid_input', field: 'speaker', limit: LIMITS.participantsMax, actual: total,
        message: `speaker: "${body.speaker}" would be participant ${total}; the session would have ${total} participants; the limit is ${LIMITS.participantsMax}`,
      },
    };
  }
  return { body: body.text === undefined && body.speaker === undefined ? null : body };
}

/** A turn's words cut for a confirmation or a tooltip: at most `max` characters, an ellipsis after. */
export function clip(text: string, max = 80): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
