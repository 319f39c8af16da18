-- Operator drains (lua/drain.lua, docs/api.md). "{p}:drain" holds "node:<id>" and "instance:<id>" -> ms since when.
-- A drained node takes no new job: its runtime status becomes 'draining', which selection (includes/select.lua),
-- the free set and backlog hand-offs already honour, while the jobs it holds finish normally. What the node itself
-- reported is kept in `rep` and comes back when the drain ends. A node is drained by its own entry or by the entry
-- of the instance its socket is connected to (the owner hash), so the drain reaches it wherever it is owned, and
-- heartbeats re-apply it (includes are expanded into heartbeat.lua and drain.lua).

-- 'node', 'instance' or nil.
local function drained_by(drain, owners, node)
  if redis.call('HEXISTS', drain, 'node:' .. node) == 1 then return 'node' end
  local owner = redis.call('HGET', owners, node)
  if owner and redis.call('HEXISTS', drain, 'instance:' .. owner) == 1 then return 'instance' end
  return nil
end

-- Makes the runtime record `state` agree with `by` (drained_by's answer).
local function apply_drain(state, by)
  if by ~= nil then
    if state.drain == nil then state.rep = state.st end
    state.st = 'draining'
    state.drain = by
  elseif state.drain ~= nil then
    state.st = state.rep or state.st
    state.drain = nil
    state.rep = nil
  end
end
