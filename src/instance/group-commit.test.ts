import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  it('resolves a caller once its own events are routed, with one commit for all callers ready together', async () => {
    let accepted = 10;
    let routed = 0;
    let commits = 0;
    const persisted = groupCommit({
      accepted: () => accepted,
      routed: () => routed,
      commit: () => commits++,
    });
    const first = persisted();
    const second = persisted();
    accepted = 20; // events accepted after the two calls: neither waits for them
    let done = 0;
    void first.then(() => done++);
    void second.then(() => done++);
    await turn();
    await turn();
    expect(done).toBe(0);
    routed = 10;
    await turn();
    await turn();
    expect(done).toBe(2);
    expect(commits).toBe(1);
    const third = persisted(); // waits for 20
    routed = 15;
    await turn();
    let thirdDone = false;
    void third.then(() => {
      thirdDone = true;
    });
    await turn();
    expect(thirdDone).toBe(false);
    routed = 20;
    await third;
    expect(commits).toBe(2);
  });

  it('rejects the callers of a failed commit and keeps serving later ones', async () => {
    let fail = true;
    const persisted = groupCommit({
      accepted: () => 1,
      routed: () => 1,
      commit: () => {
        if (fail) throw new Error('disk full');
      },
    });
    await expect(persisted()).rejects.toThrow('disk full');
    fail = false;
    await expect(persisted()).resolves.toBeUndefined();
  });
});
