// The file steps every trained model's loader shares: a manifest read and checked with zod,
// a weights checksum, and the weights split into aligned float32 arrays. Every problem goes
// through the caller's `fail`, which names the model and the command that rebuilds it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export type Fail = (problem: string) => Error;

/** The manifest at `manifestPath`, parsed and checked against `schema`. */
export function readManifest<S extends z.ZodType>(manifestPath: string, schema: S, fail: Fail): z.infer<S> {
  const name = path.basename(manifestPath);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw fail(`${name} is not valid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`${name} field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Checks the weights' bytes against the manifest's sha256. */
export function checkSha256(bin: Buffer, sha256: string, names: { weights: string; manifest: string }, fail: Fail): void {
  if (createHash('sha256').update(bin).digest('hex') !== sha256) throw fail(`${names.weights} does not match the checksum in ${names.manifest}`);
}

/** Splits little-endian float32 weights into arrays of the given element counts, in order. */
export function splitFloat32(bin: Buffer, counts: readonly number[], weightsName: string, fail: Fail): Float32Array[] {
  const out: Float32Array[] = [];
  let offset = 0;
  for (const n of counts) {
    if (offset + n * 4 > bin.byteLength) throw fail(`${weightsName} is truncated`);
    // Copy into an aligned buffer: Buffer slices may start at odd offsets.
    out.push(new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + n * 4)));
    offset += n * 4;
  }
  if (offset !== bin.byteLength) throw fail(`${weightsName} has ${bin.byteLength - offset} extra bytes`);
  return out;
}
