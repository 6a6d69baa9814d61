import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCORD_LIMITS } from './options.js';
import { validateExecutePayload } from './validate.js';

const ctx = { limits: DEFAULT_DISCORD_LIMITS, unit: 'utf16' as const, strictUsernames: true, files: 0 };

function nested(payload: Record<string, unknown>, context = ctx) {
  const verdict = validateExecutePayload(payload, context);
  if (verdict.kind !== 'invalid') throw new Error(`expected invalid, got ${verdict.kind}`);
  return verdict.errors.toNested();
}

function paths(payload: Record<string, unknown>): string[] {
  const verdict = validateExecutePayload(payload, ctx);
  return verdict.kind === 'invalid' ? verdict.errors.paths() : [];
}

const s = (n: number, c = 'a') => c.repeat(n);
const maxLength = (n: number) => ({
  _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${n} or fewer in length.` }],
});

describe('validateExecutePayload', () => {
  it('rejects content over 2000 with the exact nested 50035 body', () => {
    expect(validateExecutePayload({ content: s(2000) }, ctx).kind).toBe('ok');
    expect(nested({ content: s(2001) })).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: { content: maxLength(2000) },
    });
  });

  it('puts field errors at their array path, like embeds.0.fields.1.value', () => {
    const body = nested({
      embeds: [
        {
          fields: [
            { name: 'a', value: 'b' },
            { name: 'n', value: s(1025) },
          ],
        },
      ],
    });
    expect(body.errors).toEqual({ embeds: { 0: { fields: { 1: { value: maxLength(1024) } } } } });
  });

  it.each([
    ['title', { title: s(257) }, 'embeds.0.title', 256],
    ['description', { description: s(4097) }, 'embeds.0.description', 4096],
    ['footer.text', { footer: { text: s(2049) } }, 'embeds.0.footer.text', 2048],
    ['author.name', { author: { name: s(257) } }, 'embeds.0.author.name', 256],
    ['field name', { fields: [{ name: s(257), value: 'v' }] }, 'embeds.0.fields.0.name', 256],
    [
      'fields count',
      { fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) },
      'embeds.0.fields',
      25,
    ],
  ])('limits embed %s', (_name, embed, path, limit) => {
    expect(paths({ embeds: [embed] })).toEqual([path]);
    const body = nested({ embeds: [embed] });
    const leaf = path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], body.errors);
    expect(leaf).toEqual(maxLength(limit));
  });

  it('accepts every embed field exactly at its limit', () => {
    const embed = {
      title: s(256),
      description: s(1000),
      fields: [{ name: s(256), value: s(1024) }],
      footer: { text: s(100) },
      author: { name: s(256) },
    };
    expect(validateExecutePayload({ embeds: [embed] }, ctx).kind).toBe('ok');
  });

  it('limits the number of embeds to 10', () => {
    expect(
      validateExecutePayload({ embeds: Array.from({ length: 10 }, () => ({ title: 't' })) }, ctx).kind,
    ).toBe('ok');
    expect(nested({ embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }).errors).toEqual({
      embeds: maxLength(10),
    });
  });

  it('rejects more than 6000 characters across all embeds with MAX_EMBED_SIZE_EXCEEDED', () => {
    const embeds = [{ description: s(4000) }, { description: s(2000), title: 'x' }];
    expect(nested({ embeds })).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: {
        embeds: {
          _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }],
        },
      },
    });
    expect(
      validateExecutePayload({ embeds: [{ description: s(4000) }, { description: s(2000) }] }, ctx).kind,
    ).toBe('ok');
  });

  it('requires field name and value, footer text and author name', () => {
    expect(paths({ embeds: [{ fields: [{}], footer: {}, author: {} }] })).toEqual([
      'embeds.0.footer.text',
      'embeds.0.author.name',
      'embeds.0.fields.0.name',
      'embeds.0.fields.0.value',
    ]);
  });

  it('checks usernames: length 1-80, "discord" and "clyde", "here"/"everyone", reserved characters', () => {
    expect(nested({ content: 'x', username: '' }).errors).toEqual({
      username: {
        _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 80 in length.' }],
      },
    });
    expect(paths({ content: 'x', username: s(81) })).toEqual(['username']);
    expect(validateExecutePayload({ content: 'x', username: s(80) }, ctx).kind).toBe('ok');
    expect(nested({ content: 'x', username: 'My Discord Bot' }).errors).toEqual({
      username: {
        _errors: [{ code: 'USERNAME_INVALID_CONTAINS', message: 'Username cannot contain "discord"' }],
      },
    });
    expect(nested({ content: 'x', username: 'Here' }).errors).toEqual({
      username: { _errors: [{ code: 'USERNAME_INVALID', message: 'Username cannot be "here"' }] },
    });
    expect(paths({ content: 'x', username: 'clyde' })).toEqual(['username']);
    expect(paths({ content: 'x', username: 'a:b' })).toEqual(['username']);
    expect(
      validateExecutePayload({ content: 'x', username: 'a:b' }, { ...ctx, strictUsernames: false }).kind,
    ).toBe('ok');
  });

  it('checks URLs, colors, thread_name, applied_tags, attachments and allowed_mentions', () => {
    expect(paths({ content: 'x', avatar_url: 'not a url' })).toEqual(['avatar_url']);
    expect(paths({ content: 'x', avatar_url: `https://e.x/${s(2040)}` })).toEqual(['avatar_url']);
    expect(paths({ embeds: [{ title: 't', color: 16_777_216 }] })).toEqual(['embeds.0.color']);
    expect(paths({ embeds: [{ title: 't', color: -1 }] })).toEqual(['embeds.0.color']);
    expect(validateExecutePayload({ embeds: [{ title: 't', color: 16_777_215 }] }, ctx).kind).toBe('ok');
    expect(paths({ content: 'x', thread_name: s(101) })).toEqual(['thread_name']);
    expect(paths({ content: 'x', applied_tags: ['1', '2', '3', '4', '5', '6'] })).toEqual(['applied_tags']);
    expect(paths({ content: 'x', attachments: Array.from({ length: 11 }, (_, i) => ({ id: i })) })).toEqual([
      'attachments',
    ]);
    const ids = Array.from({ length: 101 }, (_, i) => String(i));
    expect(paths({ content: 'x', allowed_mentions: { users: ids } })).toEqual(['allowed_mentions.users']);
    expect(paths({ content: 'x', allowed_mentions: { roles: ids } })).toEqual(['allowed_mentions.roles']);
    expect(paths({ content: 'x', allowed_mentions: { parse: ['users'], users: ['1'] } })).toEqual([
      'allowed_mentions',
    ]);
    expect(paths({ content: 'x', allowed_mentions: { parse: ['nobody'] } })).toEqual([
      'allowed_mentions.parse.0',
    ]);
  });

  it('answers "empty" only when nothing would be sent and the schema is valid', () => {
    expect(validateExecutePayload({}, ctx).kind).toBe('empty');
    expect(validateExecutePayload({ content: '   ', embeds: [] }, ctx).kind).toBe('empty');
    expect(validateExecutePayload({ content: '' }, { ...ctx, files: 1 }).kind).toBe('ok');
    expect(validateExecutePayload({ username: '' }, ctx).kind).toBe('invalid');
  });

  it('counts UTF-16 code units by default and code points on request', () => {
    const emoji = '😀'.repeat(1001); // 2002 code units, 1001 code points
    expect(validateExecutePayload({ content: emoji }, ctx).kind).toBe('invalid');
    expect(validateExecutePayload({ content: emoji }, { ...ctx, unit: 'codepoints' }).kind).toBe('ok');
  });

  it('rejects unknown flags and legacy fields with IS_COMPONENTS_V2', () => {
    expect(paths({ content: 'x', flags: 1 })).toEqual(['flags']);
    expect(validateExecutePayload({ content: 'x', flags: (1 << 2) | (1 << 12) }, ctx).kind).toBe('ok');
    expect(paths({ content: 'x', flags: 1 << 15, components: [{ type: 10 }] })).toEqual(['content']);
  });

  it('renders the old flat format with message lists at the leaves', () => {
    const verdict = validateExecutePayload({ content: s(2001), embeds: [{ description: s(4097) }] }, ctx);
    if (verdict.kind !== 'invalid') throw new Error('expected invalid');
    expect(verdict.errors.toFlat()).toEqual({
      content: ['Must be 2000 or fewer in length.'],
      embeds: { 0: { description: ['Must be 4096 or fewer in length.'] } },
    });
  });
});
