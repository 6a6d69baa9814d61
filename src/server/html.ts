/**
 * HTML for server-rendered pages: escaping, and the page frame with its stylesheet. No template
 * engine: every dynamic value goes through {@link escapeHtml} (or {@link html}'s interpolation).
 * @module
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Markup that is already safe (built by {@link html}). */
export interface SafeHtml {
  readonly html: string;
}

/** A tagged template: interpolated values are escaped unless they are {@link SafeHtml} (or arrays of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return { html: out };
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && value !== null && 'html' in value) return (value as SafeHtml).html;
  return escapeHtml(value);
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#5b6570;--bg:#fff;--line:#d8dee4;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa4ae;--bg:#0d1117;--line:#30363d;--card:#161b22}}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:var(--fg);background:var(--bg)}
header{display:flex;align-items:center;gap:1rem;padding:.8rem 1.5rem;border-bottom:1px solid var(--line)}
header h1{font-size:1.1rem;margin:0}header .grow{flex:1}main{padding:1rem 1.5rem;max-width:1200px}
h2{font-size:1rem;margin:1.6rem 0 .5rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:.85rem}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;border:1px solid currentColor}
.healthy,.closed,.success{color:var(--ok)}.degraded,.rate-limited,.half-open{color:var(--warn)}
.open-circuit,.disabled,.open,.failure{color:var(--bad)}.muted{color:var(--muted)}
form.inline{display:inline}button{font:inherit;padding:.2rem .7rem;cursor:pointer}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:1rem;max-width:420px}
.notice{background:var(--card);border-left:3px solid var(--ok);padding:.5rem .8rem;margin:.8rem 0}
.error{border-left-color:var(--bad)}input,select{font:inherit;padding:.2rem .3rem}code{font-size:.85rem}
`;

/** A whole page. */
export function page(title: string, body: SafeHtml, options: { readonly script?: string } = {}): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${{ html: STYLE }}</style>
${options.script ? html`<script src="${options.script}" defer></script>` : ''}</head>
<body>${body}</body></html>`.html;
}
