import fs from 'node:fs';
import { projectPath } from '../../paths';
import { sampleJsonl, writeSample } from './sample';

// Golden file: the committed sample is what the generator makes from its seed. When the
// generator changes on purpose, rewrite it (see fixtures/posture/README.md) and retrain.
describe('fixtures/posture/sample.jsonl', () => {
  it('matches the synthetic generator', () => {
    const file = projectPath('fixtures', 'posture', 'sample.jsonl');
    if (process.env.UPDATE_POSTURE_SAMPLE === '1') writeSample(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(sampleJsonl());
  });
});
