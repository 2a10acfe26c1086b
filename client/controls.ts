// What the playback buttons allow, from the player's state and the session shown: which are
// enabled, why Play is not (a hint for its title and description), and where the keyboard
// focus goes when the button that had it disables itself (Play → Pause → Resume → …), so a
// keyboard user is not dropped onto the page's body.
import type { StringKey } from './i18n';
import type { PlayerState } from './player';

/** Whether the session shown has anything to play: unknown while its frames are looked up. */
export type Content = 'some' | 'none' | 'unknown';

export interface ControlsInput {
  /** The playback's state; 'idle' when there is none. */
  player: PlayerState;
  /** A Play is loading the recording and making its session. */
  starting: boolean;
  connected: boolean;
  content: Content;
  /** Another window is playing into the session shown (it is watched here). */
  watching: boolean;
  /** The server no longer has the session shown. */
  lost: boolean;
  /** Play would replay a recording this window holds (the one it played into the session shown). */
  replayable: boolean;
}

export interface Controls {
  play: { disabled: boolean; resume: boolean; /** Why Play is disabled, if it is for the session rather than for the moment. */ hint: StringKey | null };
  pause: { disabled: boolean };
  stop: { disabled: boolean };
  /** A playback is under way: the session, upload and refresh controls are locked. */
  busy: boolean;
}

export type ControlName = 'play' | 'pause' | 'stop';

export function controls(i: ControlsInput): Controls {
  const active = i.player === 'playing' || i.player === 'paused';
  let hint: StringKey | null = null;
  let disabled: boolean;
  if (i.player === 'playing' || i.starting) disabled = true;
  // Resuming while offline would only pause again: the connection's return resumes it.
  else if (i.player === 'paused') disabled = !i.connected;
  else if (i.replayable) disabled = false;
  else {
    // A copy of a session half-played elsewhere, of one the server lost, or of nothing.
    hint = i.watching ? 'playWatching' : i.lost ? 'playGone' : i.content === 'none' ? 'playNothing' : null;
    disabled = hint !== null || i.content === 'unknown';
  }
  return {
    play: { disabled, resume: i.player === 'paused', hint },
    pause: { disabled: i.player !== 'playing' },
    stop: { disabled: !active },
    busy: active || i.starting,
  };
}

/**
 * The button to give the focus to when the one that had it is now disabled: the one now
 * useful (Pause while playing, Resume when paused, Play after the end); null if none is
 * enabled yet (e.g. while Play is starting): the caller tries again at the next render.
 */
export function focusTarget(c: Controls, player: PlayerState): ControlName | null {
  const order: ControlName[] = player === 'playing' ? ['pause', 'stop'] : player === 'paused' ? ['play', 'stop'] : ['play'];
  return order.find((name) => !c[name].disabled) ?? null;
}
