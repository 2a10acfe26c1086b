import type { VerbalClassifier } from '../signals/verbal/types';
import { VerbalRuntime } from './verbalRuntime';

function fake(version: string): VerbalClassifier & { disposed: number } {
  const c = { version, disposed: 0, classify: () => [], dispose: () => void c.disposed++ };
  return c;
}

describe('VerbalRuntime', () => {
  it('runs what replaced it from then on; the replaced model is disposed at once when nothing holds it', () => {
    const a = fake('a');
    const b = fake('b');
    const rt = new VerbalRuntime({ classifier: a, id: 'base', dir: '/a', thresholds: {} });
    rt.replace({ classifier: b, id: 'lib/b', dir: '/b' });
    expect(rt.current).toMatchObject({ classifier: b, id: 'lib/b', dir: '/b', thresholds: {} });
    expect(a.disposed).toBe(1);
    expect(b.disposed).toBe(0);
  });

  it('keeps a held model until its last hold is released, then disposes it once', () => {
    const a = fake('a');
    const rt = new VerbalRuntime({ classifier: a, id: 'base', dir: '/a', thresholds: { resistance: 0.5 } });
    const h1 = rt.hold();
    const h2 = rt.hold();
    rt.replace({ classifier: fake('b'), id: 'lib/b', thresholds: {} });
    expect(h1.classifier).toBe(a);
    expect(h1.thresholds).toEqual({ resistance: 0.5 });
    h1.release();
    h1.release(); // twice counts once
    expect(a.disposed).toBe(0);
    h2.release();
    expect(a.disposed).toBe(1);
    expect(rt.holdsOn(a)).toBe(0);
  });

  it('a change of thresholds alone keeps the model (nothing disposed)', () => {
    const a = fake('a');
    const rt = new VerbalRuntime({ classifier: a, id: 'base', dir: '/a', thresholds: {} });
    rt.replace({ thresholds: { purchase_intent: 0.4 } });
    expect(rt.current.classifier).toBe(a);
    expect(rt.current.thresholds).toEqual({ purchase_intent: 0.4 });
    expect(a.disposed).toBe(0);
  });

  it('the release of a hold on the running model does not dispose it', () => {
    const a = fake('a');
    const rt = new VerbalRuntime({ classifier: a, id: 'base', dir: '/a', thresholds: {} });
    rt.hold().release();
    expect(a.disposed).toBe(0);
    rt.dispose();
    expect(a.disposed).toBe(1);
  });

  it('dispose() leaves a held model to its holder', () => {
    const a = fake('a');
    const rt = new VerbalRuntime({ classifier: a, id: 'base', dir: '/a', thresholds: {} });
    const h = rt.hold();
    rt.dispose();
    expect(a.disposed).toBe(0);
    h.release();
    expect(a.disposed).toBe(1);
    expect(() => rt.replace({ thresholds: {} })).toThrow(/disposed/);
  });
});
