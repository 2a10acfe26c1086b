// The demo meeting that `npm start` offers: a recorded bilingual bank-sales conversation
// the client plays against the server as live utterances.
import fs from 'node:fs';
import { z } from 'zod';
import { RoleSchema, SpeakerSchema, UtteranceInSchema } from '../../protocol/protocol';
import { projectPath } from '../paths';
import type { SessionService } from '../pipeline/sessionService';

export const DemoMeetingSchema = z.object({
  title: z.string().min(1),
  participants: z.array(z.object({ name: SpeakerSchema, role: RoleSchema })).min(2),
  utterances: z.array(UtteranceInSchema).min(1),
});
export type DemoMeeting = z.infer<typeof DemoMeetingSchema>;

export const DEMO_FILE = projectPath('fixtures', 'demo', 'meeting.json');
export const DEMO_SESSION_ID = 'demo';

export function loadDemoMeeting(file = DEMO_FILE): DemoMeeting {
  const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const r = DemoMeetingSchema.safeParse(raw);
  if (!r.success) throw new Error(`demo meeting ${file} is invalid: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** Stores the demo as an analysed session (id "demo") once, so a coach can review it too. */
export function seedDemoSession(service: SessionService, meeting: DemoMeeting): void {
  if (service.listSessions().some((s) => s.id === DEMO_SESSION_ID)) return;
  service.createSession({ title: meeting.title, participants: meeting.participants }, { demo: true, id: DEMO_SESSION_ID });
  service.upload(DEMO_SESSION_ID, meeting.utterances, meeting.participants);
}
