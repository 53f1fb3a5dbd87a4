// The machine a benchmark ran on, as a short markdown list for docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { launchChromium } from './chartPage';

function packageVersion(name: string): string {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  const pkg: unknown = JSON.parse(readFileSync(url, 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : 'unknown';
}

export async function describeMachine(): Promise<string> {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(', ') || 'unknown';
  const browser = await launchChromium();
  let chromiumVersion: string;
  try {
    chromiumVersion = browser.version();
  } finally {
    await browser.close();
  }
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `- CPU: ${cpus.length} × ${models} (${os.arch()})`,
    `- Memory: ${gib(os.totalmem())} total`,
    `- OS: ${os.type()} ${os.release()} (${os.platform()})`,
    `- Node ${process.version} (V8 ${process.versions.v8})`,
    `- Chromium ${chromiumVersion} (headless, \`--disable-gpu\`: software raster)`,
    `- lightweight-charts ${packageVersion('lightweight-charts')}, ws ${packageVersion('ws')}`,
  ].join('\n');
}
