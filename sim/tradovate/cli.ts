/**
 * `npm run sim`'s Tradovate part: start the simulator on loopback (PORT_TRADOVATE, default 7430)
 * and print its endpoints, the demo login, the fault endpoint and a ready-made connection.
 */
import {
  TRADOVATE_APP_ID,
  TRADOVATE_CID,
  TRADOVATE_PASSWORD,
  TRADOVATE_SEC,
  TRADOVATE_USER,
  TradovateSim,
} from './server';

export async function startTradovate(
  port = Number(process.env.PORT_TRADOVATE ?? 7430),
): Promise<TradovateSim> {
  const sim = new TradovateSim({ port });
  const a = await sim.start();
  const urls = { rest: `${a.httpUrl}/v1`, trading: a.urls[0], marketData: a.urls[1] };
  const connection = {
    kind: 'tradovate',
    id: 'tdv',
    label: 'Tradovate (simulator)',
    mode: 'demo',
    urls,
    options: {
      username: TRADOVATE_USER,
      appId: TRADOVATE_APP_ID,
      appVersion: '1.0',
      cid: TRADOVATE_CID,
      deviceId: 'peregrine-sim',
    },
    secrets: { password: { env: 'PEREGRINE_TRADOVATE_PASSWORD' }, sec: { env: 'PEREGRINE_TRADOVATE_SEC' } },
  };
  console.log(`\ntradovate         REST ${urls.rest}  trading ${urls.trading}  md ${urls.marketData}`);
  console.log(
    `  login           ${TRADOVATE_USER} / ${TRADOVATE_PASSWORD}  cid ${TRADOVATE_CID}  sec ${TRADOVATE_SEC}`,
  );
  console.log(
    `  faults          ${a.controlUrl}   e.g. curl -XPOST ${a.controlUrl} -d '{"kind":"expire-token"}'`,
  );
  console.log(`  profile         docs/profiles/tradovate-sim.json (port 7430), or:`);
  console.log(
    `PEREGRINE_CONNECTIONS='${JSON.stringify([connection])}' PEREGRINE_TRADOVATE_PASSWORD=${TRADOVATE_PASSWORD} PEREGRINE_TRADOVATE_SEC=${TRADOVATE_SEC}`,
  );
  return sim;
}
