/**
 * OTLP/HTTP logs in protobuf (`application/x-protobuf`, the protocol's default encoding, sent by the
 * Node SDK's auto-configuration and by Python's exporters). The messages are decoded with protobufjs
 * from a descriptor of the OTLP logs schema (field numbers and types only, as in the specification's
 * `logs.proto`, `common.proto` and `resource.proto`) into the shape of the JSON encoding, so both
 * encodings share one mapping ({@link decodeOtlpLogs}).
 * @module
 */
import protobuf from 'protobufjs/light.js';

const kv = { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } };
const descriptor = {
  nested: {
    KeyValue: { fields: kv },
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            'stringValue',
            'boolValue',
            'intValue',
            'doubleValue',
            'arrayValue',
            'kvlistValue',
            'bytesValue',
          ],
        },
      },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
        kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    Resource: {
      fields: {
        attributes: { rule: 'repeated', type: 'KeyValue', id: 1 },
        droppedAttributesCount: { type: 'uint32', id: 2 },
      },
    },
    InstrumentationScope: {
      fields: {
        name: { type: 'string', id: 1 },
        version: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
        droppedAttributesCount: { type: 'uint32', id: 4 },
      },
    },
    LogRecord: {
      fields: {
        timeUnixNano: { type: 'fixed64', id: 1 },
        observedTimeUnixNano: { type: 'fixed64', id: 11 },
        // An enum on the wire is a varint: reading it as int32 keeps unknown values readable.
        severityNumber: { type: 'int32', id: 2 },
        severityText: { type: 'string', id: 3 },
        body: { type: 'AnyValue', id: 5 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 6 },
        droppedAttributesCount: { type: 'uint32', id: 7 },
        flags: { type: 'fixed32', id: 8 },
        traceId: { type: 'bytes', id: 9 },
        spanId: { type: 'bytes', id: 10 },
        eventName: { type: 'string', id: 12 },
      },
    },
    ScopeLogs: {
      fields: {
        scope: { type: 'InstrumentationScope', id: 1 },
        logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    ResourceLogs: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    ExportLogsServiceRequest: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
    ExportLogsPartialSuccess: {
      fields: { rejectedLogRecords: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
    },
    ExportLogsServiceResponse: { fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } } },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
const requestType = root.lookupType('ExportLogsServiceRequest');
const responseType = root.lookupType('ExportLogsServiceResponse');

/** Media type of the protobuf encoding. */
export const PROTOBUF_TYPE = 'application/x-protobuf';

/**
 * Decodes a protobuf `ExportLogsServiceRequest` into the JSON encoding's shape (64-bit integers as
 * decimal strings, bytes as base64), or undefined when the bytes are not one.
 */
export function decodeProtobufLogs(bytes: Uint8Array): unknown {
  try {
    const message = requestType.decode(bytes);
    return requestType.toObject(message, { longs: String, bytes: String, defaults: false });
  } catch {
    return undefined;
  }
}

/** Encodes an `ExportLogsServiceResponse`. */
export function encodeProtobufResponse(partialSuccess: {
  readonly rejectedLogRecords?: string;
  readonly errorMessage?: string;
}): Uint8Array {
  const message = responseType.fromObject({ partialSuccess });
  return responseType.encode(message).finish();
}
