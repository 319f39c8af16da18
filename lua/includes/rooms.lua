-- Room state shared by the room_*.lua scripts.
--   {p}:room:<code>   HASH "id" (room_id), "created" (ms), "seq" (join counter) and one field "m:<session_id>" per
--                     member: JSON {session_id, display_name?, preferred_lang?, tgt_lang, raw_voice_preferences?,
--                     joined_at, seq}. The room exists exactly while this hash exists.
--   {p}:session:rooms HASH session_id -> room code: the one room a session is in.
--   {p}:rooms         ZSET room code scored by its last activity (ms, Redis clock): the expiry scan.
-- Times come from the Redis clock only, so instances with skewed clocks agree on when a room expires.

local function room_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The members' JSON texts, in join order.
local function room_member_list(room)
  local all = redis.call('HGETALL', room)
  local members = {}
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 'm:' then
      local ok, m = pcall(cjson.decode, all[i + 1])
      local seq = 0
      if ok and type(m) == 'table' then seq = tonumber(m.seq) or 0 end
      members[#members + 1] = { seq = seq, text = all[i + 1] }
    end
  end
  table.sort(members, function(a, b) return a.seq < b.seq end)
  local texts = {}
  for i, m in ipairs(members) do texts[i] = m.text end
  return texts
end

-- Takes session `sid` out of room `code` (hash `room`); deletes the room when nobody is left. Returns the members
-- who remain, in join order (empty when the room was deleted).
local function room_remove(room, index, rooms, code, sid)
  redis.call('HDEL', room, 'm:' .. sid)
  if redis.call('HGET', index, sid) == code then redis.call('HDEL', index, sid) end
  local members = room_member_list(room)
  if #members == 0 then
    redis.call('DEL', room)
    redis.call('ZREM', rooms, code)
  end
  return members
end

-- Adds the member described by `member_json` (without seq) to room `code` as session `sid`.
local function room_add(room, index, code, sid, member_json)
  local member = cjson.decode(member_json)
  member.seq = redis.call('HINCRBY', room, 'seq', 1)
  redis.call('HSET', room, 'm:' .. sid, cjson.encode(member))
  redis.call('HSET', index, sid, code)
end

-- The room the session was in when the caller looked (ARGV), compared with now: a mismatch means another change
-- raced the caller, whose KEYS then name the wrong previous room.
local function room_index_matches(index, sid, expected)
  local current = redis.call('HGET', index, sid)
  if not current then current = '' end
  return current == expected
end
