import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import { fingerprintLabel, fingerprintOf, messageTemplate, pathTemplate } from './fingerprint.js';

const http = (method: string, url: string, status?: number, code?: string) =>
  record({
    kind: 'http',
    http: {
      request: { method, url, headers: [] },
      ...(status ? { response: { status, headers: [] } } : {}),
      ...(code ? { error: { code, message: 'x' } } : {}),
    },
  });

describe('fingerprints', () => {
  it('collapse ids, UUIDs, hex and tokens in URL paths and ignore the query', () => {
    expect(
      pathTemplate('https://api.example.com/users/42/orders/3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b?page=2'),
    ).toBe('api.example.com/users/:id/orders/:uuid');
    expect(pathTemplate('https://u:p@x.io/blobs/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3#f')).toBe(
      'x.io/blobs/:hex',
    );
    expect(pathTemplate('/relative/7')).toBe('/relative/:id');
  });

  it('group the same failing endpoint whatever the ids, and separate method, status and error code', () => {
    expect(fingerprintOf(http('GET', 'https://a.io/users/1', 503))).toBe(
      fingerprintOf(http('GET', 'https://a.io/users/2?x=1', 503)),
    );
    expect(fingerprintOf(http('GET', 'https://a.io/users/1', 503))).not.toBe(
      fingerprintOf(http('GET', 'https://a.io/users/1', 500)),
    );
    expect(fingerprintOf(http('GET', 'https://a.io/users/1', 503))).not.toBe(
      fingerprintOf(http('POST', 'https://a.io/users/1', 503)),
    );
    expect(fingerprintOf(http('GET', 'https://a.io/x', undefined, 'ECONNRESET'))).not.toBe(
      fingerprintOf(http('GET', 'https://a.io/x', undefined, 'ETIMEDOUT')),
    );
    expect(fingerprintLabel(http('GET', 'https://a.io/users/1', 503))).toBe('GET a.io/users/:id → 503');
  });

  it('group log lines by level, message template and error type', () => {
    const a = record({ level: 'error', message: 'user 42 timed out after 3000ms at 2026-11-23T10:00:00Z' });
    const b = record({ level: 'error', message: 'user 7 timed out after 15 s at 2026-11-24T11:30:00Z' });
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, level: 'warn' }));
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, error: { name: 'TypeError', message: 'x' } }));
    expect(messageTemplate('order "A-1" for bob@x.io from 10.0.0.1 id deadbeef01')).toBe(
      'order <str> for <email> from <ip> id <hex>',
    );
  });

  it('prefer an explicit fingerprint', () => {
    expect(fingerprintOf(record({ fingerprint: 'payments-down', message: 'anything' }))).toBe(
      'payments-down',
    );
  });
});
