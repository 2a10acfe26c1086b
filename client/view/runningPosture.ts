// The Model quality view's "Running posture model" section: the posture models the server can run
// (its library, read afresh: version, when trained, each label's F1 on its synthetic validation
// set, the labelled frames it was trained with), Run this model confirmed inline (live meetings
// switch for their new frames; stored sessions keep their posture signals until re-analysed), the
// switch under way and the recent changes. Every window follows a switch (`posture_settings`).
// All but the figures is the verbal section's (modelSwitch.ts): a posture model carries its own
// thresholds, so there is no thresholds form; Compare with running opens the posture comparison
// on labelled frames (postureCompare.ts).
import type { PostureHistoryEntry, PostureLibrary, PostureLibraryModel, PostureSettings, PostureSettingsPut, PostureState } from '../../protocol/postureModels';
import type { ApiError } from '../../protocol/protocol';
import { postureModelError } from '../errorText';
import { t } from '../i18n';
import { labelF1Words } from '../postureTraining';
import type { Child } from './dom';
import { historyTime, ModelSwitchSection, SOURCE_KEYS, type FigureColumn, type SwitchSource, type SwitchWords } from './modelSwitch';

export type RunningPostureSource = SwitchSource<PostureLibrary, PostureSettings, PostureSettingsPut>;

const POSTURE_WORDS: SwitchWords = {
  heading: 'postureRunningH', caption: 'postureRunningCaption', confirm: 'postureRunningConfirm', applied: 'postureRunningApplied',
  historyNone: 'postureRunningHistoryNone', extraRows: 'postureRunningExtra',
};

/** One change of the history in words (`at`: its time, by default in the page's language). */
export function postureHistoryLine(e: PostureHistoryEntry, at: (ms: number) => string = historyTime): string {
  return t('postureRunningHistory', { at: at(e.at), from: e.from ? e.from.version : t('runningSource_default'), to: e.to.version });
}

export class RunningPostureSection extends ModelSwitchSection<PostureLibraryModel, PostureState, PostureSettings, PostureSettingsPut> {
  constructor(source: RunningPostureSource, switched: () => void, compare?: (id: string, version: string) => void) {
    super(source, 'posture-running', POSTURE_WORDS, switched, compare);
  }

  /** Its refusals name the posture model (the server's field is `model`, as the verbal PUT's). */
  protected override worded(e: ApiError): ApiError {
    return postureModelError(e);
  }

  protected runBody(id: string): PostureSettingsPut {
    return { model: id };
  }

  protected nowLine(s: PostureState): Child[] {
    return [t('postureRunningNow', { model: s.model.version, source: t(SOURCE_KEYS[s.model.source]) })];
  }

  protected switchingWhat(s: PostureState): string {
    return s.switching?.model.version ?? '';
  }

  protected figureColumns(): FigureColumn[] {
    return [{ key: 'postureRunningColF1' }];
  }

  protected figureCells(m: PostureLibraryModel): Child[] {
    return [m.validation === null ? '–' : labelF1Words(m.validation)];
  }

  protected historyLine(e: PostureHistoryEntry): string {
    return postureHistoryLine(e);
  }
}
