// One rule for what a speaker's name is, used by every path a name comes in by: live
// `utterance` and `landmarks`/`frame` events, `POST /api/sessions`, the keys of `PUT /roles`,
// frames over HTTP, and every transcript parser (server/ingest/speaker.ts delegates here).
// Names are compared as stored, so two spellings that look the same must come out the same,
// or a customer's live turns join the session as a new participant without a role.

/**
 * An emoji ZWJ sequence's joiner (👩‍💻, 👨‍👩‍👧, ❤️‍🔥: after a pictograph, its variation
 * selector or skin tone, and before another pictograph), and an emoji tag sequence (the flag of
 * Scotland: 🏴 + tag letters + cancel tag): format characters that change what is drawn, so kept.
 * Every other format character (Unicode category Cf) is dropped.
 */
const FORMAT_OR_KEPT =
  /((?<=\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F})|\p{Cf}/gu;
const WHITESPACE_RUN = /\p{White_Space}+/gu;
/** Control characters (category Cc) that are not whitespace: NUL, U+0001–U+0008, U+000E–U+001F, DEL, C1 but U+0085. */
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;

/**
 * A speaker's name as it is stored and compared:
 * 1. NFC: a letter typed as base + combining accent equals its precomposed form (NFC only
 *    joins canonically equivalent spellings, which look the same; NFKC would also fold
 *    full-width letters and other compatibility forms into different-looking ones, so no).
 * 2. Invisible format characters (category Cf: zero-width space U+200B, the direction marks
 *    U+200E/F and embeddings U+202A–U+202E, word joiner U+2060–U+2064, BOM U+FEFF, soft
 *    hyphen U+00AD, ZWNJ U+200C, …) are dropped; a zero-width joiner U+200D is kept only
 *    inside an emoji sequence, and the tag characters only in an emoji tag sequence (flags).
 *    Control characters that are not whitespace (NUL, U+0001–U+001F but tab and line breaks,
 *    DEL, C1 but U+0085) are dropped too: as invisible, and a JSON body or socket payload may
 *    carry them ("Li\u0000" was another participant than "Li", "\u0001" a name of nothing).
 * 3. Any run of Unicode whitespace (tab, newline, no-break space U+00A0, ideographic space
 *    U+3000, U+0085, …) becomes one space, and the ends are trimmed.
 * Pure; the result may be empty (the caller refuses it). Lone surrogates are not touched here
 * (toWellFormed replaces them first).
 */
export function normalizeSpeakerName(name: string): string {
  return name
    .normalize('NFC')
    .replace(FORMAT_OR_KEPT, (_m, kept: string | undefined) => kept ?? '')
    .replace(CONTROL, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}
