// The CLI through its entry function, with captured output (the real model for analyze).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { intFlag, parseArgs, UsageError } from './args';
import { parseRoles, renderAnalysis } from './analyze';
import type { SessionSnapshot } from '../../protocol/protocol';
import { parseThresholds } from './args';
import { authFrom, dbPathFrom, modelOptions, parseHostNames, portFrom } from './serve';
import { twoPeopleJpeg } from '../signals/pose/testScenes';
import { projectPath } from '../paths';
import { SqliteStore } from '../store/sqliteStore';
import { archiveDocument } from '../ingest/archive';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

describe('args', () => {
  it('parses values, inline values and switches, and refuses unknown flags by name', () => {
    const a = parseArgs(['f.vtt', '--format', 'vtt', '--roles=A=rep', '--json'], { values: ['format', 'roles'], switches: ['json'] });
    expect(a).toEqual({ positionals: ['f.vtt'], values: { format: 'vtt', roles: 'A=rep' }, switches: new Set(['json']), repeated: {} });
    expect(() => parseArgs(['--colour'], { values: ['format'] })).toThrow(/unknown option --colour \(known: --format\)/);
    expect(() => parseArgs(['--format'], { values: ['format'] })).toThrow(UsageError);
  });

  it('keeps every value of a repeated flag whole (a path may hold a comma), in the order given', () => {
    const a = parseArgs(['--extra', 'a,b.jsonl', '--extra=c.jsonl', '--out', 'x'], { values: ['extra', 'out'], repeated: ['extra'] });
    expect(a.repeated).toEqual({ extra: ['a,b.jsonl', 'c.jsonl'] });
    expect(a.values).toEqual({ extra: 'c.jsonl', out: 'x' });
    expect(() => parseArgs(['--extra'], { values: ['extra'], repeated: ['extra'] })).toThrow('--extra needs a value');
  });

  it('refuses an empty or non-decimal number: `--port=` or an empty $PORT is not port 0 (any free port)', () => {
    for (const v of ['', ' ', '0x10', '1e3', '80abc']) {
      expect(() => intFlag(v, 'port (or $PORT)', 0, 65535)).toThrow(`--port (or $PORT) must be a whole number from 0 to 65535, got "${v}"`);
    }
    expect(intFlag('0', 'port', 0, 65535)).toBe(0);
    expect(intFlag('-3', 'n', -5, 5)).toBe(-3);
  });

  it('parses --roles and names a bad part', () => {
    expect(parseRoles('王经理=rep, Li Wei=customer')).toEqual({ 王经理: 'rep', 'Li Wei': 'customer' });
    expect(() => parseRoles('Bob=boss')).toThrow(/"Bob=boss" must look like Name=customer/);
  });

  it('--roles refuses a name given twice, an empty part, and takes __proto__ as any name (a second role silently won; an empty list meant no roles; __proto__ lost its role)', () => {
    expect(() => parseRoles('Li=customer,Li=rep')).toThrow('--roles: "Li" is given twice');
    expect(() => parseRoles('Li Wei=customer, Li\u00a0Wei=customer')).toThrow('--roles: "Li Wei" is given twice');
    for (const spec of [',,', 'Li=customer,', 'Li=customer,,Ada=rep', ' ']) {
      expect(() => parseRoles(spec)).toThrow(`--roles: an empty part in "${spec}" (give Name=customer or Name=rep, separated by commas)`);
    }
    const proto = parseRoles('__proto__=customer');
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(proto['__proto__']).toBe('customer');
  });

  it('--roles names are normalised as the transcript\'s speakers are (whitespace runs, invisible characters)', () => {
    expect(parseRoles('Li\u00a0 Wei\u200B=customer')).toEqual({ 'Li Wei': 'customer' });
    expect(() => parseRoles('\u200B=rep')).toThrow(/must look like Name=customer/);
  });
});

describe('buying-signals', () => {
  it('with no command: a usage error, the usage on stderr (stdout empty) and exit 2; help is stdout and 0', async () => {
    let c = capture();
    expect(await main([], c.io)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err.join('\n')).toMatch(/^buying-signals: a command is needed\nusage: buying-signals <command>/);
    c = capture();
    expect(await main(['help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^usage: buying-signals <command>/);
    expect(c.err).toEqual([]);
  });

  it('eval and train usage errors read alike for both targets: "buying-signals eval: …", then the usage, on stderr, exit 2', async () => {
    for (const [argv, msg, usage] of [
      [['eval', 'verbal'], '--data FILE.jsonl is required', 'usage: buying-signals eval verbal'],
      [['eval', 'verbal', '--data', 'x.jsonl', '--thresholds', 'abc'], '--thresholds: value "abc" is not a number from 0 to 1', 'usage: buying-signals eval verbal'],
      [['eval', 'verbal', '--colour'], 'unknown option --colour', 'usage: buying-signals eval verbal'],
      [['eval', 'posture'], '--labels FILE.jsonl is required', 'usage: buying-signals eval posture'],
      [['train', 'verbal', '--lr', '3'], 'unknown option --lr', 'usage: buying-signals train verbal'],
      [['train', 'posture', 'x'], 'train posture takes no arguments, got "x"', 'usage: buying-signals train posture'],
    ] as const) {
      const c = capture();
      expect(await main([...argv], c.io)).toBe(2);
      expect(c.out).toEqual([]);
      const err = c.err.join('\n');
      expect(err.startsWith(`buying-signals ${argv[0]}: ${msg}`)).toBe(true);
      expect(err).toContain(usage);
    }
  });

  it('analyze -: reads the transcript from standard input (format from --format or the content)', async () => {
    const text = 'Rep Li: Our premium account has no monthly fee for the first year.\nGuest: Nice. So how much is it after that?\n';
    const io = (input: string) => {
      const c = capture();
      return { ...c, io: { ...c.io, readStdin: () => Buffer.from(input) } };
    };
    let c = io(text);
    expect(await main(['analyze', '-', '--roles', 'Rep Li=rep,Guest=customer', '--json'], c.io)).toBe(0);
    const snap = JSON.parse(c.out.join(''));
    expect(snap.session.title).toBe('standard input');
    expect(snap.utterances.map((u: { speaker: string }) => u.speaker)).toEqual(['Rep Li', 'Guest']);
    expect(snap.signals.map((s: { label: string }) => s.label)).toEqual(['price_inquiry']);

    c = io(JSON.stringify([{ speaker: 'Guest', text: 'How much is it?', startMs: 0 }]));
    expect(await main(['analyze', '-', '--format', 'json', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out.join('')).unassignedSpeakers).toEqual(['Guest']);

    c = io(text);
    expect(await main(['analyze', '-', '--roles', 'Bob=customer'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('"Bob", not a speaker in standard input');
  });

  it('prints usage and exits 2 on an unknown command', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/unknown command "frobnicate"[\s\S]*usage:/);
  });

  it("prints a command's own usage and exits 0 on --help or -h, before checking anything else", async () => {
    for (const [argv, head] of [
      [['serve', '--help'], 'usage: buying-signals serve'],
      [['analyze', '-h'], 'usage: buying-signals analyze'],
      [['train', 'verbal', '--help'], 'usage: buying-signals train'],
      [['eval', '--port', '1', '--help'], 'usage: buying-signals eval'],
    ] as const) {
      const c = capture();
      expect(await main([...argv], c.io)).toBe(0);
      expect(c.out.join('\n')).toContain(head);
      expect(c.err).toEqual([]);
    }
  });

  it('train and eval: --help after a target prints that target\'s usage; without one, both', async () => {
    for (const [argv, has, lacks] of [
      [['eval', 'posture', '--help'], ['eval posture --labels'], ['eval verbal']],
      [['eval', 'verbal', '-h'], ['eval verbal --data'], ['eval posture']],
      [['train', 'posture', '--help'], ['train posture'], ['train verbal']],
      [['eval', '--help'], ['eval verbal --data', 'eval posture --labels'], []],
      [['train', '--help'], ['train verbal', 'train posture'], []],
    ] as const) {
      const c = capture();
      expect(await main([...argv], c.io)).toBe(0);
      const out = c.out.join('\n');
      for (const h of has) expect(out).toContain(h);
      for (const l of lacks) expect(out).not.toContain(l);
    }
  });

  it('train and eval without a known target name the targets and show both usages (exit 2)', async () => {
    for (const [argv, msg] of [
      [['eval'], 'eval needs a target (verbal, posture or cues)'],
      [['eval', 'gesture'], 'unknown eval target "gesture"'],
      [['train'], 'train needs a target (verbal or posture)'],
    ] as const) {
      const c = capture();
      expect(await main([...argv], c.io)).toBe(2);
      const err = c.err.join('\n');
      expect(err).toContain(msg);
      expect(err).toContain(`${argv[0]} verbal`);
      expect(err).toContain(`${argv[0]} posture`);
    }
  });

  it('serve: an argument it does not take is a usage error (exit 2)', async () => {
    const c = capture();
    expect(await main(['serve', 'extra'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('serve takes no arguments, got "extra"');
  });

  it('serve: refuses a --warm-up out of range before starting anything, naming the flag and the limit', async () => {
    for (const v of ['-1', '20001', 'lots', '']) {
      const c = capture();
      expect(await main(['serve', '--port', '0', '--db', ':memory:', `--warm-up=${v}`], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(`--warm-up must be a whole number from 0 to 20000, got "${v}"`);
    }
  });

  it('serve: --pose-model and --pose-workers are checked before starting anything; a --model folder that does not exist is named', async () => {
    const bad = capture();
    expect(await main(['serve', '--port', '0', '--db', ':memory:', '--pose-model', 'openpose'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toContain('--pose-model must be one of blazepose-full, blazepose-lite, movenet-lightning, got "openpose"');
    const none = capture();
    expect(await main(['serve', '--port', '0', '--db', ':memory:', '--pose-workers', '0'], none.io)).toBe(2);
    expect(none.err.join('\n')).toContain('--pose-workers must be a whole number from 1 to 64, got "0"');
    const dir = path.join(os.tmpdir(), `bs-no-model-${process.pid}`);
    const missing = capture();
    expect(await main(['serve', '--port', '0', '--db', ':memory:', '--warm-up', '0', '--model', dir], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toContain(dir);
    expect(missing.err.join('\n')).toContain(`the folder ${dir} does not exist (check the path, or make one there with npx buying-signals train verbal --out ${dir})`);
    // A typo is not a model to rebuild into models/verbal: the only command named writes to the folder given.
    expect(missing.err.join('\n')).not.toMatch(/Rebuild|train:verbal|train verbal(?! --out)/);
    // What the flags set; unset flags leave the defaults.
    expect(modelOptions({})).toEqual({});
    expect(modelOptions({ model: 'm/v', 'posture-model': 'm/p', 'pose-model': 'blazepose-lite', 'pose-workers': '1' })).toEqual({
      modelDir: path.resolve('m/v'),
      postureModelDir: path.resolve('m/p'),
      poseModel: 'blazepose-lite',
      poseWorkers: 1,
    });
  });

  it('serve: an empty $PORT is not set (3000); an empty --port= is still refused', () => {
    expect(portFrom(undefined, {})).toBe(3000);
    expect(portFrom(undefined, { PORT: '' })).toBe(3000);
    expect(portFrom(undefined, { PORT: '  ' })).toBe(3000);
    expect(portFrom(undefined, { PORT: '8080' })).toBe(8080);
    expect(portFrom('0', { PORT: '8080' })).toBe(0);
    expect(() => portFrom('', {})).toThrow('--port (or $PORT) must be a whole number from 0 to 65535, got ""');
    expect(() => portFrom(undefined, { PORT: 'http' })).toThrow('got "http"');
  });

  it('serve: refuses a --db whose folder does not exist (a typo is not a new empty store), and creates nothing', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-db-'));
    try {
      const missing = path.join(tmp, 'no-such-dir', 'x.db');
      expect(() => dbPathFrom(missing)).toThrow(`--db ${missing}: the folder ${path.dirname(missing)} does not exist; create it first, or use --db :memory:`);
      const c = capture();
      expect(await main(['serve', '--port', '0', '--warm-up', '0', '--db', missing], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain('does not exist; create it first');
      expect(fs.existsSync(path.dirname(missing))).toBe(false);
      const file = path.join(tmp, 'file');
      fs.writeFileSync(file, '');
      expect(() => dbPathFrom(path.join(file, 'x.db'))).toThrow(`the folder ${file} is not a folder`);
      expect(dbPathFrom(path.join(tmp, 'x.db'))).toBe(path.join(tmp, 'x.db'));
      expect(dbPathFrom(':memory:')).toBe(':memory:');
      expect(dbPathFrom(undefined)).toBeUndefined();
      // An empty --db (`--db "$DB"` with $DB unset) opened the default data/buying-signals.db.
      for (const empty of ['', '  ']) expect(() => dbPathFrom(empty)).toThrow(`--db needs a file (or :memory:), got "${empty}"`);
      const e = capture();
      expect(await main(['serve', '--port', '0', '--warm-up', '0', '--db='], e.io)).toBe(2);
      expect(e.err.join('\n')).toContain('--db needs a file (or :memory:), got ""');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('serve: --allowed-host takes plain host names, lower-cased, and names what it refuses', async () => {
    expect(parseHostNames('Sales.Example.com, crm.internal')).toEqual(['sales.example.com', 'crm.internal']);
    expect(parseHostNames('[fe80::1]')).toEqual(['[fe80::1]']);
    expect(() => parseHostNames(' , ')).toThrow('--allowed-host needs at least one name');
    for (const bad of ['http://sales.example.com', 'sales.example.com:3000', 'a/b', 'user@host']) {
      expect(() => parseHostNames(bad)).toThrow(`--allowed-host takes host names without a scheme or port, got "${bad}"`);
    }
    const c = capture();
    expect(await main(['serve', '--port', '0', '--db', ':memory:', '--allowed-host=http://x'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('--allowed-host takes host names without a scheme or port, got "http://x"');
  });

  it('serve: the access token from --token-file or $BUYING_SIGNALS_TOKEN, checked, or none with --no-token', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-token-'));
    try {
      const file = path.join(dir, 'token');
      fs.writeFileSync(file, 'file-token-0123456789abc\n');
      expect(authFrom(file, false, {})).toEqual({ token: 'file-token-0123456789abc' });
      expect(authFrom(undefined, false, { BUYING_SIGNALS_TOKEN: 'env-token-0123456789abcd' })).toEqual({ token: 'env-token-0123456789abcd' });
      expect(authFrom(file, false, { BUYING_SIGNALS_TOKEN: 'env-token-0123456789abcd' })).toEqual({ token: 'file-token-0123456789abc' });
      expect(authFrom(undefined, false, {})).toBe('auto');
      expect(authFrom(undefined, false, { BUYING_SIGNALS_TOKEN: '' })).toBe('auto');
      expect(authFrom(undefined, true, {})).toBe('none');
      expect(() => authFrom(file, true, {})).toThrow('--no-token cannot be used with --token-file or $BUYING_SIGNALS_TOKEN');
      fs.writeFileSync(file, 'short');
      expect(() => authFrom(file, false, {})).toThrow(`--token-file ${file}: the token must be 16 to 256 characters long, got 5`);
      expect(() => authFrom(undefined, false, { BUYING_SIGNALS_TOKEN: 'has spaces in it, sadly' })).toThrow("$BUYING_SIGNALS_TOKEN: the token may hold only letters");
      expect(() => authFrom(path.join(dir, 'missing'), false, {})).toThrow('no such file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('analyze ARCHIVE: reads a session archive\'s turns and roles as the transcript export\'s; a damaged one names its field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-'));
    const store = new SqliteStore(':memory:');
    store.createSession({ id: 's1', title: 'Archived', createdAt: 1, demo: false, participants: [{ name: 'Rep Li', role: 'rep' }, { name: 'Guest', role: 'customer' }] });
    store.addUtterance({ sessionId: 's1', speaker: 'Rep Li', role: 'rep', text: 'Our premium account has no monthly fee for the first year.', startMs: 0, endMs: 3000, receivedAt: 1 });
    store.addUtterance({ sessionId: 's1', speaker: 'Guest', role: 'customer', text: 'Nice. So how much is it after that?', startMs: 3500, endMs: 6000, receivedAt: 2 });
    const archive = archiveDocument(store.archiveParts('s1')!, 3);
    const file = path.join(dir, 'Archived.bsarchive.json');
    fs.writeFileSync(file, JSON.stringify(archive));
    let c = capture();
    expect(await main(['analyze', file, '--json'], c.io)).toBe(0);
    const snap = JSON.parse(c.out.join('')) as SessionSnapshot;
    expect(snap.session.title).toBe('Archived');
    expect(snap.utterances.map((u) => [u.speaker, u.role, u.text])).toEqual(archive.utterances.map((u) => [u.speaker, u.role, u.text]));
    expect(snap.signals.map((s) => s.label)).toEqual(['price_inquiry']);

    fs.writeFileSync(file, JSON.stringify({ ...archive, utterances: [{ ...archive.utterances[0], speaker: 'Nobody' }] }));
    c = capture();
    expect(await main(['analyze', file], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/session archive: utterances\.0\.speaker: "Nobody" is not one of the archive's participants/);
  });

  it('analyze: annotates a transcript, names speakers without a role, and prints JSON with --json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-'));
    const file = path.join(dir, 'm.txt');
    fs.writeFileSync(file, 'Rep Li: Our premium account has no monthly fee for the first year.\nGuest: Nice. So how much is it after that?\n');
    let c = capture();
    expect(await main(['analyze', file], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('assign a role to: Rep Li, Guest');

    c = capture();
    expect(await main(['analyze', file, '--roles', 'Rep Li=rep,Guest=customer', '--json'], c.io)).toBe(0);
    const snap = JSON.parse(c.out.join(''));
    expect(snap.unassignedSpeakers).toEqual([]);
    expect(snap.signals.map((s: { label: string }) => s.label)).toEqual(['price_inquiry']);
    expect(snap.cues[0].type).toBe('closing_moment');

    // The summary line counts in words: "1 signal", not "1 signals".
    c = capture();
    expect(await main(['analyze', file, '--roles', 'Rep Li=rep,Guest=customer'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/2 utterances, 1 signal, 1 cue$/);

    // The text names the model; a signal too weak for a cue is marked uncertain, as the client marks it.
    fs.writeFileSync(file, 'Rep Li: 这款年化百分之四。\nGuest: 嗯，听起来挺划算的。\nRep Li: 起投五万。\nGuest: 多少钱？\n');
    c = capture();
    expect(await main(['analyze', file, '--roles', 'Rep Li=rep,Guest=customer', '--json'], c.io)).toBe(0);
    const judged = JSON.parse(c.out.join(''));
    c = capture();
    expect(await main(['analyze', file, '--roles', 'Rep Li=rep,Guest=customer'], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text.split('\n')[0]).toBe(`model ${judged.modelVersion}`);
    expect(judged.modelVersion).toMatch(/^verbal-/);
    expect(judged.signals.length).toBeGreaterThan(0);
    for (const s of judged.signals as Array<{ label: string; score: number }>) {
      expect(text).toContain(s.score >= 0.5 ? `▲ ${s.label} ${s.score.toFixed(2)}\n` : `△ ${s.label} ${s.score.toFixed(2)}? (uncertain: below the 0.50 a cue needs)`);
    }

    // A name the file does not have (a misspelt customer) is refused, listing the file's speakers.
    c = capture();
    expect(await main(['analyze', file, '--roles', 'Rep Li=rep,guest=customer'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain(`--roles names "guest", not a speaker in ${file}; its speakers are: "Rep Li", "Guest"`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('analyze: a signal below the score a cue needs is printed as uncertain, one at or above it as sure', () => {
    const signal = (id: number, utteranceId: number, label: string, score: number) => ({ id, kind: 'verbal', utteranceId, label, score });
    const utterance = (id: number, startMs: number, text: string) => ({ id, startMs, speaker: 'Guest', role: 'customer', text });
    const snap = {
      unassignedSpeakers: [],
      utterances: [utterance(1, 0, 'a'), utterance(2, 5000, 'b')],
      signals: [signal(10, 1, 'resistance', 0.33), signal(11, 2, 'price_inquiry', 0.5)],
      cues: [],
    } as unknown as SessionSnapshot;
    const text = renderAnalysis(snap, [], 'verbal-test', 0.5);
    expect(text.split('\n')).toEqual([
      'model verbal-test',
      '[00:00] Guest (customer): a',
      '         △ resistance 0.33? (uncertain: below the 0.50 a cue needs)',
      '[00:05] Guest (customer): b',
      '         ▲ price_inquiry 0.50',
      '',
      '2 utterances, 2 signals, 0 cues',
    ]);
  });

  it('analyze: photos, each judged alone; an unreadable one is named and the rest go on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-photo-'));
    const scene = path.join(dir, 'two.jpg'); // drawn: the participant in the middle, a bystander at the left
    fs.writeFileSync(scene, await twoPeopleJpeg());
    const broken = path.join(dir, 'broken.png');
    fs.writeFileSync(broken, 'not a png');
    let c = capture();
    expect(await main(['analyze', scene, '--json'], c.io)).toBe(0);
    const one = JSON.parse(c.out.join(''));
    expect(one).toMatchObject({ people: 'participant', poseModel: 'blazepose-full', modelVersion: expect.stringMatching(/^posture-/) });
    expect(one.photos).toHaveLength(1);
    expect(one.photos[0].persons).toHaveLength(1);
    const box = one.photos[0].persons[0].box;
    expect(box.xMin + box.width / 2).toBeGreaterThan(0.4);

    c = capture();
    expect(await main(['analyze', scene, broken, '--people', 'all'], c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/two\.jpg \(640×480\):\n {2}person 1 \(box [^)]*\): \S+ \d\.\d\d.*\n {2}person 2/);
    expect(c.err.join('\n')).toMatch(/broken\.png: could not be read \(not a recognised image/);

    c = capture();
    expect(await main(['analyze', scene, '--people', 'some'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--people must be one of participant, all');
    c = capture();
    const transcript = path.join(dir, 'm.txt');
    fs.writeFileSync(transcript, 'A: hi\n');
    expect(await main(['analyze', transcript, scene], c.io)).toBe(2);
    expect(c.err.join('')).toContain(`analyze takes transcripts or photos, not both; not photos (by their names): ${transcript}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('analyze: a missing file and a bad --format are usage errors', async () => {
    let c = capture();
    expect(await main(['analyze', '/nonexistent/x.vtt'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('no such file');
    c = capture();
    expect(await main(['analyze', 'x', '--format', 'doc'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--format must be one of vtt, srt, json, text');
  });

  it.each([
    ['1.5', '--thresholds: threshold for price_inquiry: 1.5 is not a number from 0 to 1'],
    ['abc', '--thresholds: value "abc" is not a number from 0 to 1'],
    ['resistance=high', '--thresholds: value for resistance "high" is not a number from 0 to 1'],
    ['neutral=0.5', '--thresholds: threshold for "neutral": not a signal label'],
    ['resistance=0.5=1', '--thresholds: "resistance=0.5=1" is not label=number'],
    ['0.5,resistance=0.9', '--thresholds: "0.5" is not label=number (give one number for every label, or label=number pairs, not both)'],
    ['resistance=0.6,resistance=0.9', '--thresholds: resistance is given twice'],
    ['resistance=', '--thresholds: value for resistance "" is not a number from 0 to 1'],
    // Number() reads these as 1; only decimal forms are thresholds.
    ['0x1', '--thresholds: value "0x1" is not a number from 0 to 1'],
    ['resistance=0b1', '--thresholds: value for resistance "0b1" is not a number from 0 to 1'],
    ['0o1', '--thresholds: value "0o1" is not a number from 0 to 1'],
    ['Infinity', '--thresholds: value "Infinity" is not a number from 0 to 1'],
  ])('eval verbal: --thresholds %s is a usage error naming what is wrong', async (value, message) => {
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', 'x.jsonl', '--thresholds', value], c.io)).toBe(2);
    expect(c.err.join('')).toContain(message);
  });

  it('eval verbal: --thresholds takes any number form from 0 to 1 (1e-1, .5)', () => {
    expect(parseThresholds('1e-1')).toMatchObject({ resistance: 0.1, price_inquiry: 0.1 });
    expect(parseThresholds('resistance=.5, purchase_intent = 0.4')).toEqual({ resistance: 0.5, purchase_intent: 0.4 });
    expect(parseThresholds('1')).toMatchObject({ resistance: 1 });
    expect(parseThresholds('0.')).toMatchObject({ resistance: 0 });
    expect(parseThresholds('5E-1')).toMatchObject({ resistance: 0.5 });
  });

  it('eval verbal: an empty data file is an error naming it, not a report of 0 rows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-empty-'));
    const file = path.join(dir, 'e.jsonl');
    fs.writeFileSync(file, '\n  \n');
    const c = capture();
    expect(await main(['eval', 'verbal', '--data', file], c.io)).toBe(1);
    expect(c.err.join('')).toContain(`${file} holds no rows to evaluate`);
    expect(c.out).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('train verbal: a missing corpus is a usage error, an empty one an error naming it, as eval says, before any training', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-empty-'));
    try {
      const missing = path.join(dir, 'none.jsonl');
      let c = capture();
      expect(await main(['train', 'verbal', '--corpus', missing, '--out', path.join(dir, 'm')], c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(new RegExp(`^buying-signals train: no such file: ${missing}\nusage: buying-signals train verbal`));
      const file = path.join(dir, 'e.jsonl');
      for (const text of ['', '\n  \n']) {
        fs.writeFileSync(file, text);
        c = capture();
        expect(await main(['train', 'verbal', '--corpus', file, '--out', path.join(dir, 'm')], c.io)).toBe(1);
        expect(c.err.join('')).toBe(`buying-signals train: ${file} holds no rows to train on (it is empty or only blank lines); expected one JSON object per line`);
        expect(c.out).toEqual([]);
      }
      expect(fs.existsSync(path.join(dir, 'm'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('eval posture: an empty labels file is an error naming it, as eval verbal says, not a table of zeros', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-empty-'));
    const file = path.join(dir, 'e.jsonl');
    for (const text of ['', '\n  \n']) {
      fs.writeFileSync(file, text);
      const c = capture();
      expect(await main(['eval', 'posture', '--labels', file], c.io)).toBe(1);
      expect(c.err.join('')).toBe(`buying-signals eval: ${file} holds no rows to evaluate (it is empty or only blank lines); expected one JSON object per line`);
      expect(c.out).toEqual([]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a folder given as a file is a usage error naming it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-dir-'));
    for (const argv of [['analyze', dir], ['eval', 'verbal', '--data', dir], ['eval', 'posture', '--labels', dir], ['train', 'verbal', '--corpus', dir]]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join('')).toContain(`${dir} is a folder; expected a file`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['train', 'verbal', '--workers', '0'], '--workers must be a whole number from 1 to 64, got "0"'],
    [['train', 'posture', '--workers', 'two'], '--workers must be a whole number from 1 to 64, got "two"'],
  ])('%p is a usage error naming the flag and its range', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err.join('')).toContain(message);
  });

  it('a model folder of the other kind, or a file, given as a model is named so, with the flag or command that takes it', async () => {
    const verbal = projectPath('models', 'verbal');
    const posture = projectPath('models', 'posture');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-kind-'));
    try {
      const serve = ['serve', '--port', '0', '--db', ':memory:', '--warm-up', '0', '--no-demo'];
      let c = capture();
      expect(await main([...serve, '--model', posture], c.io)).toBe(1);
      expect(c.err.join('')).toBe(`buying-signals serve: verbal model at ${posture} cannot be loaded: ${posture} holds a posture model, not a verbal model; a posture model goes to --posture-model.`);
      c = capture();
      expect(await main([...serve, '--posture-model', verbal], c.io)).toBe(1);
      expect(c.err.join('')).toBe(`buying-signals serve: posture model at ${verbal} cannot be loaded: ${verbal} holds a verbal model, not a posture model; a verbal model goes to --model.`);

      const data = path.join(dir, 'd.jsonl');
      fs.writeFileSync(data, '{"text":"how much","label":"price_inquiry"}\n');
      c = capture();
      expect(await main(['eval', 'verbal', '--data', data, '--model', posture], c.io)).toBe(1);
      expect(c.err.join('')).toContain(`holds a posture model, not a verbal model; evaluate a posture model with \`eval posture --labels FILE.jsonl --model DIR\``);

      const transcript = path.join(dir, 'm.txt');
      fs.writeFileSync(transcript, 'A: how much is it?\n');
      c = capture();
      expect(await main(['analyze', transcript, '--model', data], c.io)).toBe(1);
      expect(c.err.join('')).toContain(`${data} is a file, not a model folder`);
      expect(c.err.join('')).not.toContain('manifest.json is missing');
      c = capture();
      expect(await main(['analyze', transcript, '--model', posture], c.io)).toBe(1);
      expect(c.err.join('')).toContain('a posture model judges photos: `analyze PHOTO... --model DIR`');

      const photo = path.join(dir, 'two.jpg');
      fs.writeFileSync(photo, await twoPeopleJpeg());
      c = capture();
      expect(await main(['analyze', photo, '--model', verbal], c.io)).toBe(1);
      expect(c.err.join('')).toContain(`${verbal} holds a verbal model, not a posture model; a verbal model annotates transcripts: \`analyze FILE --model DIR\``);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('eval --compare: a missing folder, a file or a model of the other kind gets the error --model gets (verbal and posture)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-compare-'));
    try {
      const data = path.join(dir, 'd.jsonl');
      fs.writeFileSync(data, '{"text":"how much","label":"price_inquiry"}\n');
      const posture = projectPath('models', 'posture');
      for (const bad of [path.join(dir, 'nope'), data, posture]) {
        const m = capture();
        expect(await main(['eval', 'verbal', '--data', data, '--model', bad], m.io)).toBe(1);
        const c = capture();
        expect(await main(['eval', 'verbal', '--data', data, '--compare', bad], c.io)).toBe(1);
        expect(c.err.join('')).toBe(m.err.join('').replace('--model DIR', '--compare DIR'));
        expect(c.out).toEqual([]);
      }
      const c = capture();
      expect(await main(['eval', 'verbal', '--data', data, '--compare'], c.io)).toBe(2);
      expect(c.err.join('')).toContain('--compare needs a value');
      // eval posture: the same, before any photo is estimated.
      const labels = path.join(dir, 'labels.jsonl');
      fs.writeFileSync(path.join(dir, 'two.jpg'), await twoPeopleJpeg());
      fs.writeFileSync(labels, '{"file":"two.jpg","labels":["neutral"]}\n');
      for (const bad of [path.join(dir, 'nope'), data, projectPath('models', 'verbal')]) {
        const m = capture();
        expect(await main(['eval', 'posture', '--labels', labels, '--model', bad], m.io)).toBe(1);
        expect(m.err.join('')).toMatch(/^buying-signals eval: posture model at .* cannot be loaded/);
        const p = capture();
        expect(await main(['eval', 'posture', '--labels', labels, '--compare', bad], p.io)).toBe(1);
        expect(p.err.join('')).toBe(m.err.join('').replace('--model DIR', '--compare DIR'));
        expect(p.out).toEqual([]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.each([
    ['verbal', '--compare DIR'],
    ['posture', '--compare DIR'],
  ])('eval %s --help and the command table (docs/cli.md) name --compare', async (target, flag) => {
    const c = capture();
    expect(await main(['eval', target, '--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain(`[${flag}]`);
    expect(fs.readFileSync(projectPath('docs/cli.md'), 'utf8')).toMatch(new RegExp(`\\| \`eval ${target} [^|]*\\[${flag}\\]`));
  });

  it('eval posture: --people takes participant or all', async () => {
    const c = capture();
    expect(await main(['eval', 'posture', '--labels', 'x.jsonl', '--people', 'everyone'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--people must be one of participant, all, got "everyone"');
  });
});
