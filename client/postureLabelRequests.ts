// This window's posture-label saves and removals, and the `posture_labelled` events the room
// sends. The server sends the session's room `posture_labelled` for every accepted PUT or DELETE,
// this window's own included; the window applies its own answer instead (see OwnRequests). A PUT
// names a moment, not a frame: which frame it lands on is known only from the answer, so while a
// PUT for a participant is under way an event with labels for that participant is held, not
// applied; once the answer is in, those held for another frame than the answer's (another coach's
// meanwhile) are applied after it, and the one for the answer's frame is dropped as the echo.
// (A refused PUT sent nothing: everything held is applied.) A DELETE names its frame: its echo
// is recognised by it.
import type { PostureLabels } from '../protocol/protocol';
import { OwnRequests } from './ownRequests';
import { postureRemoveKey, postureSaveKey, type PostureLabelledEvent, type postureLabelsBody } from './postureLabels';

export interface PostureLabelApi {
  put(sessionId: string, body: ReturnType<typeof postureLabelsBody>): Promise<PostureLabels>;
  delete(sessionId: string, frameId: number): Promise<boolean>;
}

export class PostureLabelRequests {
  private readonly own = new OwnRequests();
  /** Events held while a PUT of this window for their participant was under way, by its key. */
  private readonly held = new Map<string, PostureLabelledEvent[]>();

  constructor(
    private readonly api: PostureLabelApi,
    /** Shows an event (or this window's answer as one) on the page. */
    private readonly apply: (ev: PostureLabelledEvent) => void,
  ) {}

  /** A `posture_labelled` event from the room: applied, unless it is (or may be) this window's own echo. */
  onEvent(ev: PostureLabelledEvent): void {
    if (ev.labels === null) {
      if (!this.own.isOwnEcho(postureRemoveKey(ev.sessionId, ev.frameId))) this.apply(ev);
      return;
    }
    const key = postureSaveKey(ev.sessionId, ev.labels.participant);
    const held = this.held.get(key);
    if (held && this.own.isOwnEcho(key)) held.push(ev);
    else this.apply(ev);
  }

  /** Saves labels at a moment; the answer (the frame the server chose) is applied and returned. Throws the refusal. */
  async save(sessionId: string, body: ReturnType<typeof postureLabelsBody>): Promise<PostureLabels> {
    const key = postureSaveKey(sessionId, body.participant);
    const held = this.held.get(key) ?? [];
    this.held.set(key, held);
    let answer: PostureLabels | null = null;
    try {
      answer = await this.own.run(key, () => this.api.put(sessionId, body));
      this.apply({ sessionId, frameId: answer.frameId, labels: answer });
      return answer;
    } finally {
      // The echo of this answer is dropped; the others held are applied once no PUT for the participant is under way.
      const frameId = answer?.frameId;
      const others = held.filter((ev) => ev.frameId !== frameId);
      held.splice(0, held.length, ...others);
      if (!this.own.isOwnEcho(key)) {
        this.held.delete(key);
        for (const ev of others) this.apply(ev);
      }
    }
  }

  /** Removes a frame's labels; applied once answered. Throws the refusal. */
  async remove(sessionId: string, frameId: number): Promise<boolean> {
    const removed = await this.own.run(postureRemoveKey(sessionId, frameId), () => this.api.delete(sessionId, frameId));
    this.apply({ sessionId, frameId, labels: null });
    return removed;
  }
}
