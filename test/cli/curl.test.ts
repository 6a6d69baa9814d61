import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliChild } from '../helpers/run-node.js';

const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

describe('offpath curl', () => {
  it('is exact by default: a 100 KB body is kept whole; --max-body cuts and says so', async () => {
    const body = 'a'.repeat(100 * 1024);
    const stdin = JSON.stringify({ method: 'POST', url: 'https://a.io/upload', body });
    const exact = await runCliChild(['curl'], { stdin });
    expect(exact.code).toBe(0);
    expect(exact.stdout).toContain(`--data-raw ${body} https://a.io/upload`);
    expect(exact.stdout).not.toContain('body cut');

    const cut = await runCliChild(['curl', '--max-body', '1024'], { stdin });
    expect(cut.code).toBe(0);
    expect(cut.stdout).toContain(`: 'offpath: body cut to its first 1024 of ${body.length} bytes'; curl `);
    expect(cut.stdout).toContain(`--data-raw ${'a'.repeat(1024)} `);
  });

  it('--multiline keeps each option with its value on one line, and the command still runs in bash', async () => {
    const stdin = JSON.stringify({
      method: 'PATCH',
      url: 'https://a.io/items/1',
      headers: [
        ['Authorization', 'Bearer t'],
        ['X-Note', "it's here"],
      ],
      body: '{"done":true}',
    });
    const run = await runCliChild(['curl', '--multiline'], { stdin });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split(' \\\n  ');
    expect(lines).toContain('-X PATCH');
    expect(lines).toContain("-H 'Authorization: Bearer t'");
    expect(lines).toContain(`-H 'X-Note: it'\\''s here'`);
    expect(lines).toContain(`--data-raw '{"done":true}'`);
    if (hasBash) {
      // bash reads the backslash-newlines as one command: the words are those of the one-line form.
      const words = spawnSync('bash', [
        '-c',
        `printargs() { printf '%s\\n' "$@"; }; ${run.stdout.replace(/^curl/, 'printargs')}`,
      ]);
      expect(words.stdout.toString()).toContain("X-Note: it's here\n");
    }
  });

  it('keeps HAR post data given as params, and explains an invalid URL', async () => {
    const har = JSON.stringify({
      log: {
        entries: [
          {
            request: {
              method: 'POST',
              url: 'https://a.io/login',
              headers: [],
              postData: {
                mimeType: 'application/x-www-form-urlencoded',
                params: [{ name: 'u', value: 'a b' }],
              },
            },
          },
        ],
      },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'offpath-har-')), 's.har');
    writeFileSync(file, har);
    const run = await runCliChild(['curl', '--har', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--data-raw u=a+b https://a.io/login');

    const bad = await runCliChild(['curl'], { stdin: '{"url":"localhost:3000/x"}' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'offpath curl: invalid request:\n  - input.url: not a valid absolute URL: "localhost:3000/x" (write the scheme and host, such as "https://api.example.com/x")\n',
    );
  });
});
