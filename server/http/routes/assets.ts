// Static assets for in-browser pose estimation, served from local files only (no CDN, no
// downloads at run time):
//   /vendor/tasks-vision/*           the wasm runtime of @mediapipe/tasks-vision (+ its ES module)
//   /models/pose/index.json          which PoseLandmarker bundles exist and where they come from
//   /models/pose/<name>.task         pose_landmarker_{lite,full,heavy}.task: an official bundle
//                                    from models/pose/official/ first, else the one built by
//                                    scripts/build-pose-task.mjs; header X-Pose-Model-Source says which
import express, { Router, type Response } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath, projectRoot } from '../../paths';

export const POSE_TASK_NAMES = ['pose_landmarker_lite', 'pose_landmarker_full', 'pose_landmarker_heavy'] as const;
export type PoseTaskName = (typeof POSE_TASK_NAMES)[number];
export type PoseModelSource = 'official' | 'built';

export interface AssetOptions {
  /** Folder with the built .task files; official ones are looked for in its `official/`. */
  poseModelDir?: string;
  /** The @mediapipe/tasks-vision package folder (default: resolved from node_modules). */
  tasksVisionDir?: string | null;
}

export interface PoseModelFile {
  name: PoseTaskName;
  source: PoseModelSource;
  file: string;
  bytes: number;
}

function resolveTasksVision(): string | null {
  try {
    // The package's exports hide package.json; its CommonJS entry sits at the package root.
    return path.dirname(require.resolve('@mediapipe/tasks-vision'));
  } catch {
    return null;
  }
}

/** The bundle served for a name: official first, then the built one; null when neither exists. */
export function findPoseModel(dir: string, name: PoseTaskName): PoseModelFile | null {
  const candidates: [PoseModelSource, string][] = [
    ['official', path.join(dir, 'official', `${name}.task`)],
    ['built', path.join(dir, `${name}.task`)],
  ];
  for (const [source, file] of candidates) {
    try {
      const st = fs.statSync(file);
      if (st.isFile() && st.size > 0) return { name, source, file, bytes: st.size };
    } catch {
      // not there: try the next
    }
  }
  return null;
}

function notFound(res: Response, message: string): void {
  res.status(404).json({ error: { code: 'not_found', message } });
}

export function assetsRouter(opts: AssetOptions = {}): Router {
  const r = Router();
  const modelDir = opts.poseModelDir ?? projectPath('models', 'pose');
  // Where official bundles are looked for, as a user would type it: relative to the project when inside it.
  const officialDir = path.join(modelDir, 'official');
  const relative = path.relative(projectRoot(), officialDir);
  const officialShown = `${relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : officialDir}/`;
  const visionDir = opts.tasksVisionDir === undefined ? resolveTasksVision() : opts.tasksVisionDir;

  if (visionDir) {
    const setHeaders = (res: Response, file: string): void => {
      if (file.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
      else if (file.endsWith('.js') || file.endsWith('.mjs'))
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      // Usable from a cross-origin-isolated page (COEP require-corp).
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    };
    r.use(
      '/vendor/tasks-vision',
      express.static(path.join(visionDir, 'wasm'), { maxAge: '1h', index: false, setHeaders }),
    );
    r.get('/vendor/tasks-vision/vision_bundle.mjs', (_req, res) => {
      setHeaders(res, 'vision_bundle.mjs');
      res.sendFile(path.join(visionDir, 'vision_bundle.mjs'), { maxAge: '1h' });
    });
  }
  r.use('/vendor/tasks-vision', (_req, res) => {
    notFound(
      res,
      visionDir
        ? 'no such tasks-vision file'
        : 'the npm package @mediapipe/tasks-vision is not installed (run `npm install`)',
    );
  });

  r.get('/models/pose/index.json', (_req, res) => {
    const models = POSE_TASK_NAMES.flatMap((name) => {
      const m = findPoseModel(modelDir, name);
      return m ? [{ name: m.name, source: m.source, bytes: m.bytes, url: `/models/pose/${m.name}.task` }] : [];
    });
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ models });
  });
  r.get('/models/pose/:file', (req, res) => {
    const match = /^(pose_landmarker_(?:lite|full|heavy))\.task$/.exec(req.params.file);
    if (!match) {
      notFound(res, `no pose model ${req.params.file}: only pose_landmarker_{lite,full,heavy}.task are served`);
      return;
    }
    const name = match[1] as PoseTaskName;
    const model = findPoseModel(modelDir, name);
    if (!model) {
      // scripts/build-pose-task.mjs (`npm run models`) builds lite and full only.
      notFound(
        res,
        name === 'pose_landmarker_heavy'
          ? `${name}.task is not available: it is served only as an official MediaPipe bundle you provide ` +
              `(\`npm run models\` builds only pose_landmarker_lite and pose_landmarker_full); place the official ${name}.task in ${officialShown}`
          : `${name}.task is not available: run \`npm run models\` to build it from @mediapipe/pose, or place the official bundle in ${officialShown}`,
      );
      return;
    }
    res.setHeader('X-Pose-Model-Source', model.source);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.sendFile(model.file, { maxAge: 0, headers: { 'Content-Type': 'application/octet-stream' } });
  });
  return r;
}
