/**
 * `npm run sim`: start every simulator on loopback and print where to reach it.
 * PORT_PORTFOLIO_STREAM pins the portfolio-stream port (default 7401; 0 picks a free one);
 * PORT_DEMO_TRADING and PORT_DEMO_MARKET the demo exchange's two endpoints (default 7410, 7411).
 */
import { DEMO_PASSWORD, DEMO_USER as DEMO_TRADER, demoExchange } from './demo-exchange';
import { DEMO_SESSION, DEMO_USER, PortfolioStreamSim } from './portfolio-stream/server';

async function main(): Promise<void> {
  const port = Number(process.env.PORT_PORTFOLIO_STREAM ?? 7401);
  const portfolio = new PortfolioStreamSim({ port });
  const addr = await portfolio.start();
  console.log(`portfolio-stream  ${addr.url}`);
  console.log(`  session cookie  session=${DEMO_SESSION}  (user ${DEMO_USER})`);
  console.log(`  admin stats     ${addr.httpUrl}/api/admin/websocket-stats`);
  console.log(
    `  faults          ${addr.controlUrl}   e.g. curl -XPOST ${addr.controlUrl} -d '{"kind":"drop"}'`,
  );
  console.log(
    `\nPEREGRINE_CONNECTIONS='[{"kind":"portfolio-stream","id":"pstream","url":"${addr.url}","sessionCookieEnv":"PSTREAM_SESSION"}]' PSTREAM_SESSION=${DEMO_SESSION}`,
  );
  const demo = demoExchange({
    // The account stream proves the trading feed alive between trades (the adapter's staleness).
    trading: { port: Number(process.env.PORT_DEMO_TRADING ?? 7410), accountEveryMs: 1000 },
    market: { port: Number(process.env.PORT_DEMO_MARKET ?? 7411) },
  });
  const [trading, market] = await demo.world.start();
  console.log(
    `\ndemo-exchange     trading ${trading?.url}  REST ${trading?.httpUrl}/api  (login ${DEMO_TRADER} / ${DEMO_PASSWORD})`,
  );
  console.log(`                  quotes  ${market?.urls.join('  ')}`);
  if (trading !== undefined && market !== undefined) {
    const entry = {
      kind: 'demo-exchange',
      id: 'demo',
      label: 'Demo exchange (simulator)',
      mode: 'demo',
      url: trading.url,
      urls: {
        market: market.urls.find((u) => u.endsWith('/ws/market')) ?? market.url,
        rest: `${trading.httpUrl}/api`,
      },
      options: { user: DEMO_TRADER },
      secrets: { password: { env: 'DEMO_EXCHANGE_PASSWORD' } },
    };
    console.log(`\n  profile (save as demo-exchange.json, run with --profile demo-exchange.json and`);
    console.log(`  DEMO_EXCHANGE_PASSWORD=${DEMO_PASSWORD}):`);
    console.log(JSON.stringify({ connections: [entry] }, null, 2));
    console.log(
      `\nPEREGRINE_CONNECTIONS='${JSON.stringify([entry])}' DEMO_EXCHANGE_PASSWORD=${DEMO_PASSWORD}`,
    );
  }
  const shutdown = (): void => {
    void Promise.all([portfolio.stop(), demo.world.stop()]).then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
