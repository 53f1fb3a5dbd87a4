import { expect, test } from './fixtures';

test('the chart shows candle history that moves with the market', async ({ terminal }) => {
  const chart = terminal.locator('[data-testid=chart]');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(100);
  await expect(chart).toHaveAttribute('data-symbol', /\S/);
  const before = `${await chart.getAttribute('data-last-close')}@${await chart.getAttribute('data-last-time')}`;
  await expect
    .poll(
      async () =>
        `${await chart.getAttribute('data-last-close')}@${await chart.getAttribute('data-last-time')}`,
      {
        timeout: 30_000,
      },
    )
    .not.toBe(before);
});
