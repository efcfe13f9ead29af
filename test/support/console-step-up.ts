import assert from 'node:assert/strict';
import { HOTP, Secret } from 'otpauth';
import type { Services } from '../../src/app/services.js';
import { TOTP_ALGORITHM, TOTP_DIGITS, totpStepAt } from '../../src/methods/totp/totp-parameters.js';
import { postJson } from './json-client.js';
import type { FormClient } from './form-client.js';

/** Registers an authenticator app for `username` (before they sign in, so it counts for the console) and returns its secret. */
export async function registerTotp(services: Services, username: string): Promise<string> {
  const user = await services.users.get(username);
  const secret = new Secret({ size: 20 }).base32;
  await services.registrations.add(user.id, 'totp', { secret, lastStep: null, label: 'test app' }, services.clock.now());
  return secret;
}

/** The authenticator code for `secret` at `now`. */
export function totpCode(secret: string, now: number): string {
  return HOTP.generate({ secret: Secret.fromBase32(secret), algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: totpStepAt(now) });
}

/** Steps a console session up with its authenticator app (the clock must have moved one step since the last code). */
export async function stepUpWithTotp(baseUrl: string, cookie: string, secret: string, now: number): Promise<void> {
  const options = await fetch(`${baseUrl}/api/v1/session/step-up`, { headers: { cookie } });
  assert.equal(options.status, 200);
  const { methods } = (await options.json()) as { methods: Array<{ id: string; type: string }> };
  const totp = methods.find((m) => m.type === 'totp');
  assert.ok(totp, 'a TOTP method is offered');
  const verified = await postJson(baseUrl, '/api/v1/session/step-up/verify', { methodId: totp.id, code: totpCode(secret, now) }, { headers: { cookie } });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
}

/**
 * A console operator's browser: registers an authenticator app (before sign-in, so it counts), signs in through
 * the page, and steps up with the app's code — what every console page needs. Returns the app's secret.
 */
export async function signInToConsole(services: Services, baseUrl: string, client: FormClient, username: string, password: string): Promise<string> {
  const secret = await registerTotp(services, username);
  const signedIn = await client.signIn(username, password);
  assert.equal(signedIn.response.status, 303, `${username} signs in`);
  await stepUpWithTotp(baseUrl, client.sessionCookie(), secret, services.clock.now());
  return secret;
}
