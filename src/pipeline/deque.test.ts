import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque } from './deque.js';

describe('Deque', () => {
  it('behaves like an array pushed at both ends and shifted, through growth and wrap-around', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('push', 'unshift', 'shift'), fc.integer())), (ops) => {
        const d = new Deque<number>(2);
        const model: number[] = [];
        for (const [op, value] of ops) {
          if (op === 'push') {
            d.push(value);
            model.push(value);
          } else if (op === 'unshift') {
            d.unshift(value);
            model.unshift(value);
          } else {
            expect(d.shift()).toBe(model.shift());
          }
          expect(d.size).toBe(model.length);
          expect(d.peek()).toBe(model[0]);
        }
        const rest: number[] = [];
        for (let v = d.shift(); v !== undefined; v = d.shift()) rest.push(v);
        expect(rest).toEqual(model);
      }),
    );
  });
});
