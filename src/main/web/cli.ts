/**
 * `node out/main/web.js [--port N] [--token T | --token-file FILE] [--seed S] [--data-dir DIR] [--profile FILE]`
 * Starts the loopback web host and prints exactly one line: `Peregrine web UI: <url>`.
 * Connections come from the settings in the data directory, the profile file and
 * `PEREGRINE_CONNECTIONS`. The token comes from `--token-file`, `PEREGRINE_WEB_TOKEN`, `--token`
 * (which warns: other users can see it) or, by default, is random per launch.
 */
import { parseCli, URL_LINE_PREFIX, type CliOptions } from './args';
import { startWebHost, type WebHost } from './server';
import { chooseToken } from './token';

async function main(): Promise<void> {
  let options: CliOptions;
  let host: WebHost;
  try {
    options = parseCli(process.argv.slice(2));
    const token = chooseToken({ argument: options.token, file: options.tokenFile, env: process.env });
    if (token.warning !== undefined) console.error(`peregrine web: warning: ${token.warning}`);
    // A bad profile or a missing secret stops start-up rather than silently dropping a connection.
    host = await startWebHost({
      ...options,
      ...(token.token === undefined ? {} : { token: token.token }),
      tokenSource: token.source,
    });
  } catch (err) {
    console.error(`peregrine web: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  console.log(`${URL_LINE_PREFIX}${host.url}`);
  // stderr: stdout carries exactly the URL line, which scripts parse.
  if (host.vault?.backend === 'memory')
    console.error(`peregrine web: ${host.vault.reason ?? 'secrets are kept in memory only'}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    // No dialog here: active terminal-managed protection is kept resting at the broker, and said.
    host
      .quitGuard()
      .catch(() => [])
      .then((left) => {
        for (const line of left) console.error(`peregrine web: ${line}`);
        return host.close();
      })
      .then(
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
