import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../paths';
import { initTf } from '../../runtime/backend';
import { localModelHandler } from './localModel';

const modelDir = projectPath('models', 'pose');

describe('localModelHandler', () => {
  beforeAll(() => initTf('wasm'));

  it('loads model.json and its weight file from disk', async () => {
    const artifacts = await localModelHandler(path.join(modelDir, 'blazepose-detector.json')).load!();
    expect(artifacts.format).toBe('graph-model');
    expect(artifacts.modelTopology).toBeDefined();
    expect(artifacts.weightSpecs!.length).toBeGreaterThan(10);
    const buffers = [artifacts.weightData!].flat();
    const bytes = buffers.reduce((n, b) => n + b.byteLength, 0);
    expect(bytes).toBe(fs.statSync(path.join(modelDir, 'blazepose-detector.bin')).size);
  });

  it('gives a graph model tfjs can run', async () => {
    const model = await tf.loadGraphModel(localModelHandler(path.join(modelDir, 'movenet-lightning.json')));
    const out = tf.tidy(() => model.predict(tf.zeros([1, 192, 192, 3], 'int32')) as tf.Tensor);
    expect(out.shape).toEqual([1, 1, 17, 3]);
    out.dispose();
    model.dispose();
  });

  it('says which file is not a tfjs model', async () => {
    const file = path.join(__dirname, 'constants.ts');
    await expect(localModelHandler(file).load!()).rejects.toThrow(/constants\.ts|JSON/);
  });
});
