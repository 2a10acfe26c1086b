// Bundles the browser client (client/main.ts → dist/client/app.js, zod and socket.io-client
// included) and copies the static files next to it. Run by `npm run build`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'client');
const STATIC_FILES = ['index.html', 'styles.css'];

/**
 * zod re-exports every message locale (~260 KiB minified) through `z.locales`; the client
 * never switches zod's locale (its messages are for developers, English is configured by
 * default), so the locale index is replaced by one that exports only `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

await mkdir(outDir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'client', 'main.ts')],
  outfile: join(outDir, 'app.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
  plugins: [zodEnglishOnly],
});
// The in-browser pose estimator (@mediapipe/tasks-vision) is a separate ES module that the
// app imports on first use of the video panel, so the main bundle stays small. Its wasm
// runtime and models are served by the server (/vendor/tasks-vision/, /models/pose/).
const pose = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'client', 'pose', 'vision.ts')],
  outfile: join(outDir, 'pose-vision.js'),
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});
await Promise.all(STATIC_FILES.map((f) => copyFile(join(root, 'client', f), join(outDir, f))));

const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
const poseBytes = Object.values(pose.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(
  `client: dist/client/app.js ${(bytes / 1024).toFixed(1)} KiB, pose-vision.js ${(poseBytes / 1024).toFixed(1)} KiB (lazy) + ${STATIC_FILES.join(', ')}`,
);
