/**
 * How the pino transport (in its worker) learns whether a `pinoSource` listens on the main thread.
 * A BroadcastChannel cannot tell its sender whether anyone received a message, so the two sides talk
 * on a second channel beside the records' one: the source says `here` when it attaches and whenever
 * the transport asks `who`. The transport asks after its first record and, when nobody answers in
 * time, warns once: every record it sends is then lost.
 * @module
 */
import { BroadcastChannel } from 'node:worker_threads';

const WHO = 'offpath:who';
const HERE = 'offpath:here';

/** The presence channel of a records channel (never the records channel itself: no mixing). */
function presenceChannel(channel: string): BroadcastChannel {
  const presence = new BroadcastChannel(`${channel}\u0000offpath-presence`);
  // Neither side may keep a process (or pino's worker) alive for this.
  presence.unref();
  return presence;
}

/** Main-thread side: announces a listener on `channel` until the returned function is called. */
export function announcePresence(channel: string): () => void {
  const presence = presenceChannel(channel);
  presence.onmessage = (message: unknown) => {
    if ((message as { data?: unknown }).data === WHO) presence.postMessage(HERE);
  };
  presence.postMessage(HERE);
  return () => presence.close();
}

/** Worker side: what the transport tells the watcher. */
export interface ListenerWatch {
  /** A record was sent: the first one starts the check. */
  sent(): void;
  close(): void;
}

/**
 * Waits `checkMs` after the first record for a listener's answer; without one, calls `warn` once.
 * A listener that attaches later still says `here`, which ends the wait.
 */
export function watchForListener(channel: string, checkMs: number, warn: () => void): ListenerWatch {
  const presence = presenceChannel(channel);
  let heard = false;
  let timer: NodeJS.Timeout | undefined;
  presence.onmessage = (message: unknown) => {
    if ((message as { data?: unknown }).data !== HERE) return;
    heard = true;
    clearTimeout(timer);
  };
  return {
    sent() {
      if (heard || timer !== undefined) return;
      presence.postMessage(WHO);
      timer = setTimeout(() => {
        if (!heard) warn();
      }, checkMs);
      timer.unref();
    },
    close() {
      clearTimeout(timer);
      presence.close();
    },
  };
}
