// Where the project's files live, found from this module (works from server/ under jest and
// from dist/server/ when built), so commands behave the same from any working directory.
import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root (package.json) above ${__dirname}`);
    dir = up;
  }
  root = dir;
  return dir;
}

export const projectPath = (...parts: string[]): string => path.join(projectRoot(), ...parts);

/** A path inside the project relative to it (as the committed metrics record it), any other one whole: not `../../../tmp/x`. */
export function shownPath(file: string): string {
  const rel = path.relative(projectRoot(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel;
}
