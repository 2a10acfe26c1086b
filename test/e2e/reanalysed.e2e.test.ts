// Roles changed elsewhere (another window, a tool over the API): every window showing the
// session re-reads it on the server's `reanalysed` event, so none keeps the void analysis.
import { api } from '../integration/harness';
import { openPage, useServerAndBrowser } from './browser';

const WAIT_MS = 60_000;

jest.setTimeout(120_000);

const suite = useServerAndBrowser();

test('a window showing a session takes the new signals when its roles are set from elsewhere', async () => {
  const text = 'Dana: Hi Lee, the starter plan is twelve hundred a year.\nLee: How much would it be for a team of five?\n';
  const up = await api(suite.server.url, 'POST', '/api/transcripts?filename=call.txt', undefined, text);
  expect(up.status).toBe(201);
  const id = up.body.session.id as string;

  const { page, pageErrors } = await openPage(suite.browser, suite.server, WAIT_MS);
  await page.getByTestId('session-select').selectOption(id);
  const lee = page.getByTestId('utterance').filter({ hasText: 'team of five' });
  await lee.waitFor({ timeout: WAIT_MS });
  // No roles yet: no signal on the customer's question.
  await expect(lee.getByTestId('signal-label').count()).resolves.toBe(0);

  const put = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Dana: 'rep', Lee: 'customer' } });
  expect(put.status).toBe(200);
  await lee.locator('[data-testid="signal-label"][data-label="price_inquiry"]').waitFor({ timeout: WAIT_MS });
  await expect(lee.getAttribute('data-role')).resolves.toBe('customer');
  expect(pageErrors).toEqual([]);
});
