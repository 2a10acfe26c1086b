// serve's --models-dir: the model library's folder, resolved as every path flag is.
import path from 'node:path';
import { serveOptions, SERVE_USAGE } from './serve';

describe('serve --models-dir', () => {
  it('is taken from the working directory when given, and left to the server default when not', () => {
    expect(serveOptions(['--models-dir', 'lib'], {}).modelsDir).toBe(path.resolve('lib'));
    expect(serveOptions([], {}).modelsDir).toBeUndefined();
    expect(SERVE_USAGE).toContain('--models-dir DIR');
  });

  it('needs a value, named as every flag is', () => {
    expect(() => serveOptions(['--models-dir'], {})).toThrow(/--models-dir/);
  });
});
