// A small strict flag parser for the CLI: unknown flags and missing values are errors.
import fs from 'node:fs';

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
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string>;
  switches: Set<string>;
}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: {}, switches: new Set() };
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
      out.values[name] = v;
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
