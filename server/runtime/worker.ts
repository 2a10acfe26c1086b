// Starts a worker thread on a module next to the caller. Built code runs the .js directly;
// under jest (or ts-node-less dev) only the .ts exists, so an eval'd bootstrap registers
// @swc/core for .ts requires and loads it.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** `dir` and `name` locate the entry (`dir/name.js` when built, `dir/name.ts` from source). */
export function startModuleWorker(dir: string, name: string, workerData: unknown): Worker {
  const js = path.join(dir, `${name}.js`);
  if (!__filename.endsWith('.ts')) return new Worker(js, { workerData });
  const entry = path.join(dir, `${name}.ts`);
  const bootstrap = `
    const fs = require('node:fs');
    const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
    require.extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, sourceMaps: 'inline', module: { type: 'commonjs' },
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}
