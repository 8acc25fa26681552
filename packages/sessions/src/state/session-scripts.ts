/*
 * The Lua scripts of a session's turn order and cached window (keys:
 * `sessionKeys`). Tickets are handed out in arrival order (`next`); `served`
 * is the last ticket whose turn ended (written or failed); the ticket after
 * it runs (`running`, with a lease). A ticket that fails before its
 * predecessors end goes into `skipped`, and `served` steps over it later.
 */

/** Moves `served` over tickets that already ended out of order. */
const ABSORB_SKIPPED = `
local served = tonumber(redis.call('HGET', KEYS[1], 'served'))
while redis.call('SREM', skippedKey, served + 1) == 1 do served = served + 1 end
redis.call('HSET', KEYS[1], 'served', served)
`;

/**
 * Gateway, one per message. KEYS: state, skipped. ARGV: tenant, wait (1/0),
 * now (ms), lease (ms). Returns {'miss'} (not cached), {'gone'} (not this
 * tenant's), {'ended', status}, {'busy'} or {'ok', ticket, model}.
 */
export const ENTER_SCRIPT = `
local skippedKey = KEYS[2]
if redis.call('EXISTS', KEYS[1]) == 0 then return {'miss'} end
local s = redis.call('HMGET', KEYS[1], 'tenant', 'status', 'last', 'ttl', 'next', 'served', 'head', 'model')
if s[1] ~= ARGV[1] then return {'gone'} end
local now = tonumber(ARGV[3])
if s[2] ~= 'active' then return {'ended', s[2]} end
if tonumber(s[3]) + tonumber(s[4]) <= now then return {'ended', 'expired'} end
${ABSORB_SKIPPED}
local nextTicket = tonumber(s[5])
if nextTicket > served and tonumber(s[7]) + tonumber(ARGV[4]) < now then
  -- Turns holding the session past their lease (a caller that died before its job was queued): given up.
  served = nextTicket
  redis.call('HSET', KEYS[1], 'served', served, 'running', '', 'head', now)
end
if ARGV[2] == '0' and nextTicket > served then return {'busy'} end
nextTicket = redis.call('HINCRBY', KEYS[1], 'next', 1)
if nextTicket == served + 1 then redis.call('HSET', KEYS[1], 'head', now) end
return {'ok', nextTicket, s[8]}
`;

/**
 * Worker, when a turn's job starts. KEYS: state, turns, skipped. ARGV:
 * ticket, now, lease, and the ticket of the newest turn the worker holds
 * already (0: none). Returns {'miss'}, {'done'} (the ticket already ended),
 * {'wait'} or {'go', settings, windowStart, turns, from}: the window's turns
 * as one JSON array, only those after the known one (from = 'after') when the
 * window still holds it, else all of them (from = 'all').
 */
export const BEGIN_SCRIPT = `
local skippedKey = KEYS[3]
if redis.call('EXISTS', KEYS[1]) == 0 then return {'miss'} end
${ABSORB_SKIPPED}
local ticket = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
if served >= ticket then return {'done'} end
if served + 1 ~= ticket then
  local head = tonumber(redis.call('HGET', KEYS[1], 'head'))
  if head + tonumber(ARGV[3]) >= now then return {'wait'} end
  -- The turns ahead held the session past their lease: this one goes, and they are given up.
  redis.call('HSET', KEYS[1], 'served', ticket - 1)
end
redis.call('HSET', KEYS[1], 'running', ticket, 'head', now)
local s = redis.call('HMGET', KEYS[1], 'settings', 'start')
local known = tonumber(ARGV[4])
if known > 0 then
  -- The newest turns are at the tail: look back for the one the worker has.
  local size = redis.call('LLEN', KEYS[2])
  for back = 1, math.min(size, 8) do
    local t = cjson.decode(redis.call('LINDEX', KEYS[2], size - back)).ticket
    if t == known then
      local newer = back > 1 and redis.call('LRANGE', KEYS[2], size - back + 1, -1) or {}
      return {'go', s[1], s[2], '[' .. table.concat(newer, ',') .. ']', 'after'}
    end
    if t < known then break end
  end
end
-- One JSON array in one reply: a hundred turns cost one parse, not a hundred.
return {'go', s[1], s[2], '[' .. table.concat(redis.call('LRANGE', KEYS[2], 0, -1), ',') .. ']', 'all'}
`;

/**
 * Worker, once the turn is answered. KEYS: state, turns, skipped, the turn
 * stream. ARGV: ticket, the turn's JSON without its opening brace and turn
 * number, window start (-1: unchanged), now, kept past the idle TTL (ms),
 * session id, and optionally the caller's reply channel and message, which
 * is published once the turn is in. The turn gets the next turn number, joins the cached window
 * and goes on the stream PostgreSQL is written from, all at once; turns
 * before the new start leave the window, and the next ticket may go. A
 * ticket already served changes nothing (its job ran twice). Returns the
 * turn number (0: served already) and how many heard the reply (-1: none sent).
 */
export const COMMIT_SCRIPT = `
local skippedKey = KEYS[3]
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, -1} end
local ticket = tonumber(ARGV[1])
local served = tonumber(redis.call('HGET', KEYS[1], 'served'))
local start = tonumber(ARGV[3])
if start < 0 then start = tonumber(redis.call('HGET', KEYS[1], 'start')) end
local number = 0
if served < ticket then
  number = redis.call('HINCRBY', KEYS[1], 'turns', 1)
  local turn = '{"turn":' .. number .. ',' .. ARGV[2]
  redis.call('RPUSH', KEYS[2], turn)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', 1000000, '*', 's', ARGV[6], 't', turn, 'w', start)
  redis.call('HSET', KEYS[1], 'served', ticket)
end
while true do
  local first = redis.call('LINDEX', KEYS[2], 0)
  if not first or cjson.decode(first).ticket >= start then break end
  redis.call('LPOP', KEYS[2])
end
${ABSORB_SKIPPED}
redis.call('HSET', KEYS[1], 'start', start, 'running', '', 'head', ARGV[4], 'last', ARGV[4])
local keep = tonumber(redis.call('HGET', KEYS[1], 'ttl')) + tonumber(ARGV[5])
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('PEXPIRE', KEYS[2], keep)
local heard = -1
if ARGV[7] then heard = redis.call('PUBLISH', ARGV[7], ARGV[8]) end
return {number, heard}
`;

/**
 * Worker or gateway, when a turn ends without an answer. KEYS: state,
 * skipped. ARGV: ticket, now. The history is left as it was; the next
 * ticket may go.
 */
export const RELEASE_SCRIPT = `
local skippedKey = KEYS[2]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ticket = tonumber(ARGV[1])
local served = tonumber(redis.call('HGET', KEYS[1], 'served'))
if served + 1 == ticket then
  redis.call('HSET', KEYS[1], 'served', ticket)
elseif served < ticket then
  redis.call('SADD', skippedKey, ticket)
  redis.call('PEXPIRE', skippedKey, redis.call('PTTL', KEYS[1]))
end
${ABSORB_SKIPPED}
if redis.call('HGET', KEYS[1], 'running') == ARGV[1] then redis.call('HSET', KEYS[1], 'running', '', 'head', ARGV[2]) end
return 1
`;

/**
 * Rebuilds a session's cache from PostgreSQL, unless another process just
 * did. KEYS: state, turns. ARGV: keep (ms), then field/value pairs, '--',
 * then the window's turns as JSON.
 */
export const SEED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local i = 2
while ARGV[i] ~= '--' do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('DEL', KEYS[2])
for j = i + 1, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[j]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if #ARGV > i then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
return 1
`;
