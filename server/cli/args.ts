// A small strict flag parser for the CLI: unknown flags and missing values are errors.
import fs from 'node:fs';
import { VERBAL_LABELS } from '../../protocol/protocol';
import { folderState, type ModelKind } from '../signals/modelFolder';
import { checkSignalThresholds, type SignalThresholds } from '../signals/verbal/decision';

export class UsageError extends Error {
  /** @param hasUsage the message already ends with the usage to show, so none is appended. */
  constructor(
    message: string,
    readonly hasUsage = false,
  ) {
    super(message);
  }
}

export interface FlagSpec {
  /** Flags that take a value, e.g. ['port', 'db']. */
  values?: readonly string[];
  /** Flags that are switches, e.g. ['json']. */
  switches?: readonly string[];
  /**
   * Value flags (also in `values`) that take a comma-separated list and may be given more than
   * once: their values are joined with commas (`--by a --by b,c` reads as "a,b,c").
   */
  lists?: readonly string[];
  /**
   * Value flags (also in `values`) that may be given more than once, each value kept whole in
   * `repeated` (a file path may hold a comma, so they are not joined as `lists` are).
   */
  repeated?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string>;
  switches: Set<string>;
  /** Every value of a `repeated` flag, in the order given (`values` holds the last). */
  repeated: Record<string, string[]>;
}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: {}, switches: new Set(), repeated: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.switches?.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out.switches.add(name);
    } else if (spec.values?.includes(name)) {
      const v = inline ?? args[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      const before = out.values[name];
      out.values[name] = before !== undefined && spec.lists?.includes(name) ? `${before},${v}` : v;
      if (spec.repeated?.includes(name)) (out.repeated[name] ??= []).push(v);
    } else {
      const known = [...(spec.values ?? []), ...(spec.switches ?? [])].map((f) => `--${f}`).join(', ');
      throw new UsageError(`unknown option --${name}${known ? ` (known: ${known})` : ''}`);
    }
  }
  return out;
}

/** Parses an integer flag within [min, max], naming the flag and the range on failure. */
export function intFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: Number('') is 0, so `--port=` (or an empty $PORT) meant "any free port", and '0x10' was 16.
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Refuses, as a usage error, an input file that is missing or is a folder (else: "EISDIR: illegal operation ..."). */
export function requireFile(file: string): void {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`no such file: ${file}`);
  if (stat.isDirectory()) throw new UsageError(`${file} is a folder; expected a file`);
}

/** How --out is checked, for both targets' usage. */
export function outRule(kind: ModelKind): string {
  return `--out: a new or empty folder, or one holding a ${kind} model (replaced); --force: write into a folder holding other files or the other kind of model`;
}

const listed = (entries: readonly string[]): string => (entries.length > 5 ? `${entries.slice(0, 5).join(', ')} and ${entries.length - 5} more` : entries.join(', '));

/**
 * Refuses, before any training, an --out the model cannot go to or should not: a file or a
 * path under one; without --force, a folder holding the other kind of model or other files
 * (the models share file names, so writing there would destroy them). A missing folder is
 * created, an empty one or one holding a model of the same kind is written into.
 */
export function checkOutFolder(kind: ModelKind, out: string, force: boolean): void {
  const s = folderState(out);
  if (s.state === 'file') throw new UsageError(`--out ${out} is a file; expected a folder for the ${kind} model`);
  if (s.state === 'missing' && s.fileAncestor) throw new UsageError(`--out ${out} is under ${s.fileAncestor}, which is a file, not a folder`);
  if (force || s.state === 'missing' || s.state === 'empty' || (s.state === 'model' && s.kind === kind)) return;
  if (s.state === 'model') {
    throw new UsageError(`--out ${out} holds a ${s.kind} model (${listed(s.entries)}); training ${kind} there would replace it: choose another folder, or add --force`);
  }
  throw new UsageError(`--out ${out} holds files that are not a ${kind} model (${listed(s.entries)}); choose a new or empty folder, or add --force to write the model beside them`);
}

/** A comma-separated list flag's names, trimmed and each once; an empty one is a usage error. */
export function listFlag(value: string | undefined, name: string): string[] {
  if (value === undefined) return [];
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--${name}: an empty name in "${value}" (give names separated by commas)`);
  return [...new Set(names)];
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `--thresholds` of eval verbal, serve and analyze: "0.5" (every signal label) or
 * "resistance=0.6,purchase_intent=0.4". One parser, so all three take and refuse the same text.
 */
export function parseThresholds(text: string): SignalThresholds {
  const num = (s: string, what: string): number => {
    // Decimal forms only (0.5, .5, 1e-1): Number() alone also takes '0x1', '0b1', '0o1' and '' (0).
    const n = DECIMAL.test(s.trim()) ? Number(s) : NaN;
    if (!Number.isFinite(n)) throw new UsageError(`--thresholds: ${what} "${s}" is not a number from 0 to 1`);
    return n;
  };
  const out: Record<string, number> = {};
  if (!text.includes('=')) {
    const t = num(text, 'value');
    for (const l of VERBAL_LABELS) if (l !== 'neutral') out[l] = t;
  } else {
    for (const part of text.split(',')) {
      const [label = '', value = '', ...rest] = part.split('=');
      const name = label.trim();
      if (rest.length || !part.includes('=')) {
        throw new UsageError(`--thresholds: "${part}" is not label=number (give one number for every label, or label=number pairs, not both)`);
      }
      if (Object.hasOwn(out, name)) throw new UsageError(`--thresholds: ${name} is given twice`);
      out[name] = num(value, `value for ${name}`);
    }
  }
  try {
    return checkSignalThresholds(out);
  } catch (e) {
    throw new UsageError(`--thresholds: ${(e as Error).message}`);
  }
}
