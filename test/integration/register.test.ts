import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollectorEmulator } from '../../src/testing/index.js';
import { startServer } from '../helpers/http-server.js';

const register = fileURLToPath(new URL('../../src/register.ts', import.meta.url));
let api: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  api = await startServer((req, res) => res.writeHead(req.url.includes('fail') ? 502 : 200).end('x'));
});
afterAll(() => api.close());

function runApp(code: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', register, '--input-type=module', '-e', code],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (exitCode) => resolve({ code: exitCode, stderr })));
}

describe('zero-code mode', () => {
  it('captures fetch and http failures of an unmodified app and delivers them before it exits', async () => {
    const collector = await startCollectorEmulator();
    const result = await runApp(
      `import http from 'node:http';
       await fetch('${api.url}/ok');
       await fetch('${api.url}/fail-fetch');
       await new Promise((r) => http.get('${api.url}/fail-http', (res) => { res.resume(); res.on('end', r); }));`,
      { OFFPATH_HTTP_URL: collector.url, OFFPATH_CONFIG: '' },
    );
    expect(result.code).toBe(0);
    const urls = collector.items().map((i) => (i as { http: { request: { url: string } } }).http.request.url);
    expect(urls.sort()).toEqual([`${api.url}/fail-fetch`, `${api.url}/fail-http`]);
    await collector.close();
  });

  it('warns instead of failing when nothing is configured or the config is invalid', async () => {
    const none = await runApp('console.log("app runs")', { OFFPATH_CONFIG: '' });
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('offpath: not capturing: no offpath.config');
    const bad = await runApp('console.log("app runs")', {
      OFFPATH_CONFIG: '/nonexistent/offpath.config.json',
    });
    expect(bad.code).toBe(0);
    expect(bad.stderr).toContain('cannot read the config file');
  });
});
