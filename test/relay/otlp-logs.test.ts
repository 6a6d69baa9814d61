import { context, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { decodeOtlpLogs, idToHex } from '../../src/relay/otlp-logs.js';
import { startTestRelay, TOKEN, waitFor } from '../helpers/relay.js';

interface Delivered {
  level: string;
  message?: string;
  title?: string;
  fields: Record<string, unknown>;
  time: number;
}

describe('POST /v1/logs (OTLP/HTTP JSON)', () => {
  it('takes logs from the Node OpenTelemetry SDK exporter and delivers them with level, fields, service and trace ids', async () => {
    const { relay, collector } = await startTestRelay();
    const exporter = new OTLPLogExporter({
      url: `${relay.url}/v1/logs`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 10 })],
    });
    const logger = provider.getLogger('payments', '1.0.0');
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const ctx = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'card declined',
      attributes: { orderId: 42, retry: true },
      context: ctx,
    });
    logger.emit({ severityNumber: SeverityNumber.WARN2, body: { reason: 'slow', ms: 1200 } });
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'cache miss' });
    await provider.forceFlush();
    await provider.shutdown();

    await waitFor(() => collector.items().length === 3, 10_000, 'three log records');
    const items = collector.items() as Delivered[];
    const declined = items.find((i) => i.message === 'card declined')!;
    expect(declined.level).toBe('error');
    expect(declined.fields).toMatchObject({
      orderId: 42,
      retry: true,
      service: 'checkout',
      'otel.scope': 'payments',
      trace_id: traceId,
      span_id: spanId,
      trace_flags: '01',
    });
    expect(Math.abs(declined.time - Date.now())).toBeLessThan(60_000);
    const slow = items.find((i) => i.level === 'warn')!;
    expect(JSON.parse(slow.message!)).toEqual({ reason: 'slow', ms: 1200 });
    expect(slow.fields['body']).toEqual({ reason: 'slow', ms: 1200 });
    expect(items.find((i) => i.message === 'cache miss')!.level).toBe('debug');
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toContain('offpath_ingest_events_total{endpoint="/v1/logs",outcome="accepted"} 3');
  });

  it('answers partial success for refused records, 400 for undecodable bodies, 415 for other types', async () => {
    const { collector, post } = await startTestRelay();
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'py-worker' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                  severityNumber: 'SEVERITY_NUMBER_FATAL',
                  body: { stringValue: 'disk full' },
                  // base64 ids, as protobuf's generic JSON mapping writes them
                  traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'),
                  spanId: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'),
                  attributes: [
                    { key: 'n', value: { intValue: '7' } },
                    {
                      key: 'tags',
                      value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: false }] } },
                    },
                    {
                      key: 'kv',
                      value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } },
                    },
                  ],
                },
                'not a record',
              ],
            },
          ],
        },
      ],
    };
    const res = await post('/v1/logs', JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: { rejectedLogRecords: '1', errorMessage: 'record 1: a log record must be an object' },
    });
    await waitFor(() => collector.items().length === 1);
    const [item] = collector.items() as Delivered[];
    expect(item!.level).toBe('critical');
    expect(item!.fields).toMatchObject({
      service: 'py-worker',
      n: 7,
      tags: ['a', false],
      kv: { x: 1.5 },
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
    });
    expect((await post('/v1/logs', '{"resourceLogs": [')).status).toBe(400);
    expect((await post('/v1/logs', '{"resourceLogs": {}}')).status).toBe(400);
    expect((await post('/v1/logs', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const empty = await post('/v1/logs', '{}');
    expect(await empty.json()).toEqual({ partialSuccess: {} });
  });

  it('keeps hex ids, decodes base64 ids and rejects ids of the wrong size', () => {
    expect(idToHex('0AF7651916CD43DD8448EB211C80319C', 16)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(idToHex('t61rcWkgMzE=', 8)).toBe('b7ad6b7169203331');
    expect(idToHex('abcd', 8)).toBeUndefined();
    const decoded = decodeOtlpLogs({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' }, traceId: 'zz' }] }] }],
    });
    expect(decoded.ok && decoded.warnings).toEqual([
      'record 0: trace_id is not 16 bytes of hex or base64; dropped',
    ]);
  });
});

describe('POST /v1/logs (OTLP/HTTP protobuf)', () => {
  it('takes protobuf from the Node OpenTelemetry proto exporter, the encoding SDKs default to', async () => {
    const { OTLPLogExporter: ProtoExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
    const { relay, collector } = await startTestRelay();
    const exporter = new ProtoExporter({
      url: `${relay.url}/v1/logs`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'billing' }),
      processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 10 })],
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const ctx = trace.setSpanContext(context.active(), {
      traceId,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    provider.getLogger('jobs').emit({
      severityNumber: SeverityNumber.WARN,
      body: 'retrying invoice',
      attributes: { attempt: 3, big: 2 ** 40 },
      context: ctx,
    });
    await provider.forceFlush();
    await provider.shutdown();
    await waitFor(() => collector.items().length === 1, 10_000, 'the protobuf record');
    const [item] = collector.items() as Delivered[];
    expect(item!.level).toBe('warn');
    expect(item!.message).toBe('retrying invoice');
    expect(item!.fields).toMatchObject({
      service: 'billing',
      attempt: 3,
      big: 2 ** 40,
      trace_id: traceId,
      span_id: '00f067aa0ba902b7',
    });
  });

  it('answers 400 to bytes that are not a protobuf request', async () => {
    const { post } = await startTestRelay();
    const res = await post('/v1/logs', new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect(res.status).toBe(400);
  });
});
