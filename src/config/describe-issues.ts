/**
 * Turns zod's issues into {@link ConfigIssue}s a person can act on. Where the schema gave no message
 * of its own, the message is built from the schema at the issue's path: what was expected, what was
 * found, and the setting or choice that was probably meant.
 * @module
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../resilience/errors.js';
import { closestMatch } from './closest-match.js';
import { choiceValues, describeExpected, describeValue } from './describe-expected.js';
import {
  alternatives,
  branchesWithSetting,
  type Schema,
  schemasAt,
  settingsAt,
  valueAt,
} from './schema-lookup.js';

/**
 * Pass as the parse's error map (`schema.safeParse(input, { error: () => DEFAULT_MESSAGE })`): issues
 * still carrying it had no message from the schema, so {@link describeIssues} writes one.
 */
export const DEFAULT_MESSAGE = '\u0000offpath:default-message';

type Issue = z.core.$ZodIssue;

/** Settings of an object listed in a hint when there are at most this many. */
const LISTED_SETTINGS = 12;

/** One {@link ConfigIssue} per problem, in zod's order (unknown keys give one each). */
export function describeIssues(root: Schema, issues: readonly Issue[], input: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) describeIssue(root, issue, [], input, out);
  return out;
}

/** A zod path as written in messages: `destinations[0].batch.maxSize`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function describeIssue(
  root: Schema,
  issue: Issue,
  prefix: readonly PropertyKey[],
  input: unknown,
  out: ConfigIssue[],
): void {
  const path = [...prefix, ...issue.path];
  const custom = issue.message === DEFAULT_MESSAGE ? undefined : issue.message;
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) out.push(unknownSetting(root, path, key, input));
      return;
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        out.push(expectedGot(root, path, input));
        return;
      }
      // Report inside the one form the value was meant to have, if only one fits its type.
      const fitting = issue.errors.filter((branch) => !isTypeMismatch(branch));
      if (fitting.length === 1) {
        for (const inner of fitting[0]!) describeIssue(root, inner, path, input, out);
        return;
      }
      out.push(expectedGot(root, path, input));
      return;
    }
    case 'invalid_type':
    case 'invalid_value':
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
      out.push(custom ? { path: formatPath(path), message: custom } : expectedGot(root, path, input));
      return;
    default: {
      // A check of the schema's own may carry its hint in `params` (see destination-schema.ts).
      const hint = issue.code === 'custom' ? issue.params?.['hint'] : undefined;
      out.push({
        path: formatPath(path),
        message: custom ?? 'is not valid',
        ...(typeof hint === 'string' ? { hint } : {}),
      });
    }
  }
}

/** A branch of a union that failed only because the value is of another type altogether. */
function isTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.every(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        issue.code === 'invalid_value' ||
        (issue.code === 'invalid_union' && 'discriminator' in issue)),
  );
}

function expectedGot(root: Schema, path: readonly PropertyKey[], input: unknown): ConfigIssue {
  const schemas = schemasAt(root, path, input);
  const expected = describeExpected(schemas);
  const found = valueAt(input, path);
  const where = formatPath(path);
  if (found === undefined) return { path: where, message: 'is required', hint: `add it: ${expected}` };
  const choices = schemas
    .flatMap((s) => alternatives(s))
    .flatMap((s) => choiceValues(s) ?? [])
    .filter((c): c is string => typeof c === 'string');
  const meant = typeof found === 'string' ? closestMatch(found, choices) : undefined;
  return {
    path: where,
    message: `expected ${expected}, got ${describeValue(found)}`,
    ...(meant ? { hint: `did you mean "${meant}"?` } : {}),
  };
}

function unknownSetting(
  root: Schema,
  path: readonly PropertyKey[],
  key: string,
  input: unknown,
): ConfigIssue {
  const where = formatPath([...path, key]);
  const known = settingsAt(root, path, input);
  const meant = closestMatch(key, known);
  if (meant) return { path: where, message: 'unknown setting', hint: `did you mean "${meant}"?` };
  const elsewhere = branchesWithSetting(root, path, key);
  if (elsewhere && elsewhere.values.length > 0) {
    return {
      path: where,
      message: 'unknown setting',
      hint: `only ${elsewhere.discriminator} ${elsewhere.values.join(', ')} has it`,
    };
  }
  const hint =
    known.length <= LISTED_SETTINGS ? `remove it; the settings here are ${known.join(', ')}` : 'remove it';
  return { path: where, message: 'unknown setting', hint };
}
