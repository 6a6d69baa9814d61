import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './typed-emitter.js';

type Events = { ping: { n: number }; pong: string };

describe('TypedEmitter', () => {
  it('delivers payloads in registration order until unsubscribed', () => {
    const events = new TypedEmitter<Events>();
    const seen: string[] = [];
    const offA = events.on('ping', ({ n }) => seen.push(`a${n}`));
    events.on('ping', ({ n }) => seen.push(`b${n}`));
    events.emit('ping', { n: 1 });
    offA();
    offA();
    events.emit('ping', { n: 2 });
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('reports whether anyone listens, per type', () => {
    const events = new TypedEmitter<Events>();
    expect(events.hasListeners('ping')).toBe(false);
    const off = events.on('ping', () => {});
    expect(events.hasListeners('ping')).toBe(true);
    expect(events.hasListeners('pong')).toBe(false);
    expect(events.listenerCount('ping')).toBe(1);
    off();
    expect(events.hasListeners('ping')).toBe(false);
  });

  it('once() fires a single time, even when the listener emits again', () => {
    const events = new TypedEmitter<Events>();
    const seen: string[] = [];
    events.once('pong', (s) => {
      seen.push(s);
      events.emit('pong', `${s}!`);
    });
    events.emit('pong', 'x');
    events.emit('pong', 'y');
    expect(seen).toEqual(['x']);
    expect(events.hasListeners('pong')).toBe(false);
  });

  it('a throwing listener reaches onListenerError and never the caller or later listeners', () => {
    const errors: Array<[unknown, string]> = [];
    const events = new TypedEmitter<Events>({ onListenerError: (error, type) => errors.push([error, type]) });
    const boom = new Error('boom');
    const seen: number[] = [];
    events.on('ping', () => {
      throw boom;
    });
    events.on('ping', ({ n }) => seen.push(n));
    expect(() => events.emit('ping', { n: 7 })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual([[boom, 'ping']]);
  });

  it('routes a rejected promise from a listener to onListenerError instead of an unhandled rejection', async () => {
    const errors: unknown[] = [];
    const events = new TypedEmitter<Events>({ onListenerError: (error) => errors.push(error) });
    const boom = new Error('async boom');
    events.on('pong', async () => {
      throw boom;
    });
    events.emit('pong', 'x');
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([boom]);
  });

  it('survives an error handler that throws, takes the handler alone, and works with no handler', () => {
    const events = new TypedEmitter<Events>({
      onListenerError: () => {
        throw new Error('handler broke');
      },
    });
    events.on('ping', () => {
      throw new Error('listener broke');
    });
    expect(() => events.emit('ping', { n: 1 })).not.toThrow();
    const seen: unknown[] = [];
    const shorthand = new TypedEmitter<Events>((error) => seen.push(error));
    shorthand.on('ping', () => {
      throw new Error('listener broke');
    });
    shorthand.emit('ping', { n: 1 });
    expect(seen).toHaveLength(1);
    const bare = new TypedEmitter<Events>();
    bare.on('ping', () => {
      throw new Error('listener broke');
    });
    expect(() => bare.emit('ping', { n: 1 })).not.toThrow();
  });

  it('a listener added during delivery waits for the next event', () => {
    const events = new TypedEmitter<Events>();
    const seen: string[] = [];
    events.on('pong', (s) => {
      seen.push(`first:${s}`);
      events.on('pong', (t) => seen.push(`late:${t}`));
    });
    events.emit('pong', '1');
    expect(seen).toEqual(['first:1']);
    events.removeAllListeners('pong');
    events.emit('pong', '2');
    expect(seen).toEqual(['first:1']);
  });
});
