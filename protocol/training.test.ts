import { zodToApiError } from './protocol';
import { EXTRA_WEIGHT_MAX, TRAIN_SEED_DEFAULT, TRAIN_SEED_MAX, TrainRequestSchema } from './training';
import { DEFAULT_TRAIN_OPTIONS } from '../server/signals/verbal/train';
import { intFlag } from '../server/cli/args';

const refusal = (body: unknown) => {
  const r = TrainRequestSchema.safeParse(body);
  if (r.success) throw new Error(`accepted ${JSON.stringify(body)}`);
  return zodToApiError(r.error, '', 'body', body);
};

describe('TrainRequestSchema', () => {
  it('takes an empty body and every field within its limits', () => {
    expect(TrainRequestSchema.parse({})).toEqual({});
    expect(TrainRequestSchema.parse({ seed: 0, extraWeight: 1, session: 'abc_1' })).toEqual({ seed: 0, extraWeight: 1, session: 'abc_1' });
    expect(TrainRequestSchema.parse({ seed: TRAIN_SEED_MAX, extraWeight: EXTRA_WEIGHT_MAX })).toEqual({ seed: TRAIN_SEED_MAX, extraWeight: EXTRA_WEIGHT_MAX });
  });

  it('names the field and the limit of a value out of range', () => {
    expect(refusal({ extraWeight: 21 })).toMatchObject({ field: 'extraWeight', message: expect.stringContaining('at most 20') });
    expect(refusal({ extraWeight: 0 })).toMatchObject({ field: 'extraWeight', message: expect.stringContaining('at least 1') });
    expect(refusal({ extraWeight: 2.5 })).toMatchObject({ field: 'extraWeight', message: expect.stringContaining('whole number from 1 to 20') });
    expect(refusal({ seed: -1 })).toMatchObject({ field: 'seed', message: expect.stringContaining('at least 0') });
    expect(refusal({ seed: TRAIN_SEED_MAX + 1 })).toMatchObject({ field: 'seed', message: expect.stringContaining(`at most ${TRAIN_SEED_MAX}`) });
    expect(refusal({ seed: '7' })).toMatchObject({ field: 'seed', message: expect.stringContaining('whole number') });
    expect(refusal({ session: 'a b' })).toMatchObject({ field: 'session' });
  });

  it('refuses other fields: the corpus or epochs cannot be set over HTTP', () => {
    expect(refusal({ corpus: '/etc/passwd' })).toMatchObject({ field: 'corpus', message: expect.stringContaining('unknown field') });
    expect(refusal({ epochs: 1 })).toMatchObject({ field: 'epochs' });
    expect(refusal([])).toMatchObject({ field: 'body' });
  });

  it("shares the CLI's limits and default seed", () => {
    expect(TRAIN_SEED_DEFAULT).toBe(DEFAULT_TRAIN_OPTIONS.seed);
    expect(() => intFlag(String(EXTRA_WEIGHT_MAX + 1), 'extra-weight', 1, EXTRA_WEIGHT_MAX)).toThrow(/extra-weight/);
  });
});
