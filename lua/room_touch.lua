-- room_touch: a member speaks. Speech is activity: the room's expiry clock restarts. Answers the members as they
-- are at this moment, so the speaker's utterance is fanned out to exactly this membership.
--
-- KEYS[1] {p}:room:<code>  KEYS[2] {p}:rooms
-- ARGV[1] code  ARGV[2] session_id (the speaker)
-- Returns {"NOT_FOUND"}, {"NOT_MEMBER"} (nothing changed) or {"TOUCHED", {member JSON...}}.
-- @include "includes/rooms.lua"

local room, rooms = KEYS[1], KEYS[2]
local code, sid = ARGV[1], ARGV[2]

if redis.call('EXISTS', room) == 0 then return { 'NOT_FOUND' } end
if redis.call('HEXISTS', room, 'm:' .. sid) == 0 then return { 'NOT_MEMBER' } end
redis.call('ZADD', rooms, room_now_ms(), code)
return { 'TOUCHED', room_member_list(room) }
