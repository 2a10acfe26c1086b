#!/usr/bin/env node
// Builds the MediaPipe PoseLandmarker model bundles the browser client runs
// (models/pose/pose_landmarker_{lite,full}.task, git-ignored) from the TFLite files that
// ship in the npm package @mediapipe/pose. The official .task files cannot be downloaded
// here; a .task is an uncompressed zip of
//   pose_detector.tflite            = @mediapipe/pose/pose_solution_packed_assets.data
//   pose_landmarks_detector.tflite  = @mediapipe/pose/pose_landmark_{lite,full}.tflite
// The legacy files lack TFLite model metadata and tasks-vision refuses them ("requires
// specifying NormalizationOptions metadata"), so each gets a ModelMetadata flatbuffer
// (identifier M001: ImageProperties RGB + NormalizationOptions) attached the way TFLite
// expects: a new entry "TFLITE_METADATA" in Model.metadata pointing at a new buffer.
//
// How the model is re-serialised: flatbuffer offsets only point forward, so the original
// model is kept byte for byte at the END of the new file (64-byte aligned, which keeps
// every 16-byte-aligned tensor buffer aligned) and a new root Model table is written in
// front of it: its scalar fields copied, its vectors (operator_codes, subgraphs, ...)
// pointing into the old bytes, `buffers` and `metadata` rebuilt with one extra entry.
//
//   node scripts/build-pose-task.mjs            # `npm run models`: exits 1 on failure
//   node scripts/build-pose-task.mjs --postinstall  # warns and exits 0 on failure
//   node scripts/build-pose-task.mjs --force    # rebuild even when up to date
//
// Official bundles placed in models/pose/official/ (pose_landmarker_{lite,full,heavy}.task)
// take precedence at run time (server/http/routes/assets.ts); this script only reports them.
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder } from 'flatbuffers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = path.join(root, 'models', 'pose');
const officialDir = path.join(outDir, 'official');
const SELF = fileURLToPath(import.meta.url);

/** Image normalisation each model was trained with: (pixel - mean) / std. */
const DETECTOR = { name: 'pose_detector', mean: 127.5, std: 127.5 }; // [-1, 1]
const LANDMARKS = { name: 'pose_landmarks_detector', mean: 0, std: 255 }; // [0, 1]
const VARIANTS = ['lite', 'full'];

class BuildError extends Error {}

// ---- minimal flatbuffer reading ----------------------------------------------------------

class Reader {
  constructor(bytes, what) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.what = what;
  }
  check(pos, len) {
    if (pos < 0 || pos + len > this.bytes.length) {
      throw new BuildError(`${this.what}: corrupt flatbuffer (offset ${pos} outside ${this.bytes.length} bytes)`);
    }
  }
  u32(pos) {
    this.check(pos, 4);
    return this.view.getUint32(pos, true);
  }
  i32(pos) {
    this.check(pos, 4);
    return this.view.getInt32(pos, true);
  }
  u16(pos) {
    this.check(pos, 2);
    return this.view.getUint16(pos, true);
  }
  root() {
    return this.u32(0);
  }
  identifier() {
    this.check(4, 4);
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }
  /** Absolute position of field `index`'s slot in the table at `table`, or 0 when absent. */
  field(table, index) {
    const vtable = table - this.i32(table);
    const vtableSize = this.u16(vtable);
    const slot = 4 + 2 * index;
    if (slot >= vtableSize) return 0;
    const off = this.u16(vtable + slot);
    return off ? table + off : 0;
  }
  /** Position of what an offset field points at (a table, vector or string), or 0. */
  ref(table, index) {
    const at = this.field(table, index);
    return at ? at + this.u32(at) : 0;
  }
  scalarU32(table, index, dflt = 0) {
    const at = this.field(table, index);
    return at ? this.u32(at) : dflt;
  }
  /** Positions of the tables a vector of offsets points at. */
  tables(vector) {
    if (!vector) return [];
    const n = this.u32(vector);
    const out = [];
    for (let i = 0; i < n; i++) {
      const at = vector + 4 + 4 * i;
      out.push(at + this.u32(at));
    }
    return out;
  }
  ints(vector) {
    if (!vector) return [];
    const n = this.u32(vector);
    return Array.from({ length: n }, (_, i) => this.i32(vector + 4 + 4 * i));
  }
  string(pos) {
    if (!pos) return null;
    const n = this.u32(pos);
    this.check(pos + 4, n);
    return new TextDecoder().decode(this.bytes.subarray(pos + 4, pos + 4 + n));
  }
}

// TFLite schema.fbs field indices.
const MODEL = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
};
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2 };
const TENSOR = { name: 3 };
const METADATA = { name: 0, buffer: 1 };

function readModel(bytes, what) {
  const r = new Reader(bytes, what);
  if (bytes.length < 8 || r.identifier() !== 'TFL3') {
    throw new BuildError(`${what} is not a TFLite model (no "TFL3" identifier at offset 4)`);
  }
  const model = r.root();
  const subgraph = r.tables(r.ref(model, MODEL.subgraphs))[0];
  if (!subgraph) throw new BuildError(`${what}: the model has no subgraph`);
  const tensors = r.tables(r.ref(subgraph, SUBGRAPH.tensors));
  const tensorName = (i) => (tensors[i] ? r.string(r.ref(tensors[i], TENSOR.name)) : null) ?? `tensor_${i}`;
  const metadata = r.tables(r.ref(model, MODEL.metadata)).map((pos) => ({
    pos,
    name: r.string(r.ref(pos, METADATA.name)),
    buffer: r.scalarU32(pos, METADATA.buffer),
  }));
  return {
    r,
    model,
    version: r.scalarU32(model, MODEL.version),
    buffers: r.tables(r.ref(model, MODEL.buffers)),
    metadata,
    inputs: r.ints(r.ref(subgraph, SUBGRAPH.inputs)).map(tensorName),
    outputs: r.ints(r.ref(subgraph, SUBGRAPH.outputs)).map(tensorName),
    tensorCount: tensors.length,
  };
}

// ---- the metadata flatbuffer (metadata_schema.fbs, identifier M001) ------------------------

function buildModelMetadata({ name, mean, std }, inputs, outputs) {
  const b = new Builder(1024);
  const floats = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
    return b.endVector();
  };
  const offsets = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]);
    return b.endVector();
  };
  const tensor = (tensorName, content, processUnits) => {
    const n = b.createString(tensorName);
    b.startObject(7); // TensorMetadata
    b.addFieldOffset(0, n, 0);
    if (content) b.addFieldOffset(3, content, 0);
    if (processUnits) b.addFieldOffset(4, processUnits, 0);
    return b.endObject();
  };

  // Input 0: an RGB image, normalised with (x - mean) / std.
  b.startObject(2); // ImageProperties
  b.addFieldInt8(0, 1, 0); // color_space: RGB
  const imageProps = b.endObject();
  b.startObject(3); // Content
  b.addFieldInt8(0, 2, 0); // content_properties_type: ImageProperties
  b.addFieldOffset(1, imageProps, 0);
  const content = b.endObject();
  const meanVec = floats([mean]);
  const stdVec = floats([std]);
  b.startObject(2); // NormalizationOptions
  b.addFieldOffset(0, meanVec, 0);
  b.addFieldOffset(1, stdVec, 0);
  const norm = b.endObject();
  b.startObject(2); // ProcessUnit
  b.addFieldInt8(0, 1, 0); // options_type: NormalizationOptions
  b.addFieldOffset(1, norm, 0);
  const unit = b.endObject();
  const units = offsets([unit]);

  const inputMeta = inputs.map((n, i) => (i === 0 ? tensor(n, content, units) : tensor(n)));
  const outputMeta = outputs.map((n) => tensor(n));
  const inputVec = offsets(inputMeta);
  const outputVec = offsets(outputMeta);
  const subName = b.createString(name);
  b.startObject(7); // SubGraphMetadata
  b.addFieldOffset(0, subName, 0);
  b.addFieldOffset(2, inputVec, 0);
  b.addFieldOffset(3, outputVec, 0);
  const sub = b.endObject();
  const subs = offsets([sub]);
  const modelName = b.createString(name);
  const description = b.createString(
    'Metadata added by buying-signals scripts/build-pose-task.mjs to the @mediapipe/pose model',
  );
  const parserVersion = b.createString('1.0.0');
  b.startObject(8); // ModelMetadata
  b.addFieldOffset(0, modelName, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldOffset(3, subs, 0);
  b.addFieldOffset(7, parserVersion, 0);
  const meta = b.endObject();
  b.finish(meta, 'M001');
  return b.asUint8Array();
}

// ---- attaching it: a new root Model in front of the original bytes -------------------------

function withMetadata(original, spec, what) {
  const m = readModel(original, what);
  if (m.metadata.some((e) => e.name === 'TFLITE_METADATA')) return original; // already has it
  const { r, model } = m;
  const meta = buildModelMetadata(spec, m.inputs, m.outputs);

  const b = new Builder(original.length + meta.length + 4096);
  // 1. The original model, 64-byte aligned: it ends up last in the file.
  b.startVector(1, original.length, 64);
  b.space -= original.length;
  b.bb.bytes().set(original, b.space);
  const blob = b.endVector();
  const start = blob - 4; // builder offset (distance from the end) of the original's byte 0
  const old = (pos) => start - pos; // builder offset of a position in the original

  // 2. The metadata buffer.
  b.startVector(1, meta.length, 16);
  b.space -= meta.length;
  b.bb.bytes().set(meta, b.space);
  const metaData = b.endVector();
  b.startObject(3); // Buffer
  b.addFieldOffset(0, metaData, 0);
  const metaBuffer = b.endObject();
  const bufferIndex = m.buffers.length;

  const offsets = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]);
    return b.endVector();
  };
  const buffers = offsets([...m.buffers.map(old), metaBuffer]);
  const metaName = b.createString('TFLITE_METADATA');
  b.startObject(2); // Metadata
  b.addFieldOffset(METADATA.name, metaName, 0);
  b.addFieldInt32(METADATA.buffer, bufferIndex, -1); // a non-default so it is always written
  const metaEntry = b.endObject();
  const metadata = offsets([...m.metadata.map((e) => old(e.pos)), metaEntry]);

  // 3. The new root: scalars copied, vectors pointing into the original.
  b.startObject(8);
  b.addFieldInt32(MODEL.version, m.version, -1);
  for (const index of [
    MODEL.operatorCodes,
    MODEL.subgraphs,
    MODEL.description,
    MODEL.metadataBuffer,
    MODEL.signatureDefs,
  ]) {
    const pos = r.ref(model, index);
    if (pos) b.addFieldOffset(index, old(pos), 0);
  }
  b.addFieldOffset(MODEL.buffers, buffers, 0);
  b.addFieldOffset(MODEL.metadata, metadata, 0);
  const root = b.endObject();
  b.finish(root, 'TFL3');
  const out = b.asUint8Array();

  // Read it back: the same graph, one more buffer, and the metadata where TFLite looks.
  const check = readModel(out, `${what} (with metadata)`);
  const entry = check.metadata.find((e) => e.name === 'TFLITE_METADATA');
  const data = entry && check.r.ref(check.buffers[entry.buffer] ?? 0, 0);
  const ok =
    check.version === m.version &&
    check.tensorCount === m.tensorCount &&
    check.buffers.length === m.buffers.length + 1 &&
    check.inputs.join() === m.inputs.join() &&
    data &&
    check.r.u32(data) === meta.length &&
    String.fromCharCode(...out.subarray(data + 8, data + 12)) === 'M001' &&
    (out.length - start) % 64 === 0 &&
    Buffer.compare(out.subarray(out.length - start, out.length - start + original.length), original) === 0;
  if (!ok) throw new BuildError(`${what}: the rewritten model did not read back as expected`);
  return out;
}

// ---- a stored (uncompressed) zip -----------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip with every entry stored (method 0), each file's data 64-byte aligned. */
function storedZip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  const DOS_DATE = (1 << 5) | 1; // 1980-01-01, so the output is reproducible
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const pad = (64 - ((offset + 30 + nameBytes.length) % 64)) % 64;
    const local = Buffer.alloc(30 + nameBytes.length + pad);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(pad, 28); // extra field: zero padding for alignment
    nameBytes.copy(local, 30);
    const cd = Buffer.alloc(46 + nameBytes.length);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(10, 6);
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBytes.length, 28);
    cd.writeUInt32LE(offset, 42);
    nameBytes.copy(cd, 46);
    parts.push(local, data);
    central.push(cd);
    offset += local.length + data.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

// ---- main ------------------------------------------------------------------------------

function resolvePoseFile(file) {
  let dir;
  try {
    dir = path.dirname(require.resolve('@mediapipe/pose/package.json'));
  } catch {
    throw new BuildError('the npm package @mediapipe/pose is not installed (run `npm install`)');
  }
  return path.join(dir, file);
}

async function readInput(file) {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (err) {
    throw new BuildError(`cannot read ${path.relative(root, file)}: ${err.code ?? err.message}`);
  }
}

async function mtime(file) {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

async function buildVariant(variant, force) {
  const detectorFile = resolvePoseFile('pose_solution_packed_assets.data');
  const landmarksFile = resolvePoseFile(`pose_landmark_${variant}.tflite`);
  const out = path.join(outDir, `pose_landmarker_${variant}.task`);
  const rel = path.relative(root, out);
  const inputs = [detectorFile, landmarksFile, SELF];
  const outTime = await mtime(out);
  if (!force && outTime !== null) {
    const times = await Promise.all(inputs.map(mtime));
    if (times.every((t) => t !== null && t < outTime)) return { rel, skipped: true };
  }
  const detector = await readInput(detectorFile);
  if (String.fromCharCode(...detector.subarray(4, 8)) !== 'TFL3') {
    throw new BuildError(
      `${path.relative(root, detectorFile)} is not the pose detector TFLite model (no "TFL3" at offset 4); ` +
        'this @mediapipe/pose version packs its assets differently',
    );
  }
  const landmarks = await readInput(landmarksFile);
  const zip = storedZip([
    { name: `${DETECTOR.name}.tflite`, data: withMetadata(detector, DETECTOR, 'pose detector') },
    { name: `${LANDMARKS.name}.tflite`, data: withMetadata(landmarks, LANDMARKS, `pose landmarks (${variant})`) },
  ]);
  await fs.mkdir(outDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await fs.writeFile(tmp, zip);
  await fs.rename(tmp, out);
  return { rel, skipped: false, bytes: zip.length };
}

async function main() {
  const postinstall = process.argv.includes('--postinstall');
  const force = process.argv.includes('--force');
  try {
    for (const variant of VARIANTS) {
      const res = await buildVariant(variant, force);
      console.log(
        res.skipped
          ? `pose task: ${res.rel} is up to date`
          : `pose task: wrote ${res.rel} (${(res.bytes / 1e6).toFixed(1)} MB, from @mediapipe/pose)`,
      );
    }
    const official = await fs.readdir(officialDir).catch(() => []);
    const tasks = official.filter((f) => /^pose_landmarker_(lite|full|heavy)\.task$/.test(f));
    if (tasks.length)
      console.log(`pose task: official bundles in models/pose/official/ take precedence: ${tasks.join(', ')}`);
  } catch (err) {
    const message = err instanceof BuildError ? err.message : (err?.stack ?? String(err));
    if (postinstall) {
      console.warn(
        `warning: pose task: ${message}\nwarning: in-browser pose estimation is unavailable until \`npm run models\` succeeds`,
      );
      return;
    }
    console.error(`error: pose task: ${message}`);
    process.exitCode = 1;
  }
}

await main();
