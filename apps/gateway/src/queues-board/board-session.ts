import { parseJsonObjectBody, queuesBoardSessionSchema } from '@switchyard/contracts';
import type { FastifyInstance } from 'fastify';
import type { AdminKey } from '../admin/admin-key';
import { sendHttpError } from '../errors/send-http-error';
import { BOARD_COOKIE, BOARD_PATH } from './board-access';

const SESSION_MS = 8 * 60 * 60 * 1000;

/** A form that trades the admin key for the session cookie: the key goes in a POST body, never in a URL. */
const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard queues: sign in</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:4rem auto">
<h1>Switchyard queues</h1>
<form id="login"><label>Admin key <input id="key" type="password" autocomplete="current-password" required style="width:100%"></label>
<p><button type="submit">Open the board</button></p><p id="problem" role="alert"></p></form>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('${BOARD_PATH}/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: document.getElementById('key').value }),
  });
  if (response.ok) { location.assign('${BOARD_PATH}'); return; }
  const body = await response.json().catch(() => ({}));
  document.getElementById('problem').textContent = body.error?.message ?? 'Refused (' + response.status + ')';
});
</script></body></html>`;

/**
 * `GET /admin/queues/session` (the sign-in form) and `POST` (key in the
 * body): a correct key gets an HttpOnly, SameSite=Strict cookie scoped to
 * the board, holding a signed expiry rather than the key.
 */
export function registerBoardSession(fastify: FastifyInstance, adminKey: AdminKey): void {
  fastify.get(`${BOARD_PATH}/session`, { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(LOGIN_PAGE));
  fastify.post(`${BOARD_PATH}/session`, { schema: { hide: true } }, async (request, reply) => {
    try {
      adminKey.check(parseJsonObjectBody(queuesBoardSessionSchema, request.body).key);
    } catch (error) {
      sendHttpError(reply, error);
      return reply;
    }
    const token = adminKey.sessionToken(Date.now() + SESSION_MS);
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${BOARD_COOKIE}=${token}; Path=${BOARD_PATH}; Max-Age=${SESSION_MS / 1000}; HttpOnly; SameSite=Strict${secure}`);
    return reply.code(204).send();
  });
}
