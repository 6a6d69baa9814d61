import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LOOKALIKES,
  recordWithSecretsEverywhere,
  SECRETS,
  secretCore,
} from '../../test/fixtures/secrets-corpus.js';
import type { JsonValue } from '../core/event.js';
import { createRedactor } from './redactor.js';

/** Distinctive pieces of a secret that must not survive, in the forms it could appear in. */
function needles(core: string): string[] {
  const lines = core.split('\n').filter((l) => l.length >= 8 && !l.startsWith('-----'));
  return lines.flatMap((l) => [l, encodeURIComponent(l), JSON.stringify(l).slice(1, -1)]);
}

describe('redactor', () => {
  const redactor = createRedactor();

  it('finds every secret in the corpus wherever it is placed in a record', () => {
    const leaks: string[] = [];
    SECRETS.forEach((entry, i) => {
      const values = Array.from({ length: 10 }, () => entry.value);
      const out = JSON.stringify(redactor.record(recordWithSecretsEverywhere(values, i)));
      for (const needle of needles(secretCore(entry)))
        if (out.includes(needle)) leaks.push(`${entry.kind}: ${needle}`);
    });
    expect(leaks).toEqual([]);
  });

  it('finds all the secrets when they appear together in one record', () => {
    const record = recordWithSecretsEverywhere(SECRETS.map((s) => s.value));
    const out = JSON.stringify(redactor.record(record));
    for (const entry of SECRETS)
      for (const needle of needles(secretCore(entry))) expect(out).not.toContain(needle);
  });

  it('leaves look-alikes alone (false-positive rate under 5%)', () => {
    const changed = LOOKALIKES.filter((text) => redactor.text(text) !== text);
    const rate = changed.length / LOOKALIKES.length;
    expect(rate, `false positives: ${changed.join(', ')}`).toBeLessThan(0.05);
  });

  it('keeps the auth scheme and the key names, and keeps JSON valid', () => {
    expect(
      redactor.headers([
        ['Authorization', 'Bearer abc.def.ghi'],
        ['Accept', 'text/html'],
      ]),
    ).toEqual([
      ['Authorization', 'Bearer [REDACTED:credential]'],
      ['Accept', 'text/html'],
    ]);
    expect(redactor.text('{"password": "hunter2", "user": "bob"}')).toBe(
      '{"password": "[REDACTED:secret]", "user": "bob"}',
    );
    expect(redactor.url('https://u:p@x.io/a?token=1&page=2#access_token=z')).toBe(
      'https://[REDACTED:userinfo]@x.io/a?token=[REDACTED:secret]&page=2#access_token=[REDACTED:secret]',
    );
    expect(
      redactor.value({ apiKey: 'k', API_KEY: 'k', 'api-key': { a: 1 }, prompt_tokens: 12, code: 'E1' }),
    ).toEqual({
      apiKey: '[REDACTED:secret]',
      API_KEY: '[REDACTED:secret]',
      'api-key': '[REDACTED:secret]',
      prompt_tokens: 12,
      code: 'E1',
    });
  });

  it('redacts form bodies by field name and JSON bodies at depth', () => {
    const r = redactor.record({
      ...recordWithSecretsEverywhere(['a']),
      http: {
        request: {
          method: 'POST',
          url: 'https://x',
          headers: [],
          body: { data: 'user=bob&password=hunter2&code=abc', encoding: 'utf8', truncated: false },
        },
        response: {
          status: 200,
          headers: [],
          body: { data: '{"a":{"b":[{"client_secret":"zzz"}]}}', encoding: 'utf8', truncated: false },
        },
      },
    });
    expect(r.http?.request.body?.data).toBe('user=bob&password=[REDACTED:secret]&code=[REDACTED:secret]');
    expect(JSON.parse(r.http!.response!.body!.data)).toEqual({
      a: { b: [{ client_secret: '[REDACTED:secret]' }] },
    });
  });

  it('supports extra names and patterns, allow-lists, and last4 / hash replacements', () => {
    const custom = createRedactor({
      names: ['tenant'],
      patterns: [{ name: 'ticket', pattern: /TKT-\d{6}/ }],
      allow: { names: ['session'], values: ['jane.doe@example.com'] },
    });
    expect(custom.value({ tenant: 'acme', session: 'keep-me' })).toEqual({
      tenant: '[REDACTED:secret]',
      session: 'keep-me',
    });
    expect(custom.text('see TKT-123456 from jane.doe@example.com and bob@example.com')).toBe(
      'see [REDACTED:ticket] from jane.doe@example.com and [REDACTED:email]',
    );
    expect(createRedactor({ replacement: 'last4' }).text('token=abcdefghijklmnop')).toBe(
      'token=[REDACTED:secret …mnop]',
    );
    const hashed = createRedactor({ replacement: 'hash', hashKey: 'k' });
    const a = hashed.text('mail bob@example.com');
    expect(a).toMatch(/^mail \[REDACTED:email~[0-9a-f]{10}\]$/);
    expect(hashed.text('again bob@example.com')).toBe(a.replace('mail', 'again'));
    expect(hashed.text('other alice@example.com')).not.toBe(a.replace('mail', 'other'));
  });

  it('hides IP addresses only when asked, and personal data unless turned off', () => {
    expect(redactor.text('from 10.1.2.3')).toBe('from 10.1.2.3');
    expect(createRedactor({ ip: true }).text('from 10.1.2.3')).toBe('from [REDACTED:ip]');
    expect(createRedactor({ pii: false }).text('bob@example.com')).toBe('bob@example.com');
    expect(createRedactor({ enabled: false }).text('token=abc')).toBe('token=abc');
  });

  it('finds a card or an IBAN even when a greedy match runs into the next number', () => {
    expect(redactor.text('3782-822463-10005 10.0.0.1')).toBe('[REDACTED:card] 10.0.0.1');
    expect(redactor.text('card 4111 1111 1111 1111 2026 expiry')).toBe('card [REDACTED:card] 2026 expiry');
    expect(redactor.text('GB82 WEST 1234 5698 7654 32 ABCD')).toBe('[REDACTED:iban] ABCD');
  });

  it('decodes base64 bodies that are text, and leaves binary alone', () => {
    const text = {
      data: Buffer.from('password=hunter2').toString('base64'),
      encoding: 'base64' as const,
      truncated: false,
    };
    const binary = {
      data: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
      encoding: 'base64' as const,
      truncated: false,
    };
    const r = redactor.record({
      ...recordWithSecretsEverywhere(['a']),
      http: {
        request: { method: 'POST', url: 'x', headers: [], body: text },
        response: { status: 200, headers: [], body: binary },
      },
    });
    expect(r.http?.request.body).toEqual({
      data: 'password=[REDACTED:secret]',
      encoding: 'utf8',
      truncated: false,
    });
    expect(r.http?.response?.body).toEqual(binary);
  });

  it('never mutates its input', () => {
    const record = recordWithSecretsEverywhere(SECRETS.slice(0, 10).map((s) => s.value));
    const before = JSON.stringify(record);
    redactor.record(record);
    expect(JSON.stringify(record)).toBe(before);
  });

  it('is idempotent and never throws (property)', () => {
    const secretish = fc.oneof(
      fc.constantFrom(...SECRETS.map((s) => s.value), ...LOOKALIKES),
      fc.string({ unit: 'binary' }),
      fc.string(),
    );
    const texts = fc.array(secretish, { maxLength: 6 }).map((parts) => parts.join(' '));
    for (const mode of ['mask', 'last4', 'hash'] as const) {
      const r = createRedactor({ replacement: mode, hashKey: 'k', ip: true });
      fc.assert(
        fc.property(texts, fc.jsonValue(), (text, json) => {
          const once = r.text(text);
          expect(r.text(once)).toBe(once);
          const v = r.value(json as JsonValue);
          expect(r.value(v)).toEqual(v);
          const url = r.url(`https://h/p?token=${text}`);
          expect(r.url(url)).toBe(url);
        }),
        { numRuns: Number(process.env['REDACT_RUNS'] ?? 1_000) },
      );
    }
  });

  it('stays fast on hostile near-matches', () => {
    const hostile = `${'a'.repeat(200_000)}@${'b.'.repeat(100_000)} ${'+1 '.repeat(50_000)} ${'eyJ'.repeat(50_000)}`;
    const out = redactor.text(hostile);
    expect(out.length).toBeGreaterThan(0);
  });
});
