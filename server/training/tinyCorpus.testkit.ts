// A small corpus for tests that run a real training job in seconds: every k-th row of the
// project's corpus (so every label is in it), written to `dir`.
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../paths';

export function writeTinyCorpus(dir: string, rows = 200): string {
  const lines = fs.readFileSync(projectPath('fixtures', 'verbal', 'corpus.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const step = Math.max(1, Math.floor(lines.length / rows));
  const picked = lines.filter((_, i) => i % step === 0).slice(0, rows);
  const file = path.join(dir, 'tiny-corpus.jsonl');
  fs.writeFileSync(file, picked.join('\n') + '\n');
  return file;
}
