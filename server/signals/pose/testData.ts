// Test helper: the real photos in ../shared/data/posture are read at run time to measure,
// never copied into the repository; suites that need them skip (loudly) where absent.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../paths';

/** `../shared/data/posture` next to the checkout; BUYING_SIGNALS_POSTURE_DATA overrides it (e.g. from a git worktree). */
export const POSTURE_DATA_DIR = process.env.BUYING_SIGNALS_POSTURE_DATA ?? path.resolve(projectRoot(), '..', 'shared', 'data', 'posture');

export function postureImagePath(name: string): string {
  return path.join(POSTURE_DATA_DIR, 'images', name);
}

// Looked up at call time so this module needs no jest types (tsconfig.build.json compiles it).
type Suite = (name: string, fn: () => void) => void;
const jestGlobals = (): { describe: Suite & { skip: Suite } } =>
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- only unnecessary under tsconfig.json's jest types; tsconfig.build.json has no `describe` on globalThis
  globalThis as unknown as { describe: Suite & { skip: Suite } };

/** `describe` when ../shared/data/posture exists, else `describe.skip` with a console note. */
export function describeWithPostureData(name: string, fn: () => void): void {
  if (fs.existsSync(path.join(POSTURE_DATA_DIR, 'images'))) {
    jestGlobals().describe(name, fn);
  } else {
    console.log(`skipped: ../shared/data/posture not present (${name})`);
    jestGlobals().describe.skip(name, fn);
  }
}
