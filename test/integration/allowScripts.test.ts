// package.json's allowScripts must decide every installed dependency's install scripts: npm 12
// skips the scripts of a dependency it does not name, and better-sqlite3's is what builds the
// SQLite binding. This reads what `npm install` put in node_modules, so it fails when an upgrade
// brings a dependency with an install script that nobody approved or denied.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const readManifest = (file: string): Manifest => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;

/** Every package folder under node_modules (scoped and nested ones too). */
function packageDirs(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      out.push(...packageDirs(full));
      continue;
    }
    if (fs.existsSync(path.join(full, 'package.json'))) out.push(full);
    out.push(...packageDirs(path.join(full, 'node_modules')));
  }
  return out;
}

/** Installed dependencies that have an install script, by name. */
function scriptedDependencies(): Set<string> {
  const names = new Set<string>();
  for (const dir of packageDirs(path.join(root, 'node_modules'))) {
    const m = readManifest(path.join(dir, 'package.json'));
    // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script.
    const implicitGyp = !m.scripts?.install && !m.scripts?.preinstall && fs.existsSync(path.join(dir, 'binding.gyp'));
    if (m.name && (INSTALL_SCRIPTS.some((s) => m.scripts?.[s]) || implicitGyp)) names.add(m.name);
  }
  return names;
}

describe('package.json allowScripts', () => {
  const allow = readManifest(path.join(root, 'package.json')).allowScripts ?? {};

  it('approves or denies every installed dependency that has an install script', () => {
    const undecided = [...scriptedDependencies()].filter((name) => !(name in allow)).sort();
    expect(undecided).toEqual([]);
  });

  it('approves the SQLite binding build, without which the server cannot start', () => {
    expect(allow['better-sqlite3']).toBe(true);
  });

  it('names no package that is not installed with an install script (a stale entry hides nothing, but misleads)', () => {
    const scripted = scriptedDependencies();
    // tfjs-node is optional and fails to install without internet: npm then removes it.
    const stale = Object.keys(allow).filter((name) => name !== '@tensorflow/tfjs-node' && !scripted.has(name));
    expect(stale).toEqual([]);
  });
});
