/**
 * Which key, header and parameter names hold secrets. Names are compared after folding case and
 * separators, so `apiKey`, `api_key`, `API-KEY` and `x-api-key` are one name.
 * @module
 */

/** Folds case and separators: `X-Api_Key` → `xapikey`. */
export function foldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Fragments that make any name containing them sensitive. */
const CONTAINS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'authorization',
  'cookie',
  'session',
  'signature',
  'credential',
  'bearer',
  'jwt',
  'clientsecret',
  'webhookurl',
  'connectionstring',
  'creditcard',
  'cardnumber',
  'cvv',
  'iban',
  'ssn',
];

/** Names sensitive only when they are the whole name (too short to search inside others). */
const EXACT = new Set(['key', 'sig', 'pwd', 'pass', 'pin', 'otp', 'cvc', 'auth', 'xauth', 'dsn', 'apisig']);

/** Names sensitive only as URL query or form parameters (as JSON keys they are usually not secrets). */
const PARAMETER_ONLY = new Set(['code', 'state', 'nonce']);

/** Decides whether a name is sensitive, with user additions and exceptions. */
export class NameMatcher {
  readonly #extra: readonly string[];
  readonly #allowed: ReadonlySet<string>;
  readonly #cache = new Map<string, boolean>();

  constructor(extra: readonly string[] = [], allowed: readonly string[] = []) {
    this.#extra = extra.map(foldName).filter((n) => n !== '');
    this.#allowed = new Set(allowed.map(foldName));
  }

  /** True when values under this name must be hidden. */
  isSensitive(name: string, where: 'field' | 'parameter' | 'header'): boolean {
    const key = `${where}:${name}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const result = this.#decide(foldName(name), where);
    if (this.#cache.size < 10_000) this.#cache.set(key, result);
    return result;
  }

  #decide(folded: string, where: 'field' | 'parameter' | 'header'): boolean {
    if (folded === '' || this.#allowed.has(folded)) return false;
    if (EXACT.has(folded) || this.#extra.includes(folded)) return true;
    if (where !== 'field' && PARAMETER_ONLY.has(folded)) return true;
    // Counts such as `prompt_tokens` or `max_tokens` are usage numbers, not credentials.
    if (folded.endsWith('tokens')) return false;
    if (
      where === 'header' &&
      (folded === 'setcookie' || folded === 'xauthtoken' || folded === 'proxyauthorization')
    )
      return true;
    return (
      CONTAINS.some((fragment) => folded.includes(fragment)) ||
      this.#extra.some((fragment) => folded.includes(fragment))
    );
  }
}
