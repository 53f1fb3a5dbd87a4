// A real Chromium page with lightweight-charts' standalone build and our chart code loaded, for
// the chart benchmark and the SplitCandles browser tests.
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, type Plugin } from 'esbuild';
import type * as LightweightCharts from 'lightweight-charts';
import type * as InPage from './chartPage.inpage';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Globals the page exposes: the library's standalone build and our bundle. */
export interface ChartPageGlobals {
  LightweightCharts: typeof LightweightCharts;
  PeregrineBench: typeof InPage;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const standalone = `${root}node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js`;
// An https origin we serve ourselves (route), so the page is a secure context that can be cross-origin
// isolated by COOP/COEP: Chromium coarsens
// performance.now() to 100 µs otherwise, too coarse for a 20 µs update().
const ORIGIN = 'https://peregrine.bench';

// Our code must drive the same library instance the page loaded, so `lightweight-charts`
// imports resolve to the standalone build's global instead of a second bundled copy.
const libraryAsGlobal: Plugin = {
  name: 'lightweight-charts-global',
  setup(b) {
    b.onResolve({ filter: /^lightweight-charts$/ }, () => ({
      path: 'lightweight-charts',
      namespace: 'global',
    }));
    b.onLoad({ filter: /.*/, namespace: 'global' }, () => ({
      contents: 'module.exports = globalThis.LightweightCharts;',
      loader: 'js',
    }));
  },
};

let bundle: Promise<string> | undefined;

/** bench/chartPage.inpage.ts (with SplitCandles) as an IIFE exposing `PeregrineBench`. */
export function pageBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [`${root}bench/chartPage.inpage.ts`],
    bundle: true,
    format: 'iife',
    globalName: 'PeregrineBench',
    platform: 'browser',
    target: 'es2022',
    write: false,
    plugins: [libraryAsGlobal],
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output');
    return file.text;
  });
  return bundle;
}

/** `exposeGc` lets the benchmark start each phase with a clean heap (`gc()` in the page). */
export function launchChromium(options: { exposeGc?: boolean } = {}): Promise<Browser> {
  const args = options.exposeGc ? [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, args });
}

/** A blank, cross-origin-isolated page with the library and our bundle loaded. */
export async function openChartPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.route(`${ORIGIN}/**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
      body: '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"></body></html>',
    }),
  );
  await page.goto(`${ORIGIN}/`);
  await page.addScriptTag({ path: standalone });
  await page.addScriptTag({ content: await pageBundle() });
  return page;
}
