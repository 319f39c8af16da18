-- room_set_voice: a member says whether it wants another member's raw voice (WebRTC), stored on the *sender's*
-- participant as raw_voice_preferences[target] = receive. Entries about sessions that are no longer members are
-- dropped at the same time (so a preference about a non-member is not kept), which keeps the map bounded by the
-- room's size.
--
-- KEYS[1] {p}:room:<code>
-- ARGV[1] session_id (the sender)  ARGV[2] target session_id  ARGV[3] "1" receive | "0" do not receive
-- Returns {"NOT_FOUND"} (no such room, or the sender is not a member) or {"SET", {member JSON...}}.
-- @include "includes/rooms.lua"

local room = KEYS[1]
local sid, target, receive = ARGV[1], ARGV[2], ARGV[3] == '1'

local raw = redis.call('HGET', room, 'm:' .. sid)
if not raw then return { 'NOT_FOUND' } end
local member = cjson.decode(raw)
local kept = {}
local count = 0
if type(member.raw_voice_preferences) == 'table' then
  for other, value in pairs(member.raw_voice_preferences) do
    if other ~= target and redis.call('HEXISTS', room, 'm:' .. other) == 1 then
      kept[other] = value
      count = count + 1
    end
  end
end
if target ~= sid and redis.call('HEXISTS', room, 'm:' .. target) == 1 then
  kept[target] = receive
  count = count + 1
end
if count == 0 then member.raw_voice_preferences = nil else member.raw_voice_preferences = kept end
redis.call('HSET', room, 'm:' .. sid, cjson.encode(member))
return { 'SET', room_member_list(room) }
