// Picks the TensorFlow.js backend once at start-up: tfjs-node where it installed, else wasm.
// The pure-JS `cpu` backend is never chosen silently (it is 20-30x slower for pose models).
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** Why this backend was chosen, for the start-up log and /api/health. */
  reason: string;
}

let chosen: Promise<BackendInfo> | undefined;

/** Initialises tfjs once per process (per worker thread). `prefer` is for tests and benchmarks. */
export function initTf(prefer?: BackendName): Promise<BackendInfo> {
  chosen ??= pick(prefer);
  return chosen;
}

async function pick(prefer?: BackendName): Promise<BackendInfo> {
  if (prefer === 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
    return { name: 'cpu', reason: 'requested explicitly' };
  }
  if (prefer !== 'wasm') {
    try {
      // Optional dependency: its install downloads libtensorflow, which fails without internet.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional and usually absent: an import() of it would not type-check
      require('@tensorflow/tfjs-node');
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        return { name: 'tensorflow', reason: '@tensorflow/tfjs-node is installed' };
      }
    } catch {
      // fall through to wasm
    }
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(distDir + path.sep);
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('could not start the tfjs wasm backend (and @tensorflow/tfjs-node is not installed)');
  }
  await tf.ready();
  return { name: 'wasm', reason: '@tensorflow/tfjs-node is not installed; using wasm (SIMD, one thread)' };
}
