import { describe, expect, it } from 'vitest';
import { EMULATOR_KINDS, isEmulatorKind, startEmulator } from './start-emulator.js';

describe('startEmulator', () => {
  it.each(EMULATOR_KINDS)('starts the %s emulator with ready-to-use targets in describe()', async (kind) => {
    const emulator = await startEmulator(kind);
    try {
      const lines = emulator.describe();
      expect(lines[0]).toContain(emulator.url);
      const target = lines.map((l) => /(?:POST|GET)\s+(\S+)/.exec(l)?.[1]).find((u) => u !== undefined);
      expect(target).toMatch(new RegExp(`^${emulator.url}/`));
    } finally {
      await emulator.close();
    }
  });

  it('binds the requested port', async () => {
    const first = await startEmulator('collector');
    const port = first.port;
    await first.close();
    const second = await startEmulator('collector', { port });
    try {
      expect(second.port).toBe(port);
    } finally {
      await second.close();
    }
  });

  it('rejects unknown kinds', async () => {
    expect(isEmulatorKind('discord')).toBe(true);
    expect(isEmulatorKind('teams')).toBe(false);
    await expect(startEmulator('teams' as never)).rejects.toThrow(TypeError);
  });

  it('fails loudly when the port is taken', async () => {
    const first = await startEmulator('slack');
    try {
      await expect(startEmulator('slack', { port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
