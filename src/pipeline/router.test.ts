import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/records.js';
import { compileRouter } from './router.js';

const http = (status: number, url = 'https://api.example.com/v1/payments/42') =>
  record({
    kind: 'http',
    level: status >= 500 ? 'error' : 'info',
    http: { request: { method: 'POST', url, headers: [] }, response: { status, headers: [] } },
  });

describe('compileRouter', () => {
  it('sends everything to every destination at or above its minLevel when there are no rules', () => {
    const route = compileRouter(undefined, [{ name: 'a' }, { name: 'b', minLevel: 'error' }]);
    expect(route(record({ level: 'info' })).destinations).toEqual(['a']);
    expect(route(record({ level: 'critical' })).destinations).toEqual(['a', 'b']);
  });

  it('routes by level, kind, tags, status class and URL, to the union of matching rules', () => {
    const route = compileRouter(
      [
        { destinations: ['pager'], minLevel: 'critical' },
        {
          destinations: ['payments'],
          urls: ['https://api.example.com/**/payments/**'],
          status: ['5xx', 429],
        },
        { destinations: ['audit'], tags: ['audit'], kinds: ['log'] },
        { destinations: ['regex'], urls: ['/\\/v1\\/payments\\/\\d+$/'] },
      ],
      [{ name: 'pager' }, { name: 'payments' }, { name: 'audit' }, { name: 'regex' }],
      { criticalBypass: false },
    );
    expect(route(http(503)).destinations).toEqual(['payments', 'regex']);
    expect(route(http(429)).destinations).toEqual(['payments', 'regex']);
    expect(route(http(404)).destinations).toEqual(['regex']);
    expect(route(http(503, 'https://api.example.com/v1/users/1')).destinations).toEqual([]);
    expect(route(record({ level: 'critical', tags: ['audit'] })).destinations).toEqual(['pager', 'audit']);
    expect(route(record({ kind: 'alert', tags: ['audit'] })).destinations).toEqual([]);
  });

  it('sends critical events to every destination whatever the routes say, unless the bypass is off', () => {
    const rules = [{ destinations: ['ops'], kinds: ['http'], sample: 0 }];
    const destinations = [
      { name: 'ops' },
      { name: 'pager', minLevel: 'critical' as const },
      { name: 'audit' },
    ];
    const bypass = compileRouter(rules, destinations, { random: () => 0.99 });
    expect(bypass(record({ level: 'critical', kind: 'log' }))).toEqual({
      destinations: ['ops', 'pager', 'audit'],
      sampledOut: false,
    });
    expect(bypass(record({ level: 'error', kind: 'log' })).destinations).toEqual([]);
    const strict = compileRouter(rules, destinations, { random: () => 0.99, criticalBypass: false });
    expect(strict(record({ level: 'critical', kind: 'log' })).destinations).toEqual([]);
    expect(strict(record({ level: 'critical', kind: 'http' }))).toEqual({
      destinations: [],
      sampledOut: true,
    });
  });

  it('applies a destination minLevel even when a rule matches', () => {
    const route = compileRouter(
      [{ destinations: ['ops'], kinds: ['log'] }],
      [{ name: 'ops', minLevel: 'warn' }],
    );
    expect(route(record({ level: 'info' })).destinations).toEqual([]);
    expect(route(record({ level: 'warn' })).destinations).toEqual(['ops']);
  });

  it('does not let a global RegExp flag make matching stateful', () => {
    const route = compileRouter([{ destinations: ['x'], urls: [/payments/g] }], [{ name: 'x' }]);
    expect(route(http(500)).destinations).toEqual(['x']);
    expect(route(http(500)).destinations).toEqual(['x']);
  });
});

describe('route sampling', () => {
  it('keeps the given share of matching events and says when it removed one', () => {
    let n = 0;
    const random = () => (n++ % 4) / 4; // 0, .25, .5, .75, ...
    const route = compileRouter([{ destinations: ['x'], sample: 0.5 }], [{ name: 'x' }], { random });
    const decisions = Array.from({ length: 8 }, () => route(record()));
    expect(decisions.filter((d) => d.destinations.length === 1)).toHaveLength(4);
    expect(decisions.filter((d) => d.sampledOut)).toHaveLength(4);
  });
});
