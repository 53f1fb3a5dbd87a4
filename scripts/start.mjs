#!/usr/bin/env node
// `npm start`: open the desktop app when Electron can run here, otherwise say why in one sentence
// and start the loopback web host instead, so a fresh machine always ends up with a working
// terminal and never a silent hang. Arguments (--port, --seed, --profile, …) go to the web host.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
/** `require('electron')` downloads the binary on first use (Electron ≥ 42); bound that wait. */
const RESOLVE_TIMEOUT_MS = Number(process.env.PEREGRINE_ELECTRON_RESOLVE_TIMEOUT_MS ?? 180_000);
/** From launch until the window is up; must match READY_LINE in src/main/electron/main.ts. */
const READY_TIMEOUT_MS = Number(process.env.PEREGRINE_ELECTRON_READY_TIMEOUT_MS ?? 60_000);
const READY_LINE = 'Peregrine desktop: window ready';

/** Runs a command in its own process group, collecting output; kills the whole group on timeout. */
function run(command, commandArgs, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      output += d;
    });
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      killGroup(child);
      resolve({ code: null, stdout, output, timedOut: true });
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, output: `${output}\n${err.message}`, timedOut: false });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output, timedOut: false });
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The Electron binary's path, or the reason it is not available. */
async function resolveElectron() {
  const script = "process.stdout.write('\\n@@' + require('electron'))";
  const result = await run(process.execPath, ['-e', script], RESOLVE_TIMEOUT_MS);
  if (result.timedOut) {
    return {
      reason: `the Electron binary download did not finish within ${Math.round(RESOLVE_TIMEOUT_MS / 1000)} s`,
    };
  }
  const marker = result.stdout.lastIndexOf('\n@@');
  if (result.code === 0 && marker >= 0) {
    const path = result.stdout.slice(marker + 3).trim();
    if (existsSync(path)) return { path };
  }
  const offline = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/i.test(result.output);
  return {
    reason: offline
      ? 'its binary is not installed and cannot be downloaded without internet access'
      : 'its binary is not installed and the download failed',
  };
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Launches Electron; resolves 'ready' once its window is up, or the reason it failed. */
function launchElectron(binary) {
  return new Promise((resolve) => {
    // The desktop app reads the same arguments (--profile FILE) as the web host.
    const child = spawn(binary, [root, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    let buffered = '';
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ reason: `its window did not open within ${Math.round(READY_TIMEOUT_MS / 1000)} s` });
    }, READY_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      if (ready) return void process.stdout.write(d);
      buffered += d;
      if (buffered.includes(READY_LINE)) {
        ready = true;
        clearTimeout(timer);
        process.stdout.write(buffered);
        resolve({ child });
      }
    });
    child.stderr.on('data', (d) => {
      if (ready) process.stderr.write(d);
      else errors += d;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ reason: err.message });
    });
    child.on('exit', (code, signal) => {
      if (ready) return void process.exit(code ?? 1);
      clearTimeout(timer);
      const lastError = errors.trim().split('\n').pop() ?? '';
      resolve({
        reason: `it exited (${signal ?? `code ${code}`}) before its window opened${lastError ? `: ${lastError}` : ''}`,
      });
    });
  });
}

function startWebHost() {
  const web = join(root, 'out', 'main', 'web.js');
  const child = spawn(process.execPath, [web, ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
  let reason;
  const electron = await resolveElectron();
  if (!('path' in electron)) {
    reason = electron.reason;
  } else if (!hasDisplay()) {
    reason = 'no graphical display is available (DISPLAY and WAYLAND_DISPLAY are unset)';
  } else {
    const launched = await launchElectron(electron.path);
    if ('child' in launched) {
      for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => launched.child.kill(signal));
      return;
    }
    reason = launched.reason;
  }
  console.log(`Electron could not start because ${reason}, so the Peregrine web host is starting instead.`);
  startWebHost();
}

main().catch((err) => {
  console.error(`Peregrine could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
