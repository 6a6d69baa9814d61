/**
 * The capture filter as configured: shared by the capture sources (`capture.fetch`, `capture.http`)
 * and the gateway's proxies (`proxies[].capture`).
 * @module
 */
import { z } from 'zod';
import { urlPatternProblem } from '../pipeline/router.js';

const positiveInt = z.number().int().positive();

/** A status class ('5xx') or an exact status code. */
export const statusClass = z.union([
  z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']),
  z.number().int().min(100).max(599),
]);

/** A string that `compile` accepts: the check runs the same code the instance runs later. */
export const compiling = (problem: (value: string) => string | undefined) =>
  z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      const found = problem(value);
      if (found) ctx.addIssue({ code: 'custom', message: found });
    });

/** A URL glob, or a regular expression written `/source/flags`, or a RegExp in code. */
export const pattern = z.union([compiling(urlPatternProblem), z.instanceof(RegExp)]);

const filterShape = {
  include: z.array(pattern).optional(),
  exclude: z.array(pattern).optional(),
  methods: z.array(z.string()).optional(),
  status: z.array(statusClass).optional(),
  networkErrors: z.boolean().optional(),
  slowMs: z.number().nonnegative().optional(),
  sampleRate: z.number().min(0).max(1).optional(),
  headers: z.boolean().optional(),
  captureBodies: z.boolean().optional(),
  maxBodyBytes: positiveInt.optional(),
};

/** What a capture source keeps. */
export const captureOptions = z.object({ ...filterShape, maxPending: positiveInt.optional() }).strict();

/** What a gateway proxy traces. */
export const exchangeCaptureOptions = z.object(filterShape).strict();
