-- bench/wrk_bodies.lua: for wrk, POSTs the JSON bodies of the file named by
-- $BODIES (one body per line) in turn; each wrk thread starts elsewhere in it.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("next_body", threads * 7919)
end

function request()
  next_body = (next_body or 0) + 1
  local body = bodies[(next_body % #bodies) + 1]
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
