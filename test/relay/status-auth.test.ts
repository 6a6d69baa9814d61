import { describe, expect, it } from 'vitest';
import { startTestRelay, TOKEN } from '../helpers/relay.js';

describe('status page access', () => {
  it('refuses a replay posted without the page CSRF token, even with the session cookie', async () => {
    const { relay } = await startTestRelay();
    const login = await fetch(`${relay.url}/status/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${TOKEN}`,
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const forged = await fetch(`${relay.url}/status/replay`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=1',
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    const crossSite = await fetch(`${relay.url}/status/replay`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=1&csrf=whatever',
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    const page = await fetch(`${relay.url}/status`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('offpath relay');
  });

  it('sends a browser without a session to the login form and answers 401 to a wrong token', async () => {
    const { relay } = await startTestRelay();
    const res = await fetch(`${relay.url}/status`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/status/login');
    const wrong = await fetch(`${relay.url}/status/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=nope',
    });
    expect(wrong.status).toBe(401);
    const withBearer = await fetch(`${relay.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withBearer.status).toBe(200);
    expect(withBearer.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
