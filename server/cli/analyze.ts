// `buying-signals analyze FILE`: a transcript file in, the annotated transcript and cues out,
// through the same pipeline the server runs (with an in-memory store).
import fs from 'node:fs';
import { normalizeSpeakerName, RoleSchema, type Participant, type Role, type SessionSnapshot, type UtteranceIn } from '../../protocol/protocol';
import { parseTranscript, TRANSCRIPT_FORMATS, TranscriptError, type TranscriptFormat } from '../ingest';
import { archiveAsTranscript } from '../ingest/archive';
import { initTf } from '../runtime/backend';
import { loadVerbalClassifier } from '../signals/verbal/model';
import { withModelAdvice } from '../signals/modelFolder';
import { SqliteStore } from '../store/sqliteStore';
import { SessionService } from '../pipeline/sessionService';
import { projectPath } from '../paths';
import { parseArgs, parseThresholds, requireFile, UsageError } from './args';
import { DEFAULT_PIPELINE_OPTIONS } from '../pipeline/sessionPipeline';
import { describeThresholds, type SignalThresholds } from '../signals/verbal/decision';
import type { CliIO } from './io';
import { PHOTO_FILE, runAnalyzePhotos } from './analyzePhotos';
import type { EvalPeople } from '../signals/posture/evalPosture';
import type { PoseModelName } from '../signals/pose';
import type { VerbalClassifier } from '../signals/verbal/types';
import {
  compareTranscriptRuns,
  formatPooledCompare,
  formatTranscriptCompare,
  poolTranscriptCompares,
  type TranscriptCompareReport,
  type TranscriptsCompareReport,
} from '../eval/transcriptCompare';

/** The most transcripts one `analyze --compare` takes (a shell glob can expand to many). */
export const MAX_COMPARE_FILES = 1000;

export const ANALYZE_USAGE = `usage: buying-signals analyze FILE|- [--format vtt|srt|json|text] [--roles "Name=customer,Other=rep"] [--thresholds T] [--json] [--model DIR]
       buying-signals analyze FILE... --compare DIR [--format F] [--roles R] [--thresholds T] [--json] [--model DIR]
       buying-signals analyze PHOTO... [--people participant|all] [--pose-model M] [--json] [--model DIR]
  a transcript (- reads it from standard input), or a session archive (GET /api/sessions/:id/archive, its turns and roles): the annotated turns and cues; photos (.jpg .png .webp .tif .gif .avif): each person's
  posture labels and scores, judged on the photo alone (--model is then the posture model's folder)
  --thresholds: least score a customer's predicted signal needs, else the turn gives no signal, as
    serve --thresholds: 0.5 (every signal label) or resistance=0.6,purchase_intent=0.4; default none
  --compare DIR: run the transcript twice, with --model (A) and the verbal model in DIR (B), and list
    what B changes: customer turns whose signal differs, cues only one emitted, and a summary. Needs
    no labels, so it says nothing of which is right: eval verbal --compare on labelled rows says that.
    It takes several transcripts (FILE..., at most ${MAX_COMPARE_FILES.toLocaleString('en')}): each one's report, then a summary pooled over
    all; one that cannot be read or parsed is named and left out, the others go on (exit 1)`;

/**
 * `--roles "Name=customer,Other=rep"`. A name given twice is refused (the last role silently
 * won), and so is an empty part (`,,` meant no roles at all); `__proto__` is a name like any
 * other (assigned as a key, it set the object's prototype and its role was lost).
 */
export function parseRoles(spec: string): Record<string, Role> {
  const roles: Record<string, Role> = {};
  for (const part of spec.split(',').map((s) => s.trim())) {
    if (part === '') throw new UsageError(`--roles: an empty part in "${spec}" (give Name=customer or Name=rep, separated by commas)`);
    const eq = part.lastIndexOf('=');
    // Named as the transcript's speakers are (the protocol's one rule), so they match.
    const name = normalizeSpeakerName(part.slice(0, eq));
    const role = RoleSchema.safeParse(part.slice(eq + 1).trim());
    if (eq <= 0 || !name || !role.success) throw new UsageError(`--roles: "${part}" must look like Name=customer or Name=rep`);
    if (Object.hasOwn(roles, name)) throw new UsageError(`--roles: "${name}" is given twice`);
    Object.defineProperty(roles, name, { value: role.data, enumerable: true, writable: true, configurable: true });
  }
  return roles;
}

export async function runAnalyze(args: string[], io: CliIO): Promise<number> {
  const a = parseArgs(args, { values: ['format', 'roles', 'model', 'people', 'pose-model', 'thresholds', 'compare'], switches: ['json'] });
  const photos = a.positionals.filter((f) => PHOTO_FILE.test(f));
  if (photos.length > 0) {
    if (photos.length !== a.positionals.length) {
      const others = a.positionals.filter((f) => !PHOTO_FILE.test(f));
      throw new UsageError(`analyze takes transcripts or photos, not both; not photos (by their names): ${listed(others)}\n${ANALYZE_USAGE}`);
    }
    if (a.values.compare !== undefined) {
      throw new UsageError(`--compare is for transcripts, not photos (compare posture models on labelled photos with eval posture --compare DIR)\n${ANALYZE_USAGE}`);
    }
    if (a.values.format || a.values.roles || a.values.thresholds !== undefined) throw new UsageError('--format, --roles and --thresholds are for transcripts, not photos');
    return runAnalyzePhotos(
      photos,
      {
        people: (a.values.people ?? 'participant') as EvalPeople,
        poseModel: (a.values['pose-model'] ?? 'blazepose-full') as PoseModelName,
        ...(a.values.model ? { modelDir: a.values.model } : {}),
        json: a.switches.has('json'),
      },
      io,
    );
  }
  if (a.values.people || a.values['pose-model']) throw new UsageError('--people and --pose-model are for photos, not transcripts');
  const compareDir = a.values.compare;
  if (compareDir === undefined && a.positionals.length !== 1) throw new UsageError(`analyze takes one transcript file\n${ANALYZE_USAGE}`);
  if (compareDir !== undefined && a.positionals.length === 0) throw new UsageError(`analyze --compare takes one or more transcript files\n${ANALYZE_USAGE}`);
  if (a.positionals.length > MAX_COMPARE_FILES) {
    throw new UsageError(
      `analyze --compare takes at most ${MAX_COMPARE_FILES.toLocaleString('en')} transcript files, got ${a.positionals.length.toLocaleString('en')}; compare them in batches`,
    );
  }
  const several = a.positionals.length > 1;
  if (several && a.positionals.includes('-')) throw new UsageError('- (standard input) can only be the one transcript, not one of several');
  const format = a.values.format;
  if (format !== undefined && !(TRANSCRIPT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${TRANSCRIPT_FORMATS.join(', ')}, got "${format}"`);
  }
  if (compareDir !== undefined && compareDir.trim() === '') throw new UsageError('--compare needs a verbal model folder, got an empty value');
  const roles = a.values.roles ? parseRoles(a.values.roles) : {};
  const thresholds = a.values.thresholds === undefined ? DEFAULT_PIPELINE_OPTIONS.signalThresholds : parseThresholds(a.values.thresholds);
  const read = (file: string): Transcript => {
    // `-`: the transcript from standard input (a pipe); its format from --format or its content.
    const stdin = file === '-';
    const raw = stdin ? (io.readStdin ?? (() => fs.readFileSync(0)))() : fs.readFileSync(file);
    // A session archive (GET /api/sessions/:id/archive): its turns, read as the JSON transcript export is.
    const archived = format === undefined || format === 'json' ? archiveAsTranscript(raw) : undefined;
    const bytes = archived ?? raw;
    const parsed = parseTranscript(bytes, { ...(stdin || archived ? {} : { filename: file }), ...(archived ? { format: 'json' as const } : format ? { format: format as TranscriptFormat } : {}) });
    return { parsed, source: stdin ? 'standard input' : file, title: parsed.title ?? (stdin ? 'standard input' : file) };
  };
  const transcripts: Transcript[] = [];
  const unreadable: { file: string; error: string }[] = [];
  if (!several) {
    // One file, as ever: a missing one is a usage error, one that does not parse stops the command (exit 1).
    const file = a.positionals[0]!;
    if (file !== '-') requireFile(file);
    transcripts.push(read(file));
  } else {
    // Several, as analyze's photos and eval posture do: missing files and folders are all named
    // before anything runs, and the command stops; a file that cannot be read or parsed is named,
    // left out, and the others go on (exit 1).
    const missing = a.positionals.flatMap((f) => {
      try {
        requireFile(f);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    if (missing.length) throw new UsageError(missing.length === 1 ? missing[0]! : `${missing.length} of the transcripts are not files:\n  ${missing.join('\n  ')}`);
    for (const file of a.positionals) {
      try {
        transcripts.push(read(file));
      } catch (e) {
        if (!(e instanceof TranscriptError) && typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
        unreadable.push({ file, error: (e as Error).message });
        io.err(`${file}: could not be read (${(e as Error).message})`);
      }
    }
    if (transcripts.length === 0) throw new Error(`none of the ${a.positionals.length} transcripts could be read`);
  }
  // A misspelt name would otherwise leave the real customer without a role, and 0 signals, silently.
  const speakers = [...new Set(transcripts.flatMap((t) => t.parsed.participants.map((p) => p.name)))];
  const unknown = Object.keys(roles).filter((name) => !speakers.includes(name));
  if (unknown.length) {
    const where = several ? `any of the ${transcripts.length} transcripts read` : transcripts[0]!.source;
    throw new UsageError(
      `--roles names ${unknown.map((n) => `"${n}"`).join(', ')}, not a speaker in ${where}; ${several ? 'their' : 'its'} speakers are: ${speakers.map((n) => `"${n}"`).join(', ') || '(none)'}`,
    );
  }

  await initTf();
  const advice = { posture: 'a posture model judges photos: `analyze PHOTO... --model DIR`' };
  const modelGiven = a.values.model ?? 'models/verbal';
  // Each model is loaded once, whatever the number of transcripts.
  const classifier = withModelAdvice(() => loadVerbalClassifier({ modelDir: a.values.model ?? projectPath('models', 'verbal') }), advice);
  const loaded: VerbalClassifier[] = [classifier];
  try {
    // B is loaded, and refused as --model is, before anything runs.
    const other = compareDir === undefined ? undefined : withModelAdvice(() => loadVerbalClassifier({ modelDir: compareDir }), advice);
    if (other) loaded.push(other);
    const run = (c: VerbalClassifier, t: Transcript) =>
      analyzeOnce(c, {
        title: t.title,
        utterances: t.parsed.utterances,
        participants: t.parsed.participants.map((p) => ({ name: p.name, role: roles[p.name] ?? p.role })),
        warnings: t.parsed.warnings,
        thresholds,
      });
    if (!other || compareDir === undefined) {
      const t = transcripts[0]!;
      const { snap, cueMin } = run(classifier, t);
      if (a.switches.has('json')) io.out(JSON.stringify({ ...snap, modelVersion: classifier.version, signalThresholds: thresholds, warnings: t.parsed.warnings }));
      else io.out(renderAnalysis(snap, t.parsed.warnings, classifier.version, cueMin, thresholds));
      return 0;
    }
    const json = a.switches.has('json');
    const reports: TranscriptCompareReport[] = [];
    transcripts.forEach((t, i) => {
      const { snap, cueMin } = run(classifier, t);
      const report = compareTranscriptRuns(snap, run(other, t).snap, {
        transcript: t.source,
        a: { modelVersion: classifier.version, model: modelGiven },
        b: { modelVersion: other.version, model: compareDir },
        signalThresholds: thresholds,
        cueMinSignalScore: cueMin,
        warnings: t.parsed.warnings,
      });
      reports.push(report);
      // Each file's report as it is done (a long batch shows progress); one file prints just its report, as ever.
      if (!json) io.out(several ? `${i ? '\n' : ''}=== ${t.source} (${i + 1} of ${transcripts.length}) ===\n${formatTranscriptCompare(report)}` : formatTranscriptCompare(report));
    });
    if (!several) {
      if (json) io.out(JSON.stringify(reports[0]));
      return 0;
    }
    const pooled = poolTranscriptCompares(reports);
    if (json) {
      const out: TranscriptsCompareReport = { schema: 1, compare: 'transcripts', files: reports, pooled, unreadable };
      io.out(JSON.stringify(out));
    } else io.out(`\n=== pooled ===\n${formatPooledCompare(pooled, reports[0]!, unreadable)}`);
    return unreadable.length ? 1 : 0;
  } finally {
    for (const c of loaded) c.dispose();
  }
}

interface Transcript {
  parsed: ReturnType<typeof parseTranscript>;
  /** The file as given, or `standard input`. */
  source: string;
  title: string;
}

const listed = (files: readonly string[]): string => (files.length > 5 ? `${files.slice(0, 5).join(', ')} and ${files.length - 5} more` : files.join(', '));

/** One run of the whole pipeline (an in-memory store) over a transcript: the session's snapshot. */
function analyzeOnce(
  classifier: VerbalClassifier,
  t: { title: string; utterances: readonly UtteranceIn[]; participants: readonly Participant[]; warnings: string[]; thresholds: SignalThresholds },
): { snap: SessionSnapshot; cueMin: number } {
  const store = new SqliteStore(':memory:');
  try {
    const service = new SessionService({ store, classifier, now: Date.now, options: { ...DEFAULT_PIPELINE_OPTIONS, signalThresholds: t.thresholds } });
    const session = service.createSession({ title: t.title });
    service.uploadNow(session.id, t.utterances, t.participants, t.warnings);
    return { snap: service.snapshot(session.id), cueMin: service.cueMinSignalScore };
  } finally {
    store.close();
  }
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const mmss = (ms: number) => `${String(Math.floor(ms / 60000)).padStart(2, '0')}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;

/**
 * The annotated transcript. A signal below the score a cue needs (`cueMin`) is marked uncertain,
 * as the browser client marks it: it is stored but raises no cue.
 */
export function renderAnalysis(snap: SessionSnapshot, warnings: string[], modelVersion: string, cueMin: number, thresholds: SignalThresholds = {}): string {
  const held = describeThresholds(thresholds);
  // Thresholds drop signals, so a reader of the output is told they were in force.
  const lines: string[] = [`model ${modelVersion}${held ? `; signal thresholds: ${held} (a customer turn scoring under its label's gives no signal)` : ''}`];
  const sigByUtt = new Map(snap.signals.flatMap((s) => (s.kind === 'verbal' ? [[s.utteranceId, s] as const] : [])));
  const cuesByMs = new Map<number, typeof snap.cues>();
  for (const c of snap.cues) cuesByMs.set(c.mediaMs, [...(cuesByMs.get(c.mediaMs) ?? []), c]);
  for (const w of warnings) lines.push(`warning: ${w}`);
  if (snap.unassignedSpeakers.length) {
    lines.push(`assign a role to: ${snap.unassignedSpeakers.join(', ')} (their turns give no signals; use --roles "Name=customer,Other=rep")`);
  }
  for (const u of snap.utterances) {
    lines.push(`[${mmss(u.startMs)}] ${u.speaker} (${u.role ?? 'no role'}): ${u.text}`);
    const s = sigByUtt.get(u.id);
    if (s && s.score >= cueMin) lines.push(`         ▲ ${s.label} ${s.score.toFixed(2)}`);
    else if (s) lines.push(`         △ ${s.label} ${s.score.toFixed(2)}? (uncertain: below the ${cueMin.toFixed(2)} a cue needs)`);
    for (const c of cuesByMs.get(u.startMs) ?? []) {
      if (!c.evidence.some((e) => e.utteranceId === u.id)) continue;
      lines.push(`         ★ ${c.type} (${c.reason}, ${c.score.toFixed(2)}): ${c.title.en} / ${c.title.zh}`);
      lines.push(`           ${c.technique}: ${c.tip.en}`);
    }
  }
  lines.push('', [count(snap.utterances.length, 'utterance'), count(snap.signals.length, 'signal'), count(snap.cues.length, 'cue')].join(', '));
  return lines.join('\n');
}
