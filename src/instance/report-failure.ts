/**
 * The one place offpath's own failures go. Whatever offpath cannot hand back as a value (a listener
 * that threw, a spool that cannot be opened, a failed flush, a source whose attach threw) reaches
 * `onError`, the instance's `error` event and, when `OFFPATH_DEBUG=1`, one line on stderr. Nothing
 * here ever throws: the host must never see these.
 * @module
 */
import type { FailureContext, FailureReport, OffpathEvents, ReportFailure } from '../pipeline/events.js';
import { isOffpathError } from '../resilience/errors.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';

/** What an instance's creator may give its reporter (part of `OffpathDependencies`). */
export interface FailureDependencies {
  /**
   * Receives offpath's own failures, those it cannot hand back as values (they never reach the
   * host); the `error` event sees the same ones. Phases: docs/RESILIENCE.md. @default ignore
   */
  readonly onError?: ((error: unknown, context: FailureContext) => void) | undefined;
  /** Where `OFFPATH_DEBUG` is read from, once, when the instance is created. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Writes one `OFFPATH_DEBUG=1` line (newline included). @default process.stderr.write */
  readonly writeDebug?: ((line: string) => void) | undefined;
}

/** The reporter, and the listener-error handler of the instance's emitter. */
export interface FailureReporter {
  readonly report: ReportFailure;
  /** For the emitter's `onListenerError`: a throwing `error` listener is not re-emitted as an `error`. */
  readonly listenerFailed: (error: unknown, type: string) => void;
  /**
   * The instance is built. Failures reported while it was being built (a spool that cannot be
   * opened) reach the `error` event in a microtask, so listeners subscribed right after
   * `createOffpath` returns hear them too.
   */
  readonly created: () => void;
}

/** Builds the reporter of one instance, whose stream is `events`. */
export function createFailureReporter(
  events: TypedEmitter<OffpathEvents>,
  deps: FailureDependencies,
): FailureReporter {
  const debug = debugWriter(deps.env ?? process.env, deps.writeDebug);
  let early: FailureReport[] | undefined = [];
  const emit = (report: FailureReport): void => {
    // The emitter never throws; a listener of `error` that throws comes back through
    // `listenerFailed` with type 'error', which does not emit again (no loop).
    if (events.hasListeners('error')) events.emit('error', report);
  };
  const tell = (error: unknown, context: FailureContext, event: boolean): void => {
    try {
      deps.onError?.(error, context);
    } catch {
      // A failing error hook has nowhere left to report to.
    }
    if (event && early) early.push({ error, ...context });
    else if (event) emit({ error, ...context });
    if (debug) {
      try {
        debug(debugLine(error, context));
      } catch {
        // stderr itself failed (closed pipe): nothing left to tell.
      }
    }
  };
  return {
    report: (error, context) => tell(error, context, true),
    listenerFailed: (error, type) => tell(error, { phase: 'listener' }, type !== 'error'),
    created: () => {
      const reports = early ?? [];
      early = undefined;
      if (reports.length > 0) queueMicrotask(() => reports.forEach(emit));
    },
  };
}

/**
 * The debug writer the environment asks for: `OFFPATH_DEBUG=1` writes to `write` (stderr by
 * default), anything else turns debugging off. Read once, when the instance is created.
 */
function debugWriter(
  env: Readonly<Record<string, string | undefined>>,
  write: ((line: string) => void) | undefined,
): ((line: string) => void) | undefined {
  if (env['OFFPATH_DEBUG'] !== '1') return undefined;
  return write ?? ((line) => void process.stderr.write(line));
}

/** `offpath: failure in spool (ops): ERR_X: message`, on one line. */
function debugLine(error: unknown, context: FailureContext): string {
  const where = context.destination === undefined ? '' : ` (${context.destination})`;
  return `offpath: failure in ${context.phase}${where}: ${describeError(error)}\n`;
}

function describeError(error: unknown): string {
  let text: string;
  if (isOffpathError(error)) text = `${error.code}: ${error.message}`;
  else if (error instanceof Error) text = `${error.name}: ${error.message}`;
  else text = String(error);
  return text.replace(/\s*\n\s*/g, ' ');
}
