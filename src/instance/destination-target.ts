/**
 * Where a destination sends, in a form safe to print: hosts and public ids stay, tokens, webhook
 * secrets, user info and queries are masked. Used by `offpath check --probe`.
 * @module
 */
import { discordWebhookUrl } from '../sinks/discord/discord-send.js';
import { TELEGRAM_API_URL } from '../sinks/telegram/telegram-send.js';
import type { DestinationConfig } from './build-lane.js';

const MASK = '****';

/** A printable description of the destination's target; never contains a credential. */
export function destinationTarget(destination: DestinationConfig): string {
  switch (destination.type) {
    case 'discord': {
      // /api/v10/webhooks/{id}/{token}: the id is public, the token is the secret.
      const url = discordWebhookUrl(destination.url);
      return maskUrl(url.toString(), url.pathname.split('/').length - 2);
    }
    case 'telegram': {
      const api = new URL(destination.apiUrl ?? TELEGRAM_API_URL);
      const botId = destination.token.split(':')[0];
      return `${api.host} bot ${botId}:${MASK} chat ${destination.chatId}`;
    }
    case 'slack':
      return maskUrl(destination.url, 1);
    case 'http':
      // Collectors sometimes carry a key in the path: only the first segment is shown.
      return maskUrl(destination.url, 1);
    case 'console':
      return destination.stream ?? 'stderr';
    case 'file':
      return destination.path;
    case 'memory':
      return 'in process';
    case 'custom':
      return 'custom sink';
  }
}

/** `host/first/segments/****`: keeps `visibleSegments` path segments, masks the rest and any query. */
function maskUrl(input: string, visibleSegments: number): string {
  const url = new URL(input);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const shown = segments.slice(0, Math.max(0, visibleSegments));
  const hidden = segments.length > shown.length ? `/${MASK}` : '';
  const query = url.search === '' ? '' : `?${MASK}`;
  return `${url.host}${shown.map((s) => `/${s}`).join('')}${hidden}${query}`;
}
