import { CUE_REASONS, POSTURE_SIGNAL_LABELS, VERBAL_LABELS } from '../../protocol/protocol';
import { cueTitle } from './techniques';

describe('cueTitle', () => {
  const triggers = [...VERBAL_LABELS.filter((l) => l !== 'neutral'), ...POSTURE_SIGNAL_LABELS];
  const postures = [[], ['leaning_forward'], ['open_palms', 'leaning_forward']] as const;

  it('puts the posture in one bracket at the end, never a second bracket after another', () => {
    for (const reason of CUE_REASONS) {
      for (const trigger of triggers) {
        for (const posture of postures) {
          const t = cueTitle(reason, trigger, posture);
          expect(t.en.match(/\(/g)?.length ?? 0).toBeLessThanOrEqual(1);
          expect(t.zh.match(/（/g)?.length ?? 0).toBeLessThanOrEqual(1);
          expect(t.zh).not.toMatch(/[()]/);
        }
      }
    }
  });

  it('says signals are adding up, then what the customer did, then the posture', () => {
    expect(cueTitle('signals_accumulating', 'purchase_intent', ['open_palms', 'leaning_forward'])).toEqual({
      en: 'Closing moment: buying signals are adding up — the customer signalled they want to buy (open palms, leaning in)',
      zh: '成交时机：购买信号接连出现——客户表达了购买意向（手掌张开、身体前倾）',
    });
  });
});
