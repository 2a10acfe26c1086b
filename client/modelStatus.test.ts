// The session's model status in words, from its snapshot's modelVersions and the server's
// health: current, older / newer / another model, two models mixed; the outcome of a
// re-analysis and the server's thresholds, in both languages.
import { setLang } from './i18n';
import { modelStatus, outcomeText, reanalyseOutcome, statusText, thresholdsText, versionDate } from './modelStatus';

const A = 'verbal-20261130-ede7e5a6';
const B = 'verbal-20270102-0a1b2c3d';
const P = 'posture-20261129-3df00d1d';
const health = (verbalModel: string, postureModel: string | null = P) => ({ verbalModel, postureModel });

beforeAll(() => {
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});
afterEach(() => setLang('en'));

test('version dates come from the id; an id without one gives none', () => {
  expect(versionDate(A)).toBe('20261130');
  expect(versionDate(P)).toBe('20261129');
  expect(versionDate('my-model')).toBeNull();
  expect(versionDate('verbal-2026-x')).toBeNull();
});

test('a session analysed by the server’s models is current and names them', () => {
  const s = modelStatus({ verbal: [A], posture: [P] }, health(A));
  expect(s).toEqual({ stale: false, kinds: [{ kind: 'verbal', versions: [A], current: A, state: 'current' }, { kind: 'posture', versions: [P], current: P, state: 'current' }] });
  expect(statusText(s)).toBe(`Analysed with ${A} · ${P}`);
  setLang('zh');
  expect(statusText(s)).toBe(`分析所用模型：${A} · ${P}`);
});

test('one model other than the server’s: older or newer by the date in its id, else another', () => {
  const older = modelStatus({ verbal: [A], posture: [] }, health(B));
  expect(older.stale).toBe(true);
  expect(older.kinds.map((k) => k.state)).toEqual(['older']);
  expect(statusText(older)).toBe(`Analysed with an older verbal model (${A}; the server runs ${B})`);
  expect(modelStatus({ verbal: [B], posture: [] }, health(A)).kinds[0]?.state).toBe('newer');
  expect(modelStatus({ verbal: ['verbal-20261130-ffffffff'], posture: [] }, health(A)).kinds[0]?.state).toBe('other');
  const custom = modelStatus({ verbal: ['mine'], posture: [] }, health(A));
  expect(statusText(custom)).toBe(`Analysed with another verbal model (mine; the server runs ${A})`);
  setLang('zh');
  expect(statusText(older)).toBe(`用较旧的言语模型分析（${A}；服务器当前运行 ${B}）`);
});

test('two models of a kind are mixed, whether or not one is the server’s', () => {
  const mixed = modelStatus({ verbal: [B, A], posture: [P] }, health(B));
  expect(mixed.stale).toBe(true);
  expect(mixed.kinds[0]).toEqual({ kind: 'verbal', versions: [A, B], current: B, state: 'mixed' });
  // Only what differs is said: the posture model is the server's.
  expect(statusText(mixed)).toBe(`Mixes 2 verbal models (${A}, ${B}; the server runs ${B})`);
  setLang('zh');
  expect(statusText(mixed)).toBe(`混用了 2 个言语模型（${A}，${B}；服务器当前运行 ${B}）`);
});

test('both kinds off are both said; a posture model the server does not name is not judged', () => {
  const P2 = 'posture-20270101-12345678';
  const both = modelStatus({ verbal: [A], posture: [P] }, health(B, P2));
  expect(statusText(both)).toBe(`Analysed with an older verbal model (${A}; the server runs ${B}) · Analysed with an older posture model (${P}; the server runs ${P2})`);
  const unnamed = modelStatus({ verbal: [A], posture: [P] }, health(A, null));
  expect(unnamed.kinds.map((k) => k.state)).toEqual(['current', 'unchecked']);
  expect(unnamed.stale).toBe(false);
});

test('without health nothing is judged but a mix, which needs no server to tell', () => {
  expect(modelStatus({ verbal: [A], posture: [P] }, null)).toMatchObject({ stale: false, kinds: [{ state: 'unchecked' }, { state: 'unchecked' }] });
  const mixed = modelStatus({ verbal: [A, B], posture: [] }, null);
  expect(mixed.stale).toBe(true);
  expect(statusText(mixed)).toBe(`Mixes 2 verbal models (${A}, ${B})`);
});

test('a session with no signals or cues has no status', () => {
  expect(modelStatus({ verbal: [], posture: [] }, health(A))).toEqual({ kinds: [], stale: false });
});

test('a re-analysis’s outcome names the models and the counts before and after', () => {
  const o = reanalyseOutcome({ signals: 12, cues: 5 }, { signals: new Array(14).fill({}), cues: new Array(6).fill({}), modelVersions: { verbal: [B], posture: [P] } });
  expect(o).toEqual({ models: [B, P], signals: [12, 14], cues: [5, 6] });
  expect(outcomeText(o)).toBe(`Re-analysed with ${B}, ${P}: signals 12 → 14, cues 5 → 6.`);
  const none = reanalyseOutcome({ signals: 1, cues: 0 }, { signals: [], cues: [], modelVersions: { verbal: [], posture: [] } });
  expect(outcomeText(none)).toBe('Re-analysed: signals 1 → 0, cues 0 → 0.');
  setLang('zh');
  expect(outcomeText(o)).toBe(`已用 ${B}，${P} 重新分析：信号 12 → 14，提示 5 → 6。`);
});

test('thresholds are named by their labels in the language shown; none gives nothing', () => {
  expect(thresholdsText({})).toBe('');
  expect(thresholdsText(undefined)).toBe('');
  expect(thresholdsText({ resistance: 0.6, purchase_intent: 0.45 })).toBe('Signal thresholds: Resistance ≥ 0.6, Purchase intent ≥ 0.45');
  setLang('zh');
  expect(thresholdsText({ resistance: 0.6, purchase_intent: 0.45 })).toBe('信号阈值：抗拒 ≥ 0.6，购买意向 ≥ 0.45');
});

test('signals made under other signal thresholds than the server’s: stale, said in both languages; not known: not claimed', () => {
  const server = { verbalModel: A, postureModel: P, signalThresholds: { resistance: 0.6 } };
  const other = modelStatus({ verbal: [A], posture: [], thresholds: [{}] }, server);
  expect(other.stale).toBe(true);
  expect(statusText(other)).toBe('Its signals were made under other signal thresholds (none; the server runs Resistance ≥ 0.6)');
  setLang('zh');
  expect(statusText(other)).toBe('其信号是在其他信号阈值下生成的（不设；服务器当前运行 抗拒 ≥ 0.6）');
  setLang('en');
  const mixed = modelStatus({ verbal: [A], posture: [], thresholds: [{ resistance: 0.6 }, {}] }, server);
  expect(mixed.stale).toBe(true);
  expect(statusText(mixed)).toBe('Its signals were made under 2 sets of signal thresholds (Resistance ≥ 0.6 / none; the server runs Resistance ≥ 0.6)');
  // The same thresholds, in another order: current.
  const same = modelStatus({ verbal: [A], posture: [], thresholds: [{ resistance: 0.6, discount_request: 0.5 }] }, { ...server, signalThresholds: { discount_request: 0.5, resistance: 0.6 } });
  expect(same.stale).toBe(false);
  // Not recorded (analysed before the server kept them, an older archive), or the server's not known: nothing claimed.
  expect(modelStatus({ verbal: [A], posture: [], thresholds: [] }, server).stale).toBe(false);
  expect(modelStatus({ verbal: [A], posture: [] }, server).stale).toBe(false);
  expect(modelStatus({ verbal: [A], posture: [], thresholds: [{}] }, { verbalModel: A, postureModel: P }).stale).toBe(false);
  // With an older model too: both said.
  expect(statusText(modelStatus({ verbal: [A], posture: [], thresholds: [{}] }, { ...server, verbalModel: B }))).toBe(
    `Analysed with an older verbal model (${A}; the server runs ${B}) · Its signals were made under other signal thresholds (none; the server runs Resistance ≥ 0.6)`,
  );
});
