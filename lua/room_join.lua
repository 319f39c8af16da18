-- room_join: the caller becomes a member of an existing room (which counts as activity for expiry). The room it was
-- in before (if any) is left in the same call, exactly as room_leave would.
--
-- KEYS[1] {p}:room:<code>
-- KEYS[2] {p}:session:rooms
-- KEYS[3] {p}:rooms
-- KEYS[4] {p}:room:<previous code>  as the caller read it from KEYS[2] (any room key when ARGV[4] is "")
-- ARGV[1] code  ARGV[2] session_id  ARGV[3] member JSON (see includes/rooms.lua, without seq)
-- ARGV[4] previous code as read ("" = none)  ARGV[5] most members a room may have
-- Returns, checked in this order: {"NOT_FOUND"}, {"ALREADY_IN_ROOM"} (the caller is a member of this room),
-- {"RETRY"} (the session's room changed since the caller read it: read again), {"ROOM_FULL"}, or
-- {"JOINED", {member JSON...}, previous code, {remaining member JSON...}} as for room_create.
-- @include "includes/rooms.lua"

local room, index, rooms, previous_room = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local code, sid, member_json, previous, max_members = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])

if redis.call('EXISTS', room) == 0 then return { 'NOT_FOUND' } end
if redis.call('HEXISTS', room, 'm:' .. sid) == 1 then return { 'ALREADY_IN_ROOM' } end
if not room_index_matches(index, sid, previous) then return { 'RETRY' } end
if #room_member_list(room) >= max_members then return { 'ROOM_FULL' } end

local remaining = {}
if previous ~= '' and previous ~= code then remaining = room_remove(previous_room, index, rooms, previous, sid) end

room_add(room, index, code, sid, member_json)
redis.call('ZADD', rooms, room_now_ms(), code)
return { 'JOINED', room_member_list(room), previous, remaining }
