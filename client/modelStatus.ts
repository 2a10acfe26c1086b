// Which models a session's analysis came from, beside the models the server runs now, in
// words: "Analysed with an older verbal model (…; the server runs …)", "Mixes 2 verbal models
// (…)". The snapshot's `modelVersions` lists the versions of its stored signals and cues, per
// kind; `/api/health` names the server's current ones. Also the outcome of a re-analysis and
// the server's signal thresholds, worded. Pure apart from the UI language (i18n's t).
import { VERBAL_LABELS, type ModelVersions, type SessionSnapshot, type VerbalLabel } from '../protocol/protocol';
import type { Health } from '../protocol/outbound';
import { thresholdsKey } from '../protocol/thresholds';
import { labelName, labelled, t, type StringKey } from './i18n';

export type ModelKind = 'verbal' | 'posture';
export const MODEL_KINDS: readonly ModelKind[] = ['verbal', 'posture'];

/**
 * One kind's standing: `current` (the server's model), `older` / `newer` / `other` (one model,
 * not the server's: older or newer by the training date in its version id, `other` when the
 * dates do not tell), `mixed` (more than one), `unchecked` (one model, the server's unknown).
 */
export type KindState = 'current' | 'older' | 'newer' | 'other' | 'mixed' | 'unchecked';

export interface KindStatus {
  kind: ModelKind;
  /** The versions the session's analysis came from, sorted (never empty here). */
  versions: string[];
  /** The server's model of this kind, when known. */
  current: string | null;
  state: KindState;
}

/** Signal thresholds per label (none: {}), as the snapshot and health give them. */
export type Thresholds = Partial<Record<string, number>>;

export interface ModelStatus {
  /** The kinds the session has any analysis of (verbal first). */
  kinds: KindStatus[];
  /**
   * Set when the session's signals were made under other signal thresholds than the server's
   * now (or under more than one set): those it was made under, and the server's. Absent when
   * they are the server's, or either is not known (a session analysed before the server kept
   * them, an archive from before, a server that does not say).
   */
  thresholds?: { recorded: Thresholds[]; current: Thresholds };
  /** Whether a re-analysis would bring the session over to one model per kind, the server's. */
  stale: boolean;
}

/** The training date of a version id (`verbal-20261130-ede7e5a6` → "20261130"), or null. */
export function versionDate(version: string): string | null {
  return /^[a-z]+-(\d{8})-/.exec(version)?.[1] ?? null;
}

function kindState(versions: readonly string[], current: string | null): KindState {
  if (versions.length > 1) return 'mixed';
  const [only] = versions;
  if (current === null) return 'unchecked';
  if (only === current) return 'current';
  const was = versionDate(only ?? '');
  const now = versionDate(current);
  if (was === null || now === null || was === now) return 'other';
  return was < now ? 'older' : 'newer';
}

/** What the server runs, as health reports it (null: not known, e.g. health failed to load). */
export type CurrentModels = Pick<Health, 'verbalModel' | 'postureModel' | 'signalThresholds'> | null;

export function modelStatus(versions: ModelVersions, health: CurrentModels): ModelStatus {
  const current = (kind: ModelKind): string | null => (health === null ? null : kind === 'verbal' ? health.verbalModel : (health.postureModel ?? null));
  const kinds = MODEL_KINDS.filter((k) => versions[k].length > 0).map((kind) => {
    const vs = [...versions[kind]].sort();
    const now = current(kind);
    return { kind, versions: vs, current: now, state: kindState(vs, now) };
  });
  const recorded = versions.thresholds ?? [];
  const server = health?.signalThresholds;
  const thresholds = server !== undefined && recorded.length > 0 && (recorded.length > 1 || thresholdsKey(recorded[0]!) !== thresholdsKey(server)) ? { recorded, current: server } : undefined;
  return { kinds, ...(thresholds ? { thresholds } : {}), stale: thresholds !== undefined || kinds.some((k) => k.state !== 'current' && k.state !== 'unchecked') };
}

const KIND_NAME: Record<ModelKind, StringKey> = { verbal: 'modelKindVerbal', posture: 'modelKindPosture' };
const STATE_TEXT: Record<Exclude<KindState, 'current' | 'unchecked'>, StringKey> = {
  older: 'modelOlder',
  newer: 'modelNewer',
  other: 'modelOther',
  mixed: 'modelMixed',
};

/**
 * The status line: when every kind is the server's model (or the server's is unknown), the
 * versions alone ("Analysed with verbal-… · posture-…"); else one plain sentence per kind that
 * differs, naming its versions and the server's.
 */
export function statusText(status: ModelStatus): string {
  const off = status.kinds.filter((k) => k.state !== 'current' && k.state !== 'unchecked');
  const th = status.thresholds;
  if (off.length === 0 && !th) return t('modelsUsed', { models: status.kinds.flatMap((k) => k.versions).join(' · ') });
  const lines = off.map((k) => {
    const versions = k.versions.join(t('listSep'));
    const detail = k.current === null ? versions : t('modelServerRuns', { versions, current: k.current });
    return t(STATE_TEXT[k.state as keyof typeof STATE_TEXT], { kind: t(KIND_NAME[k.kind]), n: k.versions.length, detail });
  });
  if (th) {
    const detail = t('modelServerRuns', { versions: th.recorded.map(thresholdsList).join(' / '), current: thresholdsList(th.current) });
    lines.push(th.recorded.length > 1 ? t('thresholdsMixed', { n: th.recorded.length, detail }) : t('thresholdsOther', { detail }));
  }
  return lines.join(' · ');
}

/** "Resistance ≥ 0.6, Price inquiry ≥ 0.5" in the UI language; "none" for none. */
function thresholdsList(th: Thresholds): string {
  const entries = Object.entries(th).filter((e): e is [string, number] => e[1] !== undefined);
  if (entries.length === 0) return t('runningThresholdsNone');
  const name = (label: string) => ((VERBAL_LABELS as readonly string[]).includes(label) ? labelName(label as VerbalLabel) : label);
  return entries.map(([label, min]) => `${name(label)} ≥ ${min}`).join(t('listSep'));
}

/** What a re-analysis did: the models it used, and the counts before and after. */
export interface ReanalyseOutcome {
  models: string[];
  signals: [before: number, after: number];
  cues: [before: number, after: number];
}

export function reanalyseOutcome(before: { signals: number; cues: number }, after: Pick<SessionSnapshot, 'signals' | 'cues' | 'modelVersions'>): ReanalyseOutcome {
  return {
    models: MODEL_KINDS.flatMap((k) => after.modelVersions[k]),
    signals: [before.signals, after.signals.length],
    cues: [before.cues, after.cues.length],
  };
}

/** "Re-analysed with verbal-…: signals 12 → 14, cues 5 → 6." */
export function outcomeText(o: ReanalyseOutcome): string {
  const counts = { s0: o.signals[0], s1: o.signals[1], c0: o.cues[0], c1: o.cues[1] };
  return o.models.length > 0 ? t('reanalyseDone', { models: o.models.join(t('listSep')), ...counts }) : t('reanalyseDoneBare', counts);
}

/**
 * The server's signal thresholds (`serve --thresholds`), "Signal thresholds: Resistance ≥ 0.6,
 * …" in the UI language; '' when it runs with none (or does not say).
 */
export function thresholdsText(thresholds: Health['signalThresholds']): string {
  const entries = Object.entries(thresholds ?? {});
  if (entries.length === 0) return '';
  const name = (label: string) => ((VERBAL_LABELS as readonly string[]).includes(label) ? labelName(label as VerbalLabel) : label);
  return labelled(t('signalThresholds'), entries.map(([label, min]) => `${name(label)} ≥ ${min}`).join(t('listSep')));
}
