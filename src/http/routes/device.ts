// The device verification page (RFC 8628 §3.3): enter the user code, log in, then approve or deny; and its QR code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type DeviceDeps,
  type DeviceLogin,
  decideDevice,
  deviceConfirmation,
  lookUpUserCode,
} from '../../authn/device.ts';
import { PATHS } from '../../config/endpoints.ts';
import { formatUserCode, normalizeUserCode } from '../../shared/user-code.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { sessionToken } from '../request.ts';

type Form = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const UNKNOWN = 'That code is not valid, has expired or was used already. Check the code on your device.';

export function deviceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const path = prefix + PATHS.device;
  const confirmPath = `${path}/confirm`;
  const device: DeviceDeps = {
    ...deps.authn,
    deviceCodes: deps.protocol.deviceCodes,
    findClient: (clientId) => deps.protocol.clients.find(clientId),
  };

  const entry = (reply: FastifyReply, userCode: string, error?: string, status = 200) =>
    renderPage(
      reply,
      'device',
      { title: 'Connect a device', assets, action: path, csrf: reply.generateCsrf(), userCode, error },
      status,
    );
  const throttled = (reply: FastifyReply, wait: number) => {
    const minutes = Math.ceil(wait / 60);
    const when = minutes === 1 ? 'a minute' : `${minutes} minutes`;
    reply.header('retry-after', String(wait));
    return entry(reply, '', `Too many wrong codes from here. Try again in ${when}.`, 429);
  };
  const confirmUrl = (userCode: string) => `${confirmPath}?${new URLSearchParams({ user_code: userCode })}`;

  // §3.3.1: verification_uri_complete fills the code in; the user still presses Continue, then confirms (§5.4).
  app.get(path, async (request, reply) => {
    const typed = text((request.query as Form)['user_code']);
    const code = normalizeUserCode(typed);
    return entry(reply, code === undefined ? '' : formatUserCode(code));
  });

  app.post(path, { preHandler: app.csrfProtection }, async (request, reply) => {
    const typed = text((request.body as Form | undefined)?.['user_code']);
    const found = await lookUpUserCode(typed, request.ip, device);
    if (found.kind === 'throttled') return throttled(reply, found.wait);
    if (found.kind === 'unknown') return entry(reply, '', UNKNOWN, 400);
    return reply.redirect(confirmUrl(found.pending.userCode), 303);
  });

  // As the authorization endpoint does: a client without policies keeps its authenticator's login URL.
  const toLogin = (reply: FastifyReply, login: DeviceLogin, userCode: string) => {
    const back = confirmUrl(userCode);
    // An implicit policy has one step of one authenticator: the client's.
    const authenticator = login.policy.steps[0]![0]!;
    return reply.redirect(
      login.policy.implicit && login.fresh
        ? deps.protocol.loginUrl(authenticator, back)
        : deps.protocol.continueUrl(login.policy.id, back, { fresh: login.fresh }),
      303,
    );
  };

  app.get(confirmPath, async (request: FastifyRequest, reply) => {
    const userCode = text((request.query as Form)['user_code']);
    const shown = await deviceConfirmation(
      { userCode, address: request.ip, sessionToken: sessionToken(request) },
      device,
    );
    if (shown.kind === 'throttled') return throttled(reply, shown.wait);
    if (shown.kind === 'unknown') return entry(reply, '', UNKNOWN, 400);
    if (shown.kind === 'login') return toLogin(reply, shown, userCode);
    return renderPage(reply, 'device-confirm', {
      title: 'Allow this device?',
      assets,
      action: confirmPath,
      csrf: reply.generateCsrf(),
      userCode: shown.pending.userCode,
      clientName: shown.pending.client.name,
      username: shown.username,
      scopes: shown.scopes,
    });
  });

  app.post(confirmPath, { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Form;
    const userCode = text(body['user_code']);
    const decided = await decideDevice(
      {
        userCode,
        address: request.ip,
        sessionToken: sessionToken(request),
        approve: body['decision'] === 'approve',
      },
      device,
    );
    if (decided.kind === 'throttled') return throttled(reply, decided.wait);
    if (decided.kind === 'unknown') return entry(reply, '', UNKNOWN, 400);
    if (decided.kind === 'login') return toLogin(reply, decided, userCode);
    const approved = decided.kind === 'approved';
    request.log.info({ event: `device_${decided.kind}` }, `device request ${decided.kind}`);
    return renderMessage(reply, assets, {
      title: approved ? 'Device connected' : 'Request denied',
      heading: approved ? 'Device connected' : 'Request denied',
      message: approved
        ? `${decided.clientName} can now use your account. You can close this page and go back to your device.`
        : `${decided.clientName} was not given access. You can close this page.`,
    });
  });

  // A QR code of verification_uri_complete, for a device that can show an image but not draw one. The code
  // is only reformatted, never looked up: the image says nothing about whether the code exists.
  app.get(`${path}/qr`, async (request, reply) => {
    const code = normalizeUserCode(text((request.query as Form)['user_code']));
    if (code === undefined)
      return renderMessage(
        reply,
        assets,
        {
          title: 'Error',
          heading: 'No QR code',
          message: 'user_code must be a code of 8 letters.',
          isError: true,
        },
        400,
      );
    const url = `${deps.endpoints.device}?${new URLSearchParams({ user_code: formatUserCode(code) })}`;
    const svg = await (await import('qrcode')).default.toString(url, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
    return reply.type('image/svg+xml').header('cache-control', 'no-store').send(svg);
  });
}
