import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEvent, normalizeEventWithSize } from './normalize-event.js';

const meta = { id: 7, receivedAt: 1_700_000_000_000 };

function hostileProxy(): object {
  // fast-check prints failing values; give the proxy a printable face for the reporter only.
  return new Proxy(
    { [Symbol.for('fast-check/toStringMethod')]: () => 'HostileProxy' },
    {
      get(target, key) {
        if (typeof key === 'symbol') return Reflect.get(target, key);
        throw new Error('get trap');
      },
      ownKeys() {
        throw new Error('ownKeys trap');
      },
      getPrototypeOf() {
        throw new Error('proto trap');
      },
      has(target, key) {
        // fast-check probes symbol keys on generated values; every string key still throws.
        if (typeof key === 'symbol') return Reflect.has(target, key);
        throw new Error('has trap');
      },
    },
  );
}

describe('normalizeEvent', () => {
  it('applies defaults', () => {
    const r = normalizeEvent({ message: 'hi' }, meta);
    expect(r).toMatchObject({
      id: 7,
      level: 'info',
      kind: 'log',
      time: meta.receivedAt,
      message: 'hi',
      fields: {},
      tags: [],
      truncated: false,
    });
    expect(normalizeEvent({ http: { request: { url: 'https://x' } } }, meta).kind).toBe('http');
  });

  it('copes with every awkward value in fields', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular['self'] = circular;
    class Point {
      readonly x: number;
      readonly y: number;
      constructor(x: number, y: number) {
        this.x = x;
        this.y = y;
      }
    }
    const throwing = Object.defineProperty({}, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error('nope');
      },
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const r = normalizeEvent(
      {
        fields: {
          circular,
          big: 10n ** 30n,
          sym: Symbol('s'),
          fn: function named() {},
          nan: Number.NaN,
          date: new Date(0),
          buf: Buffer.from('hello'),
          typed: new Float32Array([1, 2]),
          map: new Map([['a', 1]]),
          set: new Set([1, 2]),
          point: new Point(1, 2),
          throwing,
          revoked: proxy,
          hostile: hostileProxy(),
          lone: 'a\uD800b',
          nested: new Error('inner', { cause: new Error('root') }),
          toJsonThrows: {
            toJSON() {
              throw new Error('toJSON');
            },
          },
          proto: JSON.parse('{"__proto__": {"polluted": true}}'),
        },
      },
      meta,
    );
    const f = r.fields as Record<string, unknown>;
    expect(f['circular']).toEqual({ name: 'loop', self: '[Circular]' });
    expect(f['big']).toBe('1000000000000000000000000000000n');
    expect(f['sym']).toBe('Symbol(s)');
    expect(f['fn']).toBe('[Function named]');
    expect(f['nan']).toBe('NaN');
    expect(f['date']).toBe('1970-01-01T00:00:00.000Z');
    expect(f['buf']).toBe('[Buffer 5 bytes: 68656c6c6f]');
    expect(f['map']).toEqual({ a: 1 });
    expect(f['set']).toEqual([1, 2]);
    expect(f['point']).toEqual({ '[class]': 'Point', x: 1, y: 2 });
    expect(f['throwing']).toEqual({ bad: '[Thrown: Error: nope]' });
    expect(String(f['revoked'])).toMatch(/^\[Thrown: TypeError/);
    expect(String(f['hostile'])).toMatch(/^\[Thrown: Error: (proto|ownKeys|get|has) trap\]$/);
    expect(f['lone']).toBe('a\uFFFDb');
    expect(f['nested']).toMatchObject({ name: 'Error', message: 'inner' });
    expect(f['toJsonThrows']).toBe('[Thrown: Error: toJSON]');
    expect(Object.getPrototypeOf(f['proto'])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  it('survives an event that is itself hostile or not an object', () => {
    for (const input of [hostileProxy(), null, undefined, 42, 'text', Symbol('x'), () => 1]) {
      const r = normalizeEvent(input, meta);
      expect(r.id).toBe(7);
      expect(() => JSON.stringify(r)).not.toThrow();
    }
    expect(normalizeEvent('plain text', meta).message).toBe('plain text');
  });

  it('bounds huge strings, deep nesting, wide objects and long arrays, with markers', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { deep };
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const r = normalizeEvent(
      {
        message: 'x'.repeat(100_000),
        fields: { deep, wide, list: Array.from({ length: 1_000 }, (_, i) => i) },
      },
      meta,
    );
    expect(r.truncated).toBe(true);
    expect(r.message!.length).toBeLessThanOrEqual(16_384);
    expect(r.message).toMatch(/…\[truncated \d+ chars\]$/);
    const f = r.fields as Record<string, Record<string, unknown> & unknown[]>;
    expect(Object.keys(f['wide']!)).toHaveLength(101);
    expect(f['list']!.at(-1)).toBe('…[900 more items]');
    expect(JSON.stringify(f['deep'])).toContain('[…]');
  });

  it('keeps the whole record under maxRecordBytes', () => {
    const r = normalizeEventWithSize(
      {
        message: 'm'.repeat(20_000),
        fields: {
          a: 'a'.repeat(20_000),
          b: 'b'.repeat(20_000),
          c: 'c'.repeat(20_000),
          d: 'd'.repeat(20_000),
        },
      },
      meta,
    );
    const size = Buffer.byteLength(JSON.stringify(r.record));
    expect(size).toBeLessThanOrEqual(65_536 + 4_096);
    expect(r.bytes).toBeGreaterThan(size * 0.8);
  });

  it('normalises an HTTP exchange: headers in order with duplicates, bodies capped, binary as base64', () => {
    const r = normalizeEvent(
      {
        http: {
          request: {
            method: 'post',
            url: new URL('https://api.example.com/p?q=1'),
            headers: { Accept: ['a', 'b'], 'X-Empty': '' },
            body: { order: 1 },
          },
          response: {
            status: 503,
            headers: [['Retry-After', '5']],
            body: Buffer.from([0xff, 0x00, 0x01]),
            durationMs: 12.5,
          },
        },
      },
      meta,
    );
    expect(r.http?.request).toEqual({
      method: 'POST',
      url: 'https://api.example.com/p?q=1',
      headers: [
        ['Accept', 'a'],
        ['Accept', 'b'],
        ['X-Empty', ''],
      ],
      body: { data: '{"order":1}', encoding: 'utf8', size: 11, truncated: false },
    });
    expect(r.http?.response).toEqual({
      status: 503,
      headers: [['Retry-After', '5']],
      body: {
        data: Buffer.from([0xff, 0x00, 0x01]).toString('base64'),
        encoding: 'base64',
        size: 3,
        truncated: false,
      },
      durationMs: 12.5,
    });
    const big = normalizeEvent({ http: { request: { url: 'x', body: 'é'.repeat(20_000) } } }, meta);
    expect(big.http?.request.body?.truncated).toBe(true);
    expect(Buffer.byteLength(big.http!.request.body!.data)).toBeLessThanOrEqual(16_384);
    expect(big.http?.request.body?.data).not.toContain('\uFFFD');
  });

  it('describes streams and form data instead of reading them', () => {
    const stream = { pipe() {}, on() {} };
    const r = normalizeEvent(
      { http: { request: { url: 'x', body: stream }, response: { status: 200, body: new FormData() } } },
      meta,
    );
    expect(r.http?.request.body?.data).toBe('[stream body not captured]');
    expect(r.http?.response?.body?.data).toBe('[form-data body not captured]');
  });

  it('folds the cause chain and aggregated errors into the error record', () => {
    const err = new AggregateError([new TypeError('a')], 'many', { cause: new RangeError('root cause') });
    Object.assign(err, { code: 'E_MANY' });
    const r = normalizeEvent({ error: err }, meta);
    expect(r.error).toMatchObject({ name: 'AggregateError', message: 'many', code: 'E_MANY' });
    expect(r.error?.stack).toContain('Caused by: RangeError: root cause');
    expect(r.error?.stack).toContain('Aggregated: TypeError: a');
    expect(normalizeEvent({ error: { name: 'Custom', message: 'plain' } }, meta).error).toEqual({
      name: 'Custom',
      message: 'plain',
    });
  });

  it('caps a 10,000-line stack', () => {
    const err = new Error('deep');
    err.stack = `Error: deep\n${Array.from({ length: 10_000 }, (_, i) => `    at f${i} (file.js:${i}:1)`).join('\n')}`;
    const r = normalizeEvent({ error: err }, meta);
    expect(r.error!.stack!.split('\n').length).toBeLessThanOrEqual(101);
    expect(r.error!.stack).toContain('more lines]');
  });

  it('never throws on hostile object graphs and always returns bounded JSON (property)', () => {
    const hostile = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withBoxedValues: true,
        }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 }),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.constant(hostileProxy()),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
    })).node;
    fc.assert(
      fc.property(hostile, fc.boolean(), (value, cycle) => {
        const fields: Record<string, unknown> = { value };
        if (cycle && typeof value === 'object' && value !== null && Object.isExtensible(value)) {
          try {
            (value as Record<string, unknown>)['loop'] = fields;
          } catch {}
        }
        const r = normalizeEvent(
          {
            level: 'error',
            message: value,
            fields,
            tags: [value],
            error: value,
            http: { request: { url: value, body: value, headers: value } },
          },
          meta,
          { maxRecordBytes: 8_192 },
        );
        const json = JSON.stringify(r);
        expect(JSON.parse(json).id).toBe(7);
        expect(json.length).toBeLessThanOrEqual(8_192 + 4_096);
        expect(json.isWellFormed()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is stable: normalising a record again gives the same record', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, message) => {
        const once = normalizeEvent({ message, fields: { value } }, meta);
        const twice = normalizeEvent(once, meta);
        expect(twice.fields).toEqual(once.fields);
        expect(twice.message).toEqual(once.message);
      }),
    );
  });
});
