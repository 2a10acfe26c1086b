// A session archive's JSON text, written a piece at a time: the same characters as
// `JSON.stringify(archiveDocument(documentParts(rows), exportedAt))` (tested), but made row by
// row, with the frames' landmarks copied from the store's JSON text instead of parsed and
// stringified again. The HTTP route sends the pieces across ticks (server/http/sendPieces.ts),
// so a 34 MiB archive never holds the server's one thread for its whole length.
import type { ArchiveRowSource } from '../store/archiveRows';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type StoredFrame } from './archive';

/** A stored frame as the document's JSON (its keys in the document's order). */
function frameText(f: StoredFrame): string {
  const { posesJson, personJson, receivedAt, ...head } = f;
  const start = JSON.stringify(head).slice(0, -1);
  return `${start},"poses":${posesJson}${personJson !== null ? `,"person":${personJson}` : ''},"receivedAt":${JSON.stringify(receivedAt)}}`;
}

/** The document's text (one line and a newline), a row at a time. */
export function* archiveText(p: ArchiveRowSource, exportedAt: number): Generator<string> {
  yield `{"format":${JSON.stringify(ARCHIVE_FORMAT)},"version":${ARCHIVE_VERSION},"exportedAt":${JSON.stringify(exportedAt)}`;
  yield `,"session":${JSON.stringify(p.session)},"participants":${JSON.stringify(p.participants)}`;
  function* list<T>(key: string, rows: Iterable<T>, text: (row: T) => string): Generator<string> {
    yield `,${JSON.stringify(key)}:[`;
    let first = true;
    for (const row of rows) {
      yield first ? text(row) : `,${text(row)}`;
      first = false;
    }
    yield ']';
  }
  const json = (row: unknown): string => JSON.stringify(row);
  yield* list('utterances', p.utterances, json);
  yield* list('frames', p.frames, frameText);
  yield* list('signals', p.signals, json);
  yield* list('cues', p.cues, json);
  yield* list('corrections', p.corrections, json);
  yield* list('cueReviews', p.cueReviews, json);
  yield* list('postureLabels', p.postureLabels, json);
  yield* list('comments', p.comments, json);
  if (p.signalThresholds !== undefined) yield `,"signalThresholds":${JSON.stringify(p.signalThresholds)}`;
  yield '}\n';
}
