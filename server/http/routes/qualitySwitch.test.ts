// GET /api/quality's measurement across a switch of the running verbal model: it finishes on the
// model it started with (held, not disposed under it), which is disposed once it is done; the
// next question measures the new model (the running model is part of the question).
import { VerbalRuntime } from '../../models/verbalRuntime';
import { SessionService } from '../../pipeline/sessionService';
import { priceStandIn } from '../../signals/verbal/priceStandIn.testkit';
import { SqliteStore } from '../../store/sqliteStore';
import { QualityMeasurements } from './quality';

const model = priceStandIn;

test('a measurement under way holds its model through a switch; the next one measures the new model', async () => {
  let armed = false;
  const box: { runtime?: VerbalRuntime } = {};
  let disposedAtSwitch = -1;
  const b = model('verbal-b');
  const a = model('verbal-a', () => {
    // The switch comes while the measurement runs the old model.
    if (!armed) return;
    armed = false;
    box.runtime!.replace({ classifier: b, id: 'lib/b' });
    disposedAtSwitch = a.disposed;
  });
  const runtime = new VerbalRuntime({ classifier: a, id: 'base', dir: '', thresholds: {} });
  box.runtime = runtime;
  const store = new SqliteStore(':memory:');
  let t = 1000;
  const service = new SessionService({ store, verbal: runtime, now: () => t++ });
  const id = service.createSession({ participants: [{ name: 'Li', role: 'customer' }] }).id;
  for (let i = 0; i < 6; i++) {
    const u = service.addUtterance(id, { speaker: 'Li', text: i % 2 ? `What is the price of ${i}?` : `Fine, thanks ${i}.`, startMs: i * 1000, endMs: i * 1000 + 500 }).utterance;
    service.correct(id, u.id, { label: i % 2 ? 'price_inquiry' : 'neutral' }, t++);
  }
  const quality = new QualityMeasurements({ service });
  try {
    armed = true;
    const first = await quality.measure(null, 100);
    expect(armed).toBe(false);
    // Still held by the measurement when the switch came: not disposed under it.
    expect(disposedAtSwitch).toBe(0);
    expect(first.verbal.modelVersion).toBe('verbal-a');
    expect(a.usedDisposed).toBe(0);
    // Released as the measurement ends (its bookkeeping runs just after the answer).
    await new Promise((r) => setImmediate(r));
    expect(a.disposed).toBe(1);
    expect(runtime.holdsOn(a)).toBe(0);
    const second = await quality.measure(null, 100);
    expect(second.verbal.modelVersion).toBe('verbal-b');
    expect(b.disposed).toBe(0);
  } finally {
    await quality.close();
    store.close();
  }
});
