/**
 * The emit journal of strict durable mode (`spool: { durable: 'sync' }`). `emit()` appends every
 * accepted event to it with a synchronous `write(2)` before it returns, so the event is in the
 * operating system when the caller gets `true`. It is not fsynced: it survives the process being
 * killed, not the machine losing power.
 *
 * The journal only bridges the write-behind window of the spool. Once the pipeline has routed an
 * entry and a spool commit has followed, the entry is covered: its durable copy is in SQLite, or it
 * already reached a terminal state. A checkpoint then lets recovery skip it, and covered segments are
 * truncated or deleted, so the journal stays about one segment long however long the process runs.
 * @module
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRecord } from '../core/event.js';
import { checkpointLine, entryLine, segmentFileName } from './journal-format.js';
import { markRunOpen } from './journal-runs.js';

/** What recovery found at start (see `recoverJournal`). */
export interface JournalRecovery {
  /** Entries of earlier runs not covered by a checkpoint, moved into the spool (reason `recovered`). */
  readonly recovered: number;
  /** Lines that could not be read (a write torn by a crash of the machine) and were skipped. */
  readonly unreadable: number;
  /** Segments left alone because the run that writes them is still alive. */
  readonly leftToRunning: number;
}

/** The emit-journal figures of `stats().spool`. */
export interface SyncJournalStats extends JournalRecovery {
  /** The directory of the journal. */
  readonly path: string;
  /** Entries written by this run. */
  readonly appended: number;
  /** Writes that failed (`emit()` refused those events, reason `journal_failed`). */
  readonly failed: number;
  /** Bytes of this run's segments on disk. */
  readonly bytes: number;
  readonly segments: number;
}

/** Settings of {@link SyncJournal}. */
export interface SyncJournalOptions {
  /** Epoch ms, part of the run's file names. */
  readonly startedAt: number;
  /** A segment that reaches this size is closed at the next checkpoint. @default 4_194_304 (4 MiB) */
  readonly rotateBytes?: number;
  /** What recovery found before this run started, reported in the stats. */
  readonly recovery?: JournalRecovery;
}

const DEFAULT_ROTATE_BYTES = 4 * 1024 * 1024;

/** Journals opened by this process, so that two instances started in the same millisecond differ. */
let instances = 0;

interface ClosedSegment {
  readonly path: string;
  readonly lastSeq: number;
  readonly bytes: number;
}

export class SyncJournal {
  readonly dir: string;
  /** The token in this run's file names. */
  readonly run: string;
  readonly #rotateBytes: number;
  readonly #recovery: JournalRecovery;
  #fd: number | undefined;
  #index = 0;
  #path = '';
  /** Bytes written to the current segment. */
  #bytes = 0;
  #closedSegments: ClosedSegment[] = [];
  /** Last sequence number handed out. */
  #seq = 0;
  /** Last sequence number the pipeline has routed. */
  #routed = 0;
  #checkpointed = 0;
  #appended = 0;
  #failed = 0;
  /** A write failed part-way: the next line starts on a fresh line so the fragment stays alone. */
  #torn = false;
  #onRouted: (() => void) | undefined;
  #flushRequested = false;

  /** Creates the directory and this run's first segment. Throws when the directory is unusable. */
  constructor(dir: string, options: SyncJournalOptions) {
    this.dir = dir;
    this.run = `${process.pid}-${Math.floor(options.startedAt)}-${++instances}`;
    this.#rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    this.#recovery = options.recovery ?? { recovered: 0, unreadable: 0, leftToRunning: 0 };
    mkdirSync(dir, { recursive: true });
    this.#openSegment();
    markRunOpen(this.run, true);
  }

  /** Called the first time an entry is routed after a checkpoint: a commit should follow soon. */
  onRouted(listener: () => void): void {
    this.#onRouted = listener;
  }

  /**
   * Writes one accepted event (already normalised and redacted) before returning. Returns its sequence
   * number, or undefined when the write failed. An event with no destination is numbered, not written.
   */
  append(acceptedAt: number, destinations: readonly string[], record: EventRecord): number | undefined {
    const seq = this.#seq + 1;
    if (destinations.length > 0) {
      if (!this.#write(entryLine(seq, acceptedAt, destinations, record))) {
        this.#failed++;
        return undefined;
      }
      this.#appended++;
    }
    this.#seq = seq;
    return seq;
  }

  /** The pipeline took entry `seq` off its intake; whatever it holds of it goes to the spool's hand-off now. */
  routed(seq: number): void {
    if (seq > this.#routed) this.#routed = seq;
    if (this.#flushRequested) return;
    this.#flushRequested = true;
    this.#onRouted?.();
  }

  /**
   * Called after a spool flush succeeded: everything routed before it is covered. Deletes covered
   * segments, empties the current one when it is all covered, and otherwise records a checkpoint
   * (rotating first when the segment is full).
   */
  checkpoint(): void {
    this.#flushRequested = false;
    const covered = this.#routed;
    if (covered <= this.#checkpointed || this.#fd === undefined) return;
    this.#checkpointed = covered;
    this.#closedSegments = this.#closedSegments.filter((s) => {
      if (s.lastSeq > covered) return true;
      removeFile(s.path);
      return false;
    });
    if (covered >= this.#seq) {
      if (this.#bytes > 0) this.#truncate();
      return;
    }
    if (this.#bytes >= this.#rotateBytes) this.#rotate();
    this.#write(checkpointLine(covered));
  }

  stats(): SyncJournalStats {
    let bytes = this.#bytes;
    for (const s of this.#closedSegments) bytes += s.bytes;
    return {
      ...this.#recovery,
      path: this.dir,
      appended: this.#appended,
      failed: this.#failed,
      bytes,
      segments: this.#closedSegments.length + (this.#fd === undefined ? 0 : 1),
    };
  }

  /**
   * Closes the files. When everything was covered (the spool was flushed after the last routing) they
   * are deleted; otherwise they stay for the next start to recover.
   */
  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#routed >= this.#seq && this.#checkpointed >= this.#routed) {
      for (const s of this.#closedSegments) removeFile(s.path);
      removeFile(this.#path);
      this.#closedSegments = [];
      this.#bytes = 0;
    }
    markRunOpen(this.run, false);
  }

  #openSegment(): void {
    this.#index++;
    this.#path = join(this.dir, segmentFileName(this.run, this.#index));
    this.#fd = openSync(this.#path, 'a');
    this.#bytes = 0;
  }

  #rotate(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#closedSegments.push({ path: this.#path, lastSeq: this.#seq, bytes: this.#bytes });
    this.#openSegment();
  }

  #truncate(): void {
    try {
      ftruncateSync(this.#fd!, 0);
      this.#bytes = 0;
    } catch {
      // The entries stay; recovery skips them thanks to the checkpoint that follows.
      this.#write(checkpointLine(this.#checkpointed));
    }
  }

  /** One line, written completely or reported as failed. */
  #write(line: string): boolean {
    if (this.#fd === undefined) return false;
    const buffer = Buffer.from(this.#torn ? `\n${line}` : line);
    let written = 0;
    try {
      // A regular file takes the whole buffer in one write(2); the loop covers a short write anyway.
      while (written < buffer.length) written += writeSync(this.#fd, buffer, written);
    } catch {
      this.#bytes += written;
      this.#torn = this.#torn || written > 0;
      return false;
    }
    this.#bytes += written;
    this.#torn = false;
    return true;
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or not ours to remove: recovery deals with what is left.
  }
}
