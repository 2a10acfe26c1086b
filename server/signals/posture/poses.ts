// Samples posture specs for the synthetic skeleton: one lean, one arm arrangement and one leg
// arrangement per example, each with variety inside the posture (how tight the arms are
// crossed, how far the lean goes, palm angles, one or two open hands).
import type { Rng } from '../random';
import type { ArmSpec, BodyShape, LegSpec, PostureSpec } from './skeleton';
import { add, scale, sub, unit, type V3 } from './vec';

export type LeanKind = 'upright' | 'forward' | 'back';
export type ArmsKind = 'crossed' | 'open' | 'rest';

export interface PostureDraw {
  spec: PostureSpec;
  lean: LeanKind;
  arms: ArmsKind;
  legsCrossed: boolean;
  seated: boolean;
  /** Landmark indices hidden by the posture itself (a wrist under the other forearm, hands behind the head). */
  hidden: number[];
  /** Which hands are open (for masking open_palms when those hands leave the frame). */
  openHands: number[];
  /** Sides (0 left, 1 right) whose forearm is folded across the body: pose models often shorten those. */
  pulled: number[];
  /** The arm arrangement's name, e.g. "crossed:stacked" or "rest:lap/desk", for diagnostics. */
  armStyle: string;
}

const DEG = Math.PI / 180;
const u = (rng: Rng, a: number, b: number): number => a + (b - a) * rng();
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const HAND = (k: number): number[] => [15 + k, 17 + k, 19 + k, 21 + k];

type ArmMaker = (rng: Rng, b: BodyShape, sigma: number) => ArmSpec;
const arm = (wrist: V3, pole: V3, fingerDir: V3, palmNormal: V3, spread: number): ArmSpec => ({ wrist, pole, fingerDir, palmNormal, spread });

const REST_SINGLE: Record<string, ArmMaker> = {
  hang: (r, b, s) => arm([s * (b.shoulderHalf + u(r, 0.01, 0.08)), b.torso - (b.upperArm + b.forearm) * 0.97, u(r, -0.02, 0.08)], [s * 0.3, 0, -1], [0, -1, 0], [-s, 0, u(r, -0.3, 0.3)], u(r, 0.1, 0.5)),
  pocket: (r, b, s) => arm([s * (b.hipHalf + u(r, 0.03, 0.07)), u(r, -0.06, 0.05), u(r, 0, 0.06)], [s, 0, -0.6], [0, -1, 0.2], [-s, 0, 0], u(r, 0, 0.3)),
  hip: (r, b, s) => arm([s * (b.hipHalf + u(r, 0.04, 0.09)), u(r, 0.03, 0.12), u(r, -0.03, 0.04)], [s, 0.1, -0.3], [-s * 0.5, -0.4, 0.6], [-s, 0, 0], u(r, 0.2, 0.6)),
  lap: (r, b, s) => arm([s * u(r, 0.06, 0.2), u(r, 0.02, 0.12), u(r, 0.18, 0.36)], [s * 0.5, -1, -0.2], [u(r, -0.4, 0.4) * s, -0.3, 1], [0, -1, 0], u(r, 0.1, 0.8)),
  desk: (r, b, s) => arm([s * u(r, 0.08, 0.3), b.torso - b.upperArm * u(r, 0.7, 1.05), u(r, 0.28, 0.45)], [s, -1, -0.5], [-s * u(r, 0, 0.6), 0, 1], [0, -1, 0], u(r, 0.1, 0.8)),
  armrest: (r, b, s) => arm([s * (b.shoulderHalf + u(r, 0.02, 0.08)), u(r, 0.1, 0.22), u(r, 0.18, 0.32)], [s * 0.3, -1, -0.5], [0, -0.2, 1], [0, -1, 0], u(r, 0.1, 0.6)),
  holding: (r, b, s) => arm([s * u(r, 0.05, 0.14), b.torso * u(r, 0.3, 0.6), u(r, 0.25, 0.38)], [s, -1, -0.3], [-s * 0.4, 0.4, 0.8], [s * 0.6, 0.4, 0], u(r, 0.1, 0.4)),
  chin: (r, b, s) => arm([s * u(r, 0, 0.05), b.torso + u(r, 0, 0.06), u(r, 0.1, 0.15)], [s * 0.2, -1, 0.3], [0, 1, 0.2], [-s, 0, 0], u(r, 0, 0.3)),
};

const OPEN: Record<string, ArmMaker> = {
  forward: (r, b, s) => arm([s * u(r, 0.08, 0.4), b.torso - b.upperArm * u(r, 0.4, 1.05), u(r, 0.18, 0.42)], [s * 0.4, -1, -0.2], [s * u(r, 0, 0.5), u(r, 0.1, 0.8), 0.6], pick(r, [[0, 1, 0.2], [0, 0.3, 1], [s * 0.3, 0.6, 0.6]] as V3[]), u(r, 0.6, 1)),
  raised: (r, b, s) => arm([s * (b.shoulderHalf + u(r, 0.02, 0.25)), b.torso + u(r, -0.08, 0.18), u(r, 0.04, 0.22)], [s, -1, 0], [s * u(r, 0, 0.4), 1, 0], [0, u(r, 0, 0.3), 1], u(r, 0.7, 1)),
  shrug: (r, b, s) => arm([s * (b.shoulderHalf + u(r, 0.08, 0.3)), b.torso - b.upperArm - u(r, -0.05, 0.1), u(r, 0.08, 0.22)], [0, -1, -0.3], [s, 0, 0.3], [0, 1, 0], u(r, 0.6, 1)),
  present: (r, b, s) => arm([s * u(r, 0.25, 0.55), b.torso - b.upperArm * u(r, 0.3, 0.8), u(r, 0.25, 0.5)], [s * 0.5, -1, 0], [s * 0.7, 0.1, 0.6], [0, 1, 0], u(r, 0.6, 1)),
};

/**
 * Crossed arms, built the way the body folds them: upper arms hang near the sides (a little
 * forward), forearms lie across the body one above the other, so the wrists end near the
 * midline and the hands reach for the other arm. Wrist targets alone would pull the
 * elbows in toward the chest, which real folded arms do not do.
 */
function crossedArms(r: Rng, b: BodyShape, hidden: number[], names: string[]): [ArmSpec, ArmSpec] {
  const style = pick(r, ['classic', 'classic', 'high', 'low', 'grip', 'reach', 'reach'] as const);
  const top = r() < 0.5 ? 0 : 1;
  const make = (k: number): ArmSpec => {
    const s = k === 0 ? 1 : -1;
    const onTop = k === top;
    if (style === 'reach') {
      // Hands pushed well past the midline to the other elbow (a tight fold, elbows drawn in).
      const wrist: V3 = [-s * u(r, 0.5, 1.05) * b.shoulderHalf, b.torso - b.upperArm * u(r, 0.5, 0.85) + (onTop ? u(r, 0, 0.05) : 0), u(r, 0.1, 0.2) + (onTop ? 0.04 : 0)];
      return arm(wrist, [s * u(r, 0.2, 0.6), -1, -0.3], [-s, u(r, 0, 0.4), -0.2], [0, 0, -1], u(r, 0, 0.35));
    }
    // Upper arm direction (out, down, forward) and forearm direction (across, up, forward).
    const [upper, fore]: [V3, V3] =
      style === 'high' ? [[s * u(r, 0, 0.45), -1, u(r, 0.5, 0.9)], [-s, u(r, 0.1, 0.4), u(r, -0.1, 0.1)]]
      : style === 'low' ? [[s * u(r, 0, 0.35), -1, u(r, 0.05, 0.25)], [-s, u(r, -0.2, 0.15), u(r, 0.1, 0.35)]]
      : style === 'grip' ? [[s * u(r, 0, 0.35), -1, u(r, 0.3, 0.6)], [-s, u(r, 0.4, 0.9), u(r, -0.1, 0.1)]]
      : [[s * u(r, 0, 0.45), -1, u(r, 0.15, 0.55)], [-s, u(r, -0.15, 0.35), u(r, 0, 0.25)]];
    if (onTop) upper[2] += 0.15; // the top forearm rides in front of the other
    else fore[1] -= 0.1;
    const sh: V3 = [s * b.shoulderHalf, b.torso, 0];
    const elbow = add(sh, scale(unit(upper), b.upperArm));
    const wrist = add(elbow, scale(unit(fore), b.forearm * u(r, 0.9, 1)));
    return arm(wrist, sub(elbow, sh), add(unit(fore), [0, 0.2, -0.2]), [0, 0, -1], u(r, 0, 0.35));
  };
  names.push(style);
  const under = 1 - top;
  // The lower forearm's hand is under the upper arm; gripping hands hide both.
  hidden.push(...HAND(under).slice(1), ...(r() < 0.5 ? [15 + under] : []));
  if (style === 'grip' || r() < 0.3) hidden.push(...HAND(top).slice(1), ...HAND(under));
  return [make(0), make(1)];
}

function restArms(r: Rng, b: BodyShape, seated: boolean, hidden: number[], names: string[] = []): [ArmSpec, ArmSpec] {
  const paired = seated ? ['lap', 'desk', 'clasped', 'behindHead', 'holding', 'armrest'] : ['hang', 'hang', 'pocket', 'hip', 'clasped', 'behindBack', 'holding'];
  const style = pick(r, [...paired, 'mixed', 'mixed']);
  if (style !== 'mixed') names.push(style);
  if (style === 'clasped') {
    // Clasped hands touch: same height, wrists a hand's width apart at most.
    const y = b.torso * u(r, 0.1, 0.45);
    const z = u(r, 0.15, 0.3);
    return [1, -1].map((s) => arm([s * u(r, 0.02, 0.05), y + u(r, -0.02, 0.02), z], [s, -1, 0], [-s, 0.2, 0.3], [0, 0.5, -1], u(r, 0.1, 0.3))) as [ArmSpec, ArmSpec];
  }
  if (style === 'behindHead' || style === 'behindBack') {
    hidden.push(...HAND(0), ...HAND(1));
    const head = style === 'behindHead';
    return [1, -1].map((s) =>
      head ? arm([s * u(r, 0.04, 0.1), b.torso + b.neck + u(r, -0.02, 0.05), -0.09], [s, 0.5, 0], [-s, 0, 0], [0, 0, 1], 0.3)
      : arm([s * u(r, 0.03, 0.08), u(r, -0.02, 0.1), -0.14], [s, -0.3, -1], [-s, 0, 0], [0, 0, -1], 0.3),
    ) as [ArmSpec, ArmSpec];
  }
  const singles = seated ? ['lap', 'desk', 'armrest', 'chin', 'lap'] : ['hang', 'pocket', 'hip', 'chin', 'hang'];
  const a = style === 'mixed' ? pick(r, singles) : style;
  const c = style === 'mixed' ? pick(r, singles.filter((x) => x !== 'chin' || a !== 'chin')) : style;
  const maker = (name: string): ArmMaker => REST_SINGLE[name] ?? REST_SINGLE.hang!;
  if (style === 'mixed') names.push(`${a}/${c}`);
  if (a === 'pocket') hidden.push(...HAND(0).slice(1));
  if (c === 'pocket') hidden.push(...HAND(1).slice(1));
  return [maker(a)(r, b, 1), maker(c)(r, b, -1)];
}

function legs(r: Rng, b: BodyShape, seated: boolean, crossed: boolean, reclined: boolean): [LegSpec, LegSpec] {
  // Standing people often keep their feet closer together than their hips (a third of them
  // here, feet 0.2-0.8 hip widths apart): only feet that swap sides are crossed. Without
  // such stances the model took any narrow stance for crossed legs (27 of 32 real standing
  // Kinect clips, server/signals/posture/keypointEval.ts).
  const narrow = !seated && r() < 0.35 ? u(r, 0.2, 0.8) : undefined;
  const out: LegSpec[] = [1, -1].map((s) => {
    const w = b.hipHalf + u(r, -0.01, 0.12);
    if (!seated) {
      const bend = r() < 0.3 ? u(r, 0.05, 0.15) : 0; // weight on one leg, the other knee bent
      const ankleOut = u(r, -0.03, 0.08);
      if (narrow !== undefined) {
        const feet = b.hipHalf * narrow * u(r, 0.8, 1.2);
        return { knee: [s * (feet + b.hipHalf) * 0.5, -b.thigh, u(r, -0.02, 0.06) + bend], ankle: [s * feet, -b.thigh - b.shin, u(r, -0.05, 0.05) - bend] };
      }
      return { knee: [s * w, -b.thigh, u(r, -0.02, 0.06) + bend], ankle: [s * (w + ankleOut), -b.thigh - b.shin, u(r, -0.05, 0.05) - bend] };
    }
    // Uncrossed legs vary a lot (feet tucked back or stretched out, knees apart or together,
    // one foot on a rung) so that only a real crossing looks like one.
    // Both thighs rest on the seat, so uncrossed knees sit at about the same height.
    const knee: V3 = [s * (w + u(r, -0.04, 0.1)), u(r, -0.03, 0.03), b.thigh * u(r, 0.85, 1)];
    const ankle: V3 = reclined || r() < 0.15 ? [s * w, -b.shin * u(r, 0.4, 0.8), b.thigh + b.shin * u(r, 0.5, 0.85)] : [s * (w + u(r, -0.08, 0.1)), -b.shin, b.thigh + u(r, -0.3, 0.25)];
    return { knee, ankle };
  });
  if (crossed) {
    const c = r() < 0.5 ? 0 : 1;
    const s = c === 0 ? 1 : -1;
    const style = seated ? pick(r, ['knee', 'knee', 'figure4', 'ankles']) : 'ankles';
    // Knee over knee: the top thigh lies on the other one (a thigh's thickness higher) and its
    // foot hangs beyond the other foot.
    if (style === 'knee') out[c] = { knee: [-s * b.hipHalf * u(r, 0, 0.6), u(r, 0.1, 0.2), b.thigh * 0.95], ankle: [-s * (b.hipHalf + u(r, 0.08, 0.25)), -b.shin * 0.7, b.thigh + 0.12] };
    else if (style === 'figure4') out[c] = { knee: [s * (b.hipHalf + u(r, 0.18, 0.3)), 0.05, b.thigh * 0.75], ankle: [-s * b.hipHalf * u(r, 0.6, 1), 0.12, b.thigh * 0.95] };
    else {
      const k = out[c]!;
      out[c] = { knee: [-s * u(r, -0.02, 0.04), k.knee[1], k.knee[2]], ankle: [-s * b.hipHalf * u(r, 0.5, 1.1), k.ankle[1], k.ankle[2]] };
    }
  }
  return [out[0]!, out[1]!];
}

export interface PostureWant {
  lean: LeanKind;
  arms: ArmsKind;
  seated: boolean;
  legsCrossed: boolean;
  /**
   * With lean 'forward': hunched over a desk, a laptop or a phone — a moderate torso pitch,
   * the upper back rounded (shoulders forward), the head bent well down, hands often on the
   * desk or holding something.
   */
  hunch?: boolean;
  /** Upright (not leaning forward) but looking down, reading or typing: a bent head alone is not a lean. */
  readDown?: boolean;
}

// The optional variants draw extra random numbers only when asked for, so callers that do not
// use them (the demo track) get the same postures from the same seed as before they existed.
export function drawPosture(r: Rng, b: BodyShape, want: PostureWant): PostureDraw {
  const hidden: number[] = [];
  const openHands: number[] = [];
  const names: string[] = [];
  const { lean, seated } = want;
  const hunch = want.hunch === true && lean === 'forward';
  const pitch = hunch ? u(r, 10, 35) : lean === 'forward' ? u(r, 14, seated ? 45 : 35) : lean === 'back' ? -u(r, 12, seated ? 38 : 20) : u(r, -6, 7);
  let arms: [ArmSpec, ArmSpec];
  if (want.arms === 'crossed') arms = crossedArms(r, b, hidden, names);
  else if (want.arms === 'open') {
    const style = pick(r, Object.keys(OPEN));
    const both = r() < 0.6;
    const rest = restArms(r, b, seated, [], both ? [] : names);
    names.unshift(both ? style : `${style}+`);
    const one = r() < 0.5 ? 0 : 1;
    arms = [0, 1].map((k) => (both || k === one ? OPEN[style]!(r, b, k === 0 ? 1 : -1) : rest[k]!)) as [ArmSpec, ArmSpec];
    openHands.push(...(both ? [0, 1] : [one]));
  } else if (hunch && r() < 0.5) {
    // Both forearms on the desk in front, or both hands holding a device below the face.
    const style = seated && r() < 0.6 ? 'desk' : 'holding';
    names.push(`${style}(hunched)`);
    arms = [REST_SINGLE[style]!(r, b, 1), REST_SINGLE[style]!(r, b, -1)];
  } else arms = restArms(r, b, seated, hidden, names);
  const lookDown = lean === 'forward' && r() < 0.6;
  const readDown = want.readDown === true && lean !== 'forward';
  const spec: PostureSpec = {
    torsoPitch: pitch * DEG,
    torsoRoll: u(r, -5, 5) * DEG,
    torsoYaw: u(r, -12, 12) * DEG,
    headPitch: (hunch ? u(r, 25, 55) : lookDown ? u(r, 10, 40) : readDown ? u(r, 8, 25) : u(r, -12, 12)) * DEG,
    headYaw: u(r, -25, 25) * DEG,
    ...(hunch && { shoulderFwd: u(r, 0.03, 0.08) }),
    arms,
    legs: legs(r, b, seated, want.legsCrossed, lean === 'back' && r() < 0.5),
  };
  return { spec, lean, arms: want.arms, legsCrossed: want.legsCrossed, seated, hidden, openHands, pulled: want.arms === 'crossed' ? [0, 1] : [], armStyle: `${want.arms}:${names.join('')}` };
}
