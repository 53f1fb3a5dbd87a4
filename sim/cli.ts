/**
 * `npm run sim`: start every simulator on loopback and print where to reach it.
 * PORT_PORTFOLIO_STREAM pins the portfolio-stream port (default 7401; 0 picks a free one);
 * PORT_DEMO_TRADING and PORT_DEMO_MARKET the demo exchange's two endpoints (default 7410, 7411);
 * PORT_ORDERS_RELAY, PORT_SIGNALS and PORT_REALTIME the other gateways (default 7402, 7403, 7404).
 * It ends by printing one PEREGRINE_CONNECTIONS profile holding all four gateways.
 * PORT_BINANCE_API and PORT_BINANCE_STREAMS Binance's WebSocket API + REST and market streams
 * (default 7420, 7421).
 */
import { BinanceSim, DEMO_API_KEY, DEMO_API_SECRET } from './binance';
import { DEMO_PASSWORD, DEMO_USER as DEMO_TRADER, demoExchange } from './demo-exchange';
import { DEMO_ACCOUNT, DEMO_TOKEN, OrdersRelaySim } from './orders-relay/server';
import { DEMO_SESSION, DEMO_USER, PortfolioStreamSim } from './portfolio-stream/server';
import { RealtimeSim } from './realtime/server';
import { SignalsSim } from './signals/server';
import { startTradovate } from './tradovate/cli';

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

  const relay = new OrdersRelaySim({ port: Number(process.env.PORT_ORDERS_RELAY ?? 7402) });
  const relayAddr = await relay.start();
  const [ordersUrl = '', positionsUrl = ''] = relayAddr.urls;
  console.log(
    `\norders-relay      orders ${ordersUrl}  positions ${positionsUrl}  REST ${relayAddr.httpUrl}/api`,
  );
  console.log(`  token (JWT)     ${DEMO_TOKEN}  (account ${DEMO_ACCOUNT}; ?token=… on both sockets)`);
  console.log(
    `  faults          ${relayAddr.controlUrl}   also {"kind":"go-away"}, {"kind":"proxy-error"}, {"kind":"withhold-fills","count":1}`,
  );

  const signals = new SignalsSim({ port: Number(process.env.PORT_SIGNALS ?? 7403) });
  const signalsAddr = await signals.start();
  console.log(
    `\nsignals           ${signalsAddr.url}?client_id=peregrine   status ${signalsAddr.httpUrl}/websocket/status`,
  );
  console.log(
    `  faults          ${signalsAddr.controlUrl}   also {"kind":"signal","signal_type":"BUY","symbol":"AAPL"}, {"kind":"stall-prices"}`,
  );

  const realtime = new RealtimeSim({ port: Number(process.env.PORT_REALTIME ?? 7404) });
  const realtimeAddr = await realtime.start();
  console.log(`\nrealtime          ${realtimeAddr.url}   (BTCUSDT, ETHUSDT, SOLUSDT)`);
  console.log(`  faults          ${realtimeAddr.controlUrl}   also {"kind":"trigger-stop"}`);

  const profile = [
    {
      kind: 'portfolio-stream',
      id: 'pstream',
      mode: 'paper',
      url: addr.url,
      secrets: { sessionCookie: { env: 'PSTREAM_SESSION' } },
    },
    {
      kind: 'orders-relay',
      id: 'relay',
      mode: 'paper',
      url: ordersUrl,
      urls: { positions: positionsUrl, rest: `${relayAddr.httpUrl}/api` },
      secrets: { token: { env: 'RELAY_TOKEN' } },
    },
    { kind: 'signals', id: 'sig', mode: 'paper', url: signalsAddr.url, options: { clientId: 'peregrine' } },
    { kind: 'realtime', id: 'rt', mode: 'paper', url: realtimeAddr.url, options: { symbols: ['BTCUSDT'] } },
  ];
  console.log(`\nAll four gateways (plus the built-in paper broker):`);
  console.log(
    `PEREGRINE_CONNECTIONS='${JSON.stringify(profile)}' PSTREAM_SESSION=${DEMO_SESSION} RELAY_TOKEN=${DEMO_TOKEN}`,
  );
  const binance = new BinanceSim({
    api: { port: Number(process.env.PORT_BINANCE_API ?? 7420) },
    streams: { port: Number(process.env.PORT_BINANCE_STREAMS ?? 7421) },
    depositBtc: 0.25,
  });
  await binance.start();
  const bn = binance.urls();
  console.log(
    `\nbinance           WebSocket API ${bn.wsApi}  REST ${bn.rest}/api/v3  streams ${bn.stream}/stream`,
  );
  console.log(
    `  faults          ${binance.api.address().controlUrl}  ${binance.streams.address().controlUrl}`,
  );
  console.log(
    `\nPEREGRINE_CONNECTIONS='[{"kind":"binance","id":"bn","mode":"demo","urls":${JSON.stringify(bn)},"secrets":{"apiKey":{"env":"BN_API_KEY"},"apiSecret":{"env":"BN_API_SECRET"}}}]' BN_API_KEY=${DEMO_API_KEY} BN_API_SECRET=${DEMO_API_SECRET}`,
  );
  const tradovate = await startTradovate();
  const shutdown = (): void => {
    void Promise.all([
      portfolio.stop(),
      demo.world.stop(),
      relay.stop(),
      signals.stop(),
      realtime.stop(),
      binance.stop(),
      tradovate.stop(),
    ]).then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
