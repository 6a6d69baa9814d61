/**
 * offpath: capture HTTP traffic and logs and deliver them off the request path.
 * The main entry point: the instance, its sinks and sources, the errors and the seam types. The
 * resilience kit used on its own (`RetryPolicy`, `CircuitBreaker`, `RateLimiter`, `MetricsCollector`…)
 * is `offpath/resilience`; the gateway is `offpath/gateway`; the relay is `offpath/relay`.
 * Every public name of the main entry point is listed here.
 * @module
 */
export type { OffpathConfig, RouteConfig, ValidConfig } from './config/config-schema.js';
export { CONFIG_FILE_NAMES, findConfigFile, loadConfigFile } from './config/load-config-file.js';
export { validateConfig } from './config/validate-config.js';
export type {
  BodyRecord,
  DigestInfo,
  ErrorInput,
  ErrorRecord,
  EventKind,
  EventRecord,
  HeaderList,
  HeadersInput,
  HttpExchangeInput,
  HttpRecord,
  JsonValue,
  OffpathEvent,
  RecordOrigin,
} from './core/event.js';
export type { Level } from './core/level.js';
export { isLevel, LEVELS, levelRank } from './core/level.js';
export type { NormalizeLimits } from './core/normalize/limits.js';
export { DEFAULT_LIMITS } from './core/normalize/limits.js';
export type { NormalizeMeta } from './core/normalize/normalize-event.js';
export { normalizeEvent } from './core/normalize/normalize-event.js';
export type { RequestContext, RequestContextFields } from './core/request-context.js';
export { currentRequestContext, runWithRequestContext } from './core/request-context.js';
export type {
  OutgoingMessage,
  ProbeOutcome,
  ProbeStatus,
  RateInfo,
  RateLimitSpec,
  SendContext,
  SendResult,
  Sink,
} from './core/sink.js';
export type { EmitFn, Source } from './core/source.js';
export { isSuppressed, runSuppressed } from './core/suppress.js';
export type { CurlOptions, CurlRequest } from './curl/to-curl.js';
export { toCurl } from './curl/to-curl.js';
export type {
  DeadLetter,
  DeadLetterFilter,
  DeadLetterQuery,
  DeadlineOptions,
  DestinationStats,
  FlushResult,
  Offpath,
  OffpathDependencies,
  OffpathHealth,
  OffpathStats,
  ReconfigureResult,
  ServiceEventName,
} from './instance/create-offpath.js';
export { createOffpath } from './instance/create-offpath.js';
export type { DeliveryTap } from './instance/delivery-tap.js';
export type { ReconfigurePlan } from './instance/plan-reconfigure.js';
export type { ProbeDestinationsOptions, ProbeResult } from './instance/probe-destinations.js';
export { probeDestinations } from './instance/probe-destinations.js';
export type { DestinationHealth, HealthState } from './pipeline/destination-health.js';
export type {
  CircuitStateName,
  FailureContext,
  FailurePhase,
  FailureReport,
  OffpathEvents,
  RefuseReason,
} from './pipeline/events.js';
export type { DeadLetterReason, DropReason, LedgerSnapshot } from './pipeline/ledger.js';
export { reconciles } from './pipeline/ledger.js';
export type { OverflowPolicy } from './pipeline/overflow.js';
export type { SelfStats } from './pipeline/self-monitor.js';
export type { RedactionOptions, Redactor } from './redact/redactor.js';
export { createRedactor } from './redact/redactor.js';
export type { Clock, TimerHandle } from './resilience/clock.js';
export type { ConfigIssue, OffpathErrorCode, OffpathErrorOptions } from './resilience/errors.js';
export {
  AuthenticationError,
  BadRequestError,
  CircuitOpenError,
  ConfigError,
  DestinationGoneError,
  formatConfigIssue,
  isOffpathError,
  NetworkError,
  OffpathError,
  RateLimitedError,
  ServerError,
  SinkFailedError,
  TimeoutError,
} from './resilience/errors.js';
export type { ConsoleSinkOptions } from './sinks/console/console-sink.js';
export { consoleSink } from './sinks/console/console-sink.js';
export type { DiscordPayload } from './sinks/discord/discord-format.js';
export type { DiscordSinkOptions } from './sinks/discord/discord-sink.js';
export { discordSink } from './sinks/discord/discord-sink.js';
export type { FileSinkOptions } from './sinks/file-sink.js';
export { fileSink } from './sinks/file-sink.js';
export type { HttpProbeOptions } from './sinks/http/http-probe.js';
export type { HttpPayload, HttpSinkOptions } from './sinks/http/http-sink.js';
export { httpSink } from './sinks/http/http-sink.js';
export type { MemoryResponder, MemorySink, MemorySinkOptions } from './sinks/memory-sink.js';
export { memorySink } from './sinks/memory-sink.js';
export type { SlackPayload } from './sinks/slack/slack-format.js';
export type { SlackSinkOptions } from './sinks/slack/slack-sink.js';
export { slackSink } from './sinks/slack/slack-sink.js';
export type { TelegramPayload } from './sinks/telegram/telegram-format.js';
export type { TelegramSinkOptions } from './sinks/telegram/telegram-sink.js';
export { telegramSink } from './sinks/telegram/telegram-sink.js';
export type { MessageTemplate, MessageTemplates } from './sinks/template/message-template.js';
export type { AxiosLike } from './sources/axios-source.js';
export { axiosSource } from './sources/axios-source.js';
export type { CaptureOptions } from './sources/capture-filter.js';
export type { HttpCaptureSource } from './sources/fetch-source.js';
export { fetchSource } from './sources/fetch-source.js';
export { httpSource } from './sources/http-source.js';
export { requestContextMixin } from './sources/loggers/pino-request-context.js';
export type { PinoSourceOptions } from './sources/loggers/pino-source.js';
export { pinoSource } from './sources/loggers/pino-source.js';
export type { ProcessHealthOptions } from './sources/process-health.js';
export { processHealth } from './sources/process-health.js';
export type { ReportOptions, TimeOptions } from './sources/report.js';
export { reportEvent, timeOperation } from './sources/report.js';
export type { ServerCaptureOptions } from './sources/server-source.js';
export { serverSource } from './sources/server-source.js';
export type { SpoolOptions, SpoolStats } from './spool/spool-options.js';
