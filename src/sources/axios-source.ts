/**
 * Captures an axios instance through its own interceptors (ejected on detach). Timing is kept in a
 * WeakMap keyed by the request config, never on the config itself, and every error is passed on
 * unchanged. axios exposes parsed bodies, so request and response excerpts are captured.
 * Attach either this or the node:http source to the same traffic, not both (it would be seen twice).
 * @module
 */
import { isSuppressed } from '../core/suppress.js';
import { CaptureFilter, type CaptureOptions } from './capture-filter.js';
import type { HttpCaptureSource } from './fetch-source.js';
import { tellFailure } from './guard-subscriber.js';
import { httpEvent, type TrackedRequest } from './http-event.js';

/** The parts of an axios instance this source uses (so axios stays an optional peer). */
export interface AxiosLike {
  // Parameters are typed loosely on purpose: any axios version's instance fits, and calls are typed below.
  readonly interceptors: {
    readonly request: { use(...args: never[]): number; eject(id: number): void };
    readonly response: { use(...args: never[]): number; eject(id: number): void };
  };
  getUri?(...args: never[]): string;
}

type UseRequest = (onFulfilled: (config: AxiosConfigLike) => AxiosConfigLike) => number;
type UseResponse = (
  onFulfilled: (response: AxiosResponseLike) => AxiosResponseLike,
  onRejected: (error: unknown) => unknown,
) => number;

interface AxiosConfigLike {
  readonly method?: string;
  readonly url?: string;
  readonly baseURL?: string;
  readonly headers?: unknown;
  readonly data?: unknown;
}

interface AxiosResponseLike {
  readonly status: number;
  readonly headers?: unknown;
  readonly data?: unknown;
  readonly config?: AxiosConfigLike;
}

/**
 * @example
 * import axios from 'axios';
 * offpath.attach(axiosSource(axios));            // the default instance
 * offpath.attach(axiosSource(myClient, { status: ['5xx'] }));
 */
export function axiosSource(instance: AxiosLike, options: CaptureOptions = {}): HttpCaptureSource {
  const filter = new CaptureFilter(options);
  const pending = new WeakMap<object, TrackedRequest>();
  let count = 0;
  return {
    name: 'axios',
    pendingCount: () => count,
    overflowCount: () => 0,
    attach(emit, report) {
      const fail = tellFailure([options.onError, report]);
      const finish = (
        config: AxiosConfigLike | undefined,
        outcome: Parameters<typeof httpEvent>[3],
      ): void => {
        try {
          const tracked = config && pending.get(config);
          if (!tracked || !config) return;
          pending.delete(config);
          count--;
          const event = httpEvent(filter, 'axios', tracked, outcome);
          if (event) emit(event);
        } catch (error) {
          fail(error);
        }
      };
      const useRequest = instance.interceptors.request.use.bind(
        instance.interceptors.request,
      ) as unknown as UseRequest;
      const useResponse = instance.interceptors.response.use.bind(
        instance.interceptors.response,
      ) as unknown as UseResponse;
      const getUri = instance.getUri?.bind(instance) as ((config: AxiosConfigLike) => string) | undefined;
      const requestId = useRequest((config) => {
        try {
          if (!isSuppressed()) {
            const method = (config.method ?? 'get').toUpperCase();
            const url = getUri ? getUri(config) : `${config.baseURL ?? ''}${config.url ?? ''}`;
            if (filter.wantsRequest(method, url)) {
              pending.set(config, {
                started: performance.now(),
                method,
                url,
                headers: () => plainHeaders(config.headers),
                body: config.data,
              });
              count++;
            }
          }
        } catch (error) {
          fail(error);
        }
        return config;
      });
      const responseId = useResponse(
        (response) => {
          finish(response.config, {
            status: response.status,
            headers: () => plainHeaders(response.headers),
            body: response.data,
          });
          return response;
        },
        (error: unknown) => {
          const e = error as {
            config?: AxiosConfigLike;
            response?: AxiosResponseLike;
            code?: unknown;
            message?: unknown;
          };
          const response = e.response;
          if (response)
            finish(e.config, {
              status: response.status,
              headers: () => plainHeaders(response.headers),
              body: response.data,
            });
          else {
            const code = typeof e.code === 'string' ? e.code : undefined;
            finish(e.config, {
              error: { ...(code ? { code } : {}), message: String(e.message ?? 'request failed') },
            });
          }
          return Promise.reject(error);
        },
      );
      return () => {
        instance.interceptors.request.eject(requestId);
        instance.interceptors.response.eject(responseId);
      };
    },
  };
}

/** AxiosHeaders → a plain object (toJSON), without touching the original. */
function plainHeaders(headers: unknown): Record<string, string> | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const toJSON = (headers as { toJSON?: () => unknown }).toJSON;
  const plain = typeof toJSON === 'function' ? toJSON.call(headers) : headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(plain as Record<string, unknown>))
    if (v !== undefined && v !== null && typeof v !== 'object') out[k] = String(v);
  return out;
}
