/**
 * An HTML page that shows payloads the way Discord, Telegram and Slack would, close enough to judge a
 * message design by eye (or by a screenshot in a browser). Used for `offpath preview --html` and to
 * check what the emulators received.
 * @module
 */

/** Payloads to show, per platform, as they were sent. */
export interface PreviewInput {
  readonly discord?: readonly unknown[];
  readonly telegram?: readonly unknown[];
  readonly slack?: readonly unknown[];
}

const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Minimal markdown as Discord and Slack render it: code fences, inline code, bold, italics. */
function markdown(text: string, bold: RegExp, languageTags = true): string {
  // Discord reads a word right after ``` as the language; Slack shows it as code.
  const parts = languageTags ? text.split(/```([a-z]*)\n?([\s\S]*?)```/g) : text.split(/```()([\s\S]*?)```/g);
  let html = '';
  for (let i = 0; i < parts.length; i++) {
    if (i % 3 === 0) {
      html += esc(parts[i]!)
        .replace(bold, '<b>$1</b>')
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\n/g, '<br>');
    } else if (i % 3 === 2) {
      html += `<pre>${esc(parts[i]!)}</pre>`;
    }
  }
  return html;
}

function discordMessage(payload: unknown): string {
  const p = payload as { embeds?: Array<Record<string, unknown>>; content?: string };
  const embeds = (p.embeds ?? []).map((e) => {
    const color = `#${Number(e['color'] ?? 0)
      .toString(16)
      .padStart(6, '0')}`;
    const fields = (
      (e['fields'] as Array<{ name: string; value: string; inline?: boolean }> | undefined) ?? []
    )
      .map(
        (f) =>
          `<div class="field${f.inline ? ' inline' : ''}"><div class="fname">${esc(f.name)}</div><div>${markdown(f.value, /\*\*(.+?)\*\*/g)}</div></div>`,
      )
      .join('');
    const footer = (e['footer'] as { text?: string } | undefined)?.text;
    return `<div class="embed" style="border-left-color:${color}">
      <div class="etitle">${esc(String(e['title'] ?? ''))}</div>
      <div class="edesc">${markdown(String(e['description'] ?? ''), /\*\*(.+?)\*\*/g)}</div>
      <div class="fields">${fields}</div>
      ${footer ? `<div class="efooter">${esc(footer)} • ${esc(String(e['timestamp'] ?? '').slice(11, 19))}</div>` : ''}
    </div>`;
  });
  return `<div class="dmsg"><div class="avatar"></div><div><div class="who">offpath <span class="bot">APP</span></div>${esc(p.content ?? '')}${embeds.join('')}</div></div>`;
}

function telegramMessage(payload: unknown): string {
  // Telegram HTML is already the markup to show; it was escaped when it was built.
  const text = String((payload as { text?: string }).text ?? '');
  return `<div class="tmsg">${text.replace(/\n/g, '<br>').replace(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g, (_m, code: string) => `<pre>${code.replace(/<br>/g, '\n')}</pre>`)}</div>`;
}

function slackMessage(payload: unknown): string {
  const blocks = ((payload as { blocks?: Array<Record<string, unknown>> }).blocks ?? []).map((b) => {
    switch (b['type']) {
      case 'header':
        return `<div class="sheader">${esc(String((b['text'] as { text?: string })?.text ?? ''))}</div>`;
      case 'section': {
        const text = (b['text'] as { text?: string } | undefined)?.text;
        const fields = ((b['fields'] as Array<{ text: string }> | undefined) ?? [])
          .map((f) => `<div class="sfield">${slackMrkdwn(f.text)}</div>`)
          .join('');
        return `<div class="ssection">${text ? slackMrkdwn(text) : ''}${fields ? `<div class="sfields">${fields}</div>` : ''}</div>`;
      }
      case 'context':
        return `<div class="scontext">${((b['elements'] as Array<{ text: string }>) ?? []).map((e) => slackMrkdwn(e.text.replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1'))).join(' ')}</div>`;
      case 'divider':
        return '<hr>';
      default:
        return '';
    }
  });
  return `<div class="smsg"><div class="avatar sq"></div><div><div class="who">offpath <span class="bot">APP</span></div>${blocks.join('')}</div></div>`;
}

/** Slack text arrives with &, <, > escaped: undo that for display, then render its markdown. */
function slackMrkdwn(text: string): string {
  const plain = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return markdown(plain, /\*(.+?)\*/g, false);
}

/** The whole preview page. */
export function previewHtml(input: PreviewInput): string {
  const column = (title: string, cls: string, body: string): string =>
    `<section class="${cls}"><h2>${title}</h2>${body}</section>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
  body{margin:0;display:flex;gap:16px;padding:16px;background:#e9e9ee;font:14px/1.4 -apple-system,Segoe UI,Helvetica,Arial,sans-serif}
  section{flex:1;min-width:0;border-radius:8px;padding:12px;overflow:hidden} h2{margin:0 0 10px;font-size:13px;text-transform:uppercase;letter-spacing:.05em;opacity:.7}
  pre{white-space:pre-wrap;word-break:break-all;font:12px/1.35 Menlo,Consolas,monospace;padding:8px;border-radius:4px;margin:6px 0;max-height:260px;overflow:hidden}
  code{font:12px Menlo,Consolas,monospace;padding:1px 3px;border-radius:3px}
  .avatar{width:36px;height:36px;border-radius:50%;background:#5865f2;flex:none;margin-right:10px}.avatar.sq{border-radius:6px;background:#4a154b}
  .who{font-weight:600;margin-bottom:4px}.bot{font-size:10px;background:#5865f2;color:#fff;border-radius:3px;padding:1px 4px;vertical-align:middle}
  .discord{background:#313338;color:#dbdee1}.discord pre,.discord code{background:#2b2d31;border:1px solid #1e1f22;color:#dbdee1}
  .dmsg{display:flex;margin-bottom:14px}.embed{background:#2b2d31;border-left:4px solid;border-radius:4px;padding:8px 12px;margin-top:6px;max-width:520px}
  .etitle{font-weight:700;color:#fff;margin-bottom:4px}.edesc{margin-bottom:6px}.fields{display:flex;flex-wrap:wrap;gap:6px 14px}.field{flex-basis:100%}.field.inline{flex-basis:30%}
  .fname{font-weight:700;color:#fff;font-size:13px}.efooter{font-size:12px;color:#949ba4;margin-top:8px}
  .telegram{background:#a5c48a url() repeat}.tmsg{background:#fff;border-radius:12px;padding:8px 11px;margin-bottom:10px;max-width:480px;box-shadow:0 1px 1px rgba(0,0,0,.15);color:#000}
  .telegram pre{background:#f0f4f8;color:#1d3a5a} .telegram code{background:#f0f4f8}
  .slack{background:#fff;color:#1d1c1d}.smsg{display:flex;margin-bottom:14px}.sheader{font-weight:900;font-size:17px;margin:4px 0}.ssection{margin:6px 0}
  .sfields{display:grid;grid-template-columns:1fr 1fr;gap:6px}.scontext{font-size:12px;color:#616061}.slack pre{background:#f8f8f8;border:1px solid #ddd}
  .slack code{background:#f8f8f8;border:1px solid #ddd;color:#e01e5a} hr{border:0;border-top:1px solid #ddd}
  </style></head><body>
  ${input.discord ? column('Discord', 'discord', input.discord.map(discordMessage).join('')) : ''}
  ${input.telegram ? column('Telegram', 'telegram', input.telegram.map(telegramMessage).join('')) : ''}
  ${input.slack ? column('Slack', 'slack', input.slack.map(slackMessage).join('')) : ''}
  </body></html>`;
}
