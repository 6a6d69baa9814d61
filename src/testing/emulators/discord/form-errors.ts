/**
 * Discord's "Invalid Form Body" (50035) errors, rendered in the v8+ nested format
 * (`errors.embeds.0.fields.1.value._errors[]`) or the old flat format seen on unversioned URLs
 * (`{"embeds": ["Embed size exceeds maximum size of 6000"]}`).
 * @module
 */

/** One field error: a machine code such as `BASE_TYPE_MAX_LENGTH` and Discord's message. */
export interface FieldError {
  readonly code: string;
  readonly message: string;
}

/** A path into the request body: object keys and array indexes. */
export type ErrorPath = ReadonlyArray<string | number>;

type Tree = { [key: string]: Tree | FieldError[] };

/** The key Discord uses for the list of errors at a node. */
const ERRORS = '_errors';

/** Collects every field error of one request, in the order found. */
export class FormErrors {
  readonly #entries: Array<{ path: ErrorPath; error: FieldError }> = [];

  /** Adds an error at `path` (`[]` for a request-level error). */
  add(path: ErrorPath, code: string, message: string): void {
    this.#entries.push({ path, error: { code, message } });
  }

  /** Number of errors collected. */
  get size(): number {
    return this.#entries.length;
  }

  /** Dotted paths of the errors (`embeds.0.fields.1.value`), for assertions and debugging. */
  paths(): string[] {
    return this.#entries.map((e) => e.path.join('.'));
  }

  /** The v8+ body: `{ message: 'Invalid Form Body', code: 50035, errors: { …: { _errors: [...] } } }`. */
  toNested(): { message: string; code: number; errors: Tree } {
    const errors: Tree = {};
    for (const { path, error } of this.#entries) {
      const parent = descend(errors, path);
      const existing = parent[ERRORS];
      const list = Array.isArray(existing) ? existing : [];
      list.push(error);
      parent[ERRORS] = list;
    }
    return { message: 'Invalid Form Body', code: 50035, errors };
  }

  /**
   * The old flat body: the same tree with arrays of messages at the leaves and request-level errors under
   * `_misc`. Only the observed shape (`{"embeds": ["…"]}`) is documented; deeper paths are our assumption.
   */
  toFlat(): Tree {
    const root: Tree = {};
    for (const { path, error } of this.#entries) {
      const parent = descend(root, path.slice(0, -1));
      const last = path.length === 0 ? '_misc' : String(path[path.length - 1]);
      const list = (Array.isArray(parent[last]) ? parent[last] : []) as unknown as string[];
      list.push(error.message);
      parent[last] = list as unknown as FieldError[];
    }
    return root;
  }
}

function descend(root: Tree, path: ErrorPath): Tree {
  let node = root;
  for (const part of path) {
    const key = String(part);
    const next = node[key];
    if (next === undefined || Array.isArray(next)) {
      const created: Tree = {};
      node[key] = created;
      node = created;
    } else node = next;
  }
  return node;
}
