// Event-loop max delay and total time of a role change's re-analysis on a one-hour session
// (18,000 landmark frames at 5 fps for one customer, plus the demo's words every 150 s).
// Needs `npm run build`. Run on a quiet machine: the figures are wall-clock.
//   node scripts/measure-reanalysis.cjs            (FRAMES=18000, OTHER=0 to drop the other session)
const { monitorEventLoopDelay, performance } = require('perf_hooks');
const ROOT = process.env.ROOT || require('path').resolve(__dirname, '..');
const D = ROOT + '/dist/server';
const { initTf } = require(D + '/runtime/backend.js');
const { SqliteStore } = require(D + '/store/sqliteStore.js');
const { SessionService } = require(D + '/pipeline/sessionService.js');
const { loadVerbalClassifier } = require(D + '/signals/verbal/model.js');
const { loadPostureClassifier } = require(D + '/signals/posture/model.js');
const { loadDemoMeeting } = require(D + '/demo/demo.js');
(async () => {
  await initTf();
  const classifier = loadVerbalClassifier({ modelDir: ROOT + '/models/verbal' });
  const posture = loadPostureClassifier({ modelDir: ROOT + '/models/posture' });
  const demo = loadDemoMeeting();
  const N = Number(process.env.FRAMES || 18000);
  const store = new SqliteStore(':memory:');
  const service = new SessionService({ store, classifier, posture, now: Date.now });
  const people = demo.participants.map((p) => p.name);
  const cust = demo.posture.participant;
  const s = service.createSession({ title: 'long', participants: people.map((name) => ({ name, role: 'rep' })) });
  const frames = demo.posture.frames;
  const lap = 150_000;
  const words = [];
  for (let t = 0; t < N * 200; t += lap) for (const u of demo.utterances) if (u.startMs < lap) words.push({ ...u, startMs: u.startMs + t, endMs: (u.endMs ?? u.startMs) + t });
  let w = 0;
  for (let i = 0; i < N; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + 100); j++) batch.push({ participant: cust, mediaMs: j * 200, poses: frames[j % frames.length].poses, aspect: demo.posture.aspect });
    const until = Math.min(N, i + 100) * 200;
    const turns = [];
    while (w < words.length && words[w].startMs < until) turns.push(words[w++]);
    if (turns.length) service.upload(s.id, turns, []);
    service.addLandmarksBatch(s.id, batch, 'browser');
  }
  // Another session taking live turns meanwhile, one every 5 ms: how long each waits.
  const other = service.createSession({ title: 'other', participants: [{ name: 'C', role: 'customer' }] }).id;
  let n = 0;
  let worstTurn = 0;
  let due = performance.now() + 5;
  const iv = setInterval(() => {
    if (process.env.OTHER === '0') return;
    const late = performance.now() - due;
    worstTurn = Math.max(worstTurn, late);
    service.addUtterance(other, { speaker: 'C', text: 'How much is it?', startMs: n * 1000, endMs: n * 1000 + 500 });
    n++;
    due = performance.now() + 5;
  }, 5);
  await new Promise((r) => setTimeout(r, 100));
  worstTurn = 0;
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram's timer takes its first reading on the loop's next turns: only then is a held loop measured.
  await new Promise((r) => setTimeout(r, 20));
  // The loop's longest turns while it runs, by the wall clock and by this process's CPU time
  // (the machine is shared: the wall clock also counts time other processes had the cores).
  let ticking = true;
  let worstWall = 0;
  let worstCpu = 0;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const tick = () => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    worstWall = Math.max(worstWall, wall - lastWall);
    worstCpu = Math.max(worstCpu, (cpu.user + cpu.system) / 1000);
    lastWall = wall;
    lastCpu = process.cpuUsage();
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const snap = await service.setRoles(s.id, { [cust]: 'customer' });
  const cpuAll = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  // Let a loop held until now show in the figures (the before code returns from setRoles at once).
  await new Promise((r) => setTimeout(r, 50));
  h.disable();
  clearInterval(iv);
  ticking = false;
  console.log(JSON.stringify({
    root: ROOT, frames: store.frameCount(s.id), turns: snap.utterances.length, signals: snap.signals.length, cues: snap.cues.length,
    totalMs: Math.round(ms), totalCpuMs: Math.round((cpuAll.user + cpuAll.system) / 1000), loopTurnMaxMs: +worstWall.toFixed(1), loopTurnMaxCpuMs: +worstCpu.toFixed(1), loopDelayMaxMs: +(h.max / 1e6).toFixed(1), loopDelayP99Ms: +(h.percentile(99) / 1e6).toFixed(1),
    otherSessionTurnsDuring: n, worstTurnWaitMs: +worstTurn.toFixed(1), load: require('os').loadavg()[0].toFixed(1), other: process.env.OTHER !== '0',
  }));
  store.close();
})();
