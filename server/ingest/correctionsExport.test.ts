import { correctionRow, correctionsJsonl } from './correctionsExport';
import { exportDisposition } from './export';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import type { CorrectionForExport } from '../store/sqliteStore';

const zh: CorrectionForExport = {
  correction: { sessionId: 's1', utteranceId: 7, label: 'neutral', note: '只是随口问问', correctedAt: 1_700_000_000_000 },
  speaker: '王先生', text: '这个多少钱啊\u2028"真的"', startMs: 4200, context: 'Here is the plan\n(draft).',
  modelLabel: 'price_inquiry', modelScore: 0.912, modelVersion: 'verbal-x',
};
const en: CorrectionForExport = {
  correction: { sessionId: 's1', utteranceId: 9, label: 'purchase_intent', note: null, correctedAt: 5 },
  speaker: 'Li', text: "Let's sign today.", startMs: 0, context: null, modelLabel: null, modelScore: null, modelVersion: null,
};

describe('corrections as eval verbal rows', () => {
  it('writes the fields in order; no context, note or signal: context and note left out, the model said neutral with null score and version', () => {
    expect(Object.keys(correctionRow(zh))).toEqual([
      'text', 'label', 'lang', 'role', 'context', 'session', 'utterance', 'speaker', 'startMs', 'model_label', 'model_score', 'model_version', 'note', 'corrected_at',
    ]);
    expect(correctionRow(en)).toEqual({
      text: "Let's sign today.", label: 'purchase_intent', lang: 'en', role: 'customer', session: 's1', utterance: 9, speaker: 'Li', startMs: 0,
      model_label: 'neutral', model_score: null, model_version: null, corrected_at: 5,
    });
  });

  it('is read by the training/eval reader as the same texts, labels, languages, roles and contexts, the rest kept as fields', () => {
    const text = correctionsJsonl([zh, en]);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(3);
    const rows = parseLabeledJsonl(text, 'labels.jsonl');
    expect(rows).toEqual([
      {
        text: zh.text, label: 'neutral', lang: 'zh', role: 'customer', context: zh.context, line: 1,
        fields: { session: 's1', utterance: '7', startMs: '4200', model_label: 'price_inquiry', model_score: '0.912', model_version: 'verbal-x', note: '只是随口问问', corrected_at: '1700000000000' },
      },
      { text: en.text, label: 'purchase_intent', lang: 'en', role: 'customer', line: 2, fields: { session: 's1', utterance: '9', startMs: '0', model_label: 'neutral', corrected_at: '5' } },
    ]);
    expect(correctionsJsonl([])).toBe('');
  });

  it('is downloaded as <title>-labels.jsonl, named as the transcript export names its file', () => {
    expect(exportDisposition('Q3/Q4: review', 's1', '-labels.jsonl')).toBe('attachment; filename="Q3_Q4_ review-labels.jsonl"');
    expect(exportDisposition('面谈', 's1', '-labels.jsonl')).toBe(`attachment; filename="s1-labels.jsonl"; filename*=UTF-8''${encodeURIComponent('面谈-labels.jsonl')}`);
    expect(exportDisposition('Q3/Q4: review', 's1')).toBe('attachment; filename="Q3_Q4_ review.json"');
  });
});
