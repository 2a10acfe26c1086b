// The demo meeting that `npm start` offers: a recorded bilingual bank-sales conversation
// the client plays against the server as live utterances.
import fs from 'node:fs';
import { z } from 'zod';
import { MediaMsSchema, PoseInSchema, RoleSchema, SpeakerSchema, UtteranceInSchema } from '../../protocol/protocol';
import { projectPath } from '../paths';
import type { SessionService } from '../pipeline/sessionService';

/** The customer's recorded posture: landmarks at 5 fps (the project's own synthetic skeleton). */
export const DemoPostureSchema = z.object({
  participant: SpeakerSchema,
  aspect: z.number().positive(),
  frames: z.array(z.object({ mediaMs: MediaMsSchema, poses: z.array(PoseInSchema) })),
});

export const DemoMeetingSchema = z.object({
  title: z.string().min(1),
  participants: z.array(z.object({ name: SpeakerSchema, role: RoleSchema })).min(2),
  utterances: z.array(UtteranceInSchema).min(1),
  posture: DemoPostureSchema.optional(),
});
export type DemoMeeting = z.infer<typeof DemoMeetingSchema>;

export const DEMO_FILE = projectPath('fixtures', 'demo', 'meeting.json');
export const DEMO_POSTURE_FILE = projectPath('fixtures', 'demo', 'posture.json');
export const DEMO_SESSION_ID = 'demo';

export function loadDemoMeeting(file = DEMO_FILE, postureFile: string | null = DEMO_POSTURE_FILE): DemoMeeting {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (postureFile && fs.existsSync(postureFile)) {
    const p = JSON.parse(fs.readFileSync(postureFile, 'utf8')) as { participant: string; aspect: number; frames: { mediaMs: number; poses: { landmarks: unknown; score?: unknown }[] }[] };
    // Keep only the wire fields of each pose (the generator also writes a box).
    raw.posture = { ...p, frames: p.frames.map((f) => ({ mediaMs: f.mediaMs, poses: f.poses.map((q) => ({ landmarks: q.landmarks, ...(q.score !== undefined ? { score: q.score } : {}) })) })) };
  }
  const r = DemoMeetingSchema.safeParse(raw);
  if (!r.success) throw new Error(`demo meeting ${file} is invalid: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** Stores the demo as an analysed session (id "demo") once, so a coach can review it too. */
export function seedDemoSession(service: SessionService, meeting: DemoMeeting): void {
  if (service.listSessions().some((s) => s.id === DEMO_SESSION_ID)) return;
  service.createSession({ title: meeting.title, participants: meeting.participants }, { demo: true, id: DEMO_SESSION_ID });
  // Words and posture in media-time order, as a live meeting would deliver them.
  const steps: { t: number; run: () => void }[] = meeting.utterances.map((u) => ({ t: u.startMs, run: () => void service.addUtterance(DEMO_SESSION_ID, u) }));
  const p = meeting.posture;
  if (p) {
    for (const f of p.frames) {
      steps.push({ t: f.mediaMs, run: () => void service.addLandmarks({ sessionId: DEMO_SESSION_ID, participant: p.participant, mediaMs: f.mediaMs, poses: f.poses, aspect: p.aspect }, 'browser') });
    }
  }
  steps.sort((a, b) => a.t - b.t).forEach((s) => s.run());
}
