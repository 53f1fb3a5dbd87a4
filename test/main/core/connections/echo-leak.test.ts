/**
 * A gateway that echoes the secret back (here: it closes with the session cookie in its 1008
 * reason) does not get it into the connection's health, the engine's stream snapshot, the
 * connection listing or the test outcome — for secrets of every length.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryVault } from '../../../../src/main/core/credentials';
import type { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';
import { managerSession, recordingGateway, type RecordingGateway } from './support';

let dir: string;
let gateway: RecordingGateway;
const engines: Engine[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-echo-'));
  gateway = await recordingGateway({ echo: true });
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets echoed by a gateway', () => {
  for (const secret of [`echoed-${randomUUID()}`, 'Zq7']) {
    it(`are scrubbed from the test result, health, the stream and the listing (${secret.length} chars)`, async () => {
      const { engine, manager } = await managerSession(dir, memoryVault(silentLogger(), 'test'));
      engines.push(engine);
      const form = {
        id: 'echo',
        kind: 'portfolio-stream',
        label: 'Echo',
        mode: 'paper',
        fields: { url: gateway.url },
        secrets: { sessionCookie: secret },
      };
      const tested = await manager.dispatch('term:connections.test', form);
      expect(gateway.offered.length).toBe(1); // the gateway did get it, and echoed it
      expect(tested).toMatchObject({
        ok: true,
        value: { success: false, message: expect.stringContaining('[redacted]') },
      });
      expect(JSON.stringify(tested)).not.toContain(secret);

      expect(await manager.dispatch('term:connections.save', form)).toMatchObject({ ok: true });
      await vi.waitFor(() => expect(engine.connection('echo')?.health().lastError).toMatch(/rejected/), {
        timeout: 10_000,
      });
      expect(engine.connection('echo')?.health().lastError).toContain('[redacted]');
      expect(engine.connection('echo')?.health().lastError).not.toContain(secret);
      // The stream carries the error (so the check below means something), scrubbed.
      await vi.waitFor(() => expect(JSON.stringify(engine.snapshot())).toContain('rejected [redacted]'), {
        timeout: 10_000,
      });
      expect(JSON.stringify(engine.snapshot())).not.toContain(secret);
      expect(JSON.stringify(await manager.dispatch('term:connections.list', {}))).not.toContain(secret);
    });
  }
});
