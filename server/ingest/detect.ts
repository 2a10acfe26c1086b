// Picks the transcript format: an explicit option wins, then the filename extension,
// then a look at the first non-empty lines.
import { TRANSCRIPT_FORMATS, TranscriptError, type TranscriptFormat } from './types';

const BY_EXTENSION: Record<string, TranscriptFormat> = {
  vtt: 'vtt',
  webvtt: 'vtt',
  srt: 'srt',
  json: 'json',
  txt: 'text',
  text: 'text',
  md: 'text',
};

const SRT_TIMING = /^\d+:\d{2}:\d{2}[,.]\d{1,3}\s*-->/;

export function detectFormat(text: string, opts: { format?: string; filename?: string } = {}): TranscriptFormat {
  if (opts.format !== undefined) {
    if ((TRANSCRIPT_FORMATS as readonly string[]).includes(opts.format)) return opts.format as TranscriptFormat;
    throw new TranscriptError(
      'bad_format',
      `format "${opts.format}" is not supported; use one of ${TRANSCRIPT_FORMATS.join(', ')}`,
      { field: 'format' },
    );
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(opts.filename ?? '')?.[1]?.toLowerCase();
  const byExt = ext === undefined ? undefined : BY_EXTENSION[ext];
  return byExt ?? sniffFormat(text);
}

/** Content sniffing; anything unrecognised is plain text (its parser gives the best errors). */
export function sniffFormat(text: string): TranscriptFormat {
  const lines = firstNonEmptyLines(text, 2);
  const first = lines[0] ?? '';
  if (/^WEBVTT(?:[ \t]|$)/.test(first)) return 'vtt';
  if (first.startsWith('{') || /^\[\s*(?:[{\]]|$)/.test(first)) return 'json';
  if (SRT_TIMING.test(first)) return 'srt';
  if (/^\d+$/.test(first) && SRT_TIMING.test(lines[1] ?? '')) return 'srt';
  return 'text';
}

function firstNonEmptyLines(text: string, n: number): string[] {
  const out: string[] = [];
  // Only the head of the file matters; avoid splitting a 5 MB string.
  for (const line of text.slice(0, 4096).split(/\r\n|\r|\n/)) {
    const t = line.trim();
    if (t !== '') out.push(t);
    if (out.length === n) break;
  }
  return out;
}
