-- wrk script for bench/run's scale section: GET each path of a list file (first argument) in turn, from a
-- position in it (second argument), each of the run's threads (third argument: how many, default 1) from its
-- own stretch of the list, so that a run asks each path at most once unless it outlasts the list.
local paths = {}
local counter = 0
local started = 0

setup = function(thread)
  thread:set("thread_index", started)
  started = started + 1
end

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  local start = tonumber(args[2] or "0")
  local threads = tonumber(args[3] or "1")
  counter = (start + (thread_index or 0) * math.floor(#paths / threads)) % #paths
end

request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
