// The playback buttons: what is enabled, why Play is not, and where the focus goes.
import { controls, focusTarget, type ControlsInput } from './controls';

const base: ControlsInput = {
  player: 'idle',
  starting: false,
  connected: true,
  content: 'some',
  watching: false,
  lost: false,
  replayable: false,
};

test('a session with something to play offers Play; playing offers Pause and Stop', () => {
  expect(controls(base)).toEqual({ play: { disabled: false, resume: false, hint: null }, pause: { disabled: true }, stop: { disabled: true }, busy: false });
  expect(controls({ ...base, player: 'playing' })).toEqual({ play: { disabled: true, resume: false, hint: null }, pause: { disabled: false }, stop: { disabled: false }, busy: true });
  expect(controls({ ...base, player: 'paused' }).play).toEqual({ disabled: false, resume: true, hint: null });
  expect(controls({ ...base, player: 'paused', connected: false }).play.disabled).toBe(true);
  expect(controls({ ...base, starting: true }).play.disabled).toBe(true);
});

test('a session with nothing to play disables Play and says why', () => {
  expect(controls({ ...base, content: 'none' }).play).toEqual({ disabled: true, resume: false, hint: 'playNothing' });
  // Its frames still being looked up: not yet playable, nothing to say yet.
  expect(controls({ ...base, content: 'unknown' }).play).toEqual({ disabled: true, resume: false, hint: null });
});

test('a session another window is playing cannot be copied half-way from here', () => {
  expect(controls({ ...base, watching: true }).play).toEqual({ disabled: true, resume: false, hint: 'playWatching' });
});

test('a session the server lost plays again only from the recording this window played into it', () => {
  expect(controls({ ...base, lost: true }).play).toEqual({ disabled: true, resume: false, hint: 'playGone' });
  expect(controls({ ...base, lost: true, player: 'stopped', replayable: true }).play).toEqual({ disabled: false, resume: false, hint: null });
});

test('the focus goes to the button now useful when the one that had it disables itself', () => {
  const at = (i: Partial<ControlsInput>) => focusTarget(controls({ ...base, ...i }), i.player ?? 'idle');
  expect(at({ player: 'playing' })).toBe('pause'); // after Play
  expect(at({ player: 'paused' })).toBe('play'); // after Pause: Resume
  expect(at({ player: 'paused', connected: false })).toBe('stop'); // offline: Resume waits
  expect(at({ player: 'done', replayable: true })).toBe('play'); // after the end
  expect(at({ player: 'stopped', replayable: true })).toBe('play'); // after Stop
  expect(at({ starting: true })).toBeNull(); // nothing yet: tried again at the next render
});
