/**
 * `node out/main/web.js [--port N] [--token T] [--seed S] [--data-dir DIR] [--profile NAME]`
 * Starts the loopback web host and prints exactly one line: `Peregrine web UI: <url>`.
 */
import { parseCli, URL_LINE_PREFIX, type CliOptions } from './args';
import { connectionsFromEnv, type ConnectionConfig } from '../core/brokers/registry';
import { startWebHost } from './server';

async function main(): Promise<void> {
  let options: CliOptions;
  let connectionConfigs: ConnectionConfig[];
  try {
    options = parseCli(process.argv.slice(2));
    // A misconfigured connection stops start-up rather than silently vanishing from the UI.
    connectionConfigs = connectionsFromEnv();
  } catch (err) {
    console.error(`peregrine web: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  const host = await startWebHost({ ...options, connectionConfigs });
  console.log(`${URL_LINE_PREFIX}${host.url}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(
          `peregrine web: shutdown after ${signal} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(`peregrine web: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
