-- room_idle (read only): rooms whose last activity is at least `expire_after` ms old by the Redis clock; the
-- candidates for room_expire, which checks each again.
--
-- KEYS[1] {p}:rooms
-- ARGV[1] expire_after ms  ARGV[2] most codes to return
-- Returns {code...}, oldest first.
-- @include "includes/rooms.lua"

return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', room_now_ms() - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
