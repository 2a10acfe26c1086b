// Loads tfjs graph models from local files: the estimator never downloads anything at run
// time. pose-detection's `detectorModelUrl` / `landmarkModelUrl` / `modelUrl` accept an
// io.IOHandler in place of a URL, which is what this builds.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { PoseModelMissingError } from './errors';

/** An IOHandler reading `<stem>.json` and the weight files its manifest names, relative to it. */
export function localModelHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = path.dirname(modelJsonPath);
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const json = JSON.parse(await fs.promises.readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new Error(`${modelJsonPath} is not a tfjs model.json (no modelTopology / weightsManifest)`);
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const bytes = await fs.promises.readFile(path.join(dir, p));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          }
        }
        // WeightData may be a list of buffers: no need to copy them into one.
        return [specs, buffers];
      });
    },
  };
}

/** Checks the model files exist before loading, so the error names them and the fix. */
export function assertModelFiles(modelDir: string, stems: readonly string[]): void {
  const missing = stems
    .flatMap((s) => [`${s}.json`, `${s}.bin`])
    .filter((f) => !fs.existsSync(path.join(modelDir, f)));
  if (missing.length > 0) throw new PoseModelMissingError(missing, modelDir);
}
